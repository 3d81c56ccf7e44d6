"""Building into an output folder: incremental, safe with hand edits, parallel, interruptible."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from conftest import MINIMAL, write_catalog
from dutydocs import ProblemsError, load_catalog
from dutydocs.build import build
from dutydocs.output import MANIFEST, TMP_SUFFIX, doc_path, inside, safe_part
from dutydocs.resources import sample_catalog
from dutydocs.scaling import scale


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in skip}


def test_second_build_rewrites_nothing_and_force_rewrites_all(minimal, tmp_path):
    loaded = load_catalog(minimal)
    out = tmp_path / "out"
    first = build(loaded, out)
    assert first.status["written"] == 6
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")}
    second = build(loaded, out)
    assert second.status == {"unchanged": 6}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.docx")} == stamps
    third = build(loaded, out, force=True)
    assert third.status["written"] == 6 or third.status["unchanged"] == 6
    assert (out / MANIFEST).is_file()


def test_changed_catalogue_rewrites_only_what_changed(minimal, tmp_path):
    out = tmp_path / "out"
    build(load_catalog(minimal), out)
    text = (minimal / "catalog.yaml").read_text("utf-8").replace("抓好本处室党风廉政建设。", "抓好本处室党风廉政建设，每月自查。")
    (minimal / "catalog.yaml").write_text(text, "utf-8")
    report = build(load_catalog(minimal), out)
    # the list and 李四's letter and book change; the others do not
    assert report.status["written"] == 3 and report.status["unchanged"] == 3


def test_hand_edited_document_is_kept_unless_forced(minimal, tmp_path):
    loaded = load_catalog(minimal)
    out = tmp_path / "out"
    build(loaded, out)
    letter = next(out.glob("责任书/*.docx"))
    doc = Document(letter)
    doc.add_paragraph("手工补充的一段")
    doc.save(letter)
    edited = letter.read_bytes()
    report = build(loaded, out)
    assert report.kept == [str(letter.relative_to(out))]
    assert letter.read_bytes() == edited
    assert report.status["unchanged"] == 5
    forced = build(loaded, out, force=True)
    assert forced.kept == []
    assert letter.read_bytes() != edited


def test_parallel_build_is_identical_to_serial(minimal, tmp_path):
    loaded = load_catalog(minimal)
    build(loaded, tmp_path / "a", jobs=1)
    build(loaded, tmp_path / "b", jobs=2)
    # the manifest differs only in file times; every document and the index are identical
    assert snapshot(tmp_path / "a", (MANIFEST,)) == snapshot(tmp_path / "b", (MANIFEST,))


def test_bad_input_leaves_output_exactly_as_it_was(minimal, tmp_path):
    out = tmp_path / "out"
    build(load_catalog(minimal), out)
    before = snapshot(out)
    text = (minimal / "catalog.yaml").read_text("utf-8").replace("rank: 正处级", "rank: 正处")
    (minimal / "catalog.yaml").write_text(text, "utf-8")
    with pytest.raises(ProblemsError):
        build(load_catalog(minimal), out)
    assert snapshot(out) == before


def test_broken_template_leaves_output_exactly_as_it_was(minimal, tmp_path):
    out = tmp_path / "out"
    loaded = load_catalog(minimal)
    build(loaded, out)
    before = snapshot(out)
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    doc = Document()
    doc.add_paragraph("{{ nosuchvariable }}")
    doc.save(tpl / "廉政责任书.docx")
    with pytest.raises(ProblemsError) as info:
        build(loaded, out, templates=tpl)
    assert info.value.problems[0].file.endswith("廉政责任书.docx")
    assert snapshot(out) == before


def test_hostile_names_print_as_written_and_files_stay_inside(tmp_path):
    # names as quoted YAML strings, carrying every character as is
    text = MINIMAL.replace("name: 张三,", "name: '../../x&<y>',").replace("superior: 张三", "superior: '../../x&<y>'")
    text = text.replace("name: 王五,", "name: CON,").replace("head: 李四", "head: 'a/b \"{{ z }}\" {% if %}\u202e'")
    text = text.replace("name: 李四,", "name: 'a/b \"{{ z }}\" {% if %}\u202e',")
    folder = write_catalog(tmp_path / "c", text)
    loaded = load_catalog(folder)
    out = tmp_path / "out"
    report = build(loaded, out)
    files = [p for p in tmp_path.rglob("*.docx")]
    assert len(files) == 6
    assert all(out in p.parents for p in files)
    names = {p.name for p in files}
    assert "1-01-.._.._x&_y_-CON.docx" in names or any(n.startswith("1-01-") and "CON" in n for n in names)
    book = next(p for p in out.glob("纪实本/*.docx") if p.name.startswith("003-"))
    cells = [c.text for t in Document(book).tables for row in t.rows for c in row.cells]
    assert 'a/b "{{ z }}" {% if %}\u202e' in cells
    letter = next(out.glob("责任书/2-*.docx"))
    text = [p.text for p in Document(letter).paragraphs]
    assert "责任人：a/b \"{{ z }}\" {% if %}\u202e（秘书处处长）" in text
    assert report.status["written"] == 6


def test_file_names_are_sanitized():
    assert safe_part("../../etc/passwd") not in ("..", "")
    assert "/" not in safe_part("a/b") and "\\" not in safe_part("a\\b")
    assert safe_part("CON").upper() != "CON"
    assert safe_part("") == "未命名"
    assert len(safe_part("长" * 300)) <= 40
    with pytest.raises(ValueError):
        inside(Path("/tmp/out"), "../escape.docx")


def test_interrupted_build_leaves_no_half_written_docx(tmp_path):
    folder = scale(sample_catalog(), 6, tmp_path / "big")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "dutydocs", "build", str(folder), "-o", str(out), "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.rglob(f"*{TMP_SUFFIX}"))) < 30:  # rendered, not yet in place
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(list(out.rglob(f"*{TMP_SUFFIX}"))) >= 30
    assert not list(out.rglob("*.docx"))  # all or nothing: a killed build put none in place
    # the next build does the job and clears the temporary leftovers
    loaded = load_catalog(folder)
    report = build(loaded, out)
    assert not list(out.rglob(f"*{TMP_SUFFIX}"))
    documents = [p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx") and p.parent != out]
    assert len(documents) == sum(report.counts.values()) == len(report.files)
    for path in documents:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None


def test_documents_in_paths_derived_from_specs(sample):
    from dutydocs.contexts import plan

    paths = [doc_path(spec, sample.org) for spec in plan(sample.org)]
    assert len(paths) == len(set(paths))


# ---------------------------------------------------------------- without a manifest


@pytest.mark.parametrize("manifest", ["missing", "unreadable"])
def test_without_a_manifest_differing_documents_are_kept_and_reported_as_unrecorded(minimal, tmp_path, manifest):
    loaded = load_catalog(minimal)
    out = tmp_path / "out"
    build(loaded, out)
    letter = next(out.glob("责任书/*.docx"))
    doc = Document(letter)
    doc.add_paragraph("手工补充的一段")
    doc.save(letter)
    edited = letter.read_bytes()
    if manifest == "missing":
        (out / MANIFEST).unlink()
    else:
        (out / MANIFEST).write_text("{不是 JSON", "utf-8")
    report = build(loaded, out)
    rel = str(letter.relative_to(out))
    assert report.unrecorded == [rel] and report.kept == []
    assert report.status == {"unchanged": 5, "unrecorded": 1}
    assert letter.read_bytes() == edited
    again = build(loaded, out)  # still no record of it: still not overwritten, still said
    assert again.unrecorded == [rel] and letter.read_bytes() == edited
    forced = build(loaded, out, force=True)
    assert forced.unrecorded == [] and letter.read_bytes() != edited
    assert build(loaded, out).status == {"unchanged": 6}


def test_the_clerk_is_told_why_unrecorded_documents_were_kept(minimal, tmp_path):
    from click.testing import CliRunner

    from dutydocs.cli import cli

    out = tmp_path / "out"
    build(load_catalog(minimal), out)
    letter = next(out.glob("责任书/*.docx"))
    letter.write_bytes(letter.read_bytes() + b"\0")
    (out / MANIFEST).unlink()
    result = CliRunner().invoke(cli, ["build", str(minimal), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("新写入 0 份，未变化 5 份，保留手工修改 0 份，没有生成记录、未覆盖 1 份；") for line in lines)
    i = lines.index("以下 1 份文档与按目录现在生成的不同，但输出文件夹里没有它们的生成记录（.dutydocs-manifest.json 不存在、"
                    "无法读取或没有记下它们），无法判断是不是生成后手工改过的，所以未覆盖。确认其中没有要保留的手工修改后，"
                    "加 --force 重新生成：")
    assert lines[i + 1] == f"  {letter.relative_to(out)}"
    assert "以下文档生成后被手工修改过" not in result.stdout


# ---------------------------------------------------------------- the workers die with the build


def children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat_file.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def files_state(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def start_big_build(tmp_path: Path) -> tuple[subprocess.Popen, Path, set[int]]:
    folder = scale(sample_catalog(), 20, tmp_path / "big")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "dutydocs", "build", str(folder), "-o", str(out), "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    deadline = time.time() + 180
    while time.time() < deadline and len(list(out.rglob(f"*{TMP_SUFFIX}"))) < 20:  # rendered, not yet in place
        time.sleep(0.02)
    workers = children(proc.pid)
    assert len(workers) == 2, "the build should be running its two workers"
    return proc, out, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_killing_the_build_kills_its_workers(tmp_path):
    proc, out, workers = start_big_build(tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.3)
    assert not any(alive(pid) for pid in workers)
    first = files_state(out)
    time.sleep(2)
    assert files_state(out) == first  # nothing written after the build was killed
    assert not (out / MANIFEST).exists()  # it was stopped half way, not at the end
    # and the next build finishes the job
    report = build(load_catalog(tmp_path / "big"), out, jobs=2)
    assert not list(out.rglob(f"*{TMP_SUFFIX}"))
    assert len([p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx") and p.parent != out]) == len(report.files)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_stops_the_build_and_its_workers(tmp_path):
    proc, out, workers = start_big_build(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
    assert stderr.strip().splitlines()[-1] == "已中断。输出文件夹里的文件都是完整的，这次没生成完的文档不会放进去；再运行一次即可补齐。"
    assert "Traceback" not in stderr
    time.sleep(0.3)
    assert not any(alive(pid) for pid in workers)
    first = files_state(out)
    time.sleep(1)
    assert files_state(out) == first


def test_a_write_failing_half_way_is_one_message_not_a_crash(minimal, tmp_path, monkeypatch):
    import errno

    from click.testing import CliRunner

    import dutydocs.build
    from dutydocs.cli import cli

    real = dutydocs.build.stage
    written = []

    def disk_fills_up(path, data):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        return real(path, data)

    monkeypatch.setattr(dutydocs.build, "stage", disk_fills_up)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(minimal), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert len(written) == 2 and not list(out.rglob("*.docx"))  # all or nothing: none put in place
    lines = result.stderr.splitlines()
    assert lines[0].endswith(": 写入时出错：磁盘空间不足。") and "/out/" in lines[0]
    assert lines[1] == "共 1 个问题，请逐条改正后再运行。输出文件夹里的文件都是完整的，这次没生成完的文档不会放进去；问题解决后再运行一次即可补齐。"
    assert not list(out.rglob(f"*{TMP_SUFFIX}"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_template_that_blows_up_on_a_later_document_writes_nothing(tmp_path, jobs):
    """The dry run tries the first document only; a limit hit later still stops the build whole."""
    from click.testing import CliRunner
    from docx import Document

    from dutydocs.cli import cli

    tpl = tmp_path / "tpl"
    tpl.mkdir()
    doc = Document()
    doc.add_paragraph("{{ title }}")
    doc.add_paragraph("{% if subordinate.name == '王立新' %}{{ 'x' * 10**9 }}{% endif %}")
    doc.save(tpl / "廉政责任书.docx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier", "utf-8")
    result = CliRunner().invoke(cli, ["build", "--only", "责任书", "--templates", str(tpl), "-o", str(out),
                                      "-j", str(jobs)])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0].replace(str(tpl) + "/", "")
    assert first == ("廉政责任书.docx 正文: 模板「廉政责任书.docx」的正文中的标签 {{ 'x' * 10**9 }} 里的乘法（*）会生成超过上限"
                     "（2000000 个字符）的文字，可能是重复、填充或拼接了太多次，请改小其中的数字或删除这个标签。本模板的文档未生成。")
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == [".dutydocs-lock", "keep.txt"]
