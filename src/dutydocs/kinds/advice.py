"""工作建议书: one per letter the discipline body issues to the party group, in 公文 layout
(发文机关标志, 文号, 主送, numbered problems and recommendations, 反馈时限, 落款, 抄送)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..catalog import Positions
from ..chinese import cn_date, cn_number, due_text
from ..errors import Problem
from ..model import Advice, AdviceItem, Catalog
from ..org import Organisation
from .base import DocSpec, Kind, clean, common, ems, numbered, too_long

TYPE_WIDTH_PT = 156 / 25.4 * 72  # GB/T 9704: the type area is 156 mm wide


def plan(org: Organisation) -> Iterator[DocSpec]:
    for seq, letter in enumerate(org.catalog.advice, 1):
        yield DocSpec("建议书", str(seq), (letter.number,), None, seq)


def file_name(spec: DocSpec, org: Organisation) -> tuple[str, ...]:
    return f"{spec.seq:02d}", spec.names[0]


def letter_of(org: Organisation, spec: DocSpec) -> Advice:
    return org.catalog.advice[spec.seq - 1]


def responsibility(org: Organisation, item: AdviceItem) -> str:
    """（责任领导：…，责任单位：…，完成时限：…）with the parts the item has."""
    w = org.wording
    parts = []
    if item.leader:
        parts.append(w.text("advice", "leader", 责任领导=item.leader))
    if item.owner:
        parts.append(w.text("advice", "owner", 责任单位=item.owner))
    if item.due:
        parts.append(w.text("advice", "due", 时限=due_text(item.due, org.organ.year)))
    return f"（{'，'.join(parts)}）" if parts else ""


def context(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    w = org.wording
    letter = letter_of(org, spec)
    issuer = letter.issuer or w.values["纪检全称"]
    date = cn_date(letter.date)
    reply = (w.text("advice", "reply", 反馈时限=due_text(letter.reply_by)) if letter.reply_by
             else w.text("advice", "reply_open"))
    ctx = {
        **common(org),
        "issuer": issuer,
        "issuer_long": too_long(issuer, 22, TYPE_WIDTH_PT),  # the red 发文机关标志 stays on one line
        "number": letter.number,
        "title": title_lines(org, letter),
        "to": f"{letter.to or org.organ.party_group}：",
        "opening": w.text("advice", "opening", 来源=letter.source or w.text("advice", "source")),
        "headings": [f"{cn_number(i)}、{h}" for i, h in enumerate(w.get("advice", "headings"), 1)],
        "problems": numbered([item.problem for item in letter.items]),
        "recommendations": numbered([item.recommendation + responsibility(org, item) for item in letter.items]),
        "reply": reply,
        "signer": issuer,
        "date": date,
        "cc": (w.text("advice", "cc") + "，".join(letter.cc) + "。") if letter.cc else "",
        "printed_by": w.text("advice", "printed_by", 发文机关=letter.printer or issuer),
        "printed_on": w.text("advice", "printed_on", 印发日期=date),
    }
    return clean(ctx)


def title_lines(org: Organisation, letter: Advice) -> list[str]:
    """The title as printed, line by line: the letter's own (a line break where it should break) or the
    wording's, already broken between words."""
    if letter.title:
        return [line.strip() for line in letter.title.splitlines() if line.strip()]
    return org.wording.texts("advice", "title")


# 版记 is in 4号 (14 pt), one character in from each side, the two parts at least two characters apart.
TITLE_EMS = 20  # 2号 title, 28 mm margins: 20 characters a line
PRINTED_LINE_EMS = int((TYPE_WIDTH_PT - 2 * 14) / 14) - 2


def check(org: Organisation, positions: Positions) -> list[Problem]:
    """The last line of the 版记 — 印发机关 left, 印发日期 right — must fit on one line."""
    w = org.wording
    problems = []
    for i, letter in enumerate(org.catalog.advice):
        for line in title_lines(org, letter):
            if ems(line) > TITLE_EMS:
                where = ("advice", i, "title") if letter.title else ("advice", i, "number")
                problems.append(positions.problem(
                    where, f"建议书「{letter.number}」标题的「{line}」有 {ems(line):g} 个字宽，一行只能排 {TITLE_EMS} 个字，"
                    "会在词语中间回行。请在 title 里换行（写成 title: | 再分行），在词语之间断开。", "warning"))
        left = w.text("advice", "printed_by", 发文机关=letter.printer or letter.issuer or w.values["纪检全称"])
        right = w.text("advice", "printed_on", 印发日期=cn_date(letter.date))
        if ems(left) + ems(right) > PRINTED_LINE_EMS:
            problems.append(positions.problem(
                ("advice", i, "printer" if letter.printer else "number"),
                f"建议书「{letter.number}」版记末行「{left}……{right}」一行放不下（共 {ems(left) + ems(right):g} 个字宽，"
                f"只能排 {PRINTED_LINE_EMS:g} 个）。请写 printer: 印发机关的简称{_short(left)}。", "warning"))
    return problems


def _short(name: str) -> str:
    """A short form to suggest: a stationed group from 驻 on (驻某某纪检监察组); otherwise no guess."""
    return f"，如 {name[name.index('驻'):]}" if "驻" in name else "（如 某某纪委）"


def template_for(cat: Catalog) -> str:
    return "工作建议书.docx"


KIND = Kind(name="建议书", folder="工作建议书", aliases=("建议书", "工作建议书", "advice"), plan=plan, context=context,
            file_name=file_name, template_for=template_for, check=check)
