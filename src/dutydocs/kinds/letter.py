"""廉政责任书: one per signing pair, fitted to the subordinate and the capacity he signs in.

What he takes on: his 分管 scope (when he signs as a leader), the duties of his post tiers that
fall to him in that capacity, the duties of the bodies he leads, the duties of the unit he heads
(when he signs as its head), and his own items; then his annual tasks. An item that is about
signing letters itself (`in_letter: false`) stays in the list and the book, not in the letter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..chinese import cn_number, due_text
from ..model import Catalog, Task
from ..org import NumberedDuty, Organisation, SigningPair
from .base import (
    DocSpec,
    Kind,
    at_bracket,
    clean,
    common,
    horizontal_duties,
    index,
    numbered,
    person_label,
    shared,
)


def plan(org: Organisation) -> Iterator[DocSpec]:
    for pair in org.pairs:
        yield DocSpec("责任书", f"{pair.level}-{pair.seq}", (pair.superior.name, pair.subordinate.name),
                      pair.level, pair.seq)


def file_name(spec: DocSpec, org: Organisation) -> tuple[str, ...]:
    return str(spec.level), f"{spec.seq:02d}", spec.names[0], spec.names[1]


def _signs_as(org: Organisation, pair: SigningPair) -> set[str] | None:
    level = org.levels.get(pair.level)
    return set(level.signs_as) if level and level.signs_as else None


def letter_duties(org: Organisation, pair: SigningPair) -> list[str]:
    """The 责任内容 of one letter, in order, each item once."""
    sub = pair.subordinate
    level = org.levels.get(pair.level)
    types = set(level.types) if level and level.types else {"主体责任", "监督责任"}
    signs_as = _signs_as(org, pair)
    as_leader = signs_as is None
    as_head = as_leader or pair.via
    found: list[NumberedDuty] = []
    for info in org.post_tiers(sub):
        found += org.tier_duties(info, sub, signs_as)
    for info in org.led_bodies(sub):
        leader_posts = set(info.tier.leader.posts) if info.tier.leader else set()
        if as_leader or leader_posts & signs_as:  # type: ignore[operator]
            found += info.duties
    if as_head:
        units = org.headed_by.get(sub.name, [])
        if pair.via:  # he signs as head of the units this superior supervises
            units = [d for d in units if d.name in pair.superior.supervises] or units
        for div in units:
            found += horizontal_duties(org, div)
        found = org.own_duties(sub) + found  # his own items come first, after his 分管 scope
    items = []
    supervised = org.supervised(sub)
    if supervised and as_leader and "主体责任" in types:
        items.append(org.wording.text("letter", "scope", 分管单位="、".join(d.name for d in supervised)))
    items += [nd.duty.text for nd in found if nd.duty.in_letter and nd.duty.type in types]
    return list(dict.fromkeys(items))


def letter_tasks(org: Organisation, pair: SigningPair) -> list[Task]:
    """His annual tasks in this capacity: his post tiers' (those that fall to him), then his own."""
    sub = pair.subordinate
    signs_as = _signs_as(org, pair)
    tasks = [t for info in org.post_tiers(sub) for t in org.tier_tasks(info, sub, signs_as)]
    if signs_as is None or pair.via:
        tasks += org.own_tasks(sub)
    return list({id(t): t for t in tasks}.values())


def _level_parts(org: Organisation, number: int) -> dict[str, Any]:
    """What every letter of a signing level prints the same: made once per organisation and level."""
    w = org.wording
    organ = org.organ
    level = org.levels.get(number)
    clauses = level.clauses if level else None

    def filing(body: str) -> list[str]:
        return numbered([w.text("letter", "validity"),
                         w.text("letter", "copies", 份数=cn_number(organ.letter_copies), 备案机构=body)])

    return {
        "title": w.level(number, "title", clauses),
        "level_name": org.level_name(number),
        "superior_label": w.text("letter", "superior"),
        "subordinate_label": w.text("letter", "subordinate"),
        "preamble": w.level(number, "preamble", clauses),
        "headings": shared(org, "letter-headings", lambda: [
            f"{cn_number(i)}、{h}" for i, h in enumerate(w.get("letter", "headings"), 1)]),
        "goal": w.level(number, "goal", clauses),
        "no_tasks": w.text("letter", "no_tasks"),
        "assessment": shared(org, ("letter-assessment", number), lambda: (
            list(level.assessment) if level and level.assessment else w.level(number, "assessment", clauses))),
        "accountability": shared(org, ("letter-accountability", number), lambda: (
            list(level.accountability) if level and level.accountability
            else w.level(number, "accountability", clauses))),
        "closing": {body: shared(org, ("letter-closing", body), lambda body=body: filing(body))
                    for body in {w.words["上级纪检"], w.words["纪检"]}},
        "sign": shared(org, ("letter-sign", number), lambda: {
            "superior": w.text("letter", "sign_superior"), "subordinate": w.text("letter", "sign_subordinate"),
            "seal": _fit_seal(w.level(number, "seal", clauses)), "date": w.text("letter", "date")}),
    }


# Characters of the 签字 style (三号, 16 pt) on one line of the signature table's half (78 mm).
SIGN_EMS = 13


def _fit_seal(seal: str) -> str:
    """The seal line, broken before its last bracket when it is longer than the column: the body's
    name on one line and （盖章） under it, never a word split as 党组（盖 / 章）."""
    return "\n".join(at_bracket(seal, SIGN_EMS, last=True))


def context(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    assert spec.level is not None
    pair = org.pair_at(spec.level, spec.seq)
    w = org.wording
    organ = org.organ
    sub = pair.subordinate
    part = index(org, ("letter-level", pair.level), lambda: _level_parts(org, pair.level))
    filing = w.words["上级纪检"] if org.leads_discipline_body(sub) else w.words["纪检"]
    tasks = letter_tasks(org, pair)
    ctx = {
        **common(org),
        "title": part["title"],
        "number": f"{organ.year}-{pair.level}-{pair.seq:02d}",
        "level": str(pair.level),
        "level_name": part["level_name"],
        "superior": {"label": part["superior_label"], "name": pair.superior.name,
                     "title": pair.superior.display_title, "who": person_label(pair.superior)},
        "subordinate": {"label": part["subordinate_label"], "name": sub.name, "title": sub.display_title,
                        "who": person_label(sub)},
        "preamble": part["preamble"],
        "headings": part["headings"],
        "goal": part["goal"],
        "duties": numbered(letter_duties(org, pair)),
        "tasks": numbered([t.text + (w.text("letter", "task_due", 时限=due_text(t.due, organ.year)) if t.due else "")
                           for t in tasks]),
        "no_tasks": "" if tasks else part["no_tasks"],
        "assessment": part["assessment"],
        "accountability": part["accountability"],
        "closing": part["closing"][filing],
        "sign": part["sign"],
    }
    return clean(ctx, org)


def template_for(cat: Catalog) -> str:
    return "廉政责任书.docx"


KIND = Kind(name="责任书", folder="责任书", aliases=("责任书", "廉政责任书", "letter", "letters"), plan=plan,
            context=context, file_name=file_name, template_for=template_for)
