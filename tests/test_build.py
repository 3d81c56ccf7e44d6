"""Building into an output folder: incremental, safe with hand edits, parallel, interruptible."""

from __future__ import annotations

import io
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
    while time.time() < deadline and len(list(out.rglob("*.docx"))) < 30:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = list(out.rglob("*.docx"))
    assert len(written) >= 30
    for path in written:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        Document(io.BytesIO(path.read_bytes()))
    # the next build finishes the job and clears any temporary leftovers
    loaded = load_catalog(folder)
    report = build(loaded, out)
    assert not list(out.rglob(f"*{TMP_SUFFIX}"))
    assert report.status["unchanged"] >= len(written) - 1
    assert len(list(out.rglob("*.docx"))) == sum(report.counts.values())


def test_documents_in_paths_derived_from_specs(sample):
    from dutydocs.contexts import plan

    paths = [doc_path(spec, 2026) for spec in plan(sample.org)]
    assert len(paths) == len(set(paths))
