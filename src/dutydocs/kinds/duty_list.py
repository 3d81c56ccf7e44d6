"""责任清单: one per organ — every tier's duties, the horizontal duties and the annual tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..catalog import Positions
from ..chinese import cn_number, due_text
from ..errors import Problem
from ..model import Catalog, Duty, Task
from ..org import NumberedDuty, Organisation, TierInfo
from .base import DocSpec, Kind, at_bracket, clean, common, ems, unit_duties

# A line of the title holds 20 characters of 小标宋 2号 in the 156 mm type area.
TITLE_WIDTH = 20


def plan(org: Organisation) -> Iterator[DocSpec]:
    yield DocSpec("清单", "list", (org.organ.party_group,))


def file_name(spec: DocSpec, org: Organisation) -> tuple[str, ...]:
    """The file is named by the title's last line: 2026年度党风廉政建设责任清单."""
    return (org.wording.texts("list", "title")[-1],)


def template_for(cat: Catalog) -> str:
    return "责任清单（横版）.docx" if cat.organ.list_landscape else "责任清单.docx"


def _owner(d: Duty, org: Organisation) -> list[str]:
    """责任主体, as lines: the 牵头/配合 units where the catalogue names them, or the owner written.

    Lines are separate paragraphs in the template, not "\n" in one: a line break inside a value
    makes docxtpl rewrite the whole document's runs, which triples a document's render time."""
    w = org.wording
    lines = []  # each unit on a line of its own: the column is narrow
    if d.lead:
        lines.append(w.text("list", "lead", 单位="\n" + "\n".join(d.lead)))
    if d.assist:
        lines.append(w.text("list", "assist", 单位="\n" + "\n".join(d.assist)))
    if not lines and d.owner:
        lines.append(d.owner)
    if not lines and d.posts:  # only some holders of the tier carry it: say which
        lines.append("、".join(d.posts))
    return [part for line in "\n".join(lines).split("\n") for part in at_bracket(line, OWNER_EMS)] if lines else []


# Characters of 表格小字 (9 pt, an em 3.2 mm) on a line of the portrait list's 责任主体 column (26 mm).
OWNER_EMS = 6.5


def _row(nd: NumberedDuty, org: Organisation) -> dict[str, Any]:
    d = nd.duty
    return {
        "code": nd.code,
        "category": d.category or "",
        "text": d.text,
        "measure": org.wording.text("list", "measure", 措施=d.measure) if d.measure else "",
        "owner": _owner(d, org),
        "due": due_text(d.due, org.organ.year),
        "evidence": d.evidence or "",
        "type": d.type,
    }


def _table(rows: list[dict[str, str]], label: str = "") -> dict[str, Any]:
    """A table of duties; `owners` says whether its 责任主体 column has anything to print."""
    return {"label": label, "duties": rows, "owners": any(r["owner"] for r in rows)}


def _groups(info: TierInfo, org: Organisation) -> list[dict[str, Any]]:
    """Split a tier's duties into 主体责任 and 监督责任 where both exist. In a table that has a
    责任主体 column because some items fall to some posts only, the others name all the tier's posts."""
    duties = info.duties
    kinds = [k for k in ("主体责任", "监督责任") if any(nd.duty.type == k for nd in duties)]
    everyone = ["、".join(info.tier.holders.posts)] if info.tier.holders.posts else []
    tables = []
    for n, kind in enumerate(kinds, 1):
        table = _table([_row(nd, org) for nd in duties if nd.duty.type == kind], f"{n}．{kind}" if len(kinds) > 1 else "")
        if table["owners"] and any(nd.duty.posts for nd in duties):
            for row in table["duties"]:
                row["owner"] = row["owner"] or everyone
        tables.append(table)
    return tables


def _task_row(task: Task, org: Organisation, owner: str = "") -> dict[str, Any]:
    w = org.wording
    lines = [w.text("list", "task_posts", 岗位="、".join(task.posts))] if task.posts else []
    lines += [w.text("list", "measure", 措施=task.measure)] if task.measure else []
    lines += [w.text("list", "evidence", 佐证=task.evidence)] if task.evidence else []
    measure = lines
    return {"no": org.task_code(task), "text": task.text, "measure": measure, "due": due_text(task.due, org.organ.year),
            "owner": owner}


def context(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    w = org.wording
    cat = org.catalog
    duty_count = sum(len(info.duties) for info in org.tiers)
    across = len(org.common_duties()) + sum(len(d.duties) for d in cat.divisions)
    counts = {"层级数": str(len(org.tiers)), "职责数": str(duty_count),
              "横向": w.text("list", "horizontal_count", 横向职责数=str(across)) if across else ""}
    tiers = [{"heading": f"（{cn_number(info.index)}）{info.tier.name}", "name": info.tier.name,
              "groups": _groups(info, org)} for info in org.tiers]
    horizontal = None
    if cat.horizontal or any(d.duties for d in cat.divisions):
        common_rows = [_row(nd, org) for nd in org.common_duties()]
        numbers = org.horizontal_numbers()
        units = [{"name": div.name, "heading": f"（{cn_number(numbers[div.name])}）{div.name}",
                  "table": _table([_row(nd, org) for nd in unit_duties(org, div)])}
                 for div in cat.divisions if div.duties]
        horizontal = {
            "title": (cat.horizontal.title if cat.horizontal and cat.horizontal.title
                      else w.text("list", "horizontal_title")),
            "common_heading": f"（一）{w.text('list', 'common')}",
            "common": _table(common_rows) if common_rows else None,
            "units": units,
        }
    task_tiers = []
    for info in org.tiers:
        if info.tasks:
            task_tiers.append({
                "heading": f"（{cn_number(len(task_tiers) + 1)}）{info.tier.name}",
                "tasks": [_task_row(t, org) for t in info.tasks],
            })
    personal = [t for t in cat.tasks if t.person]
    personal_rows = [_task_row(t, org, t.person or "") for t in personal]  # the name: titles are on the letters
    sections = [w.text("list", "vertical", 层级数=str(len(org.tiers)))]
    if horizontal:
        sections.append(w.text("list", "horizontal"))
    if task_tiers or personal_rows:
        sections.append(w.text("list", "tasks"))
    ctx = {
        **common(org),
        "annex": w.text("list", "annex"),
        "title": w.texts("list", "title"),
        "date_line": w.text("list", "date_line"),
        "preamble": w.text("list", "preamble", **counts),
        "sections": [f"{cn_number(i)}、{name}" for i, name in enumerate(sections, 1)],
        "tiers": tiers,
        "horizontal": horizontal,
        "task_tiers": task_tiers,
        "personal_heading": (f"（{cn_number(len(task_tiers) + 1)}）{w.text('list', 'personal_tasks')}"
                             if personal_rows else ""),
        "personal_tasks": personal_rows,
        "duty_count": str(duty_count),
    }
    return clean(ctx)


def check(org: Organisation, positions: Positions) -> list[Problem]:
    """A title line too long for one line would break inside a word: say where to split it."""
    problems = []
    for i, line in enumerate(org.wording.texts("list", "title")):
        if ems(line) > TITLE_WIDTH:
            where = ("wording", "list", "title", i) if positions.at.get(("wording", "list", "title")) else (
                "organ", "party_group")
            problems.append(positions.problem(
                where, f"责任清单标题的第 {i + 1} 行「{line}」有 {ems(line):g} 个字宽，一行只能排 {TITLE_WIDTH} 个字，"
                "会在词语中间回行。请在目录的 wording: list: title: 里把它分成两行，在词语之间断开。", "warning"))
    return problems


KIND = Kind(name="清单", folder="责任清单", aliases=("清单", "责任清单", "list"), plan=plan, context=context,
            file_name=file_name, template_for=template_for, bundled=False, check=check)
