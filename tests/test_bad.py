"""The corpus of broken inputs under tests/bad/: each gives exactly its expected located messages.

A case is a folder holding catalogue files and `expected.txt`: the problem lines the CLI must
print, one per line, with file names relative to the case folder. Optional:
- `args.txt`: the command line (default `check .`); `build` runs get `-o out` added;
- `template-<name>.txt`: a Word template to build before running, named `tpl/<name>.docx`: one
  paragraph per line, runs split at `¦`; a first line `!notdocx` writes plain text instead;
- `big-<name>.txt`: holding a number N: `<name>` is written as N MB of YAML (too big to commit).
Every case must exit non-zero, print no traceback, and leave an existing output folder as it was.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from dutydocs.cli import cli

CASES = sorted(p for p in (Path(__file__).parent / "bad").iterdir() if p.is_dir()) if (Path(__file__).parent / "bad").is_dir() else []


def make_templates(case: Path) -> None:
    for spec in case.glob("template-*.txt"):
        name = spec.stem.removeprefix("template-")
        target = case / "tpl" / f"{name}.docx"
        target.parent.mkdir(exist_ok=True)
        lines = spec.read_text("utf-8").splitlines()
        if lines and lines[0] == "!notdocx":
            target.write_text("\n".join(lines[1:]), "utf-8")
            continue
        doc = Document()
        for line in lines:
            p = doc.add_paragraph()
            for run in line.split("¦"):
                p.add_run(run)
        doc.save(target)


def make_big(case: Path) -> None:
    for spec in case.glob("big-*.txt"):
        size = int(spec.read_text("utf-8").strip()) * 1024 * 1024
        line = "# " + "很长的注释" * 20 + "\n"
        (case / spec.stem.removeprefix("big-")).write_text("people:\n" + line * (size // len(line.encode()) + 1), "utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 50


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Path, tmp_path: Path, monkeypatch):
    work = tmp_path / case.name
    shutil.copytree(case, work)
    make_templates(work)
    make_big(work)
    monkeypatch.chdir(work)
    args = shlex.split((work / "args.txt").read_text("utf-8")) if (work / "args.txt").exists() else ["check", "."]
    out = work / "out"
    if args[0] == "build":
        out.mkdir()
        (out / "earlier.docx").write_bytes(b"an earlier document")
        (out / "note.txt").write_text("keep me", "utf-8")
        args += ["-o", "out", "-j", "1"]
    before = snapshot(out) if out.exists() else None
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    expected = [line for line in (case / "expected.txt").read_text("utf-8").splitlines() if line.strip()]
    printed = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("共 ")]
    assert printed == expected
    if before is not None:
        assert snapshot(out) == before
