"""The flow in one place: catalogue files -> model -> organisation (-> documents, in build)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalog import RawCatalog, load_raw
from .coverage import Coverage, coverage
from .errors import Problem, ProblemsError, errors_only
from .model import Catalog
from .org import Organisation, build_org
from .resources import sample_catalog
from .validate import cross_check, structure


@dataclass
class Loaded:
    """A valid catalogue with everything derived from it, and the warnings found on the way."""

    raw: RawCatalog
    catalog: Catalog
    org: Organisation
    coverage: Coverage
    warnings: list[Problem]


def load_catalog(path: Path | str | None = None, allow_include: list[Path] | None = None) -> Loaded:
    """Load, validate and derive a catalogue; raise ProblemsError listing every error found."""
    raw, problems = load_raw(Path(path) if path else sample_catalog(), allow_include)
    if raw is None or errors_only(problems):
        raise ProblemsError(sorted(problems, key=_order))
    catalog, shape_problems = structure(raw)
    if catalog is None:
        raise ProblemsError(sorted(problems + shape_problems, key=_order))
    raw.data = {}  # the model holds it now; positions stay for the messages
    problems += cross_check(catalog, raw.positions)
    org = build_org(catalog, raw.positions)
    problems += org.problems
    if errors_only(problems):
        raise ProblemsError(sorted(problems, key=_order))
    cov = coverage(org, raw.positions)
    return Loaded(raw, catalog, org, cov, problems + cov.warnings)


def _order(p: Problem) -> tuple:
    return (p.file or "", p.line or 0, p.key)
