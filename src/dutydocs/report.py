"""The supervision report (督查报告): by a given day, what each record book should hold against what
is recorded, which talks each superior owes, which recommendation items and rectifications are
overdue, and how many talks of each kind were held.

Expected counts come from each duty's schedule (schedule.py): its `frequency`, its deadline or
its text. A duty whose schedule cannot be read is listed as such, never guessed; one that
follows events (任前) or runs all year (全年) is listed apart, not counted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .chinese import cn_date, due_text
from .main import Loaded
from .org import Organisation
from .schedule import schedule_of


@dataclass(frozen=True)
class DutyRow:
    person: str
    code: str
    text: str
    read_from: str  # the words the schedule was read from
    expected: int
    recorded: int
    status: str  # a key of wording report.statuses


@dataclass(frozen=True)
class TalkRow:
    superior: str
    subordinate: str
    level: int
    held: str  # dates of the talks held, or ""
    status: str
    due: str  # by when the talk was owed


@dataclass(frozen=True)
class OverdueRow:
    source: str
    text: str
    owner: str
    due: str
    days: int


@dataclass
class Report:
    as_of: dt.date
    duties: list[DutyRow] = field(default_factory=list)
    uncounted: list[DutyRow] = field(default_factory=list)  # events and all-year duties
    unreadable: list[DutyRow] = field(default_factory=list)
    talks: list[TalkRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    talk_counts: dict[str, int] = field(default_factory=dict)

    def by_person(self) -> list[tuple[str, int, int, int]]:
        """(person, records expected, records made toward them, items behind) per cadre, in book order."""
        out: dict[str, list[int]] = {}
        for row in self.duties:
            totals = out.setdefault(row.person, [0, 0, 0])
            totals[0] += row.expected
            totals[1] += min(row.recorded, row.expected)
            totals[2] += row.status == "behind"
        return [(name, *values) for name, values in out.items()]  # type: ignore[misc]


def talk_deadline(cat: Any, level: int) -> dt.date:
    """By when a superior owes his signed partner of this level a talk: the level's `talk_within`
    months after the letters are signed (organ.issue_date), or the year's end."""
    year_end = dt.date(cat.organ.year, 12, 31)
    months = next((lv.talk_within for lv in cat.signing.levels if lv.level == level), None)
    signed = cat.organ.issue_date
    if months is None or not isinstance(signed, dt.date):
        return year_end
    month = signed.month - 1 + months
    y, m = signed.year + month // 12, month % 12 + 1
    return min(dt.date(y, m, min(signed.day, calendar.monthrange(y, m)[1])), year_end)


def _dates_by_code(records: list[Any]) -> dict[str | None, set[dt.date]]:
    out: dict[str | None, set[dt.date]] = {}
    for r in records:
        out.setdefault(r.duty, set()).add(r.date)
    return out


def supervision(loaded: Loaded, as_of: dt.date) -> Report:
    org: Organisation = loaded.org
    cat = loaded.catalog
    year = cat.organ.year
    words = org.wording.schedule_words()
    report = Report(as_of)
    counted = [r for r in cat.records if r.date <= as_of]
    recorded = Counter((r.person, r.duty) for r in counted)
    # A body's duties and tasks (党组、专门委员会 …) are done once for all its members: a meeting one
    # member records counts in every member's book, once a day however many recorded it.
    by_body = {code: len(dates) for code, dates in _dates_by_code(counted).items()}
    for person in org.book_holders():
        collective = {code for info in org.book_tiers(person) if info.tier.kind == "组织"
                      for code in [nd.code for nd in org.tier_duties(info, person)]
                      + [org.task_code(t) for t in org.tier_tasks(info, person)]}
        for code, item in org.book_entries(person):
            schedule = schedule_of(getattr(item, "frequency", None), item.due, item.text, year, words)
            expected = schedule.expected(as_of, year)
            done = by_body.get(code, 0) if code in collective else recorded[(person.name, code)]
            if expected is None:
                row = DutyRow(person.name, code, item.text, schedule.read_from, 0, done,
                              "unreadable" if schedule.kind == "unknown" else schedule.kind)
                (report.unreadable if schedule.kind == "unknown" else report.uncounted).append(row)
                continue
            status = "not_due" if expected == 0 else ("done" if done >= expected else "behind")
            report.duties.append(DutyRow(person.name, code, item.text, schedule.read_from, expected, done, status))
    held: dict[tuple[str, str], list[dt.date]] = {}
    for talk in cat.talks:
        if talk.date <= as_of and talk.date.year == year:
            held.setdefault((talk.talker, talk.target), []).append(talk.date)
    for pair in org.pairs:
        dates = sorted(held.get((pair.superior.name, pair.subordinate.name), []))
        due = talk_deadline(cat, pair.level)
        late = "overdue" if as_of > due else "not_due"
        status = late if not dates else ("done" if dates[0] <= due else "late")
        report.talks.append(TalkRow(pair.superior.name, pair.subordinate.name, pair.level,
                                    "、".join(cn_date(d) for d in dates), status, cn_date(due)))
    for letter in cat.advice:
        for n, item in enumerate(letter.items, 1):
            if item.status != "已完成" and isinstance(item.due, dt.date) and item.due < as_of:
                report.overdue.append(OverdueRow(f"{letter.number} 第{n}项", item.problem,
                                                 item.owner or item.leader or "", due_text(item.due), (as_of - item.due).days))
    for fix in cat.rectifications:
        if fix.closed is None and isinstance(fix.due, dt.date) and fix.due < as_of:
            report.overdue.append(OverdueRow(f"{fix.person}的问题整改台账", fix.problem, fix.owner or fix.person,
                                             due_text(fix.due), (as_of - fix.due).days))
    kinds = list(org.wording.get("talks", "kinds"))
    counts = Counter(t.kind for t in cat.talks if t.date <= as_of and t.date.year == year)
    report.talk_counts = {k: counts[k] for k in kinds + sorted(set(counts) - set(kinds))}
    return report


WORD_JOINER = "\u2060"


def _unbroken(code: str) -> str:
    """A code kept on one line (年 / 3-4, 3- / 11 are not broken): word joiners between its
    characters, which Word and LibreOffice honour and nobody sees. Lines break at the 、 between codes
    (a zero-width space after it: a digit after 、 is no break opportunity of its own)."""
    return WORD_JOINER.join(code)


def context(loaded: Loaded, report: Report) -> dict[str, Any]:
    """What the report's Word template prints."""
    w = loaded.org.wording
    say = w.get("report", "statuses")
    as_of = cn_date(report.as_of)

    def by_person(rows: list[DutyRow], counts: bool) -> list[dict[str, str]]:
        """One row per cadre, his codes in book order — the detail is in the workbook."""
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r.person, []).append(f"{r.code}（{r.recorded}/{r.expected}）" if counts else r.code)
        return [{"person": name, "codes": "、\u200b".join(map(_unbroken, codes)), "n": str(len(codes))}
                for name, codes in out.items()]

    persons = report.by_person()
    ctx = {
        "title": w.text("report", "title", 截至=as_of),
        "subtitle": w.text("report", "subtitle", 截至=as_of),
        "summary": w.text("report", "summary", 截至=as_of, 人数=str(len(persons)),
                          应记=str(sum(p[1] for p in persons)), 已记=str(sum(p[2] for p in persons)),
                          欠记=str(sum(p[3] for p in persons)), 逾期=str(len(report.overdue)),
                          谈话=str(sum(report.talk_counts.values()))),
        "headings": w.texts("report", "headings"),
        "persons": [{"person": p[0], "expected": str(p[1]), "recorded": str(p[2]), "behind": str(p[3])} for p in persons],
        "behind": by_person([r for r in report.duties if r.status == "behind"], True),
        "behind_note": w.text("report", "behind_note"),
        "talks": [{"superior": t.superior, "subordinate": t.subordinate, "level": str(t.level), "due": t.due,
                   "held": t.held, "status": say[t.status]} for t in report.talks if t.status != "done"],
        "talks_line": w.text("report", "talks_line", 对数=str(len(report.talks)),
                             已谈=str(sum(1 for t in report.talks if t.status in ("done", "late"))),
                             补谈=str(sum(1 for t in report.talks if t.status == "late"))),
        "overdue": [{"source": o.source, "text": o.text, "owner": o.owner, "due": o.due, "days": str(o.days)}
                    for o in report.overdue],
        "counts": [{"kind": k, "n": str(n)} for k, n in report.talk_counts.items()]
        + [{"kind": w.text("report", "total"), "n": str(sum(report.talk_counts.values()))}],
        "signer": w.text("report", "signer"),
        "date": as_of,
        "unreadable": by_person(report.unreadable, False),
        "unreadable_note": w.text("report", "unreadable_note"),
        "none": w.text("report", "none"),
    }
    return ctx


def workbook(loaded: Loaded, report: Report) -> bytes:
    """Every row of the report, one sheet per part, for clerks who sort and filter in Excel."""
    from openpyxl import Workbook

    from .kinds.ledgers import _sheet
    from .workbook import workbook_bytes

    w = loaded.org.wording
    say = w.get("report", "statuses")
    caption = w.text("report", "title", 截至=cn_date(report.as_of)) + w.text("report", "subtitle", 截至=cn_date(report.as_of))
    wb = Workbook()
    header = ["姓名", "清单编号", "责任内容", "频次", "应有记录", "已有记录", "状态"]
    rows = [[r.person, r.code, r.text, r.read_from, r.expected, r.recorded, say[r.status]] for r in report.duties]
    _sheet(wb, "履责进度", caption, header, rows, [10, 10, 60, 20, 10, 10, 10], first=True)
    _sheet(wb, "谈话任务", caption, ["责任领导", "责任人", "层面", "应谈时限", "已谈（日期）", "状态"],
           [[t.superior, t.subordinate, t.level, t.due, t.held, say[t.status]] for t in report.talks],
           [12, 12, 8, 16, 30, 10])
    _sheet(wb, "逾期事项", caption, ["来源", "问题", "责任单位（责任人）", "时限", "逾期天数"],
           [[o.source, o.text, o.owner, o.due, o.days] for o in report.overdue], [26, 60, 18, 14, 10])
    _sheet(wb, "谈话统计", caption, ["谈话类型", "人次"], [[k, n] for k, n in report.talk_counts.items()], [20, 10])
    _sheet(wb, "不计次数的职责", caption, header,
           [[r.person, r.code, r.text, r.read_from, "", r.recorded, say[r.status]] for r in report.unreadable + report.uncounted],
           [10, 10, 60, 20, 10, 10, 10])
    return workbook_bytes(wb)
