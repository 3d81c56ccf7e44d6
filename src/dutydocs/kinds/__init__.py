"""The kinds of document, in the order the index lists them (see base.py for what a kind is)."""

from __future__ import annotations

from . import book, duty_list, letter
from .base import DocSpec, Kind, clean, common

REGISTRY: tuple[Kind, ...] = (duty_list.KIND, letter.KIND, book.KIND)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in REGISTRY}

__all__ = ["BY_NAME", "REGISTRY", "DocSpec", "Kind", "clean", "common"]
