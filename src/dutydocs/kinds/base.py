"""What every kind of document has: a plan of the documents, a context each, a template, a file name.

A kind is one small module in this package defining a `Kind`; the registry in `__init__.py`
lists them in index order. The build, the index, bundles and the CLI walk the registry, so a new
kind of document touches its own module, its template and its section of wording.yaml only.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..catalog import Positions
from ..errors import Problem
from ..model import Catalog
from ..org import NumberedDuty, Organisation

# Characters XML 1.0 cannot carry (C0 controls but tab/newline, lone surrogates, U+FFFE/F).
# The loader refuses them in the catalogue; this is the last line of defence for derived text.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def ems(text: str) -> float:
    """How wide a line of text is, in characters of its size: Chinese full, Latin and digits half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


# Table text (五号, 10.5 pt) is 3.7 mm an em; Word's cell margins take 3.8 mm of a column.
TABLE_EM_MM, CELL_MARGINS_MM = 3.7, 3.8


def cell_lines(text: str, width_mm: float, em_mm: float = TABLE_EM_MM) -> int:
    """How many lines a cell's text takes, wrapped at its column's width (one when empty)."""
    return max(1, math.ceil(ems(text) / ((width_mm - CELL_MARGINS_MM) / em_mm))) if text else 1


def at_bracket(text: str, width_ems: float, last: bool = False) -> list[str]:
    """`text` as lines for a narrow cell: whole when it fits `width_ems`, else broken before its
    first (or `last`) bracket, so that a bracket's words stay together: 党委办公室 / （校长办公室）,
    党组 / （盖章）, never 党组（盖 / 章）. Nothing to break at (no bracket, or only a label like
    牵头： before it): as it is."""
    head, bracket, tail = text.rpartition("（") if last else text.partition("（")
    if ems(text) <= width_ems or not bracket or not head.strip() or head.endswith("："):
        return [text]
    return [head, bracket + tail]


def too_long(text: str, size_pt: float, width_pt: float) -> bool:
    """Whether one line of `text` at `size_pt` overruns `width_pt`: the template then prints it in
    its "（长）" style, a size smaller, so a long 发文机关标志 or title line is not broken."""
    return ems(text) * size_pt > width_pt


@dataclass(frozen=True)
class DocSpec:
    """One document to make: its kind, a stable key, and what the index says about it."""

    kind: str
    key: str  # a stable identifier within the kind: "list", "level-seq" or the serial
    names: tuple[str, ...]
    level: int | None = None
    seq: int = 0


@dataclass(frozen=True)
class Kind:
    """A kind of document, as the build and the index see it."""

    name: str  # what the CLI's --only and the report call it: 清单
    folder: str  # output folder and the index's 类别: 责任清单
    aliases: tuple[str, ...]
    plan: Callable[[Organisation], Iterator[DocSpec]]
    context: Callable[[Organisation, DocSpec], dict[str, Any]]
    file_name: Callable[[DocSpec, Organisation], tuple[str, ...]]  # parts joined by "-"; output.py makes them safe
    template_for: Callable[[Catalog], str | None]  # the template file's name (None: made by `make`)
    bundled: bool = True  # several documents of this kind make a print bundle
    check: Callable[[Organisation, Positions], list[Problem]] | None = None  # reminders at load time
    suffix: str = ".docx"
    make: Callable[[Organisation, DocSpec], bytes] | None = None  # a workbook's bytes, made in code


def clean(value: Any, org: Organisation | None = None) -> Any:
    """Make text safe to place in XML, recursively; text otherwise prints as written. Parts that
    `shared` made for `org` are clean already: they are kept as they are, not looked into again."""
    return _clean(value, _store(org)["known"] if org is not None else _NOTHING)


# What clean() would change: \r, the characters XML cannot carry, a newline at either end.
_DIRTY = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_NOTHING: frozenset[int] = frozenset()


def _clean_text(value: str) -> str:
    if value.__class__ is str and not _DIRTY.search(value) and value[:1] != "\n" and value[-1:] != "\n":
        return value  # the usual case: nothing to change
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _BAD_XML.search(text):
        text = _BAD_XML.sub("", text)
    return text.strip("\n")


def _clean(value: Any, known: set[int] | frozenset[int]) -> Any:
    cls = value.__class__
    if cls is str:
        return _clean_text(value)
    if cls is dict:
        return value if id(value) in known else {k: _clean(v, known) for k, v in value.items()}
    if cls is list:
        return value if id(value) in known else [_clean(v, known) for v in value]
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        return {k: _clean(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, known) for v in value]
    return value


# ---------------------------------------------------------------- parts shared by many documents
#
# Much of a context is the same for every document of an organisation (the wording's sentences,
# blank rows, a duty's row) or is looked up by person (his records, his talks). `shared` makes such
# a part once per organisation and process, cleaned; clean() then passes over it. The parts live
# as long as the organisation (a weak reference ends them with it); nothing in them is ever
# changed: contexts only refer to them, and templates cannot change what they are given.

_STORES: dict[int, tuple[weakref.ref, dict[str, Any]]] = {}


def _store(org: Organisation) -> dict[str, Any]:
    key = id(org)
    entry = _STORES.get(key)
    if entry is not None and entry[0]() is org:
        return entry[1]
    store: dict[str, Any] = {"known": set()}
    _STORES[key] = (weakref.ref(org, lambda _ref, key=key: _STORES.pop(key, None)), store)
    return store


def shared(org: Organisation, key: Any, make: Callable[[], Any]) -> Any:
    """`make()`, cleaned, computed once per organisation under `key`; clean() keeps it as it is."""
    store = _store(org)
    try:
        return store[key]
    except KeyError:
        pass
    value = store[key] = clean(make())
    known = store["known"]
    stack = [value]
    while stack:
        item = stack.pop()
        if item.__class__ is dict:
            known.add(id(item))
            stack += item.values()
        elif item.__class__ is list:
            known.add(id(item))
            stack += item
    return value


def index(org: Organisation, key: Any, make: Callable[[], Any]) -> Any:
    """`make()` computed once per organisation under `key`, as it is: lookups by person and the
    like, not text for a template (clean what is taken from it)."""
    store = _store(org)
    try:
        return store[key]
    except KeyError:
        value = store[key] = make()
        return value


def common(org: Organisation) -> dict[str, Any]:
    """What every template may print about the organ."""
    return dict(shared(org, "common", lambda: _common(org)))


def _common(org: Organisation) -> dict[str, Any]:
    organ = org.organ
    values = org.wording.values
    return {
        "organ": organ.name,
        "organ_short": values["单位简称"],
        "party_group": organ.party_group,
        "inspection_group": values["纪检全称"],
        "year": str(organ.year),
        "issue_date": values["印发日期"],
        "words": dict(org.wording.words),
    }


def numbered(items: list[str], mark: str = "．") -> list[str]:
    """1．… 2．… as GB/T 9704 numbers the third level."""
    return [f"{i}{mark}{text}" for i, text in enumerate(items, 1)]


def person_label(person: Any) -> str:
    """沈文澜（省人大常委会秘书长）; a title with brackets of its own follows after a space instead,
    so that brackets do not nest: 陈思远　党委办公室（董事会办公室）主任."""
    title = person.display_title
    if not title:
        return person.name
    return f"{person.name}　{title}" if "（" in title or "(" in title else f"{person.name}（{title}）"


# The organisation's own lookups of a unit's duties and a person's tasks go through every unit and
# every task each time: made once here (tests/test_contexts.py checks they agree with it).


def horizontal_duties(org: Organisation, division: Any) -> list[Any]:
    """org.horizontal_duties(division): the common duties of its kind, then its own."""
    return _horizontal(org)[division.name][1]


def unit_duties(org: Organisation, division: Any) -> list[Any]:
    """org.unit_duties(division): its own duties, numbered 横n-i."""
    return _horizontal(org)[division.name][0]


def _horizontal(org: Organisation) -> dict[str, tuple[list[Any], list[Any]]]:
    """Every unit's own and horizontal duties, made at once (org.unit_duties numbers the units
    again for each unit asked about)."""
    def make() -> dict[str, tuple[list[Any], list[Any]]]:
        numbers = org.horizontal_numbers()
        common = org.catalog.horizontal
        shared_duties = org.common_duties()
        out = {}
        for div in org.catalog.divisions:
            n = numbers.get(div.name)
            own = [NumberedDuty(f"横{n}-{i}", d, div.name) for i, d in enumerate(div.duties, 1)]
            out[div.name] = (own, (shared_duties if common and div.kind in common.applies_to else []) + own)
        return out

    return index(org, "horizontal", make)


def book_tasks(org: Organisation, person: Any) -> list[Any]:
    """org.book_tasks(person): his tiers' tasks that fall to him, then his own."""
    return [t for info in org.book_tiers(person) for t in org.tier_tasks(info, person)] + org.own_tasks(person)
