"""The output folder: file names, atomic writes, the manifest and the index.

Every file is written to a temporary name beside its target and renamed, so an interrupted build
leaves either the old file or the new one, never half of one. The manifest remembers the hash
of each document's inputs and of the bytes written, so an unchanged document is not rewritten and
a document edited by hand after it was generated is noticed and kept.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from pathvalidate import sanitize_filename

from .contexts import BOOK, LETTER, LIST, DocSpec

MANIFEST = ".dutydocs-manifest.json"
INDEX_CSV = "索引.csv"
INDEX_XLSX = "索引.xlsx"
TMP_SUFFIX = ".dutydocs-tmp"
FOLDERS = {LIST: "责任清单", LETTER: "责任书", BOOK: "纪实本"}
INDEX_HEADER = ["序号", "类别", "文件", "层面", "责任领导", "责任人", "人员"]


def safe_part(text: str, limit: int = 40) -> str:
    """A piece of a file name made from catalogue text: no separators, no reserved names, not empty."""
    name = sanitize_filename(text.replace("/", "／").replace("\\", "＼"), platform="universal",
                             max_len=limit * 3, replacement_text="_")
    name = name.strip(" .")[:limit].strip(" .")
    return name or "未命名"


def doc_path(spec: DocSpec, year: int) -> str:
    """Relative path of a document inside the output folder, e.g. 责任书/1-03-周建国-李明.docx."""
    folder = FOLDERS[spec.kind]
    if spec.kind == LIST:
        name = f"{year}年度党风廉政建设责任清单"
    elif spec.kind == LETTER:
        name = f"{spec.level}-{spec.seq:02d}-{safe_part(spec.names[0])}-{safe_part(spec.names[1])}"
    else:
        name = f"{spec.seq:03d}-{safe_part(spec.names[0])}"
    return f"{folder}/{name}.docx"


def inside(root: Path, rel: str) -> Path:
    """The absolute path of `rel` under `root`; refuses anything that would land outside it."""
    target = (root / rel).resolve()
    base = root.resolve()
    if base not in target.parents:
        raise ValueError(f"path escapes the output folder: {rel}")
    return target


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name[:40] + ".", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clean_temporaries(root: Path) -> int:
    """Leftovers of a build that was killed mid-write: never documents, safe to remove."""
    count = 0
    if root.is_dir():
        for tmp in root.rglob(f"*{TMP_SUFFIX}"):
            tmp.unlink(missing_ok=True)
            count += 1
    return count


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
        rows.append([str(n), FOLDERS[spec.kind], rel, level, sup, sub, who])
    return rows


def index_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(INDEX_HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM lets Excel open it as UTF-8


def index_xlsx(rows: list[list[str]], title: str) -> bytes:
    """The index for clerks, who live in Excel; fixed dates and zip times keep it reproducible."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    from .render import normalize_zip

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
    stamp = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "dutydocs"
    # openpyxl's save() stamps "modified" with the clock; its writer called directly does not.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return normalize_zip(buf.getvalue())
