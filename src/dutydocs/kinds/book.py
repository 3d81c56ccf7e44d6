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
from .base import DocSpec, Kind, clean, common, numbered, person_label

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
    year = org.organ.year
    w = org.wording
    groups = []
    for info in org.book_tiers(person):
        rows = [{"code": nd.code, "text": nd.duty.text, "due": due_text(nd.duty.due, year),
                 "evidence": nd.duty.evidence or ""} for nd in org.tier_duties(info, person)]
        if rows:
            groups.append({"source": info.tier.name, "duties": rows})
    for div in org.headed_by.get(person.name, []):
        rows = [{"code": nd.code, "text": nd.duty.text, "due": due_text(nd.duty.due, year),
                 "evidence": nd.duty.evidence or ""} for nd in org.horizontal_duties(div)]
        if rows:
            groups.append({"source": div.name, "duties": rows})
    own = [{"code": nd.code, "text": nd.duty.text, "due": due_text(nd.duty.due, year),
            "evidence": nd.duty.evidence or ""} for nd in org.own_duties(person)]
    if own:
        groups.append({"source": w.text("book", "sources", "own_duty"), "duties": own})
    tasks = org.book_tasks(person)
    if tasks:
        rows = [{"code": org.task_code(t), "text": t.text, "due": due_text(t.due, year), "evidence": t.evidence or ""}
                for t in tasks]
        groups.append({"source": w.text("book", "sources", "task"), "duties": rows})
    for n, group in enumerate(groups, 1):
        group["heading"] = f"（{cn_number(n)}）{group['source']}"
    return groups


def _times_a_year(text: str, frequencies: dict[str, int]) -> int:
    """How often a duty falls due, from the frequency words of its deadline or text (每季度 → 4)."""
    for phrase in sorted(frequencies, key=len, reverse=True):
        if phrase in text:
            return int(frequencies[phrase])
    return 1


def _record_rows(expected: float, prefilled: int, layout: dict[str, Any]) -> int:
    """Ruled rows for one period: room for what he is expected to record, filling whole pages."""
    first, more = layout["record_rows"]
    need = max(math.ceil(expected * 1.25), prefilled + 2)
    rows = first
    while rows < need:
        rows += more
    return rows


def _talk_partners(org: Organisation, person: Person) -> list[Person]:
    """Whom he must hold a talk with: those who sign a letter with him as their superior, the heads
    of the units he supervises, and the cadres of the unit he heads."""
    seen: dict[str, Person] = {}
    for pair in org.pairs:
        if pair.superior.name == person.name:
            seen.setdefault(pair.subordinate.name, pair.subordinate)
    for div in org.supervised(person):
        if div.head and div.head in org.people:
            seen.setdefault(div.head, org.people[div.head])
    # The cadres of his unit, but not those who sign a letter with someone else (the school's
    # 党组织书记 beside its 校长): their superior in that letter talks with them.
    headed = {d.name for d in org.headed_by.get(person.name, [])}
    signs_elsewhere = {p.subordinate.name for p in org.pairs if p.superior.name != person.name}
    for other in org.catalog.people:
        if other.division in headed and other.name != person.name and other.name not in signs_elsewhere:
            seen.setdefault(other.name, other)
    return list(seen.values())


def _join(names: list[str]) -> str:
    """Names in a row: "、" between them, or "；" when a name holds a "、" of its own."""
    return ("；" if any("、" in n for n in names) else "、").join(names)


def _name(org: Organisation, name: str) -> str:
    person = org.people.get(name)
    return person_label(person) if person else name


def context(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    person = org.people[spec.names[0]]
    cat = org.catalog
    organ = cat.organ
    w = org.wording
    layout = w.get("book", "layout")
    year = organ.year
    groups = book_items(org, person)
    items = [it for g in groups for it in g["duties"]]
    codes = {it["code"] for it in items}
    period = w.get("periods", organ.record_period)
    titles = [w.text("periods", organ.record_period, "titles", i) for i in range(len(period["titles"]))]
    per_year = len(titles)
    months = 12 // per_year
    frequencies = w.get("frequencies")
    expected = sum(_times_a_year(f"{it['due']} {it['text']}", frequencies) for it in items) / per_year
    records = sorted((r for r in cat.records if r.person == person.name), key=lambda r: r.date)
    periods = []
    for n, title in enumerate(titles):
        first, last = n * months + 1, (n + 1) * months
        inside = [r for r in records if r.date.year == year and first <= r.date.month <= last]
        rows = [{"date": due_text(r.date, year), "code": r.duty if r.duty in codes else "", "content": r.content,
                 "participants": r.participants or "", "evidence": r.evidence or "", "note": r.note or ""}
                for r in inside]
        blank = _record_rows(expected, len(rows), layout) - len(rows)
        rows += [dict.fromkeys(("date", "code", "content", "participants", "evidence", "note"), "")
                 for _ in range(blank)]
        periods.append({"title": w.text("book", "record_title", 期=title), "rows": rows})
    held = sorted((t for t in cat.talks if person.name in (t.talker, t.target)), key=lambda t: t.date)
    talks = [{"date": cn_date(t.date), "place": t.place or "", "talker": _name(org, t.talker),
              "target": _name(org, t.target), "kind": t.kind, "content": t.content or "",
              "response": t.response or "", "recorder": t.recorder or ""} for t in held]
    talked = {t.target for t in held if t.talker == person.name}
    kinds_box = "　".join(f"□{k}" for k in w.get("book", "talk_kinds"))
    for other in _talk_partners(org, person):
        if other.name not in talked:
            talks.append({"date": "", "place": "", "talker": person_label(person), "target": person_label(other),
                          "kind": kinds_box, "content": "", "response": "", "recorder": ""})
    talks += [{"date": "", "place": "", "talker": "", "target": "", "kind": kinds_box, "content": "",
               "response": "", "recorder": ""} for _ in range(int(layout["talk_spares"]))]
    checks = [{"date": cn_date(c.date), "method": c.method or "", "matter": c.matter or "",
               "findings": c.findings or "", "opinion": c.opinion or "", "owner": c.owner or "",
               "checker": c.checker or ""}
              for c in sorted(cat.checks, key=lambda c: c.date) if c.person == person.name]
    checks += [dict.fromkeys(("date", "method", "matter", "findings", "opinion", "owner", "checker"), "")
               for _ in range(max(3, int(layout["check_rows"]) - len(checks)))]
    fixes = [{"problem": r.problem, "measure": r.measure or "", "owner": r.owner or person.name,
              "due": due_text(r.due, year), "status": r.status or "", "closed": cn_date(r.closed)}
             for r in cat.rectifications if r.person == person.name]
    fixes += [dict.fromkeys(("problem", "measure", "owner", "due", "status", "closed"), "")
              for _ in range(max(3, int(layout["fix_rows"]) - len(fixes)))]
    for rows in (checks, fixes):
        for i, row in enumerate(rows, 1):
            row["no"] = str(i)
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
    labels = w.texts("book", "cover_labels")
    review_lines = int(layout["review_lines"][organ.record_period])
    ctx = {
        **common(org),
        "cover_title": w.texts("book", "cover_title"),
        "cover_year": w.text("book", "cover_year"),
        "cover": [{"label": label, "value": value} for label, value in zip(labels, values, strict=False) if value],
        "cover_maker": w.text("book", "cover_maker"),
        "serial": f"{year}-{spec.seq:03d}",
        "person": {"name": person.name, "title": person.display_title},
        "notes_title": w.text("book", "notes_title"),
        "notes": numbered(w.texts("book", "notes", 审阅机构=reviewer)),
        "list_title": w.text("book", "list_title"),
        "tiers_line": w.text("book", "tiers_line") + _join([info.tier.name for info in org.book_tiers(person)]),
        "groups": groups,
        "pledge_title": w.text("book", "pledge_title"),
        "pledge_intro": w.text("book", "pledge_intro"),
        "pledge_lines": [""] * int(layout["pledge_lines"]),
        "pledge_sign": w.text("book", "pledge_sign"),
        "plan_title": w.text("book", "plan_title"),
        "plan_hint": w.text("book", "plan_hint"),
        "plan_lines": [""] * int(layout["plan_lines"]),
        "record_hint": w.text("book", "record_hint"),
        "periods": periods,
        "talk_title": w.text("book", "talk_title"),
        "talks": talks,
        "register_title": w.text("book", "register_title"),
        "register_hint": w.text("book", "register_hint"),
        "register": [{"no": str(i)} for i in range(1, int(layout["register_rows"]) + 1)],
        "check_title": w.text("book", "check_title"),
        "checks": checks,
        "fix_title": w.text("book", "fix_title"),
        "fix_hint": w.text("book", "fix_hint"),
        "fixes": fixes,
        "review_title": w.text("book", "review_title"),
        "reviews": [{"box": w.text("book", "review_box", 期=name), "lines": [""] * review_lines,
                     "sign": w.text("book", "review_sign")} for name in period["reviews"]],
        "summary_title": w.text("book", "summary_title"),
        "summary_hint": w.text("book", "summary_hint"),
        "summary_lines": [""] * int(layout["summary_lines"]),
        "appraisal_title": w.text("book", "appraisal_title"),
        "grades": "　　".join(f"□{g}" for g in w.get("book", "grades")),
        "appraisal_sign": w.text("book", "appraisal_sign"),
    }
    return clean(ctx)


KIND = Kind(name="纪实本", folder="纪实本", aliases=("纪实本", "全程纪实本", "book", "books"), plan=plan,
            context=context, file_name=file_name, template_for=template_for)
