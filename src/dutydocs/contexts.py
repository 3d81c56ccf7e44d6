"""The contexts step: organisation -> the plain dict each document's template sees.

Each kind of document has its own module under `kinds/` (what to plan, the context it builds, its
template, its file name); this module walks their registry. Text comes from the catalogue and from
the wording file, cleaned of what XML cannot hold; escaping of & < > is left to Jinja's autoescape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .kinds import BY_NAME, REGISTRY, DocSpec, Kind, clean
from .org import Organisation

KINDS: tuple[str, ...] = tuple(kind.name for kind in REGISTRY)
LIST, LETTER, BOOK = KINDS[:3]


def kind_of(name: str) -> Kind:
    return BY_NAME[name]


def plan(org: Organisation, kinds: tuple[str, ...] = KINDS) -> Iterator[DocSpec]:
    """Every document of the requested kinds, in index order, without building any context."""
    for kind in REGISTRY:
        if kind.name in kinds:
            yield from kind.plan(org)


def context_for(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    return BY_NAME[spec.kind].context(org, spec)


__all__ = ["BOOK", "KINDS", "LETTER", "LIST", "DocSpec", "clean", "context_for", "kind_of", "plan"]
