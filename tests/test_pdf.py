"""PDF through LibreOffice, and print bundles: checked with poppler (pdfinfo, pdftotext, pdffonts)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from dutydocs.bundle import Bundle, bundle_docs, bundle_pdfs
from dutydocs.contexts import BOOK, LETTER, LIST, plan
from dutydocs.output import doc_path
from dutydocs.pdf import BundlePdf, Doc, LibreOffice, PdfError, convert, convert_documents

NEEDS = ("soffice", "pdfinfo", "pdftotext", "pdffonts")
missing = [t for t in NEEDS if shutil.which(t) is None]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(missing) and not os.environ.get("CI"),
                       reason=f"needs {', '.join(missing)} (apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai poppler-utils)"),
]


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pages(path: Path) -> int:
    return int(pdfinfo(path)["Pages"])


def page_text(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def specs(loaded, kind, n=None):
    return list(plan(loaded.org, (kind,)))[:n]


@pytest.fixture(scope="module")
def pdfs(built, tmp_path_factory):
    """One document of each kind, converted in one batch."""
    loaded, out, _ = built
    sources = [out / doc_path(specs(loaded, kind)[0], loaded.org) for kind in (LIST, LETTER, BOOK)]
    target = tmp_path_factory.mktemp("pdf")
    result = convert(sources, target, base=out)
    return loaded, sources, result.files


def test_pdf_of_each_kind_is_a4_with_its_text_and_no_empty_last_page(pdfs):
    _loaded, sources, files = pdfs
    assert [f.suffix for f in files] == [".pdf"] * 3
    for source, pdf in zip(sources, files, strict=True):
        info = pdfinfo(pdf)
        assert "(A4)" in info["Page size"], info["Page size"]
        n = pages(pdf)
        last = page_text(pdf, n)
        assert re.search(rf"—\s*{n}\s*—", last), "the last page carries its page number"
        assert len(re.sub(r"\s|—|\d", "", last)) > 0, "the last page is not empty"
        first_words = next(p.text for p in Document(source).paragraphs if p.text.strip())
        assert re.sub(r"\s", "", first_words)[:8] in re.sub(r"\s", "", page_text(pdf, 1))


def test_pdf_fonts_are_cjk_fonts(pdfs):
    _, _, files = pdfs
    for pdf in files:
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"CJK|UKai|UMing|Song|Hei|Kai|Fang", fonts), fonts


def test_letter_pdf_names_both_parties(pdfs):
    loaded, _, files = pdfs
    pair = loaded.org.pairs[0]
    text = re.sub(r"\s", "", page_text(files[1], 1))
    assert f"责任领导：{pair.superior.name}" in text and f"责任人：{pair.subordinate.name}" in text


def test_missing_libreoffice_is_a_clear_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYDOCS_SOFFICE", str(tmp_path / "no-soffice"))
    with pytest.raises(PdfError) as info:
        convert([tmp_path / "x.docx"], tmp_path)
    assert "找不到 LibreOffice" in str(info.value) and "apt-get install" in str(info.value)


@pytest.mark.parametrize("duplex", [False, True])
def test_bundle_pages_are_the_sum_of_the_parts_and_numbering_restarts(built, tmp_path, duplex):
    loaded, out, _ = built
    letters = [out / doc_path(s, loaded.org) for s in specs(loaded, LETTER, 5)]
    books = [out / doc_path(s, loaded.org) for s in specs(loaded, BOOK, 3)]
    bundles = []
    for kind, parts in ((LETTER, letters), (BOOK, books)):
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(bundle_docs(parts, duplex))
        bundles.append(Bundle(kind, path, parts, duplex))
    part_pdfs = convert(letters + books, tmp_path / "parts", base=out).files
    bundle_pdf = bundle_pdfs(bundles, tmp_path / "pdf", tmp_path).files
    part_pages = [pages(p) for p in part_pdfs]
    for group, pdf in ((part_pages[:5], bundle_pdf[0]), (part_pages[5:], bundle_pdf[1])):
        starts, page = [], 1
        for n in group:
            if duplex and page % 2 == 0:
                page += 1  # a blank page so the next document starts on an odd page
            starts.append(page)
            page += n
        assert pages(pdf) == page - 1
        assert "(A4)" in pdfinfo(pdf)["Page size"]
        assert re.sub(r"\s|—|\d", "", page_text(pdf, pages(pdf))), "no empty last page"
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"CJK|UKai", fonts), fonts
        for start, n in zip(starts, group, strict=True):
            if duplex:
                assert start % 2 == 1
            assert n > 1 and re.search(r"—\s*2\s*—", page_text(pdf, start + 1))  # numbering restarts
            assert re.search(rf"—\s*{n}\s*—", page_text(pdf, start + n - 1))
        blanks = [p for p in range(1, pages(pdf) + 1) if p not in
                  {s + k for s, n in zip(starts, group, strict=True) for k in range(n)}]
        assert all(not page_text(pdf, p).strip() for p in blanks)
    # every party's name, in index order
    text = re.sub(r"\s", "", subprocess.run(["pdftotext", str(bundle_pdf[0]), "-"], capture_output=True,
                                             text=True, check=True).stdout)
    positions = [text.index(f"责任人：{loaded.org.pair_at(s.level, s.seq).subordinate.name}（")
                 for s in specs(loaded, LETTER, 5)]
    assert positions == sorted(positions)


def test_bundle_keeps_styles_footers_and_sections(built, tmp_path):
    loaded, out, _ = built
    parts = [out / doc_path(s, loaded.org) for s in specs(loaded, LETTER, 3)]
    path = tmp_path / "b.docx"
    path.write_bytes(bundle_docs(parts, duplex=True))
    doc = Document(path)
    assert len(doc.sections) == 3
    for section in doc.sections:
        assert section.start_type.name == "ODD_PAGE"
        assert "PAGE" in section.footer._element.xml
        assert section._sectPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pgNumType") is not None
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert len(titles) == 3


def test_hostile_text_prints_as_written_in_libreoffice(tmp_path):
    from conftest import MINIMAL, write_catalog
    from dutydocs import load_catalog
    from dutydocs.build import build

    text = MINIMAL.replace("name: 张三,", "name: '../../x&<y>',").replace("head: 李四", "head: 'a/b \"{{ z }}\" {% if %}'")
    text = text.replace("name: 李四,", "name: 'a/b \"{{ z }}\" {% if %}',").replace("落实一岗双责。", "'A & B <C> \"引号\" 😀'")
    loaded = load_catalog(write_catalog(tmp_path / "c", text))
    out = tmp_path / "out"
    build(loaded, out)
    files = sorted(out.rglob("*.docx"))
    result = convert(files, tmp_path / "pdf", base=out)
    assert len(result.files) == len(files) == 6
    everything = "".join(subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
                         for p in result.files)
    flat = re.sub(r"\s", "", everything)
    for written in ("../../x&<y>", 'a/b"{{z}}"{%if%}', 'A&B<C>"引号"'):
        assert written in flat, written


def test_no_letter_page_before_the_last_is_mostly_blank(built, tmp_path):
    """Only headings keep with their first line and the last clause with the signatures, so a
    long block never moves whole and leaves two thirds of a page empty."""
    loaded, out, _ = built
    letters = [out / doc_path(s, loaded.org) for s in specs(loaded, LETTER, 30)]
    for pdf in convert(letters, tmp_path / "pdf", base=out).files:
        n = pages(pdf)
        for page in range(1, n):
            lines = [line for line in page_text(pdf, page).splitlines() if line.strip()]
            assert len(lines) >= 12, (pdf.name, page, len(lines))  # of 22 lines and the page number


# ---------------------------------------------------------------- converted together, then split


def embedded(path: Path) -> list[bool]:
    """For each font pdffonts lists: is it embedded?"""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    at = lines[0].index("emb")
    return [line[at:at + 3].strip() == "yes" for line in lines[2:]]


def page_texts(path: Path) -> list[str]:
    """The text of every page, as pdftotext lays it out."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def split(built, tmp_path_factory):
    """Letters, books and the list converted as the build does (bundled, split), and each alone."""
    loaded, out, _ = built
    sources = [out / doc_path(s, loaded.org) for kind, n in ((LIST, 1), (LETTER, 7), (BOOK, 4))
               for s in specs(loaded, kind, n)]
    alone = convert(sources, tmp_path_factory.mktemp("alone"), base=out).files
    target = tmp_path_factory.mktemp("split")
    docs = [Doc(s, target / s.relative_to(out).with_suffix(".pdf"), s.stem, s.parent.name if s.parent.name != "责任清单" else "")
            for s in sources]
    bundles = [BundlePdf(target / "letters.pdf", tuple(d for d in docs if d.group == "责任书"), duplex=True)]
    seen = []
    result = convert_documents(docs, bundles, jobs=2, progress=lambda done, total: seen.append((done, total)))
    return loaded, sources, alone, result, seen, docs


def test_split_pdfs_have_the_names_pages_and_text_of_their_own_conversions(split):
    _, sources, alone, result, _, _ = split
    assert [p.name for p in result.files] == [p.name for p in alone] == [s.with_suffix(".pdf").name for s in sources]
    assert [p.parent.name for p in result.files] == [p.parent.name for p in alone]
    for mine, theirs in zip(result.files, alone, strict=True):
        assert pages(mine) == pages(theirs), mine.name
        assert page_texts(mine) == page_texts(theirs), mine.name
        assert pdfinfo(mine)["Title"] == pdfinfo(theirs)["Title"]
        assert all(embedded(mine)), mine.name


def test_split_pdfs_keep_their_headings_as_outline(split):
    _, _, alone, result, _, _ = split
    for mine, theirs in zip(result.files, alone, strict=True):
        with pikepdf.open(mine) as a, pikepdf.open(theirs) as b, a.open_outline() as oa, b.open_outline() as ob:
            assert [str(i.title) for i in oa.root] == [str(i.title) for i in ob.root]
            index_a = {p.objgen: n for n, p in enumerate(a.pages)}
            index_b = {p.objgen: n for n, p in enumerate(b.pages)}
            assert [index_a[i.destination[0].objgen] for i in oa.root] == [index_b[i.destination[0].objgen] for i in ob.root]


def test_progress_counts_documents_up_to_all(split):
    _, sources, _, _, seen, _ = split
    assert seen and seen[-1] == (len(sources), len(sources))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and all(t == len(sources) for _, t in seen)
    assert len(seen) > 2, "more than one bundle: progress moves"


def test_bundle_pdf_has_an_outline_entry_per_document_at_its_first_page(split):
    _, _, _, result, _, docs = split
    letters = [d for d in docs if d.group == "责任书"]
    (bundle,) = result.bundles
    counts = [pages(p) for p, d in zip(result.files, docs, strict=True) if d.group == "责任书"]
    with pikepdf.open(bundle) as pdf, pdf.open_outline() as outline:
        index = {p.objgen: n for n, p in enumerate(pdf.pages)}
        assert [str(i.title) for i in outline.root] == [d.title for d in letters]
        firsts = [index[i.destination[0].objgen] for i in outline.root]
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
        assert all(len(item.children) == 6 for item in outline.root), "each letter's six headings under its name"
    expected, page = [], 0
    for n in counts:
        page += page % 2  # duplex: a blank page so that each letter starts on a right-hand page
        expected.append(page)
        page += n
    assert firsts == expected and pages(bundle) == page
    for first, letter in zip(firsts, letters, strict=True):
        assert letter.source.stem.split("-")[-1] in re.sub(r"\s", "", page_text(bundle, first + 1))


def test_no_libreoffice_is_left_running(tmp_path, built):
    loaded, out, _ = built
    source = out / doc_path(specs(loaded, LETTER, 1)[0], loaded.org)
    with LibreOffice(2) as office:
        convert_documents([Doc(source, tmp_path / "a.pdf")], jobs=2, libreoffice=office)
        procs = [o.proc for o in office.offices]
        assert all(p.poll() is None for p in procs), "kept running for the caller"
    assert all(p.poll() is not None for p in procs)
    assert (tmp_path / "a.pdf").is_file()


def test_libreoffice_dying_midway_keeps_the_pdfs_made_and_says_so(built, tmp_path, monkeypatch):
    loaded, out, _ = built
    sources = [out / doc_path(s, loaded.org) for s in specs(loaded, LETTER, 4)]
    docs = [Doc(s, tmp_path / s.with_suffix(".pdf").name, s.stem, "责任书") for s in sources]
    monkeypatch.setattr("dutydocs.pdf.CHUNK_BYTES", 1)  # one letter a bundle
    with LibreOffice(1) as office:
        def kill(done, total):
            os.killpg(office.offices[0].proc.pid, signal.SIGKILL)

        with pytest.raises(PdfError) as info:
            convert_documents(docs, jobs=1, libreoffice=office, progress=kill)
    message = str(info.value)
    assert "LibreOffice" in message and "已生成的 1 份" in message and "其余 3 份" in message, message
    made = [d.target for d in docs if d.target.is_file()]
    assert len(made) >= 1 and pages(made[0]) > 1


def test_libreoffice_taking_too_long_is_stopped_with_a_message(built, tmp_path):
    loaded, out, _ = built
    source = out / doc_path(specs(loaded, BOOK, 1)[0], loaded.org)
    with pytest.raises(PdfError) as info:
        convert_documents([Doc(source, tmp_path / "b.pdf")], timeout=0.01)
    assert "秒内没有转换完" in str(info.value) and "没有生成任何 PDF" in str(info.value)
    assert not (tmp_path / "b.pdf").exists()


def test_pdfa_declares_itself_in_its_metadata(built, tmp_path):
    loaded, out, _ = built
    sources = [out / doc_path(s, loaded.org) for s in specs(loaded, LETTER, 3)]
    docs = [Doc(s, tmp_path / s.with_suffix(".pdf").name, s.stem, "责任书") for s in sources]
    result = convert_documents(docs, [BundlePdf(tmp_path / "all.pdf", tuple(docs))], jobs=1, pdfa=True)
    for path in [*result.files, *result.bundles]:
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B", path
            assert "/OutputIntents" in pdf.Root and pdf.trailer.get("/ID") is not None
        assert all(embedded(path)), path
    assert [pages(p) for p in result.files] == [pages(p) for p in convert(sources, tmp_path / "alone").files]


def test_cli_pdfa_makes_each_document_and_bundle_as_pdfa(minimal, tmp_path):
    from click.testing import CliRunner

    from dutydocs.cli import cli

    result = CliRunner().invoke(cli, ["build", str(minimal), "-o", str(tmp_path / "out"), "--pdfa", "--bundle"])
    assert result.exit_code == 0, result.output
    assert "PDF/A：6 个，合订本 2 个" in result.output
    made = sorted((tmp_path / "out" / "PDF").rglob("*.pdf"))
    assert len(made) == 8
    for path in made:
        with pikepdf.open(path) as pdf:
            assert pdf.open_metadata().get("pdfaid:part") == "2", path


def test_cli_pdf_without_libreoffice_exits_3_with_how_to_install(minimal, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dutydocs.cli import cli

    monkeypatch.setenv("DUTYDOCS_SOFFICE", str(tmp_path / "no-soffice"))
    result = CliRunner().invoke(cli, ["build", str(minimal), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 3, result.output
    assert "找不到 LibreOffice" in result.output and "apt-get install" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out" / "PDF").exists()


def test_cli_pdf_with_a_bad_catalogue_leaves_no_libreoffice_running(tmp_path, monkeypatch):
    """LibreOffice starts while the catalogue is read; a catalogue with errors ends it again."""
    from click.testing import CliRunner

    import dutydocs.pdf as pdf_module
    from conftest import MINIMAL, write_catalog
    from dutydocs.cli import cli

    procs = []

    class Watched(pdf_module.LibreOffice):
        def start(self, count=None):
            super().start(count)
            procs.extend(o.proc for o in self.offices)
            return self

    monkeypatch.setattr(pdf_module, "LibreOffice", Watched)
    bad = write_catalog(tmp_path / "bad", MINIMAL.replace("rank: 正厅级", "rank: 正厅"))
    result = CliRunner().invoke(cli, ["build", str(bad), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 1, result.output
    assert procs and all(p.poll() is not None for p in procs)


def test_every_row_of_a_table_with_a_repeated_heading_prints(tmp_path):
    """LibreOffice drops rows of such a table when a row that may not break meets the foot of a
    page (the city bureau's list lost 年3-2 and 年3-3 at the foot of page 13): in what it is
    given, those rows may break; the .docx keeps them whole."""
    from click.testing import CliRunner

    from dutydocs.cli import cli

    out = tmp_path / "out"
    fixture = Path(__file__).parent / "fixtures" / "city-bureau"
    result = CliRunner().invoke(cli, ["build", str(fixture), "-o", str(out), "--only", "清单", "--pdf"])
    assert result.exit_code == 0, result.output
    docx = next((out / "责任清单").glob("*.docx"))
    rows = [r for t in Document(docx).tables if "tblHeader" in t._tbl.xml for r in t.rows[1:]]
    assert all("cantSplit" in r._tr.xml for r in rows)  # whole in Word
    pdf = next((out / "PDF" / "责任清单").glob("*.pdf"))
    text = re.sub(r"\s", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                            check=True).stdout)
    firsts = [re.sub(r"\s", "", max((c.text for c in r.cells), key=len))[:12] for r in rows]
    assert len(firsts) > 100 and [f for f in firsts if f not in text] == []
    assert "完成个人有关事项报告，报告情况告知派驻纪检监察组。" in text


def test_no_punctuation_is_lost_at_the_end_of_a_full_line(tmp_path):
    """At 0.25 pt condensed, LibreOffice dropped a 、 that fell just past a full 28-character line
    (the sample's 1-02 printed 社会建设委员会办公室 / 代表培训中心); condensed 0.3 pt it hangs it, as
    Word does, and every line still holds 28 characters."""
    from click.testing import CliRunner

    from dutydocs.cli import cli

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "-o", str(out), "--only", "责任书", "--pdf"])
    assert result.exit_code == 0, result.output
    lost = []
    for docx in sorted((out / "责任书").glob("*.docx")):
        doc = Document(docx)
        text = "".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
        pdf = out / "PDF" / "责任书" / docx.with_suffix(".pdf").name
        printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        lost += [(docx.name, ch) for ch in "。，、；：" if text.count(ch) != printed.count(ch)]
    assert lost == []
    page = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(out / "PDF" / "责任书" / "1-02-沈文澜-韩雪梅.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert "社会建设委员会办公室、" in page
    assert "度党风廉政建设工作的部署，结合责任人岗位职责，签订本责任" in page  # 28 a line
