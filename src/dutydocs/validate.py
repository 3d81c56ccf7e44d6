"""From raw YAML data to a valid Catalog: every problem as a located Chinese message.

Pydantic checks the shape (keys, types, required fields); its errors are translated here and
placed on the line where the key was written. The cross-checks a model cannot express
(references, duplicates, cycles) follow, all collected before anything is reported.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from .catalog import Positions, RawCatalog
from .errors import KeyPath, Problem, closest, suggest
from .model import Catalog, Selector

TYPE_NAMES = {
    "str": "一段文字",
    "int": "一个整数",
    "date": "一个日期（如 2026-03-15）",
    "list": "一个列表（每项一行，以“- ”开头，或写成 [甲, 乙]）",
    "dict": "一组“键: 值”",
}


def _options(options: Iterable[str], limit: int = 12) -> str:
    options = list(options)
    shown = "、".join(options[:limit])
    return shown + ("……" if len(options) > limit else "")


# ---------------------------------------------------------------- translating pydantic


def _unwrap(tp: Any) -> Any:
    """The model class or list item type behind an annotation (Optional, Annotated, list)."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]
        else:
            return tp


def model_at(path: KeyPath) -> type[BaseModel] | None:
    """Which model class the data at `path` is validated against."""
    tp: Any = Catalog
    for part in path:
        tp = _unwrap(tp)
        if isinstance(part, int):
            if typing.get_origin(tp) is list:
                tp = typing.get_args(tp)[0]
                continue
            return None
        if isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
            continue
        return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _label(path: KeyPath) -> str:
    """The Chinese description of the field at `path`, for messages like 缺少必填的键「name」（姓名）."""
    parent = model_at(path[:-1])
    if parent is not None and isinstance(path[-1], str):
        field = parent.model_fields.get(path[-1])
        if field is not None and field.description:
            return f"（{field.description.split('（')[0]}）"
    return ""


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "一组“键: 值”"
    if isinstance(value, list):
        return "一个列表"
    if value is None:
        return "空值"
    text = str(value)
    return f"「{text[:40]}{'……' if len(text) > 40 else ''}」"


_SELECTOR_EXAMPLE = "{posts: [机关党组书记]}"
_EXAMPLES = {
    "holders": f"holders: {_SELECTOR_EXAMPLE}",
    "superior": f"superior: {_SELECTOR_EXAMPLE}",
    "subordinate": "subordinate: {tiers: [班子]}",
    "exclude": f"exclude: {_SELECTOR_EXAMPLE}",
    "organ": "organ: {name: 某某机关, party_group: 中共某某机关党组, year: 2026}",
    "signing": "signing: {rules: [...]}",
    "horizontal": "horizontal: {duties: [...]}",
}


def _near_field(key: str, fields: dict[str, Any]) -> str | None:
    """The field a wrong key most likely meant: a near spelling, `name:张三` without its space,
    or a Chinese word from the field's description (年度 -> year)."""
    head = key.split(":", 1)[0].strip()
    if ":" in key and head in fields:
        return head
    close = closest(key, fields)
    if close:
        return close
    if not key.isascii():
        hits = [name for name, f in fields.items() if f.description and key in f.description]
        if len(hits) == 1:
            return hits[0]
    return None


def translate(err: dict[str, Any]) -> tuple[KeyPath, str]:
    """One pydantic error -> (key path, Chinese message that says what to change)."""
    loc: KeyPath = tuple(err["loc"])
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return loc, f"缺少必填的键「{loc[-1]}」{_label(loc)}，请补上。"
    if kind == "extra_forbidden":
        parent = model_at(loc[:-1])
        fields = dict(parent.model_fields) if parent else {}
        known = list(fields) + (["include"] if loc[:-1] == () else [])
        key = str(loc[-1])
        meant = _near_field(key, fields)
        if meant and ":" in key and key.split(":", 1)[0].strip() == meant:
            rest = key.split(":", 1)[1].strip()
            return loc, f"未知的键「{key}」。冒号“:”后面少了空格，应写成「{meant}: {rest}」。"
        if meant:
            return loc, f"未知的键「{key}」。是不是想写「{meant}」？这里可用的键：{_options(known)}。"
        return loc, f"未知的键「{key}」，这里可用的键：{_options(known)}。"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        options = re.findall(r"'([^']*)'", expected) or re.findall(r"(\d+)", expected)
        hint = suggest(str(value), options)
        return loc, f"不认识的取值{_show(value)}。{hint}可选：{_options(options)}。"
    if kind in ("string_type", "string_sub_type"):
        return loc, f"这里应是{TYPE_NAMES['str']}，实际是{_show(value)}。"
    if kind == "string_too_short":
        return loc, "这里不能为空，请填写内容，或删掉这一行。"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return loc, f"这里应是{TYPE_NAMES['int']}，实际是{_show(value)}。"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        word = "不能小于" if kind.startswith("greater") else "不能大于"
        return loc, f"取值{_show(value)}超出范围：{word} {bound}。"
    if kind.startswith("date") or kind.startswith("datetime"):
        return loc, (f"{_show(value)}不是有效的日期。请按 年-月-日 写，如 2026-03-15，"
                     "并确认这一天存在（如 2 月没有 30 日）。")
    if kind == "list_type":
        return loc, f"这里应是{TYPE_NAMES['list']}，实际是{_show(value)}。"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        example = _EXAMPLES.get(str(loc[-1]), "name: 张三")
        return loc, f"这里应是{TYPE_NAMES['dict']}（如 {example}），实际是{_show(value)}。"
    if kind == "too_short":
        return loc, "这里至少要写一项。"
    if kind in ("bool_type", "bool_parsing"):
        return loc, f"这里应是 是/否（true/false），实际是{_show(value)}。"
    if kind == "value_error":
        message = str(ctx.get("error") or err.get("msg", ""))
        return loc, message.removeprefix("Value error, ")
    return loc, f"取值{_show(value)}不对（{err.get('msg', kind)}）。"


def structure(raw: RawCatalog) -> tuple[Catalog | None, list[Problem]]:
    try:
        return Catalog.model_validate(raw.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    # "nmae" or "name:张三" is one mistake: say so once, not also "name is missing".
    meant = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            parent = model_at(tuple(err["loc"][:-1]))
            field = _near_field(str(err["loc"][-1]), dict(parent.model_fields)) if parent else None
            if field:
                meant.add(tuple(err["loc"][:-1]) + (field,))
    problems = []
    seen: set[tuple[KeyPath, str]] = set()
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in meant:
            continue
        loc, message = translate(err)
        if (loc, message) not in seen:
            seen.add((loc, message))
            problems.append(raw.positions.problem(loc, message))
    return None, problems


# ---------------------------------------------------------------- cross-checks


class _Checker:
    def __init__(self, cat: Catalog, positions: Positions):
        self.cat = cat
        self.pos = positions
        self.problems: list[Problem] = []
        self.people = {p.name for p in cat.people}
        self.posts = set(cat.posts)
        self.divisions = {d.name for d in cat.divisions}
        self.tiers = {t.id for t in cat.tiers}

    def error(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.pos.problem(path, message))

    def warn(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.pos.problem(path, message, "warning"))

    def ref(self, path: KeyPath, name: str, known: set[str], what: str, section: str) -> bool:
        if name in known:
            return True
        hint = suggest(name, known) or f"请先在 {section} 里添加，或改成已有的：{_options(sorted(known))}。"
        self.error(path, f"{what}「{name}」没有在 {section} 里定义。{hint}")
        return False

    _UNIQUE_ADVICE: typing.ClassVar[dict[str, str]] = {
        "姓名": "同名的人请加区分，如「{name}（研究室）」。",
        "岗位": "请删掉重复的一项。",
        "层级代号": "请换一个代号。",
        "层级名称": "请改一个名称。",
        "处室": "请删掉重复的一项，或改成不同的名称。",
    }

    def unique(self, section: str, names: list[str], key: str, what: str) -> None:
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                file, line = self.pos.where((section, first[name], key) if key else (section, first[name]))
                self.error((section, i, key) if key else (section, i),
                           f"{what}「{name}」重复了，与 {file} 第 {line} 行的相同。"
                           f"每个{what}只能定义一次，{self._UNIQUE_ADVICE[what].format(name=name)}")
            else:
                first[name] = i

    def run(self) -> list[Problem]:
        cat = self.cat
        self.unique("posts", list(cat.posts), "", "岗位")
        self.unique("tiers", [t.id for t in cat.tiers], "id", "层级代号")
        self.unique("tiers", [t.name for t in cat.tiers], "name", "层级名称")
        self.unique("divisions", [d.name for d in cat.divisions], "name", "处室")
        self.unique("people", [p.name for p in cat.people], "name", "姓名")
        self.check_tiers()
        self.check_people()
        self.check_divisions()
        self.check_signing()
        self.check_diary()
        self.check_cycles()
        self.check_tier_cycles()
        return self.problems

    def selector(self, path: KeyPath, sel: Selector) -> None:
        for i, post in enumerate(sel.posts):
            self.ref(path + ("posts", i), post, self.posts, "岗位", "posts")
        for i, name in enumerate(sel.people):
            self.ref(path + ("people", i), name, self.people, "人员", "people")
        for i, tier in enumerate(sel.tiers):
            self.ref(path + ("tiers", i), tier, self.tiers, "层级代号", "tiers")
        for i, div in enumerate(sel.divisions):
            self.ref(path + ("divisions", i), div, self.divisions, "处室", "divisions")
        if sel.exclude is not None:
            self.selector(path + ("exclude",), sel.exclude)

    def check_tiers(self) -> None:
        for i, tier in enumerate(self.cat.tiers):
            if not tier.duties:
                self.error(("tiers", i, "name"), f"层级「{tier.name}」没有任何职责，请在 duties 下至少写一条。")
            self.selector(("tiers", i, "holders"), tier.holders)
            if tier.holders.is_empty():
                self.error(("tiers", i, "holders"),
                           f"层级「{tier.name}」没有写 holders（谁属于这个层级），如 holders: {{posts: [机关党组书记]}}。")
            for j, duty in enumerate(tier.duties):
                self.date_in_year(("tiers", i, "duties", j, "due"), duty.due)

    def check_people(self) -> None:
        for i, person in enumerate(self.cat.people):
            for j, post in enumerate(person.posts):
                self.ref(("people", i, "posts", j), post, self.posts, "岗位", "posts")
            if person.division is not None:
                self.ref(("people", i, "division"), person.division, self.divisions, "处室", "divisions")
            for j, div in enumerate(person.supervises):
                self.ref(("people", i, "supervises", j), div, self.divisions, "处室", "divisions")

    def check_divisions(self) -> None:
        by_name = {p.name: p for p in self.cat.people}
        heads: dict[str, int] = {}
        for i, div in enumerate(self.cat.divisions):
            if div.head is None:
                continue
            if not self.ref(("divisions", i, "head"), div.head, self.people, "主要负责人", "people"):
                continue
            person = by_name[div.head]
            if person.division is not None and person.division != div.name:
                pi = self.cat.people.index(person)
                file, line = self.pos.where(("people", pi, "division"))
                self.error(("divisions", i, "head"),
                           f"「{div.head}」在 {file} 第 {line} 行属于「{person.division}」，这里却是「{div.name}」的主要负责人。"
                           "一个人只能在一个处室，请改正其中一处。")
            if div.head in heads:
                first = self.cat.divisions[heads[div.head]].name
                self.error(("divisions", i, "head"),
                           f"「{div.head}」已是「{first}」的主要负责人，又是「{div.name}」的主要负责人。"
                           "一个人只能在一个处室任主要负责人，请改正其中一处。")
            else:
                heads[div.head] = i
            for j, duty in enumerate(div.duties):
                self.date_in_year(("divisions", i, "duties", j, "due"), duty.due)
        if self.cat.horizontal:
            for j, duty in enumerate(self.cat.horizontal.duties):
                self.date_in_year(("horizontal", "duties", j, "due"), duty.due)

    def check_signing(self) -> None:
        signing = self.cat.signing
        levels = {lv.level for lv in signing.levels}
        seen_levels: dict[int, int] = {}
        for i, lv in enumerate(signing.levels):
            if lv.level in seen_levels:
                self.error(("signing", "levels", i, "level"), f"层面 {lv.level} 重复定义了。")
            seen_levels[lv.level] = i
        for i, rule in enumerate(signing.rules):
            if levels and rule.level not in levels:
                self.error(("signing", "rules", i, "level"),
                           f"层面 {rule.level} 没有在 signing.levels 里定义，可选：{_options(str(x) for x in sorted(levels))}。")
            self.selector(("signing", "rules", i, "superior"), rule.superior)
            if rule.subordinate is not None:
                self.selector(("signing", "rules", i, "subordinate"), rule.subordinate)
        for i, pair in enumerate(signing.pairs):
            path = ("signing", "pairs", i)
            if levels and pair.level not in levels:
                self.error(path + ("level",),
                           f"层面 {pair.level} 没有在 signing.levels 里定义，可选：{_options(str(x) for x in sorted(levels))}。")
            self.ref(path + ("superior",), pair.superior, self.people, "责任领导", "people")
            self.ref(path + ("subordinate",), pair.subordinate, self.people, "责任人", "people")
            if pair.superior == pair.subordinate:
                self.error(path + ("subordinate",), f"「{pair.superior}」不能与自己签订责任书。")

    def check_diary(self) -> None:
        cat = self.cat
        for i, task in enumerate(cat.tasks):
            if task.tier is not None:
                self.ref(("tasks", i, "tier"), task.tier, self.tiers, "层级代号", "tiers")
            if task.person is not None:
                self.ref(("tasks", i, "person"), task.person, self.people, "人员", "people")
            self.date_in_year(("tasks", i, "due"), task.due)
        for section, items, key in (("records", cat.records, "person"), ("checks", cat.checks, "person"),
                                    ("rectifications", cat.rectifications, "person"), ("talks", cat.talks, "target")):
            for i, item in enumerate(items):
                self.ref((section, i, key), getattr(item, key), self.people, "人员", "people")
        for section, items in (("records", cat.records), ("checks", cat.checks), ("talks", cat.talks)):
            for i, item in enumerate(items):
                self.date_in_year((section, i, "date"), item.date)
        for i, fix in enumerate(cat.rectifications):
            self.date_in_year(("rectifications", i, "due"), fix.due)
            self.date_in_year(("rectifications", i, "closed"), fix.closed)

    def date_in_year(self, path: KeyPath, value: Any) -> None:
        """Dates far from the catalogue's year are allowed but almost always a typo."""
        year = self.cat.organ.year
        if isinstance(value, dt.date) and abs(value.year - year) > 1:
            self.warn(path, f"日期 {value.isoformat()} 不在 {year} 年度附近，请确认年份没有写错。")

    def check_tier_cycles(self) -> None:
        """A tier may be defined by other tiers, but not, through them, by itself."""
        edges = {
            t.id: [(dep, ("tiers", i, "holders", "tiers", j)) for j, dep in enumerate(t.holders.tiers)]
            for i, t in enumerate(self.cat.tiers)
        }
        reported: set[frozenset[str]] = set()
        for start in edges:
            cycle = _find_cycle(start, edges)
            if cycle and frozenset(cycle[0]) not in reported:
                reported.add(frozenset(cycle[0]))
                chain = " → ".join(cycle[0] + [cycle[0][0]])
                self.error(cycle[1], f"层级的 holders 互相引用，形成了循环：{chain}。请改用岗位或职级来认定。")

    def check_cycles(self) -> None:
        """Supervision lines must run downwards: no one ends up supervising himself.

        Explicit pairs that run against a derived one are found in org.py, once pairs exist."""
        heads = {d.name: d.head for d in self.cat.divisions if d.head}
        edges: dict[str, list[tuple[str, KeyPath]]] = {}
        for i, person in enumerate(self.cat.people):
            for j, div in enumerate(person.supervises):
                head = heads.get(div)
                if head:
                    edges.setdefault(person.name, []).append((head, ("people", i, "supervises", j)))
        reported: set[frozenset[str]] = set()
        for start in sorted(edges):
            cycle = _find_cycle(start, edges)
            if cycle is None:
                continue
            names, path = cycle
            key = frozenset(names)
            if key in reported:
                continue
            reported.add(key)
            chain = " → ".join(names + [names[0]])
            if len(names) == 1:
                self.error(path, f"「{names[0]}」分管了自己任主要负责人的处室，分管关系不能指向自己。")
            else:
                self.error(path, f"分管关系形成了循环：{chain}。上下级关系必须自上而下，请改正其中一环。")


def _find_cycle(start: str, edges: dict[str, list[tuple[str, KeyPath]]]) -> tuple[list[str], KeyPath] | None:
    """A cycle through `start`, as its names and the key path of the edge that closes it."""
    stack = [(start, [start], ())]
    seen: set[str] = set()
    while stack:
        node, trail, _ = stack.pop()
        for nxt, path in edges.get(node, []):
            if nxt == start:
                return trail, path
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, trail + [nxt], path))
    return None


def cross_check(cat: Catalog, positions: Positions) -> list[Problem]:
    return _Checker(cat, positions).run()
