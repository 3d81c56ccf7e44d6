"""The sample's generated documents as a whole: counts, index, filled records, reproducible bytes."""

from __future__ import annotations

import csv
from pathlib import Path

from docx import Document

from dutydocs.contexts import plan
from dutydocs.output import doc_path


def index(out: Path) -> list[dict[str, str]]:
    with (out / "索引.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_sample_counts(built):
    loaded, out, report = built
    rows = index(out)
    kinds = [r["类别"] for r in rows]
    assert kinds.count("责任清单") == 1
    assert kinds.count("责任书") == len(loaded.org.pairs) == 76
    assert kinds.count("纪实本") == len(loaded.org.book_holders()) == 61
    assert report.status["written"] == len(rows)
    assert all((out / r["文件"]).is_file() for r in rows)
    assert [r["文件"] for r in rows] == [doc_path(s, loaded.org) for s in plan(loaded.org)]


def test_records_entered_in_the_catalogue_print_filled_in(built):
    loaded, out, _ = built
    for record in loaded.catalog.records[:5]:
        spec = next(s for s in plan(loaded.org, ("纪实本",)) if s.names[0] == record.person)
        doc = Document(out / doc_path(spec, loaded.org))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        assert record.content in cells
        assert f"{record.date.month}月{record.date.day}日" in cells  # the book's own year is not repeated


def test_documents_are_byte_identical_when_rebuilt(built, tmp_path):
    from dutydocs.build import build

    loaded, out, _ = built
    again = tmp_path / "again"
    build(loaded, again, jobs=1)
    for row in index(out):
        assert (out / row["文件"]).read_bytes() == (again / row["文件"]).read_bytes(), row["文件"]
    assert (out / "索引.xlsx").read_bytes() == (again / "索引.xlsx").read_bytes()
