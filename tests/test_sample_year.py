"""The sample's first half year (records, talks, a recommendation letter, integrity forms, four
lists, as of 2026-06-30): every document of the year opened, and the supervision report's numbers."""

from __future__ import annotations

import datetime as dt

import openpyxl
from docx import Document

from dutydocs.report import supervision


def test_the_half_year_makes_its_documents(built):
    _, out, report = built
    assert {k: report.counts[k] for k in ("建议书", "销号台账", "谈话台账", "信息表", "四张清单")} == {
        "建议书": 1, "销号台账": 1, "谈话台账": 1, "信息表": 12, "四张清单": 3}
    assert sorted(p.name for p in (out / "四张清单").iterdir()) == ["03月.docx", "04月.docx", "05月.docx"]
    forms = sorted(p.name for p in (out / "廉洁信息表").iterdir())
    assert forms[0] == "001-沈文澜.docx" and len(forms) == 12


def test_the_recommendation_letter_and_its_ledger(built):
    _, out, _ = built
    doc = Document(out / "工作建议书" / "01-驻人大纪检〔2026〕1号.docx")
    text = [p.text for p in doc.paragraphs if p.text]
    mark = doc.paragraphs[1]  # 22 characters: a size smaller, to stay on one line
    assert (mark.text, mark.style.name) == ("江南省纪委省监委驻省人大常委会机关纪检监察组", "发文机关标志（长）")
    problems = text[text.index("一、存在的问题") + 1:text.index("二、工作建议")]
    assert len(problems) == 6 and problems[5].startswith("6．干部人事档案基础信息不准确")
    assert doc.tables[-1].rows[-1].cells[0].text == "驻省人大常委会机关纪检监察组\t2026年3月10日印发"  # the printer's short name
    ws = openpyxl.load_workbook(out / "台账" / "工作建议书销号台账.xlsx")["销号台账"]
    assert ws["A1"].value == "2026年度工作建议书整改销号台账（截至2026年6月30日）"
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert [(r[2], r[10], r[11]) for r in rows] == [
        (1, "整改中", None), (2, "已完成", None), (3, "已完成", None), (4, "已完成", None), (5, "已完成", None),
        (6, "整改中（逾期）", 30)]
    assert ws.row_dimensions[3].height >= 15 * 12  # six dated progress steps, wrapped: the row grows to hold them
    overdue = next(ws.iter_rows(min_row=8, max_row=8))
    assert overdue[0].fill.fgColor.rgb.endswith("FFC7CE")  # the overdue row is marked


def test_the_talk_ledger_counts_every_talk(built):
    _, out, _ = built
    wb = openpyxl.load_workbook(out / "台账" / "廉政谈话台账.xlsx")
    assert wb.sheetnames == ["谈话登记", "按类型统计", "按谈话人统计"]
    register = [r for r in wb["谈话登记"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert len(register) == 73 and register[0][1] <= register[-1][1]
    kinds = {r[0]: r[-1] for r in wb["按类型统计"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert kinds == {"一般性廉政谈话": 61, "任前廉政谈话": 6, "提醒谈话": 2, "信访核实谈话": 3, "诫勉谈话": 1,
                     "合计": 73}


def test_the_four_lists_tell_the_groups_own_work_from_what_it_urged(built):
    _, out, _ = built
    doc = Document(out / "四张清单" / "04月.docx")
    assert [(p.text, p.style.name) for p in doc.paragraphs[:2]] == [
        ("江南省纪委省监委驻省人大常委会机关纪检监察组", "标题（长）"), ("2026年4月工作“四张清单”", "Title")]
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    # the group's own talks and checks apart from those the organ held (潘卫东 of the 机关纪委 is the organ's)
    assert [(r[1], r[2]) for r in rows[2:6]] == [
        ("开展各类廉政谈话2人次（任前廉政谈话1人次、信访核实谈话1人次）", "廉政谈话台账"),
        ("督促机关党组和班子成员等开展廉政谈话7人次（一般性廉政谈话4人次、任前廉政谈话3人次）", "廉政谈话台账"),
        ("开展监督检查1次", "监督检查记录"), ("督促开展监督检查10次", "监督检查记录")]
    # a category's name row stays with its first row across a page break
    heads = [r for r in doc.tables[0].rows if r.cells[0].text in ("成绩", "亮点", "问题", "任务")]
    assert all(r.cells[0].paragraphs[0].paragraph_format.keep_with_next for r in heads)


def test_the_supervision_report_at_the_half_year(sample):
    report = supervision(sample, dt.date(2026, 6, 30))
    persons = report.by_person()
    assert (len(persons), sum(p[1] for p in persons), sum(p[2] for p in persons)) == (61, 847, 255)
    rows = {(r.person, r.code): (r.read_from, r.expected, r.recorded, r.status) for r in report.duties}
    # 6月底前 is due on the report's day; the 党组's duty 沈文澜 recorded counts in 郑怀远's book too
    assert rows[("沈文澜", "1-9")] == rows[("郑怀远", "1-9")] == ("6月底前", 1, 1, "done")
    assert rows[("郑怀远", "1-1")] == ("2月底前", 1, 1, "done")
    day_before = {(r.person, r.code): r.status for r in supervision(sample, dt.date(2026, 6, 29)).duties}
    assert day_before[("沈文澜", "1-9")] == "not_due"
    assert report.talk_counts == {"一般性廉政谈话": 61, "任前廉政谈话": 6, "提醒谈话": 2, "信访核实谈话": 3, "诫勉谈话": 1}
    # levels 1 and 2 talk within a month of signing (2月18日): three pairs never did, two did late
    assert [(t.superior, t.subordinate) for t in report.talks if t.status == "overdue"] == [
        ("许清源", "阎秋实"), ("马振华", "杜建设"), ("何志远", "袁立群")]
    assert [(t.subordinate, t.held) for t in report.talks if t.status == "late"] == [
        ("汪春生", "2026年4月9日"), ("宋佳琪", "2026年3月25日")]
    assert {t.level for t in report.talks if t.status == "not_due"} == {3}  # level 3 has until the year's end
    assert [(o.source, o.owner, o.days) for o in report.overdue] == [("驻人大纪检〔2026〕1号 第6项", "办公厅人事处", 30)]
