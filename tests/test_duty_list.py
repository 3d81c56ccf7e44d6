"""责任清单: the title breaks between words, codes printed, no empty column, tiers in order."""

from __future__ import annotations

from docx import Document

from conftest import MINIMAL, write_catalog
from dutydocs import load_catalog
from dutydocs.build import build
from dutydocs.contexts import plan
from dutydocs.output import doc_path


def the_list(loaded, out):
    return Document(out / doc_path(next(plan(loaded.org, ("清单",))), loaded.org))


def test_title_lines_codes_and_tiers_in_order(built):
    loaded, out, _ = built
    doc = the_list(loaded, out)
    text = [p.text for p in doc.paragraphs]
    assert text[:4] == ["附件", "中共江南省人大常委会机关党组", "2026年度党风廉政建设责任清单", "（2026年2月18日印发）"]
    assert [p.style.name for p in doc.paragraphs[1:3]] == ["Title", "Title"]
    assert text[4].endswith("本清单纵向列明6个层级76项职责，横向列明25项职责，各层级、各处室要照单履职、全程留痕，清单编号与全程纪实本一致。")
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"][: len(loaded.org.tiers)]
    assert headings == [f"（{n}）{info.tier.name}" for n, info in zip("一二三四五六", loaded.org.tiers, strict=True)]
    codes = [row.cells[0].text for t in doc.tables for row in t.rows[1:]]
    for info in loaded.org.tiers:
        for nd in info.duties:
            assert nd.code in codes
    assert "1．主体责任" in text and "2．监督责任" in text
    assert "二、横向责任" in text and "三、2026年度目标任务" in text


def test_no_table_has_an_empty_column(built):
    loaded, out, _ = built
    doc = the_list(loaded, out)
    for table in doc.tables:
        header = [c.text for c in table.rows[0].cells]
        for col, name in enumerate(header):
            values = [row.cells[col].text for row in table.rows[1:]]
            assert any(v.strip() for v in values), (name, header)


def test_the_owner_column_shows_lead_and_assist_units_only_where_given(built):
    loaded, out, _ = built
    doc = the_list(loaded, out)
    first = doc.tables[0]
    assert [c.text for c in first.rows[0].cells] == ["编号", "责任类别", "责任内容", "责任主体", "完成时限", "履责佐证"]
    assert first.rows[1].cells[3].text == "牵头：\n机关党委办公室\n配合：\n办公厅秘书处"
    secretary = doc.tables[1]  # 机关党组书记: no lead units, so no owner column
    assert [c.text for c in secretary.rows[0].cells] == ["编号", "责任类别", "责任内容", "完成时限", "履责佐证"]
    assert all(row.cells[0].text.startswith("2-") for row in secretary.rows[1:])


def test_landscape_is_an_option(tmp_path):
    folder = write_catalog(tmp_path / "c", MINIMAL.replace("  issue_date: 2026-02-18\n",
                                                           "  issue_date: 2026-02-18\n  list_landscape: true\n"))
    loaded = load_catalog(folder)
    build(loaded, tmp_path / "out")
    section = the_list(loaded, tmp_path / "out").sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert [round(m.mm) for m in (section.left_margin, section.right_margin)] == [37, 35]


def test_a_unit_too_long_for_the_owner_column_breaks_before_its_bracket():
    from dutydocs.kinds.base import at_bracket
    from dutydocs.kinds.duty_list import OWNER_EMS

    def _at_bracket(line):
        return at_bracket(line, OWNER_EMS)

    assert _at_bracket("党委办公室（校长办公室）") == ["党委办公室", "（校长办公室）"]
    assert _at_bracket("组织部") == ["组织部"] and _at_bracket("办公室（一）") == ["办公室（一）"]
    assert _at_bracket("（党支部）书记兼主任") == ["（党支部）书记兼主任"]  # nothing before the bracket to keep
