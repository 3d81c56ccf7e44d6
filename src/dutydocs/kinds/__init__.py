"""The kinds of document, in the order the index lists them (see base.py for what a kind is)."""

from __future__ import annotations

from . import advice, book, duty_list, four_lists, integrity, ledgers, letter
from .base import DocSpec, Kind, clean, common

REGISTRY: tuple[Kind, ...] = (duty_list.KIND, letter.KIND, book.KIND, advice.KIND, ledgers.ADVICE_LEDGER,
                              ledgers.TALK_LEDGER, integrity.KIND, four_lists.KIND)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in REGISTRY}

__all__ = ["BY_NAME", "REGISTRY", "DocSpec", "Kind", "clean", "common"]
