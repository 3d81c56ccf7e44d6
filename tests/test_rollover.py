"""dutydocs init --from: next year's catalogue checks, keeps the clerk's files and comments, leaves the year's records behind."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dutydocs import load_catalog
from dutydocs.cli import cli
from dutydocs.resources import sample_catalog
from dutydocs.rollover import shift_date_text


def test_next_year_checks_and_keeps_the_files_and_comments(tmp_path):
    target = tmp_path / "2028"
    result = CliRunner().invoke(cli, ["init", str(target), "--from", str(sample_catalog()), "--year", "2028"])
    assert result.exit_code == 0, result.output
    old = load_catalog(sample_catalog())
    new = load_catalog(target)
    assert new.catalog.organ.year == 2028
    assert new.catalog.organ.issue_date.year == 2028
    assert new.catalog.tasks == [] and new.catalog.records == [] and new.catalog.talks == []
    assert new.catalog.people == old.catalog.people and new.catalog.divisions == old.catalog.divisions
    assert len(new.org.pairs) == len(old.org.pairs)
    # every file is there, under its own name; the tiers file differs only by its dates
    old_files = sorted(p.name for p in Path(sample_catalog()).glob("*.yaml"))
    assert sorted(p.name for p in target.glob("*.yaml")) == old_files
    old_tiers = (Path(sample_catalog()) / "tiers.yaml").read_text("utf-8").splitlines()
    new_tiers = (target / "tiers.yaml").read_text("utf-8").splitlines()
    changed = [(a, b) for a, b in zip(old_tiers, new_tiers, strict=True) if a != b]
    assert changed and all("due: 2026" in a and "due: 2028" in b for a, b in changed)
    assert (target / "catalog.yaml").read_text("utf-8").splitlines()[0] == \
        (Path(sample_catalog()) / "catalog.yaml").read_text("utf-8").splitlines()[0]  # the clerk's comment
    # open rectifications go on, closed ones stay behind
    assert all(r.closed is None and r.status != "已完成" for r in new.catalog.rectifications)
    assert "留在原目录" in result.output


def test_default_year_is_the_next_and_folders_must_be_empty(tmp_path):
    target = tmp_path / "next"
    assert CliRunner().invoke(cli, ["init", str(target), "--from", str(sample_catalog())]).exit_code == 0
    assert load_catalog(target).catalog.organ.year == load_catalog(sample_catalog()).catalog.organ.year + 1
    result = CliRunner().invoke(cli, ["init", str(target), "--from", str(sample_catalog())])
    assert result.exit_code == 1 and "不是空的" in result.output
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "x"), "--year", "2030"])
    assert result.exit_code == 2 and "--from" in result.output


def test_dates_move_in_the_format_written():
    assert shift_date_text("2026-06-30", 1) == "2027-06-30"
    assert shift_date_text("'2026年6月30日'", 2) == "'2028年6月30日'"
    assert shift_date_text("2024-2-29", 1) == "2025-2-28"
    assert shift_date_text("6月底前", 1) == "6月底前"
