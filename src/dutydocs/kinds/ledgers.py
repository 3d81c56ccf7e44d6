"""The ledgers, as workbooks clerks keep in Excel: every recommendation item until it is closed
(销号台账), and every talk with its counts by kind, period and talker (谈话台账).

Overdue is counted to Organisation.as_of() — a date in the catalogue, not today — so the same
catalogue always gives the same workbook.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..chinese import cn_date, due_text
from ..model import Catalog
from ..org import Organisation
from ..workbook import workbook_bytes
from .base import DocSpec, Kind, ems, person_label

FOLDER = "台账"
OVERDUE = "FFC7CE"  # Excel's own light red for a bad value
CLOSED_LATE = "FFEB9C"  # and its light yellow for a neutral warning


FONT = "宋体"
SIZE = 11  # points


def _lines(text: Any, width: float) -> int:
    """How many lines a wrapped cell takes in a column `width` characters wide (Excel's unit: about
    half a 宋体 character): Chinese full, Latin and digits half, and its own line breaks."""
    if text is None or text == "":
        return 1
    per_line = max(1.0, width / 2 - 0.5)
    return sum(max(1, -(-int(ems(part) * 10) // int(per_line * 10))) for part in str(text).split("\n"))


def _sheet(wb: Any, title: str, caption: str, header: list[str], rows: list[list[Any]], widths: list[int],
           first: bool = False) -> Any:
    """A sheet as a clerk prints it: the caption over the table, a bold header repeated on every page
    and kept in view, rows as tall as their wrapped text, ruled; A4 landscape, one page wide, numbered."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    last = get_column_letter(len(header))
    ws.append([caption])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name=FONT, bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append(header)
    thin = Side(style="thin", color="000000")
    ruled = Border(top=thin, bottom=thin, left=thin, right=thin)
    for cell in ws[2]:
        cell.font = Font(name=FONT, bold=True, size=SIZE)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = ruled
    ws.row_dimensions[2].height = 15 * max(_lines(h, w) for h, w in zip(header, widths, strict=False)) + 4
    for row in rows:
        ws.append(row)
    body = Font(name=FONT, size=SIZE)
    styles: dict[str, Any] = {}  # a cell's style, made once and copied: openpyxl hashes every style it is given
    for r in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in r:
            horizontal = "left" if isinstance(cell.value, str) and ems(cell.value) > 8 else "center"
            if horizontal in styles:
                cell._style = copy.copy(styles[horizontal])
                continue
            cell.font = body
            cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal=horizontal)
            cell.border = ruled
            styles[horizontal] = copy.copy(cell._style)
        ws.row_dimensions[r[0].row].height = 15 * max(
            _lines(c.value, w) for c, w in zip(r, widths, strict=False)) + 4
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    if rows:
        ws.auto_filter.ref = f"A2:{last}{len(rows) + 2}"
    ws.print_title_rows = "1:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT
    return ws


def _fill(ws: Any, row: int, color: str) -> None:
    from openpyxl.styles import PatternFill

    for cell in ws[row]:
        cell.fill = PatternFill("solid", fgColor=color)


# ---------------------------------------------------------------- 销号台账

ADVICE_HEADER = ["序号", "建议书文号", "条目", "存在问题", "工作建议", "责任领导", "责任单位（责任人）", "整改措施",
                 "完成时限", "整改进展", "状态", "逾期天数", "销号日期", "销号依据", "审核人"]


def advice_rows(org: Organisation) -> list[dict[str, Any]]:
    """Every item of every letter, with how late it is at as_of (open) or was when closed."""
    as_of = org.as_of()
    rows = []
    for letter in org.catalog.advice:
        for n, item in enumerate(letter.items, 1):
            due = item.due if isinstance(item.due, dt.date) else None
            if item.status == "已完成":
                late = (item.closed - due).days if item.closed and due and item.closed > due else 0
            else:
                late = (as_of - due).days if due and as_of > due else 0
            rows.append({"letter": letter, "n": n, "item": item, "late": late})
    return rows


def make_advice_ledger(org: Organisation, spec: DocSpec) -> bytes:
    from openpyxl import Workbook

    w = org.wording
    rows = advice_rows(org)
    wb = Workbook()
    caption = w.text("advice", "ledger_title", 截至=cn_date(org.as_of()))
    table = [[i, r["letter"].number, r["n"], r["item"].problem, r["item"].recommendation, r["item"].leader or "",
              r["item"].owner or "", r["item"].measure or "", due_text(r["item"].due),
              "\n".join(f"{cn_date(p.date)} {p.text}" for p in r["item"].progress if p.date <= org.as_of()),
              r["item"].status + (w.text("advice", "ledger_overdue") if r["late"] and r["item"].status != "已完成" else ""),
              r["late"] or None, cn_date(r["item"].closed), r["item"].evidence or "", r["item"].approver or ""]
             for i, r in enumerate(rows, 1)]
    ws = _sheet(wb, "销号台账", caption, ADVICE_HEADER, table, [4, 12, 4, 22, 22, 7, 10, 18, 12, 24, 9, 5, 12, 18, 7],
                first=True)
    for i, r in enumerate(rows, 3):
        if r["late"] and r["item"].status != "已完成":
            _fill(ws, i, OVERDUE)
        elif r["late"]:
            _fill(ws, i, CLOSED_LATE)
    summary = []
    for letter in org.catalog.advice:
        mine = [r for r in rows if r["letter"] is letter]
        closed = sum(1 for r in mine if r["item"].status == "已完成")
        overdue = sum(1 for r in mine if r["late"] and r["item"].status != "已完成")
        summary.append([letter.number, cn_date(letter.date), len(mine), closed, len(mine) - closed, overdue])
    _sheet(wb, "按建议书汇总", w.text("advice", "ledger_summary_title", 截至=cn_date(org.as_of())),
           ["建议书文号", "发文日期", "建议条数", "已销号", "未销号", "其中逾期"], summary, [24, 16, 10, 10, 10, 10])
    return workbook_bytes(wb)


def plan_advice_ledger(org: Organisation) -> Iterator[DocSpec]:
    if org.catalog.advice:
        yield DocSpec("销号台账", "ledger", ("工作建议书",))


# ---------------------------------------------------------------- 谈话台账

TALK_HEADER = ["序号", "日期", "谈话类型", "谈话人", "谈话对象", "事由", "地点", "主要内容", "对象表态", "记录人"]


def _label(org: Organisation, name: str) -> str:
    person = org.people.get(name)
    return person_label(person) if person else name


def _two_lines(org: Organisation, name: str) -> str:
    """A person in a narrow ledger cell: the name, the post under it (one way for every title,
    with or without brackets of its own)."""
    person = org.people.get(name)
    return f"{person.name}\n{person.display_title}" if person and person.display_title else name


def make_talk_ledger(org: Organisation, spec: DocSpec) -> bytes:
    from openpyxl import Workbook

    w = org.wording
    talks = sorted((t for t in org.catalog.talks if t.date <= org.as_of()), key=lambda t: t.date)  # up to 截至
    kinds = list(w.get("talks", "kinds"))
    kinds += sorted({t.kind for t in talks} - set(kinds))
    periods = w.get("periods", org.organ.record_period)["reviews"]
    months = 12 // len(periods)
    caption = w.text("talk_ledger", "title", 截至=cn_date(org.as_of()))
    wb = Workbook()
    _sheet(wb, "谈话登记", caption, TALK_HEADER,
           [[i, cn_date(t.date), t.kind, _two_lines(org, t.talker), _two_lines(org, t.target), t.reason or "", t.place or "",
             t.content or "", t.response or "", t.recorder or ""] for i, t in enumerate(talks, 1)],
           [5, 14, 12, 20, 22, 22, 14, 44, 30, 8], first=True)
    by_period = Counter((t.kind, (t.date.month - 1) // months) for t in talks if t.date.year == org.organ.year)
    rows = [[kind, *(by_period[(kind, p)] for p in range(len(periods))), sum(by_period[(kind, p)] for p in range(len(periods)))]
            for kind in kinds]
    rows.append(["合计", *(sum(r[p + 1] for r in rows) for p in range(len(periods))), sum(r[-1] for r in rows)])
    as_of = cn_date(org.as_of())
    _sheet(wb, "按类型统计", w.text("talk_ledger", "by_kind_title", 截至=as_of), ["谈话类型（人次）", *periods, "合计"],
           rows, [18] + [10] * (len(periods) + 1))
    # the organ's people in the catalogue's order (its ranks first), then those from outside as they come
    order = {name: i for i, name in enumerate(org.people)}
    first = {name: i for i, name in reversed(list(enumerate(t.talker for t in talks)))}
    talkers = sorted(first, key=lambda n: (n not in order, order.get(n, first[n])))
    by_talker = Counter((t.talker, t.kind) for t in talks)
    rows = [[_label(org, name), *(by_talker[(name, k)] for k in kinds), sum(by_talker[(name, k)] for k in kinds)]
            for name in talkers]
    rows.append(["合计", *(sum(r[i] for r in rows) for i in range(1, len(kinds) + 2))])
    _sheet(wb, "按谈话人统计", w.text("talk_ledger", "by_talker_title", 截至=as_of), ["谈话人", *kinds, "合计"], rows,
           [30] + [12] * (len(kinds) + 1))
    return workbook_bytes(wb)


def plan_talk_ledger(org: Organisation) -> Iterator[DocSpec]:
    if org.catalog.talks:
        yield DocSpec("谈话台账", "talks", ("廉政谈话",))


def _no_template(cat: Catalog) -> None:
    return None


ADVICE_LEDGER = Kind(name="销号台账", folder=FOLDER, aliases=("销号台账",), plan=plan_advice_ledger,
                     context=lambda org, spec: {}, file_name=lambda spec, org: ("工作建议书销号台账",),
                     template_for=_no_template, bundled=False, suffix=".xlsx", make=make_advice_ledger)
TALK_LEDGER = Kind(name="谈话台账", folder=FOLDER, aliases=("谈话台账",), plan=plan_talk_ledger,
                   context=lambda org, spec: {}, file_name=lambda spec, org: ("廉政谈话台账",),
                   template_for=_no_template, bundled=False, suffix=".xlsx", make=make_talk_ledger)
