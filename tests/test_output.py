"""The output folder: permissions of what is written, faults found before writing, one build at a time."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, write_catalog
from dutydocs import ProblemsError, load_catalog
from dutydocs.build import build
from dutydocs.bundle import BUNDLE_FOLDER
from dutydocs.cli import cli
from dutydocs.kinds import REGISTRY
from dutydocs.output import (
    INDEX_CSV,
    LOCK,
    MANIFEST,
    PDF_FOLDER,
    TMP_SUFFIX,
    atomic_write,
    locked,
    output_folders,
    preflight,
)
from dutydocs.resources import sample_catalog, templates_dir

NOTHING = "共 1 个问题，请逐条改正后再运行。未生成任何文件，输出文件夹保持原样。"
REDO = "请用 -o 换一个输出文件夹"


def tree(folder: Path) -> dict[str, object]:
    """Everything under `folder`, links and all: what must not change when a build refuses to start."""
    seen: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            seen[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            seen[rel] = "dir"
        else:
            seen[rel] = path.read_bytes()
    return seen


def run_build(catalog: Path, out: str | Path, *extra: str):
    return CliRunner().invoke(cli, ["build", str(catalog), "-o", str(out), "-j", "1", *extra])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- permissions


@pytest.fixture
def umask():
    """Set the process's umask for one test, and put it back."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield lambda value: os.umask(value)
    os.umask(previous)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_written_files_and_folders_get_the_users_usual_permissions(minimal, tmp_path, umask, mask):
    umask(mask)
    out = tmp_path / "out"
    build(load_catalog(minimal), out, jobs=2)  # documents written by the workers, the index by the build
    files = [p for p in out.rglob("*") if p.is_file() and p.name != LOCK]
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    assert len(files) == 6 + 3  # documents, the manifest, the two indexes
    assert {str(p.relative_to(out)): oct(mode(p)) for p in files} == {str(p.relative_to(out)): oct(0o666 & ~mask) for p in files}
    assert {str(p): oct(mode(p)) for p in folders} == {str(p): oct(0o777 & ~mask) for p in folders}
    # rewriting keeps to the umask too (atomic_write never makes a private 0600 file)
    atomic_write(out / INDEX_CSV, b"x")
    assert mode(out / INDEX_CSV) == 0o666 & ~mask


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_atomic_write_leaves_no_temporary_behind(tmp_path, umask):
    umask(0o077)
    atomic_write(tmp_path / "a" / "b.docx", b"data")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.docx"]
    assert mode(tmp_path / "a" / "b.docx") == 0o600  # a private umask is respected as well
    assert mode(tmp_path / "a") == 0o700


# ---------------------------------------------------------------- faults found before anything is written


def test_the_subfolders_checked_are_those_a_build_writes_to():
    folders = output_folders()
    assert [k.folder for k in REGISTRY] == folders[: len(REGISTRY)]
    assert BUNDLE_FOLDER in folders and PDF_FOLDER in folders
    assert f"{PDF_FOLDER}/{REGISTRY[1].folder}" in folders


def assert_refused(result, *lines: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "程序内部错误" not in result.output
    assert result.stderr.splitlines() == [*lines, NOTHING.replace("共 1 个", f"共 {len(lines)} 个")]


def test_empty_output_option_is_refused(minimal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    result = run_build(minimal, "")
    assert_refused(result, "（命令行） -o: 输出文件夹不能是空的。请在 -o 后面写一个文件夹，如 -o output。")
    assert tree(tmp_path) == before


def test_output_folder_that_is_a_file(minimal, tmp_path):
    target = tmp_path / "output"
    target.write_text("我的笔记", "utf-8")
    before = tree(tmp_path)
    result = run_build(minimal, target)
    assert_refused(result, f"{target}: 这是一个文件，不能用作输出文件夹。{REDO}，或把这个文件改名、移走。")
    assert tree(tmp_path) == before


def test_a_file_on_the_way_to_the_output_folder(minimal, tmp_path):
    (tmp_path / "笔记.txt").write_text("x", "utf-8")
    out = tmp_path / "笔记.txt" / "年度" / "output"
    before = tree(tmp_path)
    result = run_build(minimal, out)
    assert_refused(result, f"{tmp_path / '笔记.txt'}: 输出文件夹 {out} 要建在这里，但这是一个文件，不是文件夹。"
                           f"{REDO}，或把这个文件改名、移走。")
    assert tree(tmp_path) == before


def test_dangling_link_as_the_output_folder(minimal, tmp_path):
    out = tmp_path / "output"
    out.symlink_to(tmp_path / "已删除的共享盘")
    before = tree(tmp_path)
    result = run_build(minimal, out)
    gone = tmp_path / "已删除的共享盘"
    assert_refused(result, f"{out}: 输出文件夹是一个快捷方式（符号链接），它指向的 {gone} 不存在。"
                           f"请先建好 {gone}，或删除这个快捷方式，或{REDO}。")
    assert tree(tmp_path) == before
    assert not gone.exists()


def test_dangling_link_above_the_output_folder(minimal, tmp_path):
    (tmp_path / "共享盘").symlink_to(tmp_path / "没挂上")
    out = tmp_path / "共享盘" / "output"
    result = run_build(minimal, out)
    assert_refused(result, f"{tmp_path / '共享盘'}: 输出文件夹 {out} 要建在这里，但这是一个快捷方式（符号链接），"
                           f"它指向的 {tmp_path / '没挂上'} 不存在。请先建好它指向的文件夹，或{REDO}。")
    assert not (tmp_path / "没挂上").exists()


@pytest.fixture
def earlier(minimal, tmp_path):
    """An output folder holding an earlier build and a clerk's own file."""
    out = tmp_path / "out"
    build(load_catalog(minimal), out)
    (out / "说明.txt").write_text("我自己的文件", "utf-8")
    return out


def test_linked_subfolder_is_refused_and_nothing_is_written_outside(minimal, tmp_path, earlier):
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    (elsewhere / "重要.docx").write_bytes(b"not ours")
    shutil.rmtree(earlier / "责任书")
    (earlier / "责任书").symlink_to(elsewhere, target_is_directory=True)
    before = tree(tmp_path)
    result = run_build(minimal, earlier)
    assert_refused(result, f"{earlier / '责任书'}: 输出文件夹里的「责任书」是一个快捷方式（符号链接），指向 {elsewhere}。"
                           f"为免把文件写到输出文件夹之外，dutydocs 不使用它。请删除这个快捷方式（它指向的文件不受影响），或{REDO}。")
    assert tree(tmp_path) == before
    assert [p.name for p in elsewhere.iterdir()] == ["重要.docx"]


def test_linked_pdf_subfolder_is_refused(minimal, tmp_path, earlier):
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    (earlier / "PDF").mkdir()
    (earlier / "PDF" / "责任书").symlink_to(elsewhere, target_is_directory=True)
    result = run_build(minimal, earlier, "--pdf")
    assert_refused(result, f"{earlier / 'PDF/责任书'}: 输出文件夹里的「PDF/责任书」是一个快捷方式（符号链接），指向 {elsewhere}。"
                           f"为免把文件写到输出文件夹之外，dutydocs 不使用它。请删除这个快捷方式（它指向的文件不受影响），或{REDO}。")
    assert list(elsewhere.iterdir()) == []


def test_subfolder_that_is_a_file(minimal, tmp_path, earlier):
    shutil.rmtree(earlier / "纪实本")
    (earlier / "纪实本").write_text("不小心存成了文件", "utf-8")
    before = tree(tmp_path)
    result = run_build(minimal, earlier)
    assert_refused(result, f"{earlier / '纪实本'}: 这里应是存放文档的文件夹「纪实本」，现在却是一个文件。"
                           f"请把这个文件改名或移走，或{REDO}。")
    assert tree(tmp_path) == before


def test_document_or_index_that_is_a_folder_or_a_link(minimal, tmp_path, earlier):
    letter = sorted((earlier / "责任书").iterdir())[0]
    letter.unlink()
    letter.mkdir()
    (earlier / INDEX_CSV).unlink()
    (earlier / INDEX_CSV).symlink_to(tmp_path / "别处.csv")
    before = tree(tmp_path)
    result = run_build(minimal, earlier)
    rel = f"责任书/{letter.name}"
    assert_refused(result,
                   f"{earlier / INDEX_CSV}: 这是一个快捷方式（符号链接），指向 {tmp_path / '别处.csv'}。"
                   f"为免写到输出文件夹之外，dutydocs 不覆盖它。请删除这个快捷方式，或{REDO}。",
                   f"{letter}: dutydocs 要在这里写文件「{rel}」，现在却是一个文件夹。请把这个文件夹改名或移走，或{REDO}。")
    assert tree(tmp_path) == before


def test_folder_faults_and_template_faults_are_reported_together(minimal, tmp_path, earlier):
    (earlier / "合订本").write_text("x", "utf-8")
    result = run_build(minimal, earlier, "--templates", str(tmp_path / "没有"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{earlier / '合订本'}: 这里应是存放文档的文件夹「合订本」")
    assert lines[1].startswith(f"{tmp_path / '没有'} --templates: 找不到模板文件夹")


@pytest.fixture
def shared():
    """A folder anyone may enter (pytest's own are private to their owner), for a run as another user."""
    folder = Path(tempfile.mkdtemp(prefix="dutydocs-test-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def as_clerk(catalog: Path, out: Path) -> list[str]:
    """Build as an ordinary user and return the problems found. Root may write anywhere, so as root
    the build runs in a forked child that has become nobody (the interpreter and the project may be
    out of nobody's reach, so the catalogue is loaded first and the templates are copied beside it)."""
    loaded = load_catalog(catalog)
    templates = catalog.parent / "tpl"
    shutil.copytree(templates_dir(), templates, dirs_exist_ok=True)
    for path in [templates, *templates.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)

    def attempt() -> list[str]:
        try:
            build(loaded, out, templates=templates)
        except ProblemsError as exc:
            return [str(p) for p in exc.problems]
        return []

    if os.geteuid() != 0:
        return attempt()
    with tempfile.TemporaryDirectory() as scratch:  # the same build as root first: every lazy import done
        build(loaded, Path(scratch) / "out", templates=templates)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write, json.dumps(attempt()).encode("utf-8"))
            code = 0
        except BaseException as exc:
            os.write(write, repr(exc).encode("utf-8"))
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, data
    return json.loads(data)


def clerks_catalog(shared: Path) -> Path:
    catalog = write_catalog(shared / "cat", MINIMAL)
    for path in [catalog, *catalog.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return catalog


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_output_folder(shared):
    catalog = clerks_catalog(shared)
    out = shared / "out"
    out.mkdir()
    (out / "以前的.docx").write_bytes(b"earlier")
    out.chmod(0o555)
    before = tree(out)
    assert as_clerk(catalog, out) == [f"{out}: 输出文件夹不能写入（只读，或没有写权限）。请放开它的写权限，或{REDO}。"]
    assert tree(out) == before

    (shared / "ro").mkdir()
    (shared / "ro").chmod(0o555)
    assert as_clerk(catalog, shared / "ro" / "out") == [
        f"{shared / 'ro'}: 无法在这里新建输出文件夹 {shared / 'ro' / 'out'}：这个文件夹不能写入（只读，或没有写权限）。"
        f"{REDO}，或请有权限的同事先建好它。"]
    assert list((shared / "ro").iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_subfolder(shared):
    catalog = clerks_catalog(shared)
    out = shared / "out"
    (out / "责任书").mkdir(parents=True)
    out.chmod(0o777)
    (out / "责任书").chmod(0o555)
    assert as_clerk(catalog, out) == [
        f"{out / '责任书'}: 文件夹「责任书」不能写入（只读，或没有写权限）。请放开它的写权限，或{REDO}。"]
    assert sorted(p.name for p in out.iterdir()) == ["责任书"]


def test_preflight_of_a_new_folder_finds_nothing(tmp_path):
    assert preflight(tmp_path / "a" / "b", output_folders()) == []
    assert preflight(tmp_path, output_folders(), [LOCK, MANIFEST]) == []
    assert not (tmp_path / "a").exists()


# ---------------------------------------------------------------- one build at a time

HOLD = """
import sys, time
from pathlib import Path
from dutydocs.output import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(out: Path, seconds: float) -> subprocess.Popen:
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(out), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_build_waits_for_the_first(minimal, tmp_path):
    out = tmp_path / "out"
    holder = hold_lock(out, 1.5)
    start = time.monotonic()
    result = run_build(minimal, out)
    holder.wait()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start > 1.0
    assert result.stderr.splitlines()[0] == f"另一个 dutydocs 正在向 {out} 生成文档，等它完成后再开始……"
    assert "新写入 6 份" in result.stdout


def test_a_build_gives_up_when_the_other_does_not_finish(minimal, tmp_path, monkeypatch):
    import dutydocs.output

    monkeypatch.setattr(dutydocs.output, "LOCK_WAIT", 1.0)
    out = tmp_path / "out"
    holder = hold_lock(out, 30)
    try:
        result = run_build(minimal, out)
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"另一个 dutydocs 正在向 {out} 生成文档，等它完成后再开始……",
        f"{out}: 另一个 dutydocs 正在向这个文件夹生成文档，等了 1 秒仍未结束，这次没有生成。请等它完成后再运行，或用 -o 换一个输出文件夹。",
        NOTHING,
    ]
    assert sorted(p.name for p in out.iterdir()) == [LOCK]


def test_the_lock_of_a_killed_build_is_free(minimal, tmp_path):
    out = tmp_path / "out"
    holder = hold_lock(out, 30)
    holder.kill()
    holder.wait()
    with locked(out, wait=0):
        pass


def test_lock_timeout_through_the_library(minimal, tmp_path):
    out = tmp_path / "out"
    holder = hold_lock(out, 30)
    waited = []
    try:
        with pytest.raises(ProblemsError) as info:
            build(load_catalog(minimal), out, waiting=waited.append, wait_seconds=0.2)
    finally:
        holder.kill()
        holder.wait()
    assert waited == [out]
    assert "另一个 dutydocs 正在向这个文件夹生成文档" in info.value.problems[0].message


def test_concurrent_builds_into_one_folder_all_succeed(tmp_path):
    """Before the lock, 3 of 10 such builds crashed: one deleted the other's temporary files."""
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    procs = [subprocess.Popen([sys.executable, "-m", "dutydocs", "build", str(sample_catalog()), "-o", str(out),
                               "-j", str(1 + i % 2)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for i in range(8)]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    assert [r[0] for r in results] == [0] * 8, [r[2] for r in results if r[0]]
    assert all("Traceback" not in r[2] and "程序内部错误" not in r[2] for r in results)
    # one build wrote, the others found everything up to date
    assert sum("新写入 0 份" in r[1] for r in results) >= 7
    # the folder is complete and valid
    docs = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.suffix in (".docx", ".xlsx") and p.parent != out)
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))["documents"]
    assert sorted(manifest) == docs
    index = (out / INDEX_CSV).read_text("utf-8-sig").splitlines()
    assert sorted(line.split(",")[2] for line in index[1:]) == docs
    assert len(list(out.glob("责任书/*.docx"))) == len(load_catalog(sample_catalog()).org.pairs)
    for path in out.rglob("*.docx"):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
    assert not list(out.rglob(f"*{TMP_SUFFIX}"))


def test_the_lock_can_be_held_past_the_build_for_bundles_and_pdfs(minimal, tmp_path):
    import contextlib

    out = tmp_path / "out"
    with contextlib.ExitStack() as hold:
        build(load_catalog(minimal), out, hold=hold)
        with pytest.raises(ProblemsError), locked(out, wait=0):  # still ours: another build would wait
            pass
    with locked(out, wait=0):  # released with the stack
        pass
