"""Where the shipped sample catalogue and templates live, installed or in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def _shipped(name: str) -> Path:
    packaged = Path(str(resources.files("dutydocs"))) / "_data" / name
    return packaged if packaged.exists() else _CHECKOUT / name


def sample_catalog() -> Path:
    """The embedded default catalogue: `dutydocs build` with no argument uses it."""
    return _shipped("catalogs") / "sample"


def starter_catalog() -> Path:
    """The small commented catalogue `dutydocs init` copies for a clerk to fill in."""
    return _shipped("catalogs") / "starter"


def templates_dir() -> Path:
    return _shipped("templates")


def fontconfig_dir() -> Path:
    return _shipped("fonts")
