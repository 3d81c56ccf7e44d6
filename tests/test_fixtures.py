"""Every organ speaks its own words: each fixture organ builds clean, and no document of one organ
carries a body, post, unit or rank word that belongs only to another kind of organ."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from dutydocs import load_catalog
from dutydocs.build import build
from dutydocs.cli import cli
from dutydocs.resources import sample_catalog

FIXTURES = Path(__file__).parent / "fixtures"

# Words that belong to other kinds of organ (organs.md): they must never print in this organ's papers.
PROVINCE = ["机关党组", "处室", "机关纪委", "厅级"]
BUREAU = ["局党组", "分管局领导"]
TOWNSHIP = ["镇党委", "站所", "镇纪委"]
UNIVERSITY = ["学校党委", "校领导", "学校纪委", "院系"]
ENTERPRISE = ["公司党委", "公司纪委", "廉洁从业"]
FOREIGN = {
    "sample": BUREAU + TOWNSHIP + UNIVERSITY + ENTERPRISE,
    "county-audit": PROVINCE + TOWNSHIP + UNIVERSITY + ENTERPRISE + ["科室负责人"],
    "city-bureau": PROVINCE + TOWNSHIP + [w for w in UNIVERSITY if w != "学校党委"] + ENTERPRISE,  # a school's 党委 is fine
    # a 纪委 of one's own says 我委 in its letters; only a stationed group says 我组
    "township": PROVINCE + BUREAU + UNIVERSITY + ENTERPRISE + ["我组"],
    "university": PROVINCE + BUREAU + TOWNSHIP + ENTERPRISE + ["我组"],
    "soe": PROVINCE + BUREAU + TOWNSHIP + UNIVERSITY + ["廉洁从政", "党组书记", "党组成员", "我组"],
}
ORGANS = {"sample": sample_catalog(), **{p.name: p for p in sorted(FIXTURES.iterdir()) if p.is_dir()}}


def document_text(path: Path) -> str:
    """Every piece of text in a .docx (body, tables, headers and footers) or an .xlsx (every cell)."""
    part, tag = ("xl/", "t") if path.suffix == ".xlsx" else ("word/", "w:t")
    with zipfile.ZipFile(path) as zf:
        xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith(part) and n.endswith(".xml"))
    return "".join(re.findall(rf"<{tag}(?: [^>]*)?>([^<]*)</{tag}>", xml))


@pytest.fixture(scope="module", params=sorted(ORGANS), ids=sorted(ORGANS))
def organ(request, tmp_path_factory):
    loaded = load_catalog(ORGANS[request.param])
    out = tmp_path_factory.mktemp(request.param)
    report = build(loaded, out, jobs=1)
    return request.param, loaded, out, report


def test_every_organ_checks_without_a_reminder_and_builds_every_kind(organ):
    _name, loaded, _out, report = organ
    assert loaded.warnings == [], [str(w) for w in loaded.warnings]
    assert report.counts["清单"] == 1
    assert report.counts["责任书"] == len(loaded.org.pairs) > 0
    assert report.counts["纪实本"] == len(loaded.org.book_holders()) > 0
    # the year after signing: every organ keeps its records and gets its papers, in its own words
    cat = loaded.catalog
    assert report.counts["建议书"] == len(cat.advice) > 0
    assert report.counts["信息表"] == len(cat.integrity) > 0
    assert report.counts["四张清单"] == len(cat.four_lists) > 0
    assert report.counts["销号台账"] == report.counts["谈话台账"] == 1 and len(cat.talks) >= 5


def test_no_document_speaks_another_organs_words(organ):
    name, loaded, out, _ = organ
    foreign = FOREIGN.get(name)
    assert foreign is not None, f"say which words {name} must never print"
    own = set(loaded.org.wording.words.values())
    for path in sorted([*out.rglob("*.docx"), *out.rglob("*.xlsx")]):
        text = document_text(path)
        assert "{{" not in text and "{%" not in text, path
        found = [w for w in foreign if w in text and w not in own]
        assert not found, f"{path.relative_to(out)}: {found}"


def test_every_organ_prints_its_own_words(organ):
    _name, loaded, out, _ = organ
    words = loaded.org.wording.words
    letter = document_text(next((out / "责任书").glob("*.docx")))
    book = document_text(next((out / "纪实本").glob("*.docx")))
    the_list = document_text(next((out / "责任清单").glob("*.docx")))
    assert loaded.catalog.organ.party_group in the_list
    assert words["处室"] in the_list
    assert words["纪检"] in book or words["上级纪检"] in book
    period = loaded.catalog.organ.record_period
    assert ("每月" in book) if period == "月" else ("每季度" in book)
    assert loaded.catalog.organ.party_group in letter or words["党组"] in letter


def test_the_supervision_report_speaks_the_organs_words_too(organ, tmp_path):
    name, loaded, _out, _ = organ
    result = CliRunner().invoke(cli, ["report", str(ORGANS[name]), "--as-of", "2026-06-30", "-o", str(tmp_path / "报告")])
    assert result.exit_code == 0, result.output
    own = set(loaded.org.wording.words.values())
    for path in (tmp_path / "报告.docx", tmp_path / "报告.xlsx"):
        text = document_text(path)
        assert "截至2026年6月30日" in text
        assert not [w for w in FOREIGN[name] if w in text and w not in own], path.name
