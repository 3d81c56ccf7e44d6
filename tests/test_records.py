"""The year after signing: recommendation letters and their 销号 ledger, the talk ledger, integrity
forms and the monthly four lists — checked, then built and opened as a clerk would."""

from __future__ import annotations

import io

import openpyxl
import pytest
from docx import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn

from conftest import MINIMAL, YEAR, write_catalog
from dutydocs import ProblemsError, load_catalog
from dutydocs.build import build


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    folder = write_catalog(tmp_path_factory.mktemp("c"), MINIMAL + YEAR)
    loaded = load_catalog(folder)
    out = tmp_path_factory.mktemp("out")
    report = build(loaded, out, jobs=1)
    return loaded, out, report


def texts(path) -> list[str]:
    doc = Document(path)
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def test_every_kind_of_record_becomes_its_document(year):
    _loaded, out, report = year
    assert {k: report.counts[k] for k in ("建议书", "销号台账", "谈话台账", "信息表", "四张清单")} == dict.fromkeys(
        ("建议书", "销号台账", "谈话台账", "信息表", "四张清单"), 1)
    index = openpyxl.load_workbook(out / "索引.xlsx").active
    listed = [row[2].value for row in index.iter_rows(min_row=3)]
    assert "工作建议书/01-驻测纪检〔2026〕1号.docx" in listed and "台账/工作建议书销号台账.xlsx" in listed


def test_the_recommendation_letter_is_an_official_letter(year):
    _, out, _ = year
    doc = Document(next((out / "工作建议书").glob("*.docx")))
    text = [p.text for p in doc.paragraphs if p.text]
    # the title in two lines broken between words, as the wording has it
    assert text[:5] == ["机关纪委", "驻测纪检〔2026〕1号", "关于进一步落实全面从严治党", "主体责任的工作建议书", "中共测试机关党组："]
    assert text[5].startswith("在日常监督和专项检查中，我组发现机关党组在落实")
    assert text[text.index("一、存在的问题") + 1:text.index("二、工作建议")] == ["1．公车管理不规范。", "2．制度汇编滞后。"]
    assert text[text.index("二、工作建议") + 1] == "1．完善公车使用审批。（责任领导：王五，责任单位：秘书处，完成时限：5月31日）"
    assert any("并于2026年4月10日前将整改落实情况书面反馈我组" in t for t in text)
    assert text[-2:] == ["机关纪委", "2026年3月10日"]  # 落款
    issuer = doc.paragraphs[1]
    assert issuer.style.name == "发文机关标志" and doc.styles["发文机关标志"].font.size.pt == 22
    assert doc.styles["发文机关标志"].font.color.rgb == (0xFF, 0, 0)
    # GB/T 9704 版记: 抄送 one character in, wrapped lines under the first character after the colon;
    # the 印发机关 one character in on the left, the date on the right; thick rules first and last,
    # a thin one between; floated to the foot of the last page
    block = doc.tables[-1]
    assert [c.text for r in block.rows for c in r.cells] == ["抄送：测试纪委。", "机关纪委\t2026年3月10日印发"]
    cc, printed = (r.cells[0].paragraphs[0] for r in block.rows)
    assert (cc.style.name, cc.style.paragraph_format.left_indent.pt, cc.style.paragraph_format.first_line_indent.pt) == (
        "抄送", 56, -42)
    stop = printed.paragraph_format.tab_stops[0]
    assert stop.alignment == WD_TAB_ALIGNMENT.RIGHT and round(stop.position.mm) == 151
    tblpr = block._tbl.tblPr
    floating = tblpr.find(qn("w:tblpPr"))
    assert (floating.get(qn("w:vertAnchor")), floating.get(qn("w:tblpYSpec"))) == ("margin", "bottom")
    rules = {side: tblpr.find(qn("w:tblBorders")).find(qn(f"w:{side}")).get(qn("w:sz")) for side in ("top", "insideH", "bottom")}
    assert rules == {"top": "8", "insideH": "6", "bottom": "8"}


def test_a_long_issuer_is_set_smaller_on_one_line_and_the_printer_may_be_short(tmp_path):
    issuer = "江南省纪委省监委驻省人大常委会机关纪检监察组"  # 22 characters: at 22 pt, 2 more than the line holds
    text = MINIMAL + YEAR.replace("    cc: [测试纪委]\n", f"    cc: [测试纪委]\n    issuer: {issuer}\n")
    loaded = load_catalog(write_catalog(tmp_path / "c", text))
    assert [p.message for p in loaded.warnings] == [
        "建议书「驻测纪检〔2026〕1号」版记末行「江南省纪委省监委驻省人大常委会机关纪检监察组……2026年3月10日印发」"
        "一行放不下（共 30.5 个字宽，只能排 27 个）。请写 printer: 印发机关的简称，如 驻省人大常委会机关纪检监察组。"]
    build(loaded, tmp_path / "out", kinds=("建议书",))
    doc = Document(next((tmp_path / "out" / "工作建议书").glob("*.docx")))
    mark = doc.paragraphs[1]
    assert (mark.text, mark.style.name, mark.style.font.size.pt) == (issuer, "发文机关标志（长）", 22)
    assert mark.style.element.rPr.find(qn("w:w")).get(qn("w:val")) == "85"  # narrowed to fit the line
    short = load_catalog(write_catalog(tmp_path / "d", text.replace(
        f"    issuer: {issuer}\n", f"    issuer: {issuer}\n    printer: 驻省人大常委会机关纪检监察组\n")))
    assert short.warnings == []
    build(short, tmp_path / "out2", kinds=("建议书",))
    doc = Document(next((tmp_path / "out2" / "工作建议书").glob("*.docx")))
    assert doc.tables[-1].rows[-1].cells[0].text == "驻省人大常委会机关纪检监察组\t2026年3月10日印发"


def test_the_ledger_lists_every_item_and_highlights_the_overdue(year):
    _, out, _ = year
    wb = openpyxl.load_workbook(out / "台账" / "工作建议书销号台账.xlsx")
    ws = wb["销号台账"]
    assert ws["A1"].value == "2026年度工作建议书整改销号台账（截至2026年5月20日）"  # the latest date in the records
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert [(r[2], r[8], r[10], r[11], r[12]) for r in rows] == [(1, "2026年5月31日", "已完成", None, "2026年5月20日"),
                                                               (2, "2026年4月30日", "整改中（逾期）", 20, "")]
    assert ws["A4"].fill.fgColor.rgb.endswith("FFC7CE") and ws["A3"].fill.fill_type is None
    assert rows[1][9] == "2026年4月15日 已完成初稿"
    summary = wb["按建议书汇总"]
    assert summary["A1"].value == "2026年度工作建议书整改销号情况汇总（截至2026年5月20日）"
    assert [[c.value for c in r] for r in summary.iter_rows(min_row=3)] == [["驻测纪检〔2026〕1号", "2026年3月10日", 2, 1, 1, 1]]
    # printed as a clerk prints it: A4 landscape, one page wide, the title and header on every page
    assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth) == ("landscape", 9, 1)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$2"
    assert "A1:O1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D3"].alignment.wrap_text and ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    # fifteen columns within 190 character widths (about 1.9 mm each): fitted to the 272 mm of an A4
    # landscape line, 11 pt 宋体 prints at 8 pt or more, not the 5 pt of wide columns
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, 16)]
    assert sum(widths) <= 190 and 11 * 272 / (sum(widths) * 1.9) >= 8


def test_the_talk_ledger_counts_by_kind_period_and_talker(year):
    _, out, _ = year
    wb = openpyxl.load_workbook(out / "台账" / "廉政谈话台账.xlsx")
    # the name, and the post under it: one way for every title in the narrow columns
    assert [c.value for c in wb["谈话登记"][3]][:5] == [1, "2026年3月10日", "一般性廉政谈话", "张三\n党组书记", "王五\n党组成员"]
    kinds = {r[0].value: [c.value for c in r[1:]] for r in wb["按类型统计"].iter_rows(min_row=3)}
    assert kinds["一般性廉政谈话"] == [1, 0, 0, 0, 1] and kinds["提醒谈话"] == [0, 1, 0, 0, 1]
    assert kinds["诫勉谈话"] == [0, 0, 0, 0, 0] and kinds["合计"] == [1, 2, 0, 0, 3]
    talkers = [(r[0].value, r[-1].value) for r in wb["按谈话人统计"].iter_rows(min_row=3)]
    assert talkers == [("张三（党组书记）", 1), ("王五（党组成员）", 1), ("派驻组组长 林振声", 1), ("合计", 3)]
    assert [c.value for c in wb["谈话登记"][2]][-2:] == ["对象表态", "记录人"]


def test_the_integrity_form_is_filled_and_ruled(year):
    _, out, _ = year
    doc = Document(next((out / "廉洁信息表").glob("*.docx")))
    assert [p.text for p in doc.paragraphs[:3]] == ["内部资料　注意保密", "廉洁从政信息表", "（2026年度）"]
    basics = doc.tables[0]
    assert [c.text for c in basics.rows[0].cells] == ["姓　　名", "张三", "性　　别", "男"]
    # the labels come from the wording; a leader's unit is the organ, not the units he oversees
    assert [c.text for c in basics.rows[-1].cells] == ["任现职时间", "", "工作单位", "测试机关"]
    family = doc.tables[1]
    assert [c.text for c in family.rows[1].cells] == ["配偶", "赵某", "1970.01", "中共党员", "某中学教师"]
    assert len(family.rows) == 1 + 6 and all(c.text == "" for c in family.rows[2].cells)  # ruled blanks
    matters = doc.tables[2]
    assert [c.text for c in matters.rows[1].cells] == ["2026年1月20日", "个人有关事项年度报告", "按规定报告", "组织处"]


def test_the_integrity_form_pads_to_lines_not_rows_so_long_entries_keep_it_on_two_pages():
    from dutydocs.kinds.integrity import _padded

    short = {"relation": "配偶", "name": "赵某", "born": "1970.01", "political": "群众", "work": "某中学教师"}
    long = {**short, "work": "某" * 40}  # 40 characters in the 68 mm column (17 a line): three lines
    assert len(_padded([short], "family", 6)) == 1 + 5
    assert len(_padded([long], "family", 6)) == 1 + 3
    assert len(_padded([long, long, long], "family", 6)) == 3 + 1  # always one more to write in


def test_the_four_lists_lead_with_the_months_numbers(year):
    _, out, _ = year
    doc = Document(next((out / "四张清单").glob("*.docx")))
    assert [p.text for p in doc.paragraphs[:2]] == ["机关纪委", "2026年4月工作“四张清单”"]
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[1][0] == "成绩"
    assert [r[1] for r in rows[2:5]] == ["开展各类廉政谈话1人次（任前廉政谈话1人次）",
                                         "督促机关党组和班子成员等开展廉政谈话1人次（提醒谈话1人次）", "完成一季度纪实本抽查"]
    names = [r[0] for r in rows if len(set(r)) == 1]
    assert names == ["成绩", "亮点", "问题", "任务"]
    assert rows[-1][1:] == ["开展公车专项检查", "", "林振声", "5月31日"]


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("advice:\n  - {number: 甲1号, date: 2026-03-01, items: [{problem: 问题, recommendation: 建议, status: 已完成}]}\n",
     ["advice[0].items[0].status: 第 1 项写了“已完成”，但没有写销号日期 closed（如 2026-05-20）。销号须有日期和依据，请补上。",
      "advice[0].items[0].status: 第 1 项写了“已完成”，但没有写销号依据 evidence（文件号、佐证）。销号须有日期和依据，请补上。"]),
    ("advice:\n  - {number: 甲1号, date: 2026-03-01, items: [{problem: 问题, recommendation: 建议, owner: 档案科}]}\n",
     ["advice[0].items[0].owner: 责任单位（责任人）「档案科」既不是 people 里的人，也不是 divisions 里的处室。"
      "请写 people 里的姓名或 divisions 里的处室名称。"]),
    ("talks:\n  - {date: 2026-03-01, talker: 李四, target: 王五, kind: 提醒谈话}\n",
     ["talks[0].talker: 提醒谈话应由对象的上级（责任领导、分管领导、所在处室负责人或第一责任人）或纪检机构的人进行，"
      "「李四」不是。请核对谈话人、谈话对象或谈话类型（谁可以进行哪类谈话见 wording.yaml 的 talks，可在目录的 wording 里改）。"]),
    ("talks:\n  - {date: 2026-03-01, talker: 张三, target: 王五, kind: 约谈}\n",
     ["talks[0].kind: 不认识的谈话类型「约谈」。可选：一般性廉政谈话、任前廉政谈话、提醒谈话、信访核实谈话、诫勉谈话"
      "（可在 wording: talks: kinds: 里加上本单位的谈话类型）。"]),
    ("integrity:\n  - {person: 张三}\n  - {person: 张三}\n",
     ["integrity[1].person: 「张三」的廉洁信息已在第 1 项写过，一人一档，请合并成一项。"]),
    ("four_lists:\n  - {month: 3}\n  - {month: 3}\n", ["four_lists[1].month: 3 月的“四张清单”已在第 1 项写过，每月一份，请合并。"]),
])
def test_records_that_do_not_add_up_are_located(tmp_path, yaml_text, expected):
    with pytest.raises(ProblemsError) as exc:
        load_catalog(write_catalog(tmp_path / "c", MINIMAL + yaml_text))
    assert [f"{p.key}: {p.message}" for p in exc.value.problems] == expected


def test_an_organ_may_add_a_kind_of_talk(tmp_path):
    text = MINIMAL + "talks:\n  - {date: 2026-03-01, talker: 张三, target: 王五, kind: 约谈}\n"
    text += "wording:\n  talks:\n    kinds:\n      约谈: [上级]\n"
    loaded = load_catalog(write_catalog(tmp_path / "c", text))
    assert "约谈" in loaded.org.wording.get("talks", "kinds")


def test_workbooks_are_byte_identical_on_rebuild(year, tmp_path):
    loaded, out, _ = year
    again = tmp_path / "again"
    build(loaded, again, jobs=1)
    for name in ("工作建议书销号台账.xlsx", "廉政谈话台账.xlsx"):
        assert (out / "台账" / name).read_bytes() == (again / "台账" / name).read_bytes()
        openpyxl.load_workbook(io.BytesIO((out / "台账" / name).read_bytes()))


def test_a_title_line_too_long_for_one_line_is_a_located_reminder(tmp_path):
    text = MINIMAL + YEAR.replace("    source: 在日常监督和专项检查中\n",
                                  "    source: 在日常监督和专项检查中\n    title: 关于进一步加强机关公务用车管理的工作建议书\n")
    loaded = load_catalog(write_catalog(tmp_path / "c", text))
    assert [p.message for p in loaded.warnings] == [
        "建议书「驻测纪检〔2026〕1号」标题的「关于进一步加强机关公务用车管理的工作建议书」有 21 个字宽，一行只能排 20 个字，"
        "会在词语中间回行。请在 title 里换行（写成 title: | 再分行），在词语之间断开。"]
    assert str(loaded.warnings[0]).split("/c/", 1)[1].startswith(f"catalog.yaml:{text.splitlines().index('    title: 关于进一步加强机关公务用车管理的工作建议书') + 1} advice[0].title:")
