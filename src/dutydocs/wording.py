"""The organ's words and the fixed sentences of every document, as data.

The shipped `wording.yaml` holds the default clauses (preambles, goals, assessment and
accountability per level, 填写说明 …) and, per kind of organ, the words they are written with
({党组}, {处室}, {纪检} …). A catalogue picks a kind (`organ.kind`), changes single words
(`organ.words`) and rewrites any clause (`wording:`); all of it is checked here like the rest of the
catalogue, with the file and line of each mistake. Python holds no clause text: contexts ask this
module for a sentence by its key and get it with the placeholders filled in.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .catalog import Positions
from .chinese import cn_date
from .errors import KeyPath, Problem, suggest
from .model import Catalog

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
# YAML folds a line break inside a long value into a space; Chinese text never has an ASCII space
# beside a Chinese character when the other side is Chinese, a digit or a {placeholder}, so such a
# space is the fold and goes ("GB/T 9704" keeps its space).
_FOLD = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f]|[0-9{])|(?<=[0-9}]) (?=[^\x00-\x7f])")

# Values every clause may use besides the words; some clauses are given more (EXTRA).
VALUES = ("单位全称", "单位简称", "党组全称", "纪检全称", "年", "印发日期", "周期", "每期", "期末", "份数")
EXTRA: dict[str, tuple[str, ...]] = {
    "list.preamble": ("层级数", "职责数", "横向"),
    "list.horizontal_count": ("横向职责数",),
    "list.vertical": ("层级数",),
    "list.lead": ("单位",),
    "list.assist": ("单位",),
    "list.measure": ("措施",),
    "list.task_posts": ("岗位",),
    "list.evidence": ("佐证",),
    "letter.scope": ("分管单位",),
    "letter.task_due": ("时限",),
    "letter.copies": ("备案机构",),
    "book.notes": ("审阅机构",),
    "book.record_title": ("期",),
    "book.review_box": ("期",),
    "book.cover_many": ("单位", "个数"),
    "advice.opening": ("来源",),
    "advice.leader": ("责任领导",),
    "advice.owner": ("责任单位",),
    "advice.due": ("时限",),
    "advice.reply": ("反馈时限",),
    "advice.printed_by": ("发文机关",),
    "advice.printed_on": ("印发日期",),
    "advice.ledger_title": ("截至",),
    "talk_ledger.title": ("截至",),
    "talk_ledger.by_kind_title": ("截至",),
    "talk_ledger.by_talker_title": ("截至",),
    "advice.ledger_summary_title": ("截至",),
    "four_lists.title": ("月",),
    "four_lists.auto_talks": ("人次", "分类"),
    "four_lists.auto_closed": ("项数",),
    "four_lists.auto_checks": ("次数",),
    "four_lists.auto_talks_urged": ("人次", "分类"),
    "four_lists.auto_checks_urged": ("次数",),
    "report.title": ("截至",),
    "report.subtitle": ("截至",),
    "report.summary": ("截至", "人数", "应记", "已记", "欠记", "逾期", "谈话"),
    "report.talks_line": ("对数", "已谈", "补谈"),
}
# Mappings a catalogue may add keys to: its own frequency phrases (每学期: 2) and kinds of talk.
OPEN = (("wording", "frequencies"), ("wording", "talks", "kinds"))
# Who may hold a kind of talk (wording.yaml, talks.kinds).
TALKERS = ("上级", "纪检", "组织", "不限")
# Clauses a signing level may have of its own (letter.levels.N.…).
LEVEL_KEYS = ("title", "preamble", "goal", "assessment", "accountability", "seal")
# Sections of wording.yaml a catalogue may rewrite (presets are chosen with organ.kind/words).
OVERRIDABLE = ("common", "periods", "frequencies", "schedule", "talks", "list", "letter", "book", "advice",
               "talk_ledger", "integrity", "four_lists", "report")


@cache
def defaults() -> dict[str, Any]:
    """The shipped wording file (trusted: it is part of the program)."""
    text = resources.files("dutydocs").joinpath("wording.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def word_keys() -> tuple[str, ...]:
    return tuple(next(iter(defaults()["presets"].values()))["words"])


def kinds() -> tuple[str, ...]:
    return tuple(defaults()["presets"])


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {名字} by its value; {{ and }} print a brace. Unknown names were refused by check."""

    def one(m: re.Match) -> str:
        token = m.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = m.group(1)
        return values.get(name, token) if name is not None else token

    return _PLACEHOLDER.sub(one, _FOLD.sub("", text))


def placeholders(text: str) -> list[str]:
    """The names used in a clause, and the bare braces as themselves ("{" or "}")."""
    found = []
    for m in _PLACEHOLDER.finditer(text):
        token = m.group(0)
        if token in ("{{", "}}"):
            continue
        found.append(m.group(1) if m.group(1) is not None else token)
    return found


def _rule(path: KeyPath) -> str:
    """The EXTRA key of a clause path: list indexes and level numbers dropped."""
    return ".".join(str(p) for p in path if isinstance(p, str) and not p.isdigit())


@dataclass
class Wording:
    """The resolved words, ranks and clauses of one catalogue."""

    words: dict[str, str]
    ranks: tuple[str, ...]
    tree: dict[str, Any]
    values: dict[str, str] = field(default_factory=dict)  # 年, 党组全称 …: filled in by set_values

    def set_values(self, cat: Catalog) -> None:
        organ = cat.organ
        period = self.tree["periods"][organ.record_period]
        blank = fill(self.tree["common"]["blank_date"], {"年": str(organ.year)})
        issue_date = cn_date(organ.issue_date) or blank
        self.values = {
            **self.words,
            "单位全称": organ.name,
            "单位简称": organ.short_name or organ.name,
            "党组全称": organ.party_group,
            "纪检全称": organ.inspection_group or self.words["纪检"],
            "年": str(organ.year),
            "印发日期": issue_date,
            "周期": organ.record_period,
            "每期": period["every"],
            "期末": period["end"],
        }

    def schedule_words(self) -> dict[str, Any]:
        """What schedule.read() needs: the frequency phrases and the event and ongoing words."""
        return {"frequencies": self.tree["frequencies"], **self.tree["schedule"]}

    def get(self, *path: str | int) -> Any:
        node: Any = self.tree
        for part in path:
            node = node[part]
        return node

    def text(self, *path: str | int, **extra: str) -> str:
        """One clause by its key path, filled in: wording.text("letter", "goal")."""
        return fill(self.get(*path), {**self.values, **extra})

    def texts(self, *path: str | int, **extra: str) -> list[str]:
        return [fill(t, {**self.values, **extra}) for t in self.get(*path)]

    def level(self, level: int, key: str, clauses: str | None = None, **extra: str) -> list[str] | str:
        """A letter clause for a signing level: its own if the catalogue rewrote it for that level,
        else that of the clause set the level chose (班子, 分管, 支部 …), else the default."""
        letter = self.tree["letter"]
        own = letter.get("levels", {}).get(level, {})
        chosen = letter.get("sets", {}).get(clauses, {}) if clauses else {}
        value = own.get(key, chosen.get(key, letter[key]))
        if isinstance(value, list):
            return [fill(t, {**self.values, **extra}) for t in value]
        return fill(value, {**self.values, **extra})


def resolve(cat: Catalog, positions: Positions) -> tuple[Wording | None, list[Problem]]:
    """The catalogue's words and clauses; problems for an unknown kind, word, key or placeholder."""
    problems: list[Problem] = []
    presets = defaults()["presets"]
    kind = cat.organ.kind
    if kind not in presets:
        hint = suggest(kind, presets)
        problems.append(positions.problem(("organ", "kind"),
                                          f"不认识的单位类型「{kind}」。{hint}可选：{'、'.join(presets)}。"))
        preset = presets["机关"]
    else:
        preset = presets[kind]
    words = dict(preset["words"])
    for key, value in cat.organ.words.items():
        if key not in words:
            hint = suggest(key, words)
            problems.append(positions.problem(("organ", "words", key),
                                              f"不认识的用词「{key}」。{hint}可改的用词：{'、'.join(words)}。"))
            continue
        words[key] = value
    for key, value in words.items():
        for name in placeholders(value):
            problems.append(positions.problem(("organ", "words", key),
                                              f"用词里不能再用花括号「{name}」，请直接写本单位的说法。"))
    tree = {k: copy.deepcopy(v) for k, v in defaults().items() if k != "presets"}
    if cat.wording is not None:
        _merge(tree, cat.wording, ("wording",), positions, problems)
    names = set(word_keys()) | set(VALUES)
    _check_placeholders(tree, (), names, positions, problems, cat.wording or {})
    ranks = tuple(cat.ranks) if cat.ranks is not None else tuple(preset["ranks"])
    return Wording(words, ranks, tree), problems


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "一组“键: 值”"
    if isinstance(value, list):
        return "一个列表（每项一行，以“- ”开头）"
    return "一段文字"


def _merge(into: dict[str, Any], override: Any, path: KeyPath, positions: Positions,
           problems: list[Problem]) -> None:
    """Lay the catalogue's `wording:` over the defaults: same keys, same shapes; lists replace."""
    if not isinstance(override, dict):
        problems.append(positions.problem(path, f"这里应是一组“键: 值”（如 letter: {{goal: …}}），实际是{_shape(override)}。"))
        return
    for key, value in override.items():
        here = path + (key,)
        allowed = OVERRIDABLE if path == ("wording",) else into
        if key not in allowed and path not in OPEN:
            options = [str(k) for k in allowed]
            hint = suggest(str(key), options)
            problems.append(positions.problem(here, f"措辞里没有「{key}」这一项。{hint}可改的项：{'、'.join(options)}。"))
            continue
        old = into.get(key)
        if path == ("wording", "talks", "kinds"):  # who may hold a kind of talk; new kinds allowed
            value = [value] if isinstance(value, str) else value
            if isinstance(value, list) and value and all(v in TALKERS for v in value):
                into[key] = list(value)
            else:
                problems.append(positions.problem(here, f"谈话类型「{key}」应写谁可以谈（一个或几个）：{'、'.join(TALKERS)}，"
                                                  "如 [上级, 纪检]。"))
            continue
        if path == ("wording", "frequencies") and key not in into:  # a frequency phrase of the organ's own
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 366:
                into[key] = value
            else:
                problems.append(positions.problem(here, f"频次「{key}」应写每年几次（1 到 366 的整数），如 每学期: 2。"))
            continue
        if key == "levels" and isinstance(value, dict):  # any level may get its own clauses
            _merge_levels(into.setdefault("levels", {}), value, here, positions, problems)
            continue
        if key == "sets" and isinstance(value, dict):  # a clause set of the organ's own, or rewritten
            _merge_levels(into.setdefault("sets", {}), value, here, positions, problems, named=True)
            continue
        if isinstance(old, dict):
            _merge(old, value, here, positions, problems)
        elif isinstance(old, list):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(positions.problem(here, f"这里应是一个列表（每项一段文字，以“- ”开头），实际是{_shape(value)}。"))
                continue
            if here[1:] in FIXED_LENGTH and len(value) != len(old):
                problems.append(positions.problem(here, f"这里应有 {len(old)} 项（依次对应：{'、'.join(old)}），"
                                                  f"实际写了 {len(value)} 项。请逐项改写，不要增减。"))
                continue
            into[key] = list(value)
        elif isinstance(old, (int, float)) and not isinstance(old, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                problems.append(positions.problem(here, f"这里应是一个数，实际是{_shape(value)}。"))
                continue
            into[key] = value
        else:
            if not isinstance(value, str):
                problems.append(positions.problem(here, f"这里应是一段文字，实际是{_shape(value)}。"))
                continue
            into[key] = value


# Lists whose items the templates print one by one, in this order: rewritten, never shortened or lengthened.
FIXED_LENGTH = {("letter", "headings"), ("advice", "headings"), ("integrity", "labels"), ("four_lists", "categories"),
                ("report", "headings")}


def _merge_levels(into: dict[Any, Any], value: dict[Any, Any], path: KeyPath, positions: Positions,
                  problems: list[Problem], named: bool = False) -> None:
    """Clauses per signing level (levels: {2: …}) or per named clause set (sets: {支部: …})."""
    for key, clauses in value.items():
        here = path + (key,)
        level = int(key) if isinstance(key, str) and key.isdigit() else key
        if named:
            level = str(key)
        elif not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 9:
            problems.append(positions.problem(here, f"层面应写 1 到 9 的数字，实际是「{key}」。"))
            continue
        else:
            level = int(level)
        if not isinstance(clauses, dict):
            problems.append(positions.problem(here, f"这里应是一组“键: 值”（如 assessment: [...]），实际是{_shape(clauses)}。"))
            continue
        target = into.setdefault(level, {})
        for key, text in clauses.items():
            if key not in LEVEL_KEYS:
                hint = suggest(str(key), LEVEL_KEYS)
                problems.append(positions.problem(here + (key,), f"层面的措辞里没有「{key}」这一项。{hint}"
                                                  f"可改的项：{'、'.join(LEVEL_KEYS)}。"))
                continue
            want_list = key in ("assessment", "accountability")
            ok = (isinstance(text, list) and all(isinstance(t, str) for t in text)) if want_list else isinstance(text, str)
            if not ok:
                shape = "一个列表（每项一段文字）" if want_list else "一段文字"
                problems.append(positions.problem(here + (key,), f"这里应是{shape}，实际是{_shape(text)}。"))
                continue
            target[key] = text


def _check_placeholders(node: Any, path: KeyPath, names: set[str], positions: Positions,
                        problems: list[Problem], override: Any) -> None:
    """Every {名字} must be one this clause is given. The shipped defaults are tested to pass;
    a problem here is located in the catalogue's `wording:` where the clause was rewritten."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = override.get(key) if isinstance(override, dict) else None
            _check_placeholders(value, path + (key,), names, positions, problems, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            sub = override[i] if isinstance(override, list) and i < len(override) else None
            _check_placeholders(value, path + (i,), names, positions, problems, sub)
    elif isinstance(node, str):
        allowed = names | set(EXTRA.get(_rule(path), ()))
        for name in placeholders(node):
            if name in allowed:
                continue
            where = ("wording",) + path if override is not None else path
            if name in ("{", "}"):
                message = "花括号没有配对。要印出花括号本身，请写成 {{ 或 }}。"
            else:
                hint = suggest(name, allowed)
                extra = EXTRA.get(_rule(path), ())
                own = f"，这一条还可用：{'、'.join('{' + e + '}' for e in extra)}" if extra else ""
                message = (f"不认识的花括号「{{{name}}}」。{hint}可用的用词和内容见 wording.yaml 开头{own}。"
                           "要印出花括号本身，请写成 {{ 和 }}。")
            problems.append(positions.problem(where, message))
