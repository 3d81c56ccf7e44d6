"""The output folder: its checks and lock, file names, atomic writes, the manifest and the index.

Before anything is written, `preflight` looks at the folder and the subfolders a build writes to
and returns a Problem for each fault (a file where a folder should be, a dangling or a subfolder's
symbolic link, a folder that cannot be written). One build at a time writes into a folder: `locked`
holds a lock file there, and a second build waits for it.

Every file is written to a temporary name beside its target and renamed, so an interrupted build
leaves either the old file or the new one, never half of one; the temporary file is created as
open() creates a file (0666 less the umask, default ACLs apply), so colleagues sharing the folder
can read what is written. The manifest remembers the hash of each document's inputs and of the
bytes written, so an unchanged document is not rewritten and a document edited by hand after it
was generated is noticed and kept.
"""

from __future__ import annotations

import csv
import errno
import functools
import hashlib
import io
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from pathvalidate import sanitize_filename

from .contexts import LETTER, DocSpec, kind_of
from .errors import Problem, ProblemsError
from .kinds import REGISTRY
from .org import Organisation

MANIFEST = ".dutydocs-manifest.json"
LOCK = ".dutydocs-lock"
BUNDLE_FOLDER = "合订本"  # bundle.py writes its bundles here
PDF_FOLDER = "PDF"
INDEX_CSV = "索引.csv"
INDEX_XLSX = "索引.xlsx"
TMP_SUFFIX = ".dutydocs-tmp"
INDEX_HEADER = ["序号", "类别", "文件", "层面", "责任领导", "责任人", "人员"]


@functools.lru_cache(maxsize=1 << 16)  # names recur (a leader signs many letters); pathvalidate is slow
def safe_part(text: str, limit: int = 40) -> str:
    """A piece of a file name made from catalogue text: no separators, no reserved names, not empty."""
    name = sanitize_filename(text.replace("/", "／").replace("\\", "＼"), platform="universal",
                             max_len=limit * 3, replacement_text="_")
    name = name.strip(" .")[:limit].strip(" .")
    return name or "未命名"


def doc_path(spec: DocSpec, org: Organisation) -> str:
    """Relative path of a document inside the output folder, e.g. 责任书/1-03-周建国-李明.docx.
    Every piece of the name made from catalogue text is sanitised on its own."""
    kind = kind_of(spec.kind)
    return f"{kind.folder}/{'-'.join(safe_part(part) for part in kind.file_name(spec, org))}{kind.suffix}"


def inside(root: Path, rel: str, folders: dict[str, Path] | None = None) -> Path:
    """The absolute path of `rel` under `root`; refuses anything that would land outside it.

    With `folders` (a dict kept for one build), each folder is resolved once: a file directly in
    it is then checked with one look at the file itself (is it a link?) instead of a walk along
    the whole path."""
    if folders is not None:
        folder, _, name = rel.rpartition("/")
        if folder and name not in ("", ".", "..") and "\\" not in name:
            base = folders.get(folder)
            if base is None:
                base = folders[folder] = inside(root, folder)
            target = base / name
            if not target.is_symlink():
                return target
    target = (root / rel).resolve()
    base = root.resolve()
    if base not in target.parents:
        raise ValueError(f"path escapes the output folder: {rel}")
    return target


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new, empty file beside `path`, opened for writing, made the way open() makes a file: mode
    0666 less the umask (tempfile.mkstemp would make it 0600, unreadable to colleagues)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tmp = path.parent / f".{path.name[:40]}.{secrets.token_hex(6)}{TMP_SUFFIX}"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all; folders and the file get the user's usual permissions."""
    os.replace(stage(path, data), path)


def stage(path: Path, data: bytes) -> Path:
    """Write `data` under a temporary name beside `path`, to be renamed into place later (or
    removed, with every other file of a build that failed: clean_temporaries)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def clean_temporaries(root: Path) -> int:
    """Leftovers of a build that was killed mid-write: never documents, safe to remove."""
    count = 0
    if root.is_dir():
        for tmp in root.rglob(f"*{TMP_SUFFIX}"):
            tmp.unlink(missing_ok=True)
            count += 1
    return count


# ---------------------------------------------------------------- the folder: checks and lock


def output_folders() -> list[str]:
    """Every subfolder a build may write into, parents first: one per kind, the bundles, the PDFs."""
    kinds = [kind.folder for kind in REGISTRY]
    return [*kinds, BUNDLE_FOLDER, PDF_FOLDER, *(f"{PDF_FOLDER}/{name}" for name in [*kinds, BUNDLE_FOLDER])]


_OS_REASONS = {
    errno.ENOENT: "路径不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在的磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出了磁盘配额",
    errno.ENOTDIR: "路径中有一段是文件，不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EEXIST: "已经有同名的文件或文件夹",
    errno.ENAMETOOLONG: "路径太长",
    errno.ELOOP: "路径中有快捷方式（符号链接）",
    errno.EIO: "读写磁盘出错",
}


def describe_os_error(exc: OSError) -> str:
    """An operating-system error in a clerk's words, e.g. 磁盘空间不足."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:  # pragma: no cover - a link that vanished between two looks
        return "（无法读取）"


def _is_link(path: Path) -> bool:
    """A symbolic link, or on Windows a junction: both may lead out of the output folder."""
    return path.is_symlink() or bool(getattr(path, "is_junction", lambda: False)())


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def preflight(out: str | os.PathLike[str], folders: Iterable[str] = (), files: Iterable[str] = ()) -> list[Problem]:
    """Everything wrong with the output folder `out`, found before anything is written.

    `folders` are the subfolders a build writes into and `files` the files (paths relative to `out`).
    The folder may not exist yet: then the nearest existing folder above it must be writable. Inside
    it, a subfolder or a file that is a symbolic link is refused, so that nothing is written outside."""
    if not os.fspath(out).strip():
        return [Problem(None, None, "-o", "输出文件夹不能是空的。请在 -o 后面写一个文件夹，如 -o output。")]
    out = Path(out)
    problems: list[Problem] = []
    redo = "请用 -o 换一个输出文件夹"

    if _is_link(out) and not out.exists():
        return [Problem(str(out), None, "", f"输出文件夹是一个快捷方式（符号链接），它指向的 {_link_target(out)} 不存在。"
                        f"请先建好 {_link_target(out)}，或删除这个快捷方式，或{redo}。")]
    if out.exists():
        if not out.is_dir():
            return [Problem(str(out), None, "", f"这是一个文件，不能用作输出文件夹。{redo}，或把这个文件改名、移走。")]
        if not _writable(out) or not os.access(out, os.R_OK):
            return [Problem(str(out), None, "", f"输出文件夹不能写入（只读，或没有写权限）。请放开它的写权限，或{redo}。")]
    else:
        for above in out.parents:
            if _is_link(above) and not above.exists():
                return [Problem(str(above), None, "", f"输出文件夹 {out} 要建在这里，但这是一个快捷方式（符号链接），"
                                f"它指向的 {_link_target(above)} 不存在。请先建好它指向的文件夹，或{redo}。")]
            if not above.exists():
                continue
            if not above.is_dir():
                return [Problem(str(above), None, "", f"输出文件夹 {out} 要建在这里，但这是一个文件，不是文件夹。"
                                f"{redo}，或把这个文件改名、移走。")]
            if not _writable(above):
                return [Problem(str(above), None, "", f"无法在这里新建输出文件夹 {out}：这个文件夹不能写入（只读，或没有写权限）。"
                                f"{redo}，或请有权限的同事先建好它。")]
            break
        return []  # a new folder: nothing inside it yet

    refused: set[str] = set()
    for rel in folders:
        sub = out / rel
        if any(rel.startswith(f"{bad}/") for bad in refused):
            continue
        refused.add(rel)
        if _is_link(sub):
            problems.append(Problem(str(sub), None, "", f"输出文件夹里的「{rel}」是一个快捷方式（符号链接），指向 {_link_target(sub)}。"
                                    f"为免把文件写到输出文件夹之外，dutydocs 不使用它。请删除这个快捷方式（它指向的文件不受影响），或{redo}。"))
        elif sub.exists() and not sub.is_dir():
            problems.append(Problem(str(sub), None, "", f"这里应是存放文档的文件夹「{rel}」，现在却是一个文件。"
                                    f"请把这个文件改名或移走，或{redo}。"))
        elif sub.is_dir() and not (_writable(sub) and os.access(sub, os.R_OK)):
            problems.append(Problem(str(sub), None, "", f"文件夹「{rel}」不能写入（只读，或没有写权限）。请放开它的写权限，或{redo}。"))
        else:
            refused.discard(rel)
    for rel in files:
        path = out / rel
        if any(rel.startswith(f"{bad}/") for bad in refused):
            continue
        if _is_link(path):
            problems.append(Problem(str(path), None, "", f"这是一个快捷方式（符号链接），指向 {_link_target(path)}。"
                                    f"为免写到输出文件夹之外，dutydocs 不覆盖它。请删除这个快捷方式，或{redo}。"))
        elif path.is_dir():
            problems.append(Problem(str(path), None, "", f"dutydocs 要在这里写文件「{rel}」，现在却是一个文件夹。"
                                    f"请把这个文件夹改名或移走，或{redo}。"))
        elif rel == LOCK and path.exists() and not os.access(path, os.R_OK | os.W_OK):
            problems.append(Problem(str(path), None, "", "这是 dutydocs 防止两次生成同时写入一个文件夹的锁文件，"
                                    "你没有权限使用它（可能是别的同事生成时留下的）。请那位同事放开它的写权限，"
                                    f"或确认没有人正在生成后删除它，或{redo}。"))
    return problems


LOCK_WAIT = 600.0  # seconds a build waits for another build writing to the same folder


@contextmanager
def locked(out: Path, wait: float | None = None, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock: one build at a time writes into a folder.

    If another build holds it, call `waiting` and wait up to `wait` seconds (default LOCK_WAIT);
    then give up with a Problem. The lock is the operating system's: it is released when its
    process ends, even if killed, so a crashed build never leaves the folder locked."""
    wait = LOCK_WAIT if wait is None else wait
    lock = FileLock(str(out / LOCK))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if waiting is not None:
                waiting()
            lock.acquire(timeout=wait)
    except Timeout:
        minutes = f"{wait / 60:.0f} 分钟" if wait >= 60 else f"{wait:.0f} 秒"
        raise ProblemsError([Problem(str(out), None, "", f"另一个 dutydocs 正在向这个文件夹生成文档，等了 {minutes}仍未结束，"
                                     "这次没有生成。请等它完成后再运行，或用 -o 换一个输出文件夹。")]) from None
    except OSError as exc:
        raise ProblemsError([Problem(str(out / LOCK), None, "", f"无法使用锁文件：{describe_os_error(exc)}。"
                                     "请确认这个文件夹可以写入，或用 -o 换一个输出文件夹。")]) from None
    try:
        yield
    finally:
        lock.release()


# ---------------------------------------------------------------- hashes and the manifest


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Entry:
    """What the manifest remembers of one document."""

    inputs: str  # hash of context + template
    output: str  # hash of the bytes written
    size: int
    mtime_ns: int


def load_manifest(root: Path) -> dict[str, Entry]:
    path = root / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
        return {k: Entry(**v) for k, v in data.get("documents", {}).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_manifest(root: Path, entries: dict[str, Entry]) -> None:
    data = {"version": 1, "documents": {k: asdict(entries[k]) for k in sorted(entries)}}
    atomic_write(root / MANIFEST, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def index_rows(specs: Iterable[tuple[DocSpec, str]]) -> list[list[str]]:
    rows = []
    for n, (spec, rel) in enumerate(specs, 1):
        level = str(spec.level) if spec.level else ""
        sup = spec.names[0] if spec.kind == LETTER else ""
        sub = spec.names[1] if spec.kind == LETTER else ""
        who = "、".join(spec.names)
        rows.append([str(n), kind_of(spec.kind).folder, rel, level, sup, sub, who])
    return rows


def index_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(INDEX_HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM lets Excel open it as UTF-8


def index_xlsx(rows: list[list[str]], title: str) -> bytes:
    """The index for clerks, who live in Excel; fixed dates and zip times keep it reproducible."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from .workbook import workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "文件索引"
    ws.append([title])
    ws.append(INDEX_HEADER)
    for row in rows:
        ws.append([int(row[0])] + row[1:3] + [int(row[3]) if row[3] else None] + row[4:])
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for col, width in zip("ABCDEFG", (6, 10, 44, 6, 12, 12, 24), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:G{len(rows) + 2}"
    return workbook_bytes(wb)

