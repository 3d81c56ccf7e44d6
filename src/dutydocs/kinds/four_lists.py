"""四张清单: the discipline body's monthly report — 成绩、亮点、问题、任务 — one per month; the
month's numbers from the ledgers (talks, closed recommendation items, checks) lead its 成绩."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..chinese import due_text
from ..model import Catalog, FourLists, Item4
from ..org import Organisation
from .advice import TYPE_WIDTH_PT
from .base import DocSpec, Kind, clean, common, too_long


def plan(org: Organisation) -> Iterator[DocSpec]:
    for report in sorted(org.catalog.four_lists, key=lambda r: r.month):
        yield DocSpec("四张清单", str(report.month), (f"{report.month}月",), None, report.month)


def file_name(spec: DocSpec, org: Organisation) -> tuple[str, ...]:
    return f"{spec.seq:02d}月",


def month_numbers(org: Organisation, month: int) -> list[tuple[str, str]]:
    """成绩 the ledgers already know: the month's talks by kind, items closed, checks. The group's own
    talks and checks (held by someone outside the organ's roster, or by a member of its discipline body)
    come apart from those it urged the organ to hold, so the group does not claim the 党组's work."""
    w = org.wording
    year = org.organ.year
    cat = org.catalog
    # The lists are the inspection group's. A stationed group (派驻, 驻…) has no one on the organ's
    # roster, so only talkers from outside are its own; an organ's own 纪委 is its discipline tier.
    stationed = "驻" in (org.organ.inspection_group or "")
    ours = set() if stationed else {p.name for t in org.tiers if t.supervisory for p in t.holders + t.leaders}

    def inside(date: Any) -> bool:
        return date is not None and date.year == year and date.month == month

    group = [v for v in (w.words["纪检"], w.words["上级纪检"]) if stationed and "驻" in v]

    def own(who: str | None) -> bool:
        """Held by the group: by no one on the roster (派驻组组长 林振声), by its own members, or
        jointly, the stationed group named (派驻纪检监察组 柯佳、机关纪委 熊伟)."""
        if who is None:
            return False
        named = [n for n in re.split(r"[\s、，,；;]+", who) if n in org.people]
        return not named or any(n in ours for n in named) or any(g in who for g in group)

    def talk_line(key: str, talks: Counter[str]) -> str:
        kinds = [k for k in w.get("talks", "kinds") if talks[k]] + sorted(set(talks) - set(w.get("talks", "kinds")))
        return w.text("four_lists", key, 人次=str(sum(talks.values())), 分类="、".join(f"{k}{talks[k]}人次" for k in kinds))

    out = []
    month_talks = [t for t in cat.talks if inside(t.date)]
    for key, mine in (("auto_talks", True), ("auto_talks_urged", False)):
        talks = Counter(t.kind for t in month_talks if own(t.talker) == mine)
        if talks:
            out.append((talk_line(key, talks), w.text("four_lists", "auto_talks_data")))
    closed = sum(1 for letter in cat.advice for item in letter.items if inside(item.closed))
    if closed:
        out.append((w.text("four_lists", "auto_closed", 项数=str(closed)), w.text("four_lists", "auto_closed_data")))
    month_checks = [c for c in cat.checks if inside(c.date)]
    for key, mine in (("auto_checks", True), ("auto_checks_urged", False)):
        checks = sum(1 for c in month_checks if own(c.checker) == mine)
        if checks:
            out.append((w.text("four_lists", key, 次数=str(checks)), w.text("four_lists", "auto_checks_data")))
    return out


def _rows(items: list[Item4], org: Organisation) -> list[dict[str, str]]:
    return [{"text": i.text, "data": i.data or "", "owner": i.owner or "", "due": due_text(i.due, org.organ.year)}
            for i in items]


def context(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    w = org.wording
    report: FourLists = next(r for r in org.catalog.four_lists if r.month == spec.seq)
    numbers = [{"text": t, "data": d, "owner": "", "due": ""} for t, d in month_numbers(org, report.month)]
    lists = [numbers + _rows(report.achievements, org), _rows(report.highlights, org), _rows(report.problems, org),
             _rows(report.tasks, org)]
    categories = []
    for name, rows in zip(w.get("four_lists", "categories"), lists, strict=True):
        for i, row in enumerate(rows, 1):
            row["no"] = str(i)
        categories.append({"name": name, "rows": rows or [{"no": "", "text": "", "data": "", "owner": "", "due": ""}]})
    for category in categories:
        for row in category["rows"]:
            row["last"] = False
    categories[-1]["rows"][-1]["last"] = True  # the last row holds on to the signature under the table
    ctx = {
        **common(org),
        "title": (title := w.texts("four_lists", "title", 月=str(report.month))),
        "title_long": [too_long(line, 22, TYPE_WIDTH_PT) for line in title],  # each line kept whole
        "categories": categories,
        "sign": w.text("four_lists", "sign"),
    }
    return clean(ctx)


def template_for(cat: Catalog) -> str:
    return "四张清单.docx"


KIND = Kind(name="四张清单", folder="四张清单", aliases=("四张清单", "four_lists"), plan=plan, context=context,
            file_name=file_name, template_for=template_for)
