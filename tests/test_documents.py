"""The generated documents, opened with python-docx and read as a clerk would check them."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from dutydocs.contexts import BOOK, LETTER, LIST, book_items, letter_duties, plan
from dutydocs.output import doc_path

W_EAST = qn("w:eastAsia")


def index(out: Path) -> list[dict[str, str]]:
    with (out / "索引.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def body_text(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def style_font(doc, name: str) -> tuple[str | None, float | None]:
    style = doc.styles[name]
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts"))
    size = style.font.size.pt if style.font.size else None
    return fonts.get(W_EAST), size


def test_sample_counts(built):
    loaded, out, report = built
    rows = index(out)
    kinds = [r["类别"] for r in rows]
    assert kinds.count("责任清单") == 1
    assert kinds.count("责任书") == len(loaded.org.pairs) == 76
    assert kinds.count("纪实本") == len(loaded.org.book_holders())
    assert report.status["written"] == len(rows)
    assert all((out / r["文件"]).is_file() for r in rows)


def test_every_letter_names_its_two_parties_and_the_subordinates_duties(built):
    loaded, out, _ = built
    org = loaded.org
    year = loaded.catalog.organ.year
    for spec in plan(org, (LETTER,)):
        pair = org.pair_at(spec.level, spec.seq)
        doc = Document(out / doc_path(spec, year))
        text = body_text(doc)
        assert text[0] == f"{year}年度党风廉政建设责任书"
        assert f"责任领导：{pair.superior.name}（{pair.superior.display_title}）" in text
        assert f"责任人：{pair.subordinate.name}（{pair.subordinate.display_title}）" in text
        assert f"签订层面：{org.level_name(pair.level)}" in text
        start = text.index("二、责任内容") + 1
        end = text.index("三、年度重点任务")
        expected = [f"{i}．{t}" for i, t in enumerate(letter_duties(org, pair.subordinate), 1)]
        assert text[start:end] == expected
        assert any(p.startswith("1．本责任书有效期自2026年1月1日至2026年12月31日") for p in text)
        sign = doc.tables[-1]
        assert sign.cell(0, 0).text == "责任领导（签字）：" and sign.cell(0, 1).text == "责任人（签字）："
        assert sign.cell(2, 0).text == sign.cell(2, 1).text == "年　　月　　日"


def test_letters_by_level_carry_their_level_clauses(built):
    loaded, out, _ = built
    year = loaded.catalog.organ.year
    seen = {}
    for spec in plan(loaded.org, (LETTER,)):
        text = body_text(Document(out / doc_path(spec, year)))
        clause = text[text.index("四、考核") + 1]
        seen.setdefault(spec.level, clause)
    assert len(seen) == 3 and len(set(seen.values())) == 3


def test_each_record_book_holds_exactly_his_duties_and_tasks_in_order(built):
    loaded, out, _ = built
    org = loaded.org
    year = loaded.catalog.organ.year
    for spec in plan(org, (BOOK,)):
        person = org.people[spec.names[0]]
        doc = Document(out / doc_path(spec, year))
        items = book_items(org, person)
        tiers = [info for info in org.tiers if person in info.holders]
        expected_codes = [nd.code for info in tiers for nd in info.duties]
        assert [it.code for it in items][: len(expected_codes)] == expected_codes
        expected_tasks = [t.text for info in tiers for t in info.tasks] + \
            [t.text for t in loaded.catalog.tasks if t.person == person.name]
        assert [it.text for it in items][len(expected_codes):] == expected_tasks
        tables = doc.tables
        cover = tables[0]
        assert cover.cell(1, 1).text == person.name
        task_list = tables[1]
        rows = [[c.text for c in row.cells] for row in task_list.rows]
        assert rows[0] == ["序号", "清单编号", "责任内容（年度任务）", "完成时限"]
        assert [r[2] for r in rows[1:]] == [it.text for it in items]
        assert [r[1] for r in rows[1:]] == [it.code for it in items]
        periods = [p.text for p in doc.paragraphs if p.text.startswith("履责纪实（")]
        assert len(periods) == (4 if loaded.catalog.organ.record_period == "季度" else 12)


def test_records_entered_in_the_catalogue_print_filled_in(built):
    loaded, out, _ = built
    records = loaded.catalog.records
    assert records, "the sample should hold some records"
    record = records[0]
    serial = [p.name for p in loaded.org.book_holders()].index(record.person) + 1
    spec = next(s for s in plan(loaded.org, (BOOK,)) if s.seq == serial)
    doc = Document(out / doc_path(spec, loaded.catalog.organ.year))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert record.content in cells
    assert f"{record.date.year}年{record.date.month}月{record.date.day}日" in cells


@pytest.mark.parametrize("kind", [LIST, LETTER, BOOK])
def test_page_setup_and_fonts_follow_gbt_9704(built, kind):
    loaded, out, _ = built
    spec = next(plan(loaded.org, (kind,)))
    doc = Document(out / doc_path(spec, loaded.catalog.organ.year))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert style_font(doc, "Normal") == ("仿宋_GB2312", 16)
    assert style_font(doc, "Title") == ("方正小标宋简体", 22)
    assert style_font(doc, "Heading 1") == ("黑体", 16)
    assert style_font(doc, "Heading 2") == ("楷体_GB2312", 16)
    assert style_font(doc, "Heading 3") == ("仿宋_GB2312", 16)
    # every run's font comes from a style whose East Asian font is set (no theme fonts)
    styles_xml = doc.styles.element.xml
    assert "w:eastAsiaTheme" not in styles_xml
    footer = section.footer
    xml = footer._element.xml
    assert "PAGE" in xml and "— " in footer.paragraphs[0].text and " —" in footer.paragraphs[0].text
    run_fonts = footer.paragraphs[0].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert run_fonts.get(W_EAST) == "宋体"
    assert footer.paragraphs[0].runs[0].font.size.pt == 14
    assert section.even_page_footer.paragraphs[0].alignment != footer.paragraphs[0].alignment
    sect = section._sectPr.find(qn("w:pgNumType"))
    assert sect.get(qn("w:start")) == "1"


def test_list_has_every_tier_in_order_with_its_duties(built):
    loaded, out, _ = built
    doc = Document(out / doc_path(next(plan(loaded.org, (LIST,))), loaded.catalog.organ.year))
    text = body_text(doc)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"][: len(loaded.org.tiers)]
    assert headings == [f"（{n}）{info.tier.name}" for n, info in zip("一二三四五六七八九十", loaded.org.tiers, strict=False)]
    assert "2026年2月18日" in text[1]
    first_table = doc.tables[0]
    assert [c.text for c in first_table.rows[0].cells] == ["序号", "责任类别", "责任内容", "责任主体", "完成时限", "履责佐证"]
    first_tier = loaded.org.tiers[0]
    primary = [nd for nd in first_tier.duties if nd.duty.type == "主体责任"]
    assert first_table.rows[1].cells[2].paragraphs[0].text == primary[0].duty.text
    all_cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for info in loaded.org.tiers:
        for nd in info.duties:
            assert any(cell.startswith(nd.duty.text) for cell in all_cells)
    # a tier with both kinds of duty is split into 主体责任 and 监督责任
    assert "1．主体责任" in text and "2．监督责任" in text
    assert any(t.startswith("二、横向责任") for t in text)
    assert any(re.match(r"三、2026年度目标任务", t) for t in text)


def test_documents_are_byte_identical_when_rebuilt(built, tmp_path):
    from dutydocs.build import build

    loaded, out, _ = built
    again = tmp_path / "again"
    build(loaded, again, jobs=1)
    for row in index(out):
        assert (out / row["文件"]).read_bytes() == (again / row["文件"]).read_bytes(), row["文件"]
    assert (out / "索引.xlsx").read_bytes() == (again / "索引.xlsx").read_bytes()
