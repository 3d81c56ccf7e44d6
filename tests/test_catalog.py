"""Reading catalogue files: positions, split files, includes, and YAML that goes wrong."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, write_catalog
from dutydocs import ProblemsError, load_catalog
from dutydocs.catalog import load_raw


def problems_of(path, **kw) -> list[str]:
    with pytest.raises(ProblemsError) as info:
        load_catalog(path, **kw)
    return [str(p) for p in info.value.problems]


def test_positions_point_at_the_line_of_each_key(minimal):
    raw, problems = load_raw(minimal)
    assert problems == []
    file, line = raw.positions.where(("people", 2, "rank"))
    assert file.endswith("catalog.yaml")
    text = (minimal / "catalog.yaml").read_text("utf-8").splitlines()
    assert "李四" in text[line - 1]
    # a key that is missing falls back to its nearest written parent
    assert raw.positions.where(("people", 2, "nonexistent")) == raw.positions.where(("people", 2))


def test_split_catalogue_merges_lists_and_keeps_each_files_lines(tmp_path):
    head, _, people = MINIMAL.partition("people:\n")
    folder = write_catalog(tmp_path / "c", {
        "catalog.yaml": head + "include: [more/people.yaml]\npeople:\n" + people.split("  - {name: 李四")[0],
        "more/people.yaml": "people:\n  - {name: 李四, title: 秘书处处长, posts: [处长], rank: 科长, division: 秘书处}\n",
    })
    msgs = problems_of(folder)
    assert len(msgs) == 1
    # people[2] came from the included file: the message names that file and its line 2
    assert msgs[0].startswith("c/more/people.yaml:2 people[2].rank:") or "more/people.yaml:2 people[2].rank" in msgs[0]
    assert "科长" in msgs[0]


def test_split_catalogue_loads_when_valid(tmp_path):
    head, _, people = MINIMAL.partition("people:\n")
    folder = write_catalog(tmp_path / "c", {
        "catalog.yaml": head + "include: [people.yaml]\n",
        "people.yaml": "people:\n" + people,
    })
    loaded = load_catalog(folder)
    assert [p.name for p in loaded.catalog.people] == ["张三", "王五", "李四"]
    assert len(loaded.org.pairs) == 2


def test_same_section_in_two_files_is_an_error(tmp_path):
    folder = write_catalog(tmp_path / "c", {
        "catalog.yaml": MINIMAL + "include: [b.yaml]\n",
        "b.yaml": "organ:\n  name: 另一个\n",
    })
    msgs = problems_of(folder)
    assert any("b.yaml:1 organ:" in m and "已经在" in m and "catalog.yaml 第 1 行" in m for m in msgs)


def test_include_outside_the_catalogue_folder_is_refused_unless_allowed(tmp_path):
    shared = write_catalog(tmp_path / "shared", {"people.yaml": "people: []\n"})
    folder = write_catalog(tmp_path / "c", MINIMAL + "include: [../shared/people.yaml]\n")
    msgs = problems_of(folder)
    assert any("include[0]" in m and "目录文件夹之外" in m for m in msgs)
    loaded = load_catalog(folder, allow_include=[shared])
    assert loaded.catalog.organ.name == "测试机关"


def test_include_cycles_and_missing_files(tmp_path):
    folder = write_catalog(tmp_path / "c", {
        "catalog.yaml": MINIMAL + "include: [a.yaml, nothere.yaml]\n",
        "a.yaml": "include: [catalog.yaml]\nposts: [额外岗位]\n",
    })
    msgs = problems_of(folder)
    assert any("a.yaml:1 include[0]" in m and "包含形成了循环" in m for m in msgs)
    assert any("include[1]" in m and "找不到要包含的文件「nothere.yaml」" in m for m in msgs)


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("organ:\n\tname: x\n", 2, "制表符（Tab）"),
        ("organ:\n  name: \"未闭合\n  year: 2026\n", 2, "引号没有配对"),
        ("organ:\n  name: a\n  name: b\n", 3, "键「name」重复了（第一次出现在第 2 行）"),
        ("organ:\n  name: a\n year: 1\n", 3, "缩进"),
        ("organ: !!python/object:os.system {}\n", 1, "标签"),
        ("a: [1, 2\n", 1, "方括号"),
    ],
)
def test_yaml_mistakes_are_located_and_explained(tmp_path, text, line, needle):
    folder = write_catalog(tmp_path / "c", text)
    msgs = problems_of(folder)
    assert any(f"catalog.yaml:{line}" in m and needle in m for m in msgs), msgs


def test_gbk_file_is_detected_and_the_fix_is_named(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "catalog.yaml").write_bytes(MINIMAL.encode("gbk"))
    msgs = problems_of(folder)
    assert len(msgs) == 1
    assert "不是 UTF-8 编码" in msgs[0] and "GB" in msgs[0] and "另存为" in msgs[0]


def test_empty_and_wrong_top_level(tmp_path):
    assert "文件是空的" in problems_of(write_catalog(tmp_path / "a", "\n"))[0]
    assert "最外层" in problems_of(write_catalog(tmp_path / "b", "- 1\n- 2\n"))[0]
    empty = tmp_path / "empty_dir"
    empty.mkdir()
    assert "没有入口文件" in problems_of(empty)[0]


def test_recursive_alias_is_reported_not_recursed(tmp_path):
    folder = write_catalog(tmp_path / "c", MINIMAL + "tasks: &a [*a]\n")
    msgs = problems_of(folder)
    assert any("循环" in m or "别名" in m for m in msgs), msgs


def test_billion_laughs_is_stopped(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    folder = write_catalog(tmp_path / "c", "\n".join(lines) + "\n")
    msgs = problems_of(folder)
    assert any("内容过多" in m for m in msgs)
