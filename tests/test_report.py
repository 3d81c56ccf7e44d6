"""The supervision report: expected against recorded by a day, talks owed, overdue items, counts."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
from click.testing import CliRunner
from docx import Document

from conftest import MINIMAL, YEAR, write_catalog
from dutydocs import load_catalog
from dutydocs.cli import cli
from dutydocs.report import supervision

# 王五's 落实一岗双责 is 每季度; 李四's second duty 每季度向纪委报告一次 is quarterly too.
WITH_RECORDS = MINIMAL + YEAR.replace(
    "records:\n  - {person: 李四, date: 2026-03-05, duty: 3-1, content: 召开处务会。}\n",
    "records:\n  - {person: 李四, date: 2026-03-05, duty: 3-1, content: 召开处务会。}\n"
    "  - {person: 李四, date: 2026-03-20, duty: 3-2, content: 一季度报告。}\n"
    "  - {person: 王五, date: 2026-03-25, duty: 2-1, content: 一季度听取汇报。}\n"
    "  - {person: 王五, date: 2026-06-20, duty: 2-1, content: 二季度听取汇报。}\n")


def test_expected_and_recorded_by_a_day(tmp_path):
    loaded = load_catalog(write_catalog(tmp_path / "c", WITH_RECORDS))
    report = supervision(loaded, dt.date(2026, 6, 30))
    rows = {(r.person, r.code): (r.expected, r.recorded, r.status) for r in report.duties}
    assert rows[("王五", "2-1")] == (2, 2, "done")
    assert rows[("李四", "3-2")] == (2, 1, "behind")
    assert report.by_person() == [("王五", 2, 2, 0), ("李四", 2, 1, 1)]
    assert [(r.person, r.code) for r in report.unreadable] == [("张三", "1-1"), ("李四", "3-1")]
    early = supervision(loaded, dt.date(2026, 3, 15))
    assert {(r.person, r.code): r.status for r in early.duties}[("李四", "3-2")] == "not_due"


def test_talks_owed_overdue_items_and_counts(tmp_path):
    loaded = load_catalog(write_catalog(tmp_path / "c", WITH_RECORDS))
    report = supervision(loaded, dt.date(2026, 6, 30))
    assert [(t.superior, t.subordinate, t.status) for t in report.talks] == [("张三", "王五", "done"),
                                                                          ("王五", "李四", "done")]
    assert [(o.source, o.days) for o in report.overdue] == [("驻测纪检〔2026〕1号 第2项", 61)]
    assert report.talk_counts == {"一般性廉政谈话": 1, "任前廉政谈话": 1, "提醒谈话": 1, "信访核实谈话": 0, "诫勉谈话": 0}
    march = supervision(loaded, dt.date(2026, 3, 5))
    assert march.talk_counts["一般性廉政谈话"] == 0  # the talk of 3月10日 comes later
    assert [t.status for t in march.talks] == ["not_due", "not_due"]  # owed by the year's end, not yet late
    after = supervision(loaded, dt.date(2027, 1, 10))
    assert after.talk_counts["一般性廉政谈话"] == 1


def test_a_level_may_owe_its_talks_within_months_of_signing(tmp_path):
    """signing.levels[].talk_within: 1 — signed 2月18日, so the talk is owed by 3月18日."""
    text = WITH_RECORDS.replace("signing:\n", "signing:\n  levels:\n"
                                "    - {level: 1, name: 书记与成员, talk_within: 1}\n"
                                "    - {level: 2, name: 成员与处长, talk_within: 1}\n")
    loaded = load_catalog(write_catalog(tmp_path / "c", text))
    report = supervision(loaded, dt.date(2026, 6, 30))
    assert [(t.subordinate, t.due, t.held, t.status) for t in report.talks] == [
        ("王五", "2026年3月18日", "2026年3月10日", "done"), ("李四", "2026年3月18日", "2026年4月10日", "late")]
    early = supervision(loaded, dt.date(2026, 3, 25))
    assert [t.status for t in early.talks] == ["done", "overdue"]
    doc = Document(_report_docx(tmp_path, text))
    assert "共2对，已谈2对（其中逾期补谈1对）" in "".join(p.text for p in doc.paragraphs)
    owed = [[c.text for c in r.cells] for r in doc.tables[2].rows]
    assert owed == [["责任领导", "责任人", "层面", "应谈时限", "已谈（日期）", "状态"],
                    ["王五", "李四", "2", "2026年3月18日", "2026年4月10日", "逾期补谈"]]


def _report_docx(tmp_path, text):
    folder = write_catalog(tmp_path / "r", text)
    result = CliRunner().invoke(cli, ["report", str(folder), "--as-of", "2026-06-30", "-o", str(tmp_path / "报告")])
    assert result.exit_code == 0, result.output
    assert "逾期补谈 1 对" in result.output
    return tmp_path / "报告.docx"


def test_the_command_prints_and_writes_word_and_excel(tmp_path, monkeypatch):
    folder = write_catalog(tmp_path / "c", WITH_RECORDS)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", str(folder), "--as-of", "2026-06-30", "-o", "督查报告"])
    assert result.exit_code == 0, result.output
    assert "截至 2026年6月30日" in result.output and "制度汇编滞后。" in result.output
    doc = Document(tmp_path / "督查报告.docx")
    text = [p.text for p in doc.paragraphs]
    assert text[:2] == ["2026年度落实党风廉政建设责任督查报告", "（截至2026年6月30日）"]
    assert text[3] == ("截至2026年6月30日，2名干部的全程纪实本按职责频次合计应有履责记录4条，已有3条，1项职责的记录不足；"
                       "逾期未完成的整改事项1项；共开展廉政谈话3人次。")
    assert [t for t in text if t][-2:] == ["机关纪委", "2026年6月30日"]  # 落款
    assert [c.text for c in doc.tables[-2].rows[-1].cells] == ["合计", "3"]  # talks by kind, with a total
    counts = doc.tables[-2]  # short: kept whole on one page, under its heading
    assert all(p.paragraph_format.keep_with_next for row in counts.rows[:-1] for c in row.cells for p in c.paragraphs)
    behind = doc.tables[1]  # one row a cadre, his codes with recorded/expected; the detail is in the workbook
    # a code never breaks across lines: word joiners between its characters, invisible in print
    assert behind.rows[1].cells[2].text == "\u2060".join("3-2（1/2）")
    assert [[re.sub("[\u2060\u200b]", "", c.text) for c in r.cells] for r in behind.rows] == [
        ["姓名", "项数", "记录不足的职责（编号）"], ["李四", "1", "3-2（1/2）"]]
    assert [re.sub("[\u2060\u200b]", "", c.text) for c in doc.tables[-1].rows[1].cells] == ["张三", "1", "1-1"]  # no frequency
    wb = openpyxl.load_workbook(tmp_path / "督查报告.xlsx")
    assert wb.sheetnames == ["履责进度", "谈话任务", "逾期事项", "谈话统计", "不计次数的职责"]
    bad = CliRunner().invoke(cli, ["report", str(folder), "--as-of", "六月底"])
    assert bad.exit_code == 2 and "--as-of 的日期「六月底」不对" in bad.stderr
