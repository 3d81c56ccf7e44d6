"""What every kind of document has: a plan of the documents, a context each, a template, a file name.

A kind is one small module in this package defining a `Kind`; the registry in `__init__.py`
lists them in index order. The build, the index, bundles and the CLI walk the registry, so a new
kind of document touches its own module, its template and its section of wording.yaml only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..catalog import Positions
from ..errors import Problem
from ..model import Catalog
from ..org import Organisation

# Characters XML 1.0 cannot carry (C0 controls but tab/newline, lone surrogates, U+FFFE/F).
# The loader refuses them in the catalogue; this is the last line of defence for derived text.
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


def clean(value: Any) -> Any:
    """Make text safe to place in XML, recursively; text otherwise prints as written."""
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        if _BAD_XML.search(text):
            text = _BAD_XML.sub("", text)
        return text.strip("\n")
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def common(org: Organisation) -> dict[str, Any]:
    """What every template may print about the organ."""
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
