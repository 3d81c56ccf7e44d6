"""The roster in Excel: rosters as clerks keep them import into catalogues that check; bad rows are located
by file, sheet and cell; export and import again give the same catalogue."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import MINIMAL, write_catalog
from dutydocs import ProblemsError, load_catalog
from dutydocs.cli import cli
from dutydocs.resources import sample_catalog
from dutydocs.roster import export_roster, import_roster, read_roster

HEAD = MINIMAL.split("divisions:")[0]
SIGNING = MINIMAL[MINIMAL.index("signing:"):]


def catalogue_with(folder: Path, roster_name: str) -> Path:
    """MINIMAL with its people and divisions in the roster file instead."""
    return write_catalog(folder, HEAD + f"include: [{roster_name}]\n" + SIGNING)


def clerk_roster(path: Path, wps: bool = False) -> Path:
    """A roster as a clerk keeps it: two title rows, header words of her own, padded names, a merged
    unit over its people, a section row merged across, blank rows, a footnote."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws["A1"] = "测试机关干部花名册"
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：人事处            2026年1月5日"
    ws.append(["序号", "姓  名", "现任职务", "职务层次", "所在部门", "分管处室（单位）", "岗位", "备注"])
    ws.append([1, "张  三", "党组书记", "正厅级", None, None, "党组书记", None])
    ws.append([None] * 8)
    ws.append(["一、处室（单位）"] + [None] * 7)
    ws.merge_cells("A6:H6")
    ws.append([2, "王五", "党组成员", "副厅级", None, "秘书处；综合处", "党组成员", None])
    ws.append([3, "李四", "秘书处处长", "正处级", "秘书处", None, "处长", None])
    ws.append([4, "赵六", "秘书处副处长", "副处级", None, None, None, "借调"])
    ws.merge_cells("E8:E9")
    ws.append([5, "钱七", "综合处处长", "正处级", "综合处", None, "处长", None])
    ws.append(["注：岗位按《责任清单》填写。"])
    wb.save(path)
    if wps:
        _like_wps(path)
    return path


def _like_wps(path: Path) -> None:
    """Rewrite the package the way WPS 表格 writes one: rows without `r`, its own extension list and
    application name (the cells keep theirs)."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/app.xml":
                body = re.sub(rb"<Application>[^<]*</Application>", b"<Application>WPS \xe8\xa1\xa8\xe6\xa0\xbc</Application>", body)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb"<row r=\"[0-9]+\"", b"<row", body)
                body = body.replace(b"</worksheet>", b'<extLst><ext uri="{WPS-1}" xmlns:etc="http://www.wps.cn/officeDocument/'
                                    b'2017/etCustomData"><etc:x/></ext></extLst></worksheet>')
            dst.writestr(info, body)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize("wps", [False, True], ids=["excel", "wps"])
def test_a_roster_as_clerks_keep_it_makes_a_catalogue_that_checks(tmp_path, wps):
    folder = catalogue_with(tmp_path / "c", "花名册.xlsx")
    clerk_roster(folder / "花名册.xlsx", wps=wps)
    loaded = load_catalog(folder)
    people = {p.name: p for p in loaded.catalog.people}
    assert list(people) == ["张三", "王五", "李四", "赵六", "钱七"]  # padded name joined, section row and note skipped
    assert people["王五"].supervises == ["秘书处", "综合处"]
    assert people["赵六"].division == "秘书处"  # the unit merged down over him
    assert people["李四"].posts == ["处长"] and people["赵六"].posts == []
    assert {d.name: d.head for d in loaded.catalog.divisions} == {"秘书处": "李四", "综合处": "钱七"}
    assert len(loaded.org.pairs) == 3
    # heads guessed from 职务: said once, at the roster's header
    notes = [str(w) for w in loaded.warnings if "推定" in w.message]
    assert (notes and notes[0].startswith(str(Path("c") / "花名册.xlsx") + " 花名册!C3:")) or "花名册.xlsx 花名册!C3:" in notes[0]


def test_two_header_rows_and_a_head_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "干部名册"
    ws.append(["姓名", "职务", "任职情况", None, "是否主要负责人"])
    ws.merge_cells("C1:D1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("E1:E2")
    ws.append([None, None, "职级", "所在处室", None])
    ws.append(["李四", "秘书处副处长（主持工作）", "副处级", "秘书处", "√"])
    ws.append(["孙八", "秘书处处长助理", "副处级", "秘书处", None])
    wb.save(tmp_path / "r.xlsx")
    roster = read_roster(tmp_path / "r.xlsx")
    assert [p["name"] for p in roster.people] == ["李四", "孙八"]
    assert roster.people[0]["rank"] == "副处级"
    assert roster.derived == [{"name": "秘书处", "head": "李四"}]
    assert roster.positions[("people", 1, "division")].ref == "干部名册!D4"


def test_csv_saved_by_a_chinese_excel(tmp_path):
    folder = catalogue_with(tmp_path / "c", "花名册.csv")
    text = ("姓名,职务,职级,所在处室,分管处室,岗位,主要负责人\r\n张三,党组书记,正厅级,,,党组书记,\r\n"
            "王五,党组成员,副厅级,,秘书处,党组成员,\r\n李四,秘书处处长,正处级,秘书处,,处长,是\r\n")
    (folder / "花名册.csv").write_bytes(text.encode("gbk"))
    loaded = load_catalog(folder)
    assert [p.name for p in loaded.catalog.people] == ["张三", "王五", "李四"]
    assert loaded.catalog.divisions[0].head == "李四"
    assert not [w for w in loaded.warnings if "推定" in w.message]


def test_bad_rows_are_located_by_sheet_and_cell(tmp_path):
    folder = catalogue_with(tmp_path / "c", "花名册.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["姓名", "职务", "职级", "所在处室", "分管处室", "岗位"])
    ws.append(["张三", "党组书记", "正厅", None, None, "党组书记"])  # unknown rank
    ws.append(["王五", "党组成员", "副厅级", None, "秘书处", "党组成员"])
    ws.append(["李四", "秘书处处长", "正处级", "秘书处", "秘书处、综合外", "处长"])  # own unit; unknown unit
    ws.append(["李四", "副处长", "副处级", "秘书外", None, None])  # duplicate; unknown unit
    ws.append([None, "科员", "科员", "秘书处", None, None])  # no name
    units = wb.create_sheet("处室")
    units.append(["名称", "类型", "主要负责人"])
    units.append(["秘书处", "处室", "李四"])
    wb.save(folder / "花名册.xlsx")
    with pytest.raises(ProblemsError) as info:
        load_catalog(folder)
    said = [f"{p.key}: {p.message}" for p in info.value.problems]
    assert all(p.file.endswith("花名册.xlsx") for p in info.value.problems)
    expected = {
        "花名册!C2": "不认识的取值「正厅」。是不是想写「正厅级」？",
        "花名册!A5": "姓名「李四」重复了",
        "花名册!D5": "处室「秘书外」没有在处室表或目录的 divisions 里定义。是不是想写「秘书处」？",
        "花名册!E4": "「李四」分管了自己任主要负责人的处室",
        "花名册!A6": "这一行写了内容，却没有姓名",
    }
    for cell, text in expected.items():
        assert any(s.startswith(f"{cell}: ") and text in s for s in said), (cell, said)
    assert any(s.startswith("花名册!E4: ") and "「综合外」没有在处室表或目录的 divisions 里定义" in s for s in said)


def test_the_cli_prints_located_chinese_lines_and_exits_1(tmp_path):
    folder = catalogue_with(tmp_path / "c", "花名册.xlsx")
    clerk_roster(folder / "花名册.xlsx")
    wb = openpyxl.load_workbook(folder / "花名册.xlsx")
    wb["花名册"]["D4"] = "正厅"
    wb.save(folder / "花名册.xlsx")
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 1
    assert "花名册.xlsx 花名册!D4: 不认识的取值「正厅」" in result.output
    assert "Traceback" not in result.output


def test_workbooks_that_cannot_be_read_say_what_to_do(tmp_path):
    folder = catalogue_with(tmp_path / "c", "花名册.xls")
    (folder / "花名册.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 1 and "另存为" in result.output and "*.xlsx" in result.output
    folder = catalogue_with(tmp_path / "d", "花名册.xlsx")
    (folder / "花名册.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)  # .xls renamed, or a password
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 1 and "旧版 Excel" in result.output
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "人员", "单位"])
    wb.save(folder / "花名册.xlsx")
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 1 and "找不到花名册的表头" in result.output and "--columns" in result.output


def test_a_cell_far_away_is_refused_without_reading_the_grid(tmp_path):
    folder = catalogue_with(tmp_path / "c", "花名册.xlsx")
    clerk_roster(folder / "花名册.xlsx")
    wb = openpyxl.load_workbook(folder / "花名册.xlsx")
    wb["花名册"]["XFD1048576"] = "x"
    wb.save(folder / "花名册.xlsx")
    with pytest.raises(ProblemsError) as info:
        load_catalog(folder)
    assert any(p.key == "花名册!XFD1048576" and "Ctrl+End" in p.message for p in info.value.problems)


def test_include_stays_inside_the_catalogue_folder(tmp_path):
    clerk_roster(tmp_path / "花名册.xlsx")
    folder = catalogue_with(tmp_path / "c", "../花名册.xlsx")
    with pytest.raises(ProblemsError) as info:
        load_catalog(folder)
    assert any("在目录文件夹之外" in p.message for p in info.value.problems)


def test_import_writes_people_and_divisions_ready_to_include(tmp_path):
    clerk_roster(tmp_path / "花名册.xlsx")
    out = tmp_path / "people.yaml"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "花名册.xlsx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    folder = write_catalog(tmp_path / "c", HEAD + "include: [people.yaml]\n" + SIGNING)
    shutil.copyfile(out, folder / "people.yaml")
    loaded = load_catalog(folder)
    assert [p.name for p in loaded.catalog.people] == ["张三", "王五", "李四", "赵六", "钱七"]
    assert len(loaded.org.pairs) == 3


def test_columns_names_a_header_it_cannot_recognise(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["人员", "现职", "级别"])
    wb.active.append(["张三", "党组书记", "正厅级"])
    wb.save(tmp_path / "r.xlsx")
    got = import_roster(tmp_path / "r.xlsx", columns={"人员": "name", "现职": "title"})
    assert got.sections["people"] == [{"name": "张三", "title": "党组书记", "rank": "正厅级"}]
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "r.xlsx"), "--columns", "人员=姓名,现职=职务"])
    assert result.exit_code == 0 and "name: 张三" in result.output
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "r.xlsx"), "--columns", "人员=名头"])
    assert result.exit_code == 2 and "看不懂" in result.output


def test_without_a_posts_column_posts_come_from_the_titles_and_a_reminder(tmp_path):
    folder = catalogue_with(tmp_path / "c", "花名册.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "职务", "职级", "所在处室", "分管处室"])
    wb.active.append(["张三", "省某厅厅长、党组书记", "正厅级", None, None])
    wb.active.append(["王五", "副厅长、党组成员", "副厅级", None, "秘书处"])
    wb.active.append(["李四", "秘书处处长", "正处级", "秘书处", None])
    wb.save(folder / "花名册.xlsx")
    loaded = load_catalog(folder)
    posts = {p.name: p.posts for p in loaded.catalog.people}
    assert posts == {"张三": ["党组书记"], "王五": ["党组成员"], "李四": ["处长"]}  # 秘书处处长 holds 处长
    assert any("没有“岗位”一列" in w.message and "推定了 3 人" in w.message for w in loaded.warnings)


def _sample_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "sample"
    shutil.copytree(sample_catalog(), folder)
    return folder


def test_export_then_import_gives_the_same_catalogue(tmp_path):
    original = load_catalog(sample_catalog())
    folder = _sample_copy(tmp_path)
    workbook = folder / "花名册.xlsx"
    runner = CliRunner()
    result = runner.invoke(cli, ["export", str(workbook), str(folder)])
    assert result.exit_code == 0, result.output
    assert workbook.read_bytes() == export_roster(original.catalog, original.org.wording.words,
                                                  original.org.wording.ranks)  # the same bytes every time
    # 1. the workbook included in place of people.yaml and divisions.yaml (horizontal stays in YAML)
    entry = folder / "catalog.yaml"
    text = entry.read_text("utf-8")
    text = re.sub(r"\n\s*- divisions\.yaml[^\n]*", "\n  - horizontal.yaml", text)
    text = re.sub(r"\n\s*- people\.yaml[^\n]*", "\n  - 花名册.xlsx", text)
    entry.write_text(text, "utf-8")
    units = (folder / "divisions.yaml").read_text("utf-8")
    (folder / "horizontal.yaml").write_text(units[units.index("\nhorizontal:") + 1:], "utf-8")
    again = load_catalog(folder)
    assert again.catalog == original.catalog
    # 2. imported to YAML and included
    result = runner.invoke(cli, ["import", str(workbook), "-o", str(folder / "people.yaml"), "--force",
                                 "--catalog", str(sample_catalog())])
    assert result.exit_code == 0, result.output
    entry.write_text(text.replace("  - 花名册.xlsx", "  - people.yaml"), "utf-8")
    assert load_catalog(folder).catalog == original.catalog


def test_export_refuses_to_overwrite(tmp_path):
    target = tmp_path / "花名册.xlsx"
    target.write_bytes(b"x")
    result = CliRunner().invoke(cli, ["export", str(target)])
    assert result.exit_code == 1 and "已存在" in result.output and target.read_bytes() == b"x"


def test_problems_of_a_sheet_come_in_row_order(tmp_path):
    """B7 before B10 (not as text, where "B10" < "B7"), and by row before column."""
    folder = catalogue_with(tmp_path / "c", "花名册.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["姓名", "职务", "职级", "所在处室", "分管处室", "岗位"])
    ws.append(["张三", "党组书记", "正厅级", None, None, "党组书记"])
    for i in range(3, 13):
        bad = i in (3, 7, 11)
        ws.append([f"干部{i}", "秘书处副处长", "副处" if bad else "副处级", "秘书外" if i == 11 else "秘书处", None, None])
    units = wb.create_sheet("处室")
    units.append(["名称", "类型", "主要负责人"])
    units.append(["秘书处", "处室", "张三"])
    wb.save(folder / "花名册.xlsx")
    with pytest.raises(ProblemsError) as info:
        load_catalog(folder)
    keys = [p.key for p in info.value.problems if p.key.startswith("花名册!")]
    assert keys == ["花名册!C3", "花名册!C7", "花名册!C11", "花名册!D11"], keys
