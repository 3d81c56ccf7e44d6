"""The README's first commands are what a newcomer runs, and what CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands() -> list[str]:
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    block = lines[lines.index("```sh") + 1: lines.index("```")]
    return [line for line in block if line and not line.startswith("#")]


def test_readme_starts_with_the_two_commands():
    render, test = commands()
    assert "pip install -e ." in render and render.endswith("dutydocs build")
    assert "pip install -e '.[test]'" in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert commands()[1] in ci
    assert any(line.startswith("$SUDO apt-get update") for line in ci)
