"""What changed between two catalogues: last year and this year, or before and after a 人事变动.

People added, removed, or with another post, rank, unit or 分管; units added and removed, with another
head or supervisor; letters to sign anew and letters void, by the file names a build gives them
(output.doc_path); record books to issue and to withdraw; duties changed per tier. A letter is the pair
(level, 责任领导, 责任人): it is new, void, changed (its text differs: sign it again), or only renumbered
(same text, another number and file name, because a pair before it came or went).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from .contexts import BOOK, LETTER, context_for, plan
from .main import Loaded
from .output import doc_path

PERSON_FIELDS = (("title", "职务"), ("posts", "岗位"), ("rank", "职级"), ("division", "所在处室"),
                 ("supervises", "分管"), ("external", "本单位以外"))
# What differs in a letter, in a clerk's words (context keys of kinds/letter.py).
LETTER_PARTS = {"superior": "责任领导的姓名或职务", "subordinate": "责任人的姓名或职务", "duties": "责任内容",
                "tasks": "年度任务", "goal": "目标", "assessment": "考核条款", "accountability": "追究条款",
                "level_name": "层面名称", "title": "标题", "preamble": "开头", "closing": "附则", "sign": "签字栏",
                "year": "年度", "issue_date": "签订日期", "organ": "单位名称", "party_group": "党组（党委）名称"}
IGNORED = {"number", "serial", "seq"}  # numbers follow the order: a renumbered document is reported as such


@dataclass(frozen=True)
class Change:
    """One row of the report: what, who, and the details (old → new)."""

    what: str  # 新增 减少 变动 / 新签 作废 重签 改编号 / 新发 收回 内容变动 / 新增 删除 修改
    name: str
    detail: str = ""
    old_file: str = ""
    new_file: str = ""


@dataclass
class Diff:
    old_label: str
    new_label: str
    people: list[Change] = field(default_factory=list)
    units: list[Change] = field(default_factory=list)
    letters: list[Change] = field(default_factory=list)
    books: list[Change] = field(default_factory=list)
    duties: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.people or self.units or self.letters or self.books or self.duties)

    def sections(self) -> list[tuple[str, list[Change], tuple[str, ...]]]:
        """(title, rows, column headings) in report order."""
        return [
            ("人员变动", self.people, ("变动", "姓名", "内容")),
            ("处室变动", self.units, ("变动", "处室", "内容")),
            ("廉政责任书", self.letters, ("处理", "对子", "说明", "原文件", "新文件")),
            ("全程纪实本", self.books, ("处理", "持有人", "说明", "原文件", "新文件")),
            ("职责变动", self.duties, ("变动", "层级", "内容")),
        ]


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value)) or "无"
    if value is None or value == "":
        return "无"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def compare(old: Loaded, new: Loaded, old_label: str = "原目录", new_label: str = "新目录") -> Diff:
    diff = Diff(old_label, new_label)
    if old.catalog.organ.year != new.catalog.organ.year:
        diff.notes.append(f"两份目录的年度不同（{old.catalog.organ.year} 年、{new.catalog.organ.year} 年）："
                          "保留下来的对子，责任书也都要按新年度重新签订，纪实本按新年度重新发放。")
    _people(diff, old, new)
    _units(diff, old, new)
    _letters(diff, old, new)
    _books(diff, old, new)
    _duties(diff, old, new)
    return diff


def _tiers_of(loaded: Loaded, name: str) -> list[str]:
    return [t.tier.name for t in loaded.org.tiers_of.get(name, [])]


def _people(diff: Diff, old: Loaded, new: Loaded) -> None:
    before = {p.name: p for p in old.catalog.people}
    after = {p.name: p for p in new.catalog.people}
    for p in new.catalog.people:
        if p.name not in before:
            diff.people.append(Change("新增", p.name, f"{p.display_title}；层级：{_shown(_tiers_of(new, p.name))}"))
    for p in old.catalog.people:
        if p.name not in after:
            diff.people.append(Change("减少", p.name, p.display_title))
    for p in new.catalog.people:
        q = before.get(p.name)
        if q is None:
            continue
        parts = []
        for key, label in PERSON_FIELDS:
            a, b = getattr(q, key), getattr(p, key)
            if a == b:
                continue
            if isinstance(a, list):
                gone = [x for x in a if x not in b]
                came = [x for x in b if x not in a]
                if key == "supervises":
                    bits = ([f"不再分管 {_shown(gone)}"] if gone else []) + ([f"新分管 {_shown(came)}"] if came else [])
                    parts.append("，".join(bits) or f"分管顺序：{_shown(a)} → {_shown(b)}")
                else:
                    bits = ([f"去掉 {_shown(gone)}"] if gone else []) + ([f"加上 {_shown(came)}"] if came else [])
                    parts.append(f"{label}：" + ("，".join(bits) or f"{_shown(a)} → {_shown(b)}"))
            else:
                parts.append(f"{label}：{_shown(a)} → {_shown(b)}")
        tiers_a, tiers_b = _tiers_of(old, p.name), _tiers_of(new, p.name)
        if tiers_a != tiers_b:
            parts.append(f"层级：{_shown(tiers_a)} → {_shown(tiers_b)}")
        if parts:
            diff.people.append(Change("变动", p.name, "；".join(parts)))


def _units(diff: Diff, old: Loaded, new: Loaded) -> None:
    before = {d.name: d for d in old.catalog.divisions}
    after = {d.name: d for d in new.catalog.divisions}

    def supervisors(loaded: Loaded, name: str) -> list[str]:
        return [p.name for p in loaded.org.supervisors_of.get(name, [])]

    for d in new.catalog.divisions:
        if d.name not in before:
            diff.units.append(Change("新增", d.name, f"主要负责人：{_shown(d.head)}；分管：{_shown(supervisors(new, d.name))}"))
    for d in old.catalog.divisions:
        if d.name not in after:
            diff.units.append(Change("减少", d.name))
    for d in new.catalog.divisions:
        e = before.get(d.name)
        if e is None:
            continue
        parts = []
        if (e.head, e.vacant) != (d.head, d.vacant):
            parts.append(f"主要负责人：{'空缺' if e.vacant else _shown(e.head)} → {'空缺' if d.vacant else _shown(d.head)}")
        if e.kind != d.kind:
            parts.append(f"类型：{_shown(e.kind)} → {_shown(d.kind)}")
        a, b = supervisors(old, d.name), supervisors(new, d.name)
        if a != b:
            parts.append(f"分管领导：{_shown(a)} → {_shown(b)}")
        if [x.text for x in e.duties] != [x.text for x in d.duties]:
            parts.append("本处室职责有改动")
        if parts:
            diff.units.append(Change("变动", d.name, "；".join(parts)))


def _documents(loaded: Loaded, kind: str) -> dict[tuple, tuple[str, dict[str, Any]]]:
    """Each document of a kind by its identity: (file name, context without its number)."""
    out = {}
    for spec in plan(loaded.org, (kind,)):
        identity = (spec.level, *spec.names)
        context = {k: v for k, v in context_for(loaded.org, spec).items() if k not in IGNORED}
        out[identity] = (doc_path(spec, loaded.org), context)
    return out


def _why(a: dict[str, Any], b: dict[str, Any], parts: dict[str, str]) -> str:
    keys = [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
    named = list(dict.fromkeys(parts.get(k, "其他内容") for k in keys))
    return "、".join(named)


def _pair_name(identity: tuple) -> str:
    level, sup, sub = identity
    return f"第{level}层面 {sup} → {sub}"


def _letters(diff: Diff, old: Loaded, new: Loaded) -> None:
    before, after = _documents(old, LETTER), _documents(new, LETTER)
    for identity, (path, _) in after.items():
        if identity not in before:
            diff.letters.append(Change("新签", _pair_name(identity), "新的签订对子", "", path))
    for identity, (path, _) in before.items():
        if identity not in after:
            diff.letters.append(Change("作废", _pair_name(identity), "这一对不再签订，已签的收回作废", path, ""))
    for identity, (path, context) in after.items():
        if identity not in before:
            continue
        old_path, old_context = before[identity]
        if old_context != context:
            diff.letters.append(Change("重签", _pair_name(identity), f"改了：{_why(old_context, context, LETTER_PARTS)}；"
                                       "原件作废，按新文件重签", old_path, path))
        elif old_path != path:
            diff.letters.append(Change("改编号", _pair_name(identity), "内容没变，只是编号和文件名变了，已签的不必重签",
                                       old_path, path))


def _books(diff: Diff, old: Loaded, new: Loaded) -> None:
    before, after = _documents(old, BOOK), _documents(new, BOOK)
    for identity, (path, _) in after.items():
        if identity not in before:
            diff.books.append(Change("新发", identity[1], "新担任岗位层级的干部", "", path))
    for identity, (path, _) in before.items():
        if identity not in after:
            diff.books.append(Change("收回", identity[1], "不再担任岗位层级，纪实本收回归档", path, ""))
    for identity, (path, context) in after.items():
        if identity not in before:
            continue
        old_path, old_context = before[identity]
        if old_context != context:
            diff.books.append(Change("内容变动", identity[1], "本人的责任清单或任务变了：补发变动的页，或换发新本",
                                     old_path, path))
        elif old_path != path:
            diff.books.append(Change("改编号", identity[1], "内容没变，只是编号变了", old_path, path))


def _duties(diff: Diff, old: Loaded, new: Loaded) -> None:
    before = {t.tier.id: t for t in old.org.tiers}
    for info in new.org.tiers:
        was = before.get(info.tier.id)
        if was is None:
            diff.duties.append(Change("新增", info.tier.name, f"新的层级，{len(info.duties)} 条职责"))
            continue
        a = [nd.duty.text for nd in was.duties]
        b = [nd.duty.text for nd in info.duties]
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    diff.duties.append(Change("修改", info.tier.name, f"{was.duties[i].code} → {info.duties[j].code}：{b[j]}"
                                              f"（原为：{a[i]}）"))
                continue
            for i in range(i1, i2):
                diff.duties.append(Change("删除", info.tier.name, f"{was.duties[i].code}：{a[i]}"))
            for j in range(j1, j2):
                diff.duties.append(Change("新增", info.tier.name, f"{info.duties[j].code}：{b[j]}"))
    after = {t.tier.id for t in new.org.tiers}
    for info in old.org.tiers:
        if info.tier.id not in after:
            diff.duties.append(Change("删除", info.tier.name, "整个层级删去"))


def diff_xlsx(diff: Diff) -> bytes:
    """The report as a workbook: one sheet per section, the columns of the screen's tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from .workbook import workbook_bytes

    wb = Workbook()
    first = True
    for title, rows, heads in diff.sections():
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        ws.append([f"{title}（{diff.old_label} → {diff.new_label}）"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(list(heads))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            values = [row.what, row.name, row.detail, row.old_file, row.new_file][: len(heads)]
            ws.append(values)
        for col, width in zip("ABCDE", (10, 30, 60, 40, 40), strict=False):
            ws.column_dimensions[col].width = width
        for r in ws.iter_rows(min_row=3):
            for cell in r:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A3"
    if diff.notes:
        ws = wb.create_sheet("说明")
        for note in diff.notes:
            ws.append([note])
        ws.column_dimensions["A"].width = 120
    return workbook_bytes(wb)
