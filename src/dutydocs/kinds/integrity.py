"""廉洁从政（从业）信息表: one file per leader ("一人一档"), filled from the catalogue, with ruled
blank rows where nothing is known yet, and the log of reported personal matters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..chinese import cn_date
from ..model import Catalog, Integrity
from ..org import Organisation
from .base import DocSpec, Kind, cell_lines, clean, common


def plan(org: Organisation) -> Iterator[DocSpec]:
    for seq, form in enumerate(org.catalog.integrity, 1):
        yield DocSpec("信息表", str(seq), (form.person,), None, seq)


def file_name(spec: DocSpec, org: Organisation) -> tuple[str, ...]:
    return f"{spec.seq:03d}", spec.names[0]


# The template's column widths (mm, scripts/make_templates.py), its text 五号 table text.
_WIDTHS = {
    "family": {"relation": 18, "name": 24, "born": 22, "political": 24, "work": 68},
    "matters": {"date": 32, "category": 28, "content": 66, "received_by": 30},
    "gifts": {"date": 32, "content": 84, "handling": 40},
    "talks": {"date": 32, "kind": 28, "talker": 44, "reason": 52},
}


def _row_lines(row: dict[str, str], widths: dict[str, float]) -> int:
    """How many lines a filled row takes: its longest cell, wrapped at its column's width."""
    return max(cell_lines(row[key], width) for key, width in widths.items())


def _padded(rows: list[dict[str, str]], table: str, at_least: int) -> list[dict[str, str]]:
    """The known rows, then blank ones until the table is `at_least` lines tall (a row of three lines
    counts three), and always one more to write in: a form of long entries keeps its pages."""
    widths = _WIDTHS[table]
    used = sum(_row_lines(row, widths) for row in rows)
    blank = dict.fromkeys(widths, "")
    return rows + [dict(blank) for _ in range(max(at_least - used, 1))]


def context(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    w = org.wording
    form: Integrity = org.catalog.integrity[spec.seq - 1]
    person = org.people[form.person]
    layout = w.get("integrity")
    values = [person.name, form.gender, form.born, form.ethnicity, form.native_place, form.political,
              form.joined_work, form.education, person.display_title, person.rank, form.post_since,
              person.division or org.organ.name]  # a leader's unit is the organ itself, not what he oversees
    basics = list(zip(w.get("integrity", "labels"), values, strict=True))
    family = [{"relation": r.relation, "name": r.name, "born": r.born or "", "political": r.political or "",
               "work": r.work or ""} for r in form.family]
    matters = [{"date": cn_date(m.date), "category": m.category, "content": m.content, "received_by": m.received_by or ""}
               for m in sorted(form.matters, key=lambda m: m.date)]
    gifts = [{"date": cn_date(g.date), "content": g.content, "handling": g.handling or ""} for g in form.gifts]
    talks = [{"date": cn_date(t.date), "kind": t.kind, "talker": t.talker, "reason": t.reason or t.content or ""}
             for t in sorted(org.catalog.talks, key=lambda t: t.date) if t.target == person.name]
    ctx = {
        **common(org),
        "secret": w.text("integrity", "secret"),
        "title": w.text("integrity", "title"),
        "year_line": w.text("integrity", "year_line"),
        "basics": [{"l1": a[0], "v1": a[1] or "", "l2": b[0], "v2": b[1] or ""} for a, b in zip(basics[::2], basics[1::2],
                                                                                           strict=True)],
        "family": _padded(family, "family", int(layout["family_rows"])),
        "matters": _padded(matters, "matters", int(layout["matter_rows"])),
        "gifts": _padded(gifts, "gifts", int(layout["gift_rows"])),
        "talks": _padded(talks, "talks", int(layout["talk_rows"])),
        "honors": "；".join(form.honors),
        "note": form.note or "",
        "filled_by": w.texts("integrity", "filled_by"),
    }
    return clean(ctx)


def template_for(cat: Catalog) -> str:
    return "廉洁信息表.docx"


KIND = Kind(name="信息表", folder="廉洁信息表", aliases=("信息表", "廉洁从政信息表", "廉洁从业信息表", "integrity"),
            plan=plan, context=context, file_name=file_name, template_for=template_for)
