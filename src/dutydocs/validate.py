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
from .wording import Wording

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


_SELECTOR_EXAMPLE = "{posts: [党组书记]}"
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
    """The typed catalogue and its shape problems (see `structure_partial`)."""
    catalog, problems, _ = structure_partial(raw)
    return catalog, problems


def structure_partial(raw: RawCatalog) -> tuple[Catalog | None, list[Problem], Positions]:
    """The typed catalogue, its shape problems, and the positions to report later problems with.

    With shape problems the catalogue returned is the valid rest — the list items with errors left
    out — so that reference checks still run and every problem is reported in one go (None only when
    not even that can be built). The positions returned then map the rest's indexes back to what
    the clerk wrote, and hold back later problems about an item that already has a shape problem."""
    try:
        return Catalog.model_validate(raw.data), [], raw.positions
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    broken = set(getattr(raw, "broken_sections", ()) or ())
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
    reported = set(getattr(raw, "reported", ()) or ())  # the loader already said what is wrong there
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and (loc in meant or (len(loc) == 1 and loc[0] in broken)):
            continue  # a misspelt key said once; a section in a file that could not be read is not "missing"
        if any(loc[: len(r)] == r for r in reported):
            continue
        loc, message = translate(err)
        if (loc, message) not in seen:
            seen.add((loc, message))
            problems.append(raw.positions.problem(loc, message))
    catalog, view = _valid_rest(raw, errors)
    if isinstance(view, _PartialPositions):  # a misspelt section name: its names are unknown, not missing
        view.unsure = {path[0] for path in meant if len(path) == 1}
    return catalog, problems, view


class _PartialPositions(Positions):
    """Positions for problems found in the valid rest of a catalogue with shape problems."""

    def __init__(self, base: Positions, kept: dict[KeyPath, list[int]], damaged: set[KeyPath]):
        super().__init__(base.at, base.files)
        self.kept = kept  # list path as written -> indexes of the items kept, in order
        self.damaged = damaged  # items (and sections) that already have a shape problem
        self.held_back: list[Problem] = []
        self.unsure: set[str] = set()  # sections whose key was misspelt

    def written(self, path: KeyPath) -> KeyPath:
        out: list[str | int] = []
        for part in path:
            if isinstance(part, int):
                kept = self.kept.get(tuple(out))
                if kept is not None and part < len(kept):
                    part = kept[part]
            out.append(part)
        return tuple(out)

    def problem(self, path: KeyPath, message: str, severity: str = "error") -> Problem:
        written = self.written(path)
        found = super().problem(written, message, severity)
        if any(written[: len(d)] == d for d in self.damaged):
            self.held_back.append(found)
        return found


def _valid_rest(raw: RawCatalog, errors: list[dict[str, Any]]) -> tuple[Catalog | None, Positions]:
    """The catalogue without the items that have errors, and positions that know what was left out."""
    data = raw.data
    if not isinstance(data, dict):
        return None, raw.positions
    drop: dict[KeyPath, set[Any]] = {}
    damaged: set[KeyPath] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if not loc:
            return None, raw.positions
        first = next((i for i, part in enumerate(loc) if isinstance(part, int)), None)
        damaged.add(loc[: first + 1] if first is not None else loc[:1])
        cut = next((i for i in range(len(loc) - 1, -1, -1) if isinstance(loc[i], int)), None)
        if cut is None:  # a key of the wrong shape outside any list: leave that key out
            drop.setdefault(loc[:-1], set()).add(loc[-1])
        else:
            drop.setdefault(loc[:cut], set()).add(loc[cut])
    kept: dict[KeyPath, list[int]] = {}
    rest = _without(data, (), drop, kept)
    view = _PartialPositions(raw.positions, kept, damaged)
    organ = rest.get("organ")
    if isinstance(organ, dict):  # a required organ field that was wrong: a stand-in, only for the checks
        rest["organ"] = {**_STAND_IN, **organ}
    try:
        return Catalog.model_validate(rest), view
    except ValidationError:
        return None, view


# Stand-ins for required organ fields that had shape problems, so that the rest can still be
# cross-checked; a catalogue with shape problems is never built, so they are never printed.
_STAND_IN = {"name": "-", "party_group": "-", "year": 2000}


def _without(value: Any, path: KeyPath, drop: dict[KeyPath, set[Any]], kept: dict[KeyPath, list[int]]) -> Any:
    gone = drop.get(path, set())
    if isinstance(value, dict):
        return {k: _without(v, path + (k,), drop, kept) for k, v in value.items() if k not in gone}
    if isinstance(value, list):
        if gone:
            kept[path] = [i for i in range(len(value)) if i not in gone]
        return [_without(v, path + (i,), drop, kept) for i, v in enumerate(value) if i not in gone]
    return value


# ---------------------------------------------------------------- cross-checks


def _names(raw: dict[str, Any] | None, section: str, key: str | None) -> set[str]:
    """Names written in a section of the raw data, valid items or not: a person whose rank is
    wrong is still someone others may refer to."""
    items = (raw or {}).get(section)
    if not isinstance(items, list):
        return set()
    if key is None:
        return {str(x) for x in items if isinstance(x, (str, int)) and not isinstance(x, bool)}
    return {str(x[key]) for x in items if isinstance(x, dict) and isinstance(x.get(key), (str, int))}


class _Checker:
    def __init__(self, cat: Catalog, positions: Positions, wording: Wording, raw: dict[str, Any] | None = None,
                 broken: set[str] | None = None):
        self.cat = cat
        self.pos = positions
        self.wording = wording
        self.problems: list[Problem] = []
        self.people = {p.name for p in cat.people} | _names(raw, "people", "name")
        self.posts = set(cat.posts) | _names(raw, "posts", None)
        self.divisions = {d.name for d in cat.divisions} | _names(raw, "divisions", "name")
        self.tiers = {t.id for t in cat.tiers} | _names(raw, "tiers", "id")
        self.ranks = set(wording.ranks)
        self.unit = wording.words["处室"]  # messages speak the organ's word for its units
        # Sections in files that could not be read, or of the wrong shape: names there are unknown.
        self.broken = (broken or set()) | {k for k in ("people", "posts", "divisions", "tiers")
                                           if raw and k in raw and not isinstance(raw[k], list)}

    def error(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.pos.problem(path, message))

    def warn(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.pos.problem(path, message, "warning"))

    def ref(self, path: KeyPath, name: str, known: set[str], what: str, section: str) -> bool:
        if name in known:
            return True
        if section in self.broken:
            return False  # it may be defined in the file that could not be read
        problem = self.pos.problem(path, "")
        # In a roster's cell the clerk works in the workbook: name its sheet as well as the section.
        place = f" {section} "
        if "!" in (problem.key or "") and section in ("divisions", "people"):
            place = f"{'花名册' if section == 'people' else self.unit + '表'}或目录的 {section} "
        hint = suggest(name, known) or (f"请先在{place}里添加，或改成已有的：{_options(sorted(known))}。" if known
                                        else f"请先在{place}里添加。")
        self.problems.append(Problem(problem.file, problem.line, problem.key,
                                     f"{what}「{name}」没有在{place}里定义。{hint}", "error"))
        return False

    _UNIQUE_ADVICE: typing.ClassVar[dict[str, str]] = {
        "姓名": "同名的人请加区分，如「{name}（研究室）」。",
        "岗位": "请删掉重复的一项。",
        "层级代号": "请换一个代号。",
        "层级名称": "请改一个名称。",
        "处室": "请删掉重复的一项，或改成不同的名称。",  # any unit word
    }

    def unique(self, section: str, names: list[str], key: str, what: str, advice: str | None = None) -> None:
        advice = advice or what
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                file, line = self.pos.where((section, first[name], key) if key else (section, first[name]))
                self.error((section, i, key) if key else (section, i),
                           f"{what}「{name}」重复了，与 {file} 第 {line} 行的相同。"
                           f"每个{what}只能定义一次，{self._UNIQUE_ADVICE[advice].format(name=name)}")
            else:
                first[name] = i

    def run(self) -> list[Problem]:
        cat = self.cat
        self.unique("posts", list(cat.posts), "", "岗位")
        self.unique("tiers", [t.id for t in cat.tiers], "id", "层级代号")
        self.unique("tiers", [t.name for t in cat.tiers], "name", "层级名称")
        self.unique("divisions", [d.name for d in cat.divisions], "name", self.unit, "处室")
        self.unique("people", [p.name for p in cat.people], "name", "姓名")
        self.check_tiers()
        self.check_people()
        self.check_divisions()
        self.check_signing()
        self.check_diary()
        self.check_cycles()
        self.check_tier_cycles()
        return self.problems

    def rank(self, path: KeyPath, rank: str) -> None:
        if rank in self.ranks:
            return
        hint = suggest(rank, self.ranks)
        self.error(path, f"不认识的取值「{rank}」。{hint}可选：{_options(self.wording.ranks)}。"
                   "职级名称来自 ranks（不写时按单位类型 organ.kind 的默认值）。")

    def selector(self, path: KeyPath, sel: Selector) -> None:
        for i, rank in enumerate(sel.ranks):
            self.rank(path + ("ranks", i), rank)
        for i, post in enumerate(sel.posts):
            self.ref(path + ("posts", i), post, self.posts, "岗位", "posts")
        for i, name in enumerate(sel.people):
            self.ref(path + ("people", i), name, self.people, "人员", "people")
        for i, tier in enumerate(sel.tiers):
            self.ref(path + ("tiers", i), tier, self.tiers, "层级代号", "tiers")
        for i, div in enumerate(sel.divisions):
            self.ref(path + ("divisions", i), div, self.divisions, self.unit, "divisions")
        if sel.exclude is not None:
            self.selector(path + ("exclude",), sel.exclude)

    def posts_of(self, path: KeyPath, posts: list[str]) -> None:
        for k, post in enumerate(posts):
            self.ref(path + (k,), post, self.posts, "岗位", "posts")

    def duties(self, path: KeyPath, duties: list[Any]) -> None:
        for j, duty in enumerate(duties):
            self.date_in_year(path + (j, "due"), duty.due)
            self.posts_of(path + (j, "posts"), duty.posts)

    def check_tiers(self) -> None:
        for i, tier in enumerate(self.cat.tiers):
            if not tier.duties:
                self.error(("tiers", i, "name"), f"层级「{tier.name}」没有任何职责，请在 duties 下至少写一条。")
            self.selector(("tiers", i, "holders"), tier.holders)
            if tier.leader is not None:
                self.selector(("tiers", i, "leader"), tier.leader)
                if tier.kind != "组织":
                    self.error(("tiers", i, "leader"), f"只有“组织”层级才有牵头人（leader）；「{tier.name}」是岗位层级，"
                               "请删掉 leader。")
            if tier.external:
                if not tier.holders.is_empty():
                    self.error(("tiers", i, "holders"),
                               f"「{tier.name}」写了 external: true（成员在本单位之外），就不要再写 holders，请删掉其中一个。")
                if tier.kind != "组织":
                    self.error(("tiers", i, "external"), f"external 只用于“组织”层级（如派驻纪检监察组），「{tier.name}」是岗位层级。")
            elif tier.holders.is_empty():
                self.error(("tiers", i, "holders"),
                           f"层级「{tier.name}」没有写 holders（谁属于这个层级），如 holders: {{posts: [{self.example_post()}]}}；"
                           "成员在本单位之外的（如派驻纪检监察组）写 external: true。")
            self.duties(("tiers", i, "duties"), tier.duties)

    def example_post(self) -> str:
        return self.cat.posts[0] if self.cat.posts else "党组书记"

    def check_people(self) -> None:
        for i, person in enumerate(self.cat.people):
            if person.rank is not None:
                self.rank(("people", i, "rank"), person.rank)
            self.duties(("people", i, "duties"), person.duties)
            for j, post in enumerate(person.posts):
                self.ref(("people", i, "posts", j), post, self.posts, "岗位", "posts")
            if person.division is not None:
                self.ref(("people", i, "division"), person.division, self.divisions, self.unit, "divisions")
            for j, div in enumerate(person.supervises):
                self.ref(("people", i, "supervises", j), div, self.divisions, self.unit, "divisions")

    def check_divisions(self) -> None:
        by_name = {p.name: p for p in self.cat.people}
        heads: dict[str, int] = {}
        for i, div in enumerate(self.cat.divisions):
            self.duties(("divisions", i, "duties"), div.duties)
            if div.vacant and div.head is not None:
                self.error(("divisions", i, "vacant"), f"「{div.name}」写了主要负责人「{div.head}」，又写了 vacant: true（空缺）。"
                           "请删掉其中一个。")
            if div.head is None:
                continue
            if not self.ref(("divisions", i, "head"), div.head, self.people, "主要负责人", "people"):
                continue
            person = by_name.get(div.head)
            if person is None:  # written, but with shape problems of his own
                continue
            if person.division is not None and person.division != div.name:
                pi = self.cat.people.index(person)
                file, line = self.pos.where(("people", pi, "division"))
                self.error(("divisions", i, "head"),
                           f"「{div.head}」在 {file} 第 {line} 行属于「{person.division}」，这里却是「{div.name}」的主要负责人。"
                           f"一个人只能在一个{self.unit}，请改正其中一处。")
            if div.head in heads:
                first = self.cat.divisions[heads[div.head]].name
                self.error(("divisions", i, "head"),
                           f"「{div.head}」已是「{first}」的主要负责人，又是「{div.name}」的主要负责人。"
                           f"一个人只能在一个{self.unit}任主要负责人，请改正其中一处。")
            else:
                heads[div.head] = i
        if self.cat.horizontal:
            self.duties(("horizontal", "duties"), self.cat.horizontal.duties)
            kinds = {d.kind for d in self.cat.divisions if d.kind}
            for j, kind in enumerate(self.cat.horizontal.applies_to):
                if kind not in kinds and "divisions" not in self.broken:
                    hint = suggest(kind, kinds) or (f"已有的类型：{_options(sorted(kinds))}。" if kinds else
                                                    f"请先在 divisions 里给{self.unit}写上 kind。")
                    self.error(("horizontal", "applies_to", j),
                               f"没有哪个{self.unit}的类型（kind）是「{kind}」，共同职责印不到任何{self.unit}。{hint}")

    def check_signing(self) -> None:
        signing = self.cat.signing
        levels = {lv.level for lv in signing.levels}
        seen_levels: dict[int, int] = {}
        for i, lv in enumerate(signing.levels):
            if lv.level in seen_levels:
                self.error(("signing", "levels", i, "level"), f"层面 {lv.level} 重复定义了。")
            seen_levels[lv.level] = i
            self.posts_of(("signing", "levels", i, "signs_as"), lv.signs_as)
            sets = self.wording.get("letter", "sets")
            if lv.clauses is not None and lv.clauses not in sets:
                hint = suggest(lv.clauses, sets)
                self.error(("signing", "levels", i, "clauses"),
                           f"没有名为「{lv.clauses}」的一套条款。{hint}可选：{_options(sets)}（见 wording.yaml 的 letter.sets，"
                           "也可以在目录的 wording: letter: sets: 里自己写一套）。")
        for i, rule in enumerate(signing.rules):
            if levels and rule.level not in levels:
                self.error(("signing", "rules", i, "level"),
                           f"层面 {rule.level} 没有在 signing.levels 里定义，可选：{_options(str(x) for x in sorted(levels))}。")
            self.selector(("signing", "rules", i, "superior"), rule.superior)
            if rule.subordinate is not None:
                self.selector(("signing", "rules", i, "subordinate"), rule.subordinate)
            if rule.kinds and rule.via is None:
                self.error(("signing", "rules", i, "kinds"), f"kinds 只与 via: 分管 一起用：只与分管的这些类型的{self.unit}负责人签订。")
            known = {d.kind for d in self.cat.divisions if d.kind}
            for j, kind in enumerate(rule.kinds):
                if kind not in known and "divisions" not in self.broken:
                    hint = suggest(kind, known) or (f"已有的类型：{_options(sorted(known))}。" if known else "")
                    self.error(("signing", "rules", i, "kinds", j), f"没有哪个{self.unit}的类型（kind）是「{kind}」。{hint}")
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
                if task.posts:
                    self.error(("tasks", i, "posts"), "posts 只用于层级任务（tier），个人任务（person）不用写。")
            self.posts_of(("tasks", i, "posts"), task.posts)
            self.date_in_year(("tasks", i, "due"), task.due)
        for section, items, key in (("records", cat.records, "person"), ("checks", cat.checks, "person"),
                                    ("rectifications", cat.rectifications, "person"), ("talks", cat.talks, "target")):
            for i, item in enumerate(items):
                self.ref((section, i, key), getattr(item, key), self.people, "人员", "people")
        for section, items, what in (("records", cat.records, "纪实记录"), ("checks", cat.checks, "监督检查"),
                                     ("talks", cat.talks, "谈话")):
            for i, item in enumerate(items):
                self.date_of_year((section, i, "date"), item.date, what)
        for i, fix in enumerate(cat.rectifications):
            self.date_in_year(("rectifications", i, "due"), fix.due)
            self.date_in_year(("rectifications", i, "closed"), fix.closed)
        kinds = self.wording.get("talks", "kinds")
        for i, talk in enumerate(cat.talks):
            if talk.kind not in kinds:
                hint = suggest(talk.kind, kinds)
                self.error(("talks", i, "kind"), f"不认识的谈话类型「{talk.kind}」。{hint}可选：{_options(kinds)}"
                           "（可在 wording: talks: kinds: 里加上本单位的谈话类型）。")
        self.check_advice()
        self.check_integrity()
        self.check_four_lists()

    def person_or_unit(self, path: KeyPath, name: str, what: str) -> None:
        if name in self.people or name in self.divisions or {"people", "divisions"} & self.broken:
            return
        hint = suggest(name, self.people | self.divisions) or f"请写 people 里的姓名或 divisions 里的{self.unit}名称。"
        self.error(path, f"{what}「{name}」既不是 people 里的人，也不是 divisions 里的{self.unit}。{hint}")

    def check_advice(self) -> None:
        numbers: dict[str, int] = {}
        for i, letter in enumerate(self.cat.advice):
            path = ("advice", i)
            if letter.number in numbers:
                self.error(path + ("number",), f"文号「{letter.number}」重复了，与第 {numbers[letter.number] + 1} 份建议书相同。"
                           "每份建议书的文号只能用一次。")
            numbers.setdefault(letter.number, i)
            if letter.date.year > self.cat.organ.year:  # earlier years' letters go on until every item is closed
                self.date_of_year(path + ("date",), letter.date, "工作建议书")
            else:
                self.date_in_year(path + ("date",), letter.date)
            self.date_in_year(path + ("reply_by",), letter.reply_by)
            for j, item in enumerate(letter.items):
                here = path + ("items", j)
                if item.leader is not None:
                    self.ref(here + ("leader",), item.leader, self.people, "责任领导", "people")
                if item.owner is not None:
                    self.person_or_unit(here + ("owner",), item.owner, "责任单位（责任人）")
                self.date_in_year(here + ("due",), item.due)
                if item.status == "已完成":
                    missing = [k for k, v in (("closed", item.closed), ("evidence", item.evidence)) if v is None]
                    for key in missing:
                        what = {"closed": "销号日期 closed（如 2026-05-20）", "evidence": "销号依据 evidence（文件号、佐证）"}[key]
                        self.error(here + ("status",), f"第 {j + 1} 项写了“已完成”，但没有写{what}。销号须有日期和依据，请补上。")
                elif item.closed is not None:
                    self.error(here + ("closed",), f"第 {j + 1} 项写了销号日期，但状态是“{item.status}”。已销号的请把 status 改成 已完成。")
                if item.closed is not None and item.closed < letter.date:
                    self.error(here + ("closed",), f"销号日期 {item.closed.isoformat()} 早于建议书的发文日期 "
                               f"{letter.date.isoformat()}，请核对。")
                self.date_in_year(here + ("closed",), item.closed)
                for k, step in enumerate(item.progress):
                    self.date_in_year(here + ("progress", k, "date"), step.date)
                    if step.date < letter.date:
                        self.error(here + ("progress", k, "date"), f"整改进展的日期 {step.date.isoformat()} 早于建议书的"
                                   f"发文日期 {letter.date.isoformat()}，请核对。")

    def check_integrity(self) -> None:
        seen: dict[str, int] = {}
        for i, form in enumerate(self.cat.integrity):
            path = ("integrity", i)
            self.ref(path + ("person",), form.person, self.people, "人员", "people")
            if form.person in seen:
                self.error(path + ("person",), f"「{form.person}」的廉洁信息已在第 {seen[form.person] + 1} 项写过，"
                           "一人一档，请合并成一项。")
            seen.setdefault(form.person, i)
            for k, matter in enumerate(form.matters):  # earlier years are the form's history; later ones a typo
                if matter.date.year > self.cat.organ.year:
                    self.date_in_year(path + ("matters", k, "date"), matter.date)

    def check_four_lists(self) -> None:
        seen: dict[int, int] = {}
        for i, report in enumerate(self.cat.four_lists):
            if report.month in seen:
                self.error(("four_lists", i, "month"), f"{report.month} 月的“四张清单”已在第 {seen[report.month] + 1} 项写过，"
                           "每月一份，请合并。")
            seen.setdefault(report.month, i)

    def date_of_year(self, path: KeyPath, value: Any, what: str) -> None:
        """A record of the year — a book entry, a check, a talk, a letter — dated in another year."""
        year = self.cat.organ.year
        if isinstance(value, dt.date) and value.year != year:
            self.error(path, f"{what}的日期 {value.isoformat()} 不在 {year} 年度内。这份目录只记 {year} 年的{what}："
                       "年份写错的请改正，上一年度的留在上一年度的目录里。")

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
                self.error(path, f"「{names[0]}」分管了自己任主要负责人的{self.unit}，分管关系不能指向自己。")
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


def cross_check(cat: Catalog, positions: Positions, wording: Wording, raw: dict[str, Any] | None = None,
                broken: set[str] | None = None) -> list[Problem]:
    return _Checker(cat, positions, wording, raw, broken).run()
