"""dutydocs diff: a deputy loses a unit, and exactly the letters that change are named, by file name."""

from __future__ import annotations

import shutil

from click.testing import CliRunner
from openpyxl import load_workbook

from dutydocs import load_catalog
from dutydocs.cli import cli
from dutydocs.diff import compare
from dutydocs.resources import sample_catalog


def deputy_loses_a_unit(tmp_path):
    """The sample, where 郑怀远 no longer supervises 办公厅档案处."""
    folder = tmp_path / "after"
    shutil.copytree(sample_catalog(), folder)
    people = folder / "people.yaml"
    text = people.read_text("utf-8")
    assert "      - 办公厅档案处\n" in text
    people.write_text(text.replace("      - 办公厅档案处\n", "", 1), "utf-8")
    return folder


def test_a_deputy_losing_a_unit_names_exactly_the_letters_that_change(tmp_path):
    before, after = load_catalog(sample_catalog()), load_catalog(deputy_loses_a_unit(tmp_path))
    diff = compare(before, after)
    changed = {(c.what, c.old_file, c.new_file) for c in diff.letters if c.what != "改编号"}
    assert changed == {
        ("作废", "责任书/2-07-郑怀远-高丽萍.docx", ""),  # the pair with the head of the unit he gave up
        ("重签", "责任书/1-01-沈文澜-郑怀远.docx", "责任书/1-01-沈文澜-郑怀远.docx"),  # his own letter: its 分管 line
    }
    # the letters after it at level 2 are only renumbered
    renumbered = [c for c in diff.letters if c.what == "改编号"]
    assert renumbered and all(c.old_file.startswith("责任书/2-") for c in renumbered)
    assert [(c.what, c.name) for c in diff.people] == [("变动", "郑怀远")]
    assert "不再分管 办公厅档案处" in diff.people[0].detail
    assert [(c.what, c.name) for c in diff.units] == [("变动", "办公厅档案处")]
    assert {(c.what, c.name) for c in diff.books} == {("内容变动", "郑怀远")}
    assert diff.duties == []


def test_the_same_catalogue_has_no_differences():
    loaded = load_catalog(sample_catalog())
    assert compare(loaded, loaded).empty


def test_cli_prints_the_table_writes_xlsx_and_exits_0(tmp_path):
    out = tmp_path / "变动.xlsx"
    result = CliRunner().invoke(cli, ["diff", str(sample_catalog()), str(deputy_loses_a_unit(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "高丽萍" in result.output and "作废" in result.output
    assert "只是编号和文件名变了" in result.output
    wb = load_workbook(out)
    assert wb.sheetnames[:5] == ["人员变动", "处室变动", "廉政责任书", "全程纪实本", "职责变动"]
    rows = [r for r in wb["廉政责任书"].iter_rows(min_row=3, values_only=True)]
    assert ("作废", "第2层面 郑怀远 → 高丽萍", "责任书/2-07-郑怀远-高丽萍.docx") in [(r[0], r[1], r[3]) for r in rows]


def test_cli_bad_catalogue_exits_1(tmp_path):
    (tmp_path / "catalog.yaml").write_text("organ: [\n", "utf-8")
    result = CliRunner().invoke(cli, ["diff", str(sample_catalog()), str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
