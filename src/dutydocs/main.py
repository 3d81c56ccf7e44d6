"""The flow in one place: catalogue files -> model -> organisation (-> documents, in build)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .catalog import RawCatalog, load_raw
from .coverage import Coverage, coverage
from .errors import Problem, ProblemsError, errors_only
from .kinds import REGISTRY
from .model import Catalog
from .org import Organisation, build_org
from .resources import sample_catalog
from .validate import cross_check, structure_partial
from .wording import resolve


@dataclass
class Loaded:
    """A valid catalogue with everything derived from it, and the warnings found on the way."""

    raw: RawCatalog
    catalog: Catalog
    org: Organisation
    coverage: Coverage
    warnings: list[Problem]


def load_catalog(path: Path | str | None = None, allow_include: list[Path] | None = None) -> Loaded:
    """Load, validate and derive a catalogue; raise ProblemsError listing every error found.

    Every stage runs on whatever the earlier ones could make sense of, so a clerk sees the
    syntax errors of all files, the shape errors and the broken references in one run."""
    raw, problems = load_raw(Path(path) if path else sample_catalog(), allow_include)
    if raw is None:
        raise ProblemsError(sorted(problems, key=_order))
    return load_merged(raw, problems)


def load_merged(raw: RawCatalog, problems: list[Problem]) -> Loaded:
    """The rest of `load_catalog`, from the merged data of its files (and the problems found reading them)."""
    catalog, shape_problems, positions = structure_partial(raw)
    problems += shape_problems
    if catalog is None:
        raise ProblemsError(_report(problems))
    wording, word_problems = resolve(catalog, positions)
    problems += word_problems
    broken = set(getattr(raw, "broken_sections", ()) or ()) | getattr(positions, "unsure", set())
    problems += cross_check(catalog, positions, wording, raw.data, broken)
    raw.data = {}  # the model holds it now; positions stay for the messages
    wording.set_values(catalog)
    org = build_org(catalog, wording, positions)
    problems += org.problems
    if errors_only(problems):
        held_back = {id(p) for p in getattr(positions, "held_back", ())}
        raise ProblemsError(_report([p for p in problems if id(p) not in held_back]))
    for kind in REGISTRY:
        if kind.check is not None:
            problems += kind.check(org, raw.positions)
    cov = coverage(org, raw.positions)
    return Loaded(raw, catalog, org, cov, problems + cov.warnings)


def _report(problems: list[Problem]) -> list[Problem]:
    """With errors to fix, reminders only distract: the errors, in file and line order."""
    return sorted(errors_only(problems), key=_order)


_CELL = re.compile(r"^(.*)!([A-Z]{1,3})?(\d+)(?::\d+)?$")


def _order(p: Problem) -> tuple:
    """By file and line; a workbook's problems by sheet, row, then column (B7 before B10)."""
    cell = _CELL.match(p.key or "")
    if cell:
        column = sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(cell[2] or "")))
        return (p.file or "", p.line or 0, cell[1], int(cell[3]), column, p.key)
    return (p.file or "", p.line or 0, p.key, 0, 0, "")
