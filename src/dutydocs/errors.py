"""Problems are values: loaders and validators return them, only the CLI prints them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
# A path into the catalogue data, e.g. ("people", 3, "rank") -> people[3].rank
KeyPath = tuple[str | int, ...]


def format_key(path: KeyPath) -> str:
    """Render a key path the way a clerk sees it in YAML: people[3].rank."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the input, located as precisely as we know."""

    file: str | None
    line: int | None
    key: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file or "（命令行）"
        if self.line:
            where += f":{self.line}"
        key = f" {self.key}" if self.key else ""
        label = "" if self.severity == "error" else "提醒："
        return f"{where}{key}: {label}{self.message}"


class ProblemsError(Exception):
    """The one exception the core raises for bad input: it carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def closest(word: str, options: Iterable[str]) -> str | None:
    """The near miss of `word` among `options`, if one is close enough to be worth saying."""
    options = [o for o in options if isinstance(o, str)]
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.5)
    return close[0] if close else None


def suggest(word: str, options: Iterable[str]) -> str:
    """A near miss, phrased for the end of a message; empty when nothing is close."""
    near = closest(word, options)
    return f"是不是想写「{near}」？" if near else ""
