"""The shipped templates: one source, schema-valid for Word and WPS, GB/T 9704 page and type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openxml_audit import FileFormat, OpenXmlValidator

from dutydocs.bundle import bundle_docs
from dutydocs.contexts import KINDS, plan
from dutydocs.output import doc_path
from dutydocs.resources import templates_dir

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(templates_dir().glob("*.docx"))


def test_the_committed_templates_are_exactly_what_the_script_makes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_templates.py"), str(tmp_path)], check=True,
                   capture_output=True)
    made = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert made == [p.name for p in TEMPLATES]
    for name in made:
        assert (tmp_path / name).read_bytes() == (templates_dir() / name).read_bytes(), (
            f"templates/{name} differs from scripts/make_templates.py: run the script and commit its output")


def validate(path: Path) -> list[str]:
    """Every finding, warnings included: Word, WPS and Excel open the file without repairing it."""
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0).validate(str(path))
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_templates_validate_against_the_office_schema(path):
    assert validate(path) == []


def test_documents_bundles_and_the_index_validate(built, tmp_path):
    loaded, out, _ = built
    assert validate(out / "索引.xlsx") == []
    for kind in KINDS:
        spec = next(plan(loaded.org, (kind,)), None)
        if spec is not None:  # the sample may hold no record of a kind
            assert validate(out / doc_path(spec, loaded.org)) == [], kind
    letters = [out / doc_path(s, loaded.org) for s in list(plan(loaded.org, ("责任书",)))[:5]]
    bundle = tmp_path / "bundle.docx"
    bundle.write_bytes(bundle_docs(letters, duplex=True))
    assert validate(bundle) == []


def test_no_default_thumbnail_theme_extras_or_foreign_styles_travel(built):
    import zipfile

    loaded, out, _ = built
    spec = next(plan(loaded.org, ("责任书",)))
    with zipfile.ZipFile(out / doc_path(spec, loaded.org)) as zf:
        names = set(zf.namelist())
        core = zf.read("docProps/core.xml").decode()
    assert not {n for n in names if "thumbnail" in n or "stylesWithEffects" in n or "customXml" in n}
    assert core.count("lastModifiedBy") == 2  # one element, open and close


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_page_grid_fonts_and_page_numbers_follow_gbt_9704(path):
    doc = Document(str(path))
    section = doc.sections[0]
    landscape = "横版" in path.name
    size = (297, 210) if landscape else (210, 297)
    assert (round(section.page_width.mm), round(section.page_height.mm)) == size
    margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)]
    assert margins == ([26, 28, 37, 35] if landscape else [37, 35, 28, 26])
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 22 lines in the 225 mm type area
    styles = {s.name: s for s in doc.styles if s.type == 1}

    def font(name):
        rpr = styles[name].element.rPr
        return rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")), styles[name].font.size.pt

    assert font("Normal") == ("仿宋_GB2312", 16)
    assert font("Title") == ("方正小标宋简体", 22)
    assert font("Heading 1") == ("黑体", 16)
    assert font("Heading 2") == ("楷体_GB2312", 16)
    assert font("Heading 3") == ("仿宋_GB2312", 16)
    # 28 characters a line: 16 pt type set 0.25 pt tighter fills the 156 mm line exactly
    spacing = styles["Normal"].element.rPr.find(qn("w:spacing"))
    width_pt = (section.page_width.mm - section.left_margin.mm - section.right_margin.mm) / 25.4 * 72
    pitch = 16 + int(spacing.get(qn("w:val"))) / 20
    assert int(width_pt // pitch) == (40 if landscape else 28)
    assert "w:eastAsiaTheme" not in doc.styles.element.xml
    footer = section.footer.paragraphs[0]
    assert "PAGE" in section.footer._element.xml
    assert footer.text == "— 1 —"
    assert footer.style.name == "footer" or footer.style.name == "Footer"
    assert styles[footer.style.name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert footer.alignment != section.even_page_footer.paragraphs[0].alignment
    assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    # the page number's top sits 7 mm below the type area: footer distance + a 14 pt line = 28 mm
    if not landscape:
        assert round(section.footer_distance.mm + 14 / 72 * 25.4) == 28
