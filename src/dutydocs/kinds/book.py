"""全程纪实本: one per cadre who holds a post tier, built for a year of handwriting.

His duties are printed once, numbered with the codes of the 责任清单; each period then gets a
running record table with as many ruled rows as his duties call for (records already in the
catalogue fill the first rows), talk-record pages for each person he must talk with, the
supervision and rectification ledgers, a review box per period and a full page for the summary.
Row counts come from `book.layout` in wording.yaml, so a clerk who changes row heights in Word
can change them too.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from ..chinese import cn_date, cn_number, due_text
from ..model import Catalog, Person
from ..org import Organisation
from ..schedule import Schedule, schedule_of
from .base import (
    DocSpec,
    Kind,
    at_bracket,
    book_tasks,
    cell_lines,
    clean,
    common,
    ems,
    horizontal_duties,
    index,
    numbered,
    person_label,
    shared,
)

# Characters of 楷体 3号 on one line of the cover's value column (96 mm).
COVER_LINE = 17


def plan(org: Organisation) -> Iterator[DocSpec]:
    for serial, person in enumerate(org.book_holders(), 1):
        yield DocSpec("纪实本", str(serial), (person.name,), None, serial)


def file_name(spec: DocSpec, org: Organisation) -> tuple[str, ...]:
    return f"{spec.seq:03d}", spec.names[0]


def template_for(cat: Catalog) -> str:
    return "全程纪实本.docx"


def book_items(org: Organisation, person: Person) -> list[dict[str, str]]:
    """Exactly his duties — of every tier he belongs to that fall to him, then his own — and his
    tasks, with the list's codes, grouped by where they come from."""
    w = org.wording
    groups = []
    for info in org.book_tiers(person):
        rows = [_duty_row(org, nd) for nd in org.tier_duties(info, person)]
        if rows:
            groups.append({"source": info.tier.name, "duties": rows})
    for div in org.headed_by.get(person.name, []):
        rows = [_duty_row(org, nd) for nd in horizontal_duties(org, div)]
        if rows:
            groups.append({"source": div.name, "duties": rows})
    own = [_duty_row(org, nd) for nd in org.own_duties(person)]
    if own:
        groups.append({"source": w.text("book", "sources", "own_duty"), "duties": own})
    tasks = book_tasks(org, person)
    if tasks:
        year = org.organ.year
        rows = [shared(org, ("book-task", id(t)), lambda t=t: {"code": org.task_code(t), "text": t.text,
                                                                "due": due_text(t.due, year),
                                                                "evidence": t.evidence or ""})
                for t in tasks]
        groups.append({"source": w.text("book", "sources", "task"), "duties": rows})
    for n, group in enumerate(groups, 1):
        group["heading"] = f"（{cn_number(n)}）{group['source']}"
    return groups


def _duty_row(org: Organisation, nd: Any) -> dict[str, str]:
    """A duty's row in the books, made and cleaned once for all of them (the catalogue's duty
    objects live as long as the organisation, so their ids name them)."""
    return shared(org, ("book-duty", nd.code, id(nd.duty)),
                  lambda: {"code": nd.code, "text": nd.duty.text, "due": due_text(nd.duty.due, org.organ.year),
                           "evidence": nd.duty.evidence or ""})


# Characters of table text (五号) on one line of the talk record's 谈话类型 cell (132 mm).
KINDS_BOX_EMS = 33


def _boxes(items: list[str], width: float) -> str:
    """Tick boxes on as few lines as fit `width` characters, each line broken between two boxes,
    never inside one (□诫勉谈 / 话)."""
    lines: list[str] = []
    for item in items:
        if lines and ems(lines[-1] + "　" + item) <= width:
            lines[-1] += "　" + item
        else:
            lines.append(item)
    return "\n".join(lines)


def _times_a_year(schedule: Schedule) -> int:
    """How often a duty is recorded in a year: as its schedule says, else once."""
    if schedule.kind == "times":
        return schedule.times_a_year
    if schedule.kind == "deadlines":
        return len(schedule.deadlines)
    return 1


def book_schedules(org: Organisation, person: Person) -> list[Schedule]:
    """org.book_schedules(person), with the lookups of base.py and each item's schedule read once
    per organisation (tests/test_contexts.py checks the two agree)."""
    year = org.organ.year
    words = index(org, "schedule-words", org.wording.schedule_words)
    memo: dict[int, Schedule] = index(org, "schedules", dict)  # id of a catalogue item: it lives as long as org
    items = [nd.duty for info in org.book_tiers(person) for nd in org.tier_duties(info, person)]
    items += [nd.duty for div in org.headed_by.get(person.name, []) for nd in horizontal_duties(org, div)]
    items += [nd.duty for nd in org.own_duties(person)]
    items += book_tasks(org, person)
    out = []
    for item in items:
        schedule = memo.get(id(item))
        if schedule is None:
            schedule = memo[id(item)] = schedule_of(getattr(item, "frequency", None), item.due, item.text, year, words)
        out.append(schedule)
    return out


# The record table's columns (mm, scripts/make_templates.py), the line of its table text (15 pt =
# 5.3 mm) and its rows, 13 mm at least.
_RECORD_WIDTHS = {"date": 22, "code": 16, "content": 58, "participants": 24, "evidence": 22, "note": 14}
_LINE, _ROW = 5.3, 13.0


_CHECK_WIDTHS = {"date": 18, "method": 16, "matter": 28, "findings": 28, "opinion": 25, "owner": 15, "checker": 15}
_FIX_WIDTHS = {"problem": 33, "measure": 33, "owner": 15, "due": 16, "status": 28, "closed": 20}
_LEDGER_ROW = 17.0  # mm: the rows of 监督检查记录 and 问题整改台账


def _units(row: dict[str, str], widths: dict[str, float], row_mm: float) -> float:
    """How many blank rows' height a filled row takes: its longest cell wrapped at its column."""
    lines = max(cell_lines(row[key], width) for key, width in widths.items())
    return max(1.0, (lines * _LINE + 1.5) / row_mm)


def _record_units(row: dict[str, str]) -> float:
    return _units(row, _RECORD_WIDTHS, _ROW)


def _blanks_left(rows: list[dict[str, str]], widths: dict[str, float], room: int) -> int:
    """Blank rows after the filled ones so that the table is `room` rows high (at least 3 to write in)."""
    used = math.ceil(sum(_units(row, widths, _LEDGER_ROW) for row in rows))
    return max(3, room - used)


def _record_rows(expected: float, prefilled: int, layout: dict[str, Any]) -> int:
    """Ruled rows for one period: room for what he is expected to record, filling whole pages.
    `prefilled` counts the filled records in blank rows' heights."""
    first, more = layout["record_rows"]
    need = max(math.ceil(expected * 1.25), prefilled + 2)
    rows = first
    while rows < need:
        rows += more
    return rows


def _talk_partners(org: Organisation, person: Person) -> list[Person]:
    """Whom he must hold a talk with: those who sign a letter with him as their superior, the heads
    of the units he supervises, and the cadres of the unit he heads."""
    by_superior, superiors, by_division = index(org, "book-partners", lambda: _partner_index(org))
    seen: dict[str, Person] = {}
    for subordinate in by_superior.get(person.name, []):
        seen.setdefault(subordinate.name, subordinate)
    for div in org.supervised(person):
        if div.head and div.head in org.people:
            seen.setdefault(div.head, org.people[div.head])
    # The cadres of his unit, but not those who sign a letter with someone else (the school's
    # 党组织书记 beside its 校长): their superior in that letter talks with them.
    headed = {d.name for d in org.headed_by.get(person.name, [])}
    members = sorted((m for name in headed for m in by_division.get(name, [])), key=lambda m: m[0])
    for _n, other in members:
        if other.name != person.name and not superiors.get(other.name, set()) - {person.name}:
            seen.setdefault(other.name, other)
    return list(seen.values())


def _partner_index(org: Organisation) -> tuple[dict[str, list[Person]], dict[str, set[str]],
                                               dict[str, list[tuple[int, Person]]]]:
    """Once per organisation: each superior's subordinates in letter order, each subordinate's
    superiors, each unit's people with their place in the catalogue."""
    by_superior: dict[str, list[Person]] = {}
    superiors: dict[str, set[str]] = {}
    for pair in org.pairs:
        by_superior.setdefault(pair.superior.name, []).append(pair.subordinate)
        superiors.setdefault(pair.subordinate.name, set()).add(pair.superior.name)
    by_division: dict[str, list[tuple[int, Person]]] = {}
    for n, other in enumerate(org.catalog.people):
        if other.division:
            by_division.setdefault(other.division, []).append((n, other))
    return by_superior, superiors, by_division


def _by_person(org: Organisation) -> dict[str, dict[str, list[Any]]]:
    """Once per organisation: each person's records, talks (as talker or target) and checks by
    date, and his rectifications, in catalogue order (sorted stably: as filtering then sorting)."""
    cat = org.catalog
    out: dict[str, dict[str, list[Any]]] = {}

    def of(name: str) -> dict[str, list[Any]]:
        return out.setdefault(name, {"records": [], "talks": [], "checks": [], "fixes": []})

    for r in cat.records:
        of(r.person)["records"].append(r)
    for t in cat.talks:
        of(t.talker)["talks"].append(t)
        if t.target != t.talker:
            of(t.target)["talks"].append(t)
    for c in cat.checks:
        of(c.person)["checks"].append(c)
    for r in cat.rectifications:
        of(r.person)["fixes"].append(r)
    for lists in out.values():
        for key in ("records", "talks", "checks"):
            lists[key].sort(key=lambda item: item.date)
    return out


_NONE: dict[str, list[Any]] = {"records": [], "talks": [], "checks": [], "fixes": []}
_RECORD = ("date", "code", "content", "participants", "evidence", "note")
_TALK = ("date", "place", "talker", "target", "kind", "content", "response", "recorder")
_CHECK = ("date", "method", "matter", "findings", "opinion", "owner", "checker")
_FIX = ("problem", "measure", "owner", "due", "status", "closed")


def _constant(org: Organisation) -> dict[str, Any]:
    """Once per organisation: what every book prints the same, as the wording says it (raw: the
    context is cleaned as a whole), and the blank rows every book repeats (cleaned, shared)."""
    w = org.wording
    organ = org.organ
    layout = w.get("book", "layout")
    period = w.get("periods", organ.record_period)
    titles = [w.text("periods", organ.record_period, "titles", i) for i in range(len(period["titles"]))]
    kinds_box = _boxes([f"□{k}" for k in w.get("talks", "kinds")], KINDS_BOX_EMS)
    review_lines = int(layout["review_lines"][organ.record_period])
    return {
        "layout": layout,
        "titles": titles,
        "record_titles": [w.text("book", "record_title", 期=title) for title in titles],
        "kinds_box": kinds_box,
        "labels": w.texts("book", "cover_labels"),
        "tiers_line": w.text("book", "tiers_line"),
        "blank_record": shared(org, "book-blank-record", lambda: dict.fromkeys(_RECORD, "")),
        "spare_talks": shared(org, "book-spare-talks", lambda: [
            {**dict.fromkeys(_TALK, ""), "kind": kinds_box} for _ in range(int(layout["talk_spares"]))]),
        "texts": {
            "cover_title": shared(org, "book-cover-title", lambda: w.texts("book", "cover_title")),
            "cover_year": w.text("book", "cover_year"),
            "cover_maker": w.text("book", "cover_maker"),
            "notes_title": w.text("book", "notes_title"),
            "list_title": w.text("book", "list_title"),
            "pledge_title": w.text("book", "pledge_title"),
            "pledge_intro": w.text("book", "pledge_intro"),
            "pledge_lines": shared(org, "book-pledge-lines", lambda: [""] * int(layout["pledge_lines"])),
            "pledge_sign": w.text("book", "pledge_sign"),
            "plan_title": w.text("book", "plan_title"),
            "plan_hint": w.text("book", "plan_hint"),
            "plan_lines": shared(org, "book-plan-lines", lambda: [""] * int(layout["plan_lines"])),
            "record_hint": w.text("book", "record_hint"),
            "talk_title": w.text("book", "talk_title"),
            "register_title": w.text("book", "register_title"),
            "register_hint": w.text("book", "register_hint"),
            "register": shared(org, "book-register", lambda: [
                {"no": str(i)} for i in range(1, int(layout["register_rows"]) + 1)]),
            "check_title": w.text("book", "check_title"),
            "fix_title": w.text("book", "fix_title"),
            "fix_hint": w.text("book", "fix_hint"),
            "review_title": w.text("book", "review_title"),
            "reviews": shared(org, "book-reviews", lambda: [
                {"box": w.text("book", "review_box", 期=name), "lines": [""] * review_lines,
                 "sign": w.text("book", "review_sign")} for name in period["reviews"]]),
            "summary_title": w.text("book", "summary_title"),
            "summary_hint": w.text("book", "summary_hint"),
            "summary_lines": shared(org, "book-summary-lines", lambda: [""] * int(layout["summary_lines"])),
            "appraisal_title": w.text("book", "appraisal_title"),
            "grades": "　　".join(f"□{g}" for g in w.get("book", "grades")),
            "appraisal_sign": w.text("book", "appraisal_sign"),
        },
    }


def _numbered_blanks(org: Organisation, what: str, keys: tuple[str, ...], start: int, count: int) -> list[dict]:
    """Blank rows of a ledger numbered start, start + 1 …: the same in every book that has as many
    filled rows, so made once."""
    return shared(org, ("book-blanks", what, start, count),
                  lambda: [{**dict.fromkeys(keys, ""), "no": str(i)} for i in range(start, start + count)])


def _join(names: list[str]) -> str:
    """Names in a row: "、" between them, or "；" when a name holds a "、" of its own."""
    return ("；" if any("、" in n for n in names) else "、").join(names)


# Characters of table text (五号) on a line of the talk record's name cells (54 mm).
NAME_EMS = 13


def _in_cell(label: str) -> str:
    """A name with its post, on two lines when one is too short: 邓宏伟 / （机械工程学院党委书记）,
    never 党委书 / 记."""
    if "　" in label and ems(label) > NAME_EMS:  # 姓名　职务（…）: the name, then the post
        return label.replace("　", "\n", 1)
    return "\n".join(at_bracket(label, NAME_EMS))


def _name(org: Organisation, name: str) -> str:
    person = org.people.get(name)
    return person_label(person) if person else name


def context(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    person = org.people[spec.names[0]]
    cat = org.catalog
    organ = cat.organ
    w = org.wording
    const = index(org, "book-constant", lambda: _constant(org))
    layout = const["layout"]
    year = organ.year
    mine = index(org, "book-by-person", lambda: _by_person(org)).get(person.name, _NONE)
    groups = book_items(org, person)
    items = [it for g in groups for it in g["duties"]]
    codes = {it["code"] for it in items}
    titles = const["titles"]
    per_year = len(titles)
    months = 12 // per_year
    expected = sum(_times_a_year(s) for s in book_schedules(org, person)) / per_year
    records = mine["records"]
    periods = []
    for n, title in enumerate(const["record_titles"]):
        first, last = n * months + 1, (n + 1) * months
        inside = [r for r in records if r.date.year == year and first <= r.date.month <= last]
        rows = [{"date": due_text(r.date, year), "code": r.duty if r.duty in codes else "", "content": r.content,
                 "participants": r.participants or "", "evidence": r.evidence or "", "note": r.note or ""}
                for r in inside]
        used = math.ceil(sum(_record_units(row) for row in rows))
        rows += [const["blank_record"]] * (_record_rows(expected, used, layout) - used)
        periods.append({"title": title, "rows": rows})
    held = mine["talks"]
    talks = [{"date": cn_date(t.date), "place": t.place or "", "talker": _in_cell(_name(org, t.talker)),
              "target": _in_cell(_name(org, t.target)), "kind": t.kind, "content": t.content or "",
              "response": t.response or "", "recorder": t.recorder or ""} for t in held]
    talked = {t.target for t in held if t.talker == person.name}
    kinds_box = const["kinds_box"]
    for other in _talk_partners(org, person):
        if other.name not in talked:
            talks.append({"date": "", "place": "", "talker": _in_cell(person_label(person)),
                          "target": _in_cell(person_label(other)),
                          "kind": kinds_box, "content": "", "response": "", "recorder": ""})
    talks += const["spare_talks"]
    checks = [{"date": due_text(c.date, year), "method": c.method or "", "matter": c.matter or "",
               "findings": c.findings or "", "opinion": c.opinion or "", "owner": c.owner or "",
               "checker": c.checker or "", "no": str(i)}
              for i, c in enumerate(mine["checks"], 1)]
    checks += _numbered_blanks(org, "checks", _CHECK, len(checks) + 1,
                               _blanks_left(checks, _CHECK_WIDTHS, int(layout["check_rows"])))
    fixes = [{"problem": r.problem, "measure": r.measure or "", "owner": r.owner or person.name,
              "due": due_text(r.due, year), "status": r.status or "", "closed": due_text(r.closed, year) if r.closed else "", "no": str(i)}
             for i, r in enumerate(mine["fixes"], 1)]
    fixes += _numbered_blanks(org, "fixes", _FIX, len(fixes) + 1, _blanks_left(fixes, _FIX_WIDTHS, int(layout["fix_rows"])))
    reviewer = next((info.tier.reviewed_by for info in org.post_tiers(person) if info.tier.reviewed_by), None)
    if reviewer is None:
        reviewer = w.words["上级纪检"] if org.leads_discipline_body(person) else w.words["纪检"]
    divisions = [d.name for d in org.headed_by.get(person.name, [])] or ([person.division] if person.division else [])
    supervises = "、".join(person.supervises)
    if len(supervises) > COVER_LINE * 2:  # more than two lines: the cover names two and counts the rest
        supervises = w.text("book", "cover_many", 单位="、".join(person.supervises[:2]),
                            个数=str(len(person.supervises))) + w.words["处室"]
    values = [organ.name, person.name, person.display_title, "、".join(divisions), supervises,
              f"{year}-{spec.seq:03d}"]
    t = const["texts"]
    ctx = {
        **common(org),
        "cover_title": t["cover_title"],
        "cover_year": t["cover_year"],
        "cover": [{"label": label, "value": value} for label, value in zip(const["labels"], values, strict=False)
                  if value],
        "cover_maker": t["cover_maker"],
        "serial": f"{year}-{spec.seq:03d}",
        "person": {"name": person.name, "title": person.display_title},
        "notes_title": t["notes_title"],
        "notes": shared(org, ("book-notes", reviewer), lambda: numbered(w.texts("book", "notes", 审阅机构=reviewer))),
        "list_title": t["list_title"],
        "tiers_line": const["tiers_line"] + _join([info.tier.name for info in org.book_tiers(person)]),
        "groups": groups,
        **{key: t[key] for key in ("pledge_title", "pledge_intro", "pledge_lines", "pledge_sign", "plan_title",
                                   "plan_hint", "plan_lines", "record_hint")},
        "periods": periods,
        "talk_title": t["talk_title"],
        "talks": talks,
        **{key: t[key] for key in ("register_title", "register_hint", "register", "check_title")},
        "checks": checks,
        "fix_title": t["fix_title"],
        "fix_hint": t["fix_hint"],
        "fixes": fixes,
        **{key: t[key] for key in ("review_title", "reviews", "summary_title", "summary_hint", "summary_lines",
                                   "appraisal_title", "grades", "appraisal_sign")},
    }
    return clean(ctx, org)


KIND = Kind(name="纪实本", folder="纪实本", aliases=("纪实本", "全程纪实本", "book", "books"), plan=plan,
            context=context, file_name=file_name, template_for=template_for)
