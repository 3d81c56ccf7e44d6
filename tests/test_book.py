"""全程纪实本: his duties once with the list's codes, writing space sized by what he must record."""

from __future__ import annotations

import math

from docx import Document

from dutydocs.contexts import context_for, plan
from dutydocs.kinds.book import _record_units, book_items
from dutydocs.output import doc_path


def spec_of(org, name):
    return next(s for s in plan(org, ("纪实本",)) if s.names[0] == name)


def test_a_book_holds_exactly_the_duties_that_fall_to_him_then_his_own_then_his_tasks(sample):
    org = sample.org
    for spec in plan(org, ("纪实本",)):
        person = org.people[spec.names[0]]
        codes = [it["code"] for g in book_items(org, person) for it in g["duties"]]
        expected = [nd.code for info in org.tiers if person in info.holders for nd in org.tier_duties(info, person)]
        expected += [nd.code for div in org.headed_by.get(person.name, []) for nd in org.horizontal_duties(div)]
        expected += [f"个-{i}" for i in range(1, len(person.duties) + 1)]
        expected += [org.task_code(t) for t in org.book_tasks(person)]
        assert codes == expected, person.name
    # a unit head who is not a branch secretary carries no branch-only duty
    head = org.people["张海涛"]
    texts = [it["text"] for g in book_items(org, head) for it in g["duties"]]
    assert not any("三会一课" in t for t in texts) and any("处务会" in t for t in texts)


def test_the_codes_in_a_book_are_those_the_list_prints(sample):
    org = sample.org
    listed = {nd.code for info in org.tiers for nd in info.duties} | {nd.code for nd in org.common_duties()}
    listed |= {nd.code for div in sample.catalog.divisions for nd in org.unit_duties(div)}
    listed |= {org.task_code(t) for t in sample.catalog.tasks}
    for spec in plan(org, ("纪实本",)):
        person = org.people[spec.names[0]]
        for g in book_items(org, person):
            for it in g["duties"]:
                assert it["code"] in listed or it["code"].startswith("个-")


def test_record_pages_leave_room_for_the_period_and_start_with_what_is_recorded(sample):
    org = sample.org
    ctx = context_for(org, spec_of(org, "王立新"))
    assert [p["title"] for p in ctx["periods"]] == [f"2026年第{q}季度（{m}）履责纪实" for q, m in
                                                    zip("一二三四", ("1—3月", "4—6月", "7—9月", "10—12月"), strict=True)]
    first = ctx["periods"][0]["rows"]
    recorded = sorted((r for r in sample.catalog.records if r.person == "王立新" and r.date.month <= 3),
                      key=lambda r: r.date)
    assert [row["content"] for row in first[: len(recorded)]] == [r.content for r in recorded]
    assert all(row["content"] == "" for row in first[len(recorded):])
    first_page, more = org.wording.get("book", "layout", "record_rows")
    def height(rows):  # in blank rows: a filled record counts as high as its text makes it
        filled = [row for row in rows if row["content"]]
        return len(rows) - len(filled) + math.ceil(sum(_record_units(row) for row in filled))

    for period in ctx["periods"]:
        assert (height(period["rows"]) - first_page) % more == 0  # whole pages
    # a record of five lines is two blank rows high, and more
    assert _record_units({**first[0], "content": "字" * 60}) > 2 > _record_units({**first[0], "content": "字" * 14}) == 1
    # a leader with many frequent duties gets more room than a unit head
    leader = context_for(org, spec_of(org, "沈文澜"))
    assert height(leader["periods"][0]["rows"]) >= height(ctx["periods"][0]["rows"])


def test_talk_pages_are_sized_by_whom_he_must_talk_with(sample):
    org = sample.org
    spares = org.wording.get("book", "layout", "talk_spares")
    secretary = context_for(org, spec_of(org, "顾建平"))
    targets = [t["target"] for t in secretary["talks"] if t["target"]]
    branch = [p.subordinate for p in org.pairs if p.superior.name == "顾建平"]
    assert len(branch) >= 22
    for person in branch:
        assert any(t.startswith(person.name) for t in targets), person.name
    assert sum(1 for t in secretary["talks"] if not t["target"]) == spares


def test_the_cover_has_no_empty_rows_and_one_review_box_per_period(sample, tmp_path):
    org = sample.org
    head = context_for(org, spec_of(org, "王立新"))
    assert [row["label"] for row in head["cover"]] == ["单位", "姓名", "职务", "所在处室", "编号"]
    assert all(row["value"] for row in head["cover"])
    assert [r["box"] for r in head["reviews"]] == [f"{q}检查意见：" for q in ("第一季度", "第二季度", "第三季度", "第四季度")]
    leader = context_for(org, spec_of(org, "沈文澜"))
    assert [row["label"] for row in leader["cover"]] == ["单位", "姓名", "职务", "分管工作", "编号"]


def test_a_printed_book(built):
    loaded, out, _ = built
    org = loaded.org
    spec = spec_of(org, "王立新")
    doc = Document(out / doc_path(spec, org))
    text = [p.text for p in doc.paragraphs]
    start = text.index("履行党风廉政建设责任制")
    assert text[start + 1] == "全程纪实本"
    assert not any("{{" in t or "{%" in t for t in text)
    titles = [p.text for p in doc.paragraphs if p.style.name == "分部标题"]
    assert titles[:4] == ["填写说明", "本人责任清单", "廉政承诺", "年度履责工作计划"]
    assert titles.count("廉政谈话记录") == len(context_for(org, spec)["talks"])
    assert titles[-4:] == ["问题整改台账", "检查（审阅）意见", "年度履责总结", "年度考核评价"]
    notes = [t for t in text if t.startswith("5．")]
    assert notes == ["5．本纪实本每季度末送分管领导查阅，查阅人填写检查意见并签字。"]  # his tier's reviewed_by
    record = doc.tables[4]  # cover, list, pledge lines, plan lines, then the first period
    assert [c.text for c in record.rows[0].cells] == ["时间", "清单\n编号", "履责情况（做法、内容）", "参加人员\n或对象", "佐证材料",
                                                      "备注"]
    first = sorted((r for r in loaded.catalog.records if r.person == "王立新"), key=lambda r: r.date)[0]
    assert [c.text for c in record.rows[1].cells][:3] == ["2月18日", first.duty, first.content]
    fixes = next(t for t in doc.tables if t.rows[0].cells[-1].text == "销号\n日期")
    assert [c.text for c in fixes.rows[0].cells] == ["序号", "存在问题", "整改措施", "责任人", "整改\n时限", "整改情况", "销号\n日期"]
    # the narrow date columns of his ledgers print the day without the book's year (2026年4月/16日 broke)
    assert fixes.rows[1].cells[-1].text == "5月8日"
    checks = next(t for t in doc.tables if t.rows[0].cells[-1].text == "检查人")
    assert checks.rows[1].cells[1].text == "4月16日"
    register = next(t for t in doc.tables if t.rows[0].cells[-1].text == "对象签字")
    assert len(register.rows) == 1 + loaded.org.wording.get("book", "layout", "register_rows")
    assert "谈心谈话登记表" in titles


def test_talk_kind_boxes_break_between_boxes_never_inside_one():
    from dutydocs.kinds.book import KINDS_BOX_EMS, _boxes

    kinds = ["□一般性廉政谈话", "□任前廉政谈话", "□提醒谈话", "□信访核实谈话", "□诫勉谈话"]
    assert _boxes(kinds, KINDS_BOX_EMS) == "□一般性廉政谈话　□任前廉政谈话　□提醒谈话　□信访核实谈话\n□诫勉谈话"
    assert _boxes(kinds[:3], KINDS_BOX_EMS) == "□一般性廉政谈话　□任前廉政谈话　□提醒谈话"


def test_ledger_pages_of_the_book_count_filled_rows_by_their_height():
    from dutydocs.kinds.book import _FIX_WIDTHS, _blanks_left

    short = {"problem": "台账不全", "measure": "补齐", "owner": "王五", "due": "6月底前", "status": "", "closed": ""}
    long = {**short, "problem": "字" * 60}  # eight lines of the 33 mm column: about three rows high
    assert _blanks_left([short], _FIX_WIDTHS, 10) == 9
    assert _blanks_left([long], _FIX_WIDTHS, 10) == 7
    assert _blanks_left([long] * 4, _FIX_WIDTHS, 10) == 3  # always some to write in


def test_a_long_name_with_its_post_breaks_before_the_post_in_the_talk_record():
    from dutydocs.kinds.book import _in_cell

    assert _in_cell("邓宏伟（机械工程学院党委书记）") == "邓宏伟\n（机械工程学院党委书记）"
    assert _in_cell("陈思远　党委办公室（董事会办公室）主任") == "陈思远\n党委办公室（董事会办公室）主任"
    assert _in_cell("张三（党组书记）") == "张三（党组书记）"
