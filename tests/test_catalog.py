"""Reading catalogue files: positions, split files, includes, and YAML that goes wrong."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import pickle

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, write_catalog
from dutydocs import ProblemsError, catalog, load_catalog
from dutydocs.catalog import YDate, YDateTime, YFloat, YInt, load_raw, source_text


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


# --- YAML 1.2 core schema: no silent changes, and the text as written ---------------------------

def raw_of(tmp_path, files, **kw):
    """load_raw on files written into a fresh folder: (raw catalogue, problem lines)."""
    folder = write_catalog(tmp_path / "c", files)
    with contextlib.chdir(folder):
        raw, problems = load_raw(".", **kw)
    return raw, [str(p) for p in problems]


@pytest.fixture(params=["libyaml", "pure"])
def loaders(request, monkeypatch):
    """Run a test with libyaml first (as installed) and with the pure-Python parser only."""
    if request.param == "pure":
        monkeypatch.setattr(catalog, "_LOADERS", catalog._LOADERS[-1:])
    return request.param


@pytest.mark.parametrize(
    ("written", "kind", "value"),
    [
        ("0630", YInt, 630),          # YAML 1.1: octal 408
        ("0110", YInt, 110),          # YAML 1.1: octal 72
        ("-12", YInt, -12),
        ("0o17", YInt, 15),
        ("0x1F", YInt, 31),
        ("1.50", YFloat, 1.5),
        ("1e3", YFloat, 1000.0),
        (".5", YFloat, 0.5),
        ("2026-02-18", YDate, dt.date(2026, 2, 18)),
        ("10:30", str, "10:30"),      # YAML 1.1: sexagesimal 630
        ("1_000", str, "1_000"),
        ("0b11", str, "0b11"),
        ("on", str, "on"),            # YAML 1.1: True
        ("yes", str, "yes"),
        ("off", str, "off"),
        ("No", str, "No"),
        ("y", str, "y"),
        ("true", bool, True),
        ("FALSE", bool, False),
        ("~", type(None), None),
        ("Null", type(None), None),
        ("", type(None), None),
        ("2026-02-30", str, "2026-02-30"),  # looks like a date, is not one: the model says so
    ],
)
def test_plain_scalars_follow_yaml_1_2_and_keep_their_text(tmp_path, loaders, written, kind, value):
    raw, problems = raw_of(tmp_path, f"a: {written}\n")
    assert problems == []
    got = raw.data["a"]
    assert type(got) is kind and got == value
    if kind in (YInt, YFloat, YDate):
        assert got.yaml_text == written and source_text(got) == written
    else:
        assert source_text(got) is None


def test_special_floats_and_quoted_numbers(tmp_path):
    raw, _ = raw_of(tmp_path, "a: .inf\nb: -.Inf\nc: .NaN\nd: '0630'\ne: \"0110\"\n")
    assert raw.data["a"] == float("inf") and raw.data["b"] == float("-inf") and raw.data["c"] != raw.data["c"]
    assert raw.data["d"] == "0630" and raw.data["e"] == "0110"


def test_keys_are_text_as_written(tmp_path):
    raw, _ = raw_of(tmp_path, "0110: a\non: b\n2026-02-18: c\n")
    assert list(raw.data) == ["0110", "on", "2026-02-18"]


@pytest.mark.parametrize("value", [YInt(630, "0630"), YFloat(1.5, "1.50"), YDate(2026, 2, 18, "2026-02-18"),
                                   YDateTime(2026, 2, 18, 9, 30, text="2026-02-18 09:30")])
def test_scalars_with_text_pickle_copy_and_compare_like_their_base(value):
    base = type(value).__mro__[1]
    plain = base(value) if base in (int, float) else value.replace()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(value, protocol))
        assert type(back) is type(value) and back == value and back.yaml_text == value.yaml_text
    assert value == plain and hash(value) == hash(plain)
    assert {value: 1}[plain] == 1
    assert copy.deepcopy(value).yaml_text == value.yaml_text


def test_numbers_dump_back_as_written():
    text = yaml.safe_dump({"due": YInt(630, "0630"), "x": YFloat(1.5, "1.50"), "d": YDate(2026, 2, 18)})
    assert "due: 0630" in text and "x: 1.50" in text and "d: 2026-02-18" in text


# --- merge keys ------------------------------------------------------------------------------------


def test_merge_keys_with_overrides(tmp_path, loaders):
    raw, problems = raw_of(tmp_path, """\
        base: &base {rank: 副厅级, posts: [党组成员], title: 党组成员}
        more: &more {rank: 正处级, division: 秘书处}
        people:
          - {<<: *base, name: 王五, rank: 正厅级}
          - <<: *base
            name: 赵六
            title: 副秘书长
          - {<<: [*base, *more], name: 钱七}
        """)
    assert problems == []
    wang, zhao, qian = raw.data["people"]
    assert wang == {"rank": "正厅级", "posts": ["党组成员"], "title": "党组成员", "name": "王五"}
    assert zhao["title"] == "副秘书长" and zhao["rank"] == "副厅级"
    assert qian["rank"] == "副厅级" and qian["division"] == "秘书处"  # the first source listed wins
    # the merged key is placed where it is written (in the anchor), the override where it is
    assert raw.positions.where(("people", 0, "posts"))[1] == 1
    assert raw.positions.where(("people", 1, "title"))[1] == 7


def test_duplicates_beside_a_merge_are_still_reported(tmp_path, loaders):
    raw, problems = raw_of(tmp_path, """\
        base: &base {rank: 副厅级}
        p:
          <<: *base
          name: 王五
          name: 王武
        q: {<<: *base, a: 1, a: 2}
        """)
    assert problems == [
        "catalog.yaml:5 p.name: 键「name」重复了（第一次出现在第 4 行），同一层里每个键只能写一次，请删掉或合并其中一个。",
        "catalog.yaml:6 q.a: 键「a」重复了（这一行前面已经写过），同一层里每个键只能写一次，请删掉或合并其中一个。",
    ]
    assert raw.data["p"]["name"] == "王五" and raw.reported == set()  # the first value stands, and is checked


def test_merge_of_something_that_is_not_a_mapping(tmp_path):
    _, problems = raw_of(tmp_path, "a: {<<: 正厅级, b: 1}\nc: [1]\n")
    assert len(problems) == 1 and problems[0].startswith("catalog.yaml:1 a: 合并键（<<）后面应是一个别名")


def test_merges_cannot_blow_up(tmp_path):
    lines = ["a0: &a0 {k0: 0}"] + [f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 10)}], k{i}: {i}}}" for i in range(1, 30)]
    raw, problems = raw_of(tmp_path, "\n".join(lines) + "\n")
    assert problems == [] and raw.data["a29"]["k0"] == 0 and len(raw.data["a29"]) == 30


# --- includes ----------------------------------------------------------------------------------------


def test_a_diamond_of_includes_reads_each_file_once(tmp_path, monkeypatch):
    depth = 25
    files = {"catalog.yaml": "include: [a0.yaml, b0.yaml]\n"}
    for i in range(depth):
        below = f"include: [a{i + 1}.yaml, b{i + 1}.yaml]\n" if i + 1 < depth else ""
        files[f"a{i}.yaml"] = below + f"posts: [a{i}]\n"
        files[f"b{i}.yaml"] = below + f"posts: [b{i}]\n"
    reads = []
    real = catalog.read_file
    monkeypatch.setattr(catalog, "read_file", lambda path, *a, **kw: reads.append(path.name) or real(path, *a, **kw))
    raw, problems = raw_of(tmp_path, files)
    assert problems == []
    assert len(reads) == len(files) == 1 + 2 * depth
    assert sorted(reads) == sorted(files)
    assert len(raw.positions.files) == len(files)
    assert sorted(raw.data["posts"]) == sorted([f"a{i}" for i in range(depth)] + [f"b{i}" for i in range(depth)])


def test_a_cycle_behind_a_diamond_is_reported_once(tmp_path):
    _, problems = raw_of(tmp_path, {
        "catalog.yaml": "include: [a.yaml, b.yaml]\nposts: [x]\n",
        "a.yaml": "include: [c.yaml]\n", "b.yaml": "include: [c.yaml]\n",
        "c.yaml": "include: [a.yaml]\nposts: [c]\n",
    })
    assert problems == ["c.yaml:1 include[0]: 包含形成了循环：a.yaml → c.yaml → a.yaml，请删掉这一项。"]


def test_every_broken_file_is_reported_and_its_sections_recorded(tmp_path, loaders):
    raw, problems = raw_of(tmp_path, {
        "catalog.yaml": "include: [a.yaml, b.yaml, c.yaml]\norgan:\n  name: x\n\tyear: 2026\ntiers: []\n",
        "a.yaml": "people:\n  - {name: 张三\nsigning: {}\n",
        "b.yaml": "posts: [甲]\n",
        "c.yaml": "divisions:\n\u3000\u3000- {name: 秘书处}\n",
    })
    assert problems == [
        "catalog.yaml:4: YAML 格式错误：这一行用了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。",
        "a.yaml:2: YAML 格式错误：花括号 { } 没有配对，或里面少了逗号。",
        "c.yaml:2: YAML 格式错误：这一行开头用了全角空格（U+3000），YAML 只能用半角空格缩进，请把它换成普通空格。",
    ]
    assert raw.data == {"posts": ["甲"]}  # the good file is read, though the entry file is broken
    assert raw.broken_files == ["catalog.yaml", "a.yaml", "c.yaml"]
    assert raw.broken_sections == {"organ", "tiers", "people", "signing", "divisions"}


def test_missing_or_empty_included_files_count_as_unread(tmp_path):
    raw, problems = raw_of(tmp_path, {"catalog.yaml": "include: [people.yaml, tasks.yaml]\nposts: [甲]\n",
                                      "tasks.yaml": "# 以后再写\n"})
    assert len(problems) == 2
    assert raw.broken_files == ["people.yaml", "tasks.yaml"] and raw.broken_sections == {"people", "tasks"}


def test_nothing_readable_gives_no_catalogue(tmp_path):
    raw, problems = raw_of(tmp_path, "organ:\n\tname: x\n")
    assert raw is None and len(problems) == 1


@pytest.mark.parametrize(
    ("files", "hint"),
    [
        ({"catalog.yaml": "include: [人员\\people.yaml]\n"}, "请用“/”分隔"),
        ({"catalog.yaml": "include: people.yaml, tasks.yaml\n"}, "include: [people.yaml, tasks.yaml]"),
        ({"catalog.yaml": "include: [people.yaml]\n", "people.yaml.txt": "posts: []\n"}, "改名为 people.yaml"),
        ({"catalog.yaml": "include: [People.yaml]\n", "people.yaml": "posts: []\n"}, "是不是想写「people.yaml」"),
        ({"catalog.yaml": "include: [pepole.yaml]\n", "people.yaml": "posts: []\n"}, "是不是想写「people.yaml」"),
        ({"catalog.yaml": "include: [people]\n", "people/a.yaml": "posts: []\n"}, "是一个文件夹"),
    ],
)
def test_include_mistakes_say_what_to_change(tmp_path, files, hint):
    _, problems = raw_of(tmp_path, files)
    assert len(problems) == 1 and problems[0].startswith("catalog.yaml:1 include[0]:") and hint in problems[0], problems


def test_entry_file_saved_with_txt_extension(tmp_path):
    folder = write_catalog(tmp_path / "c", {"catalog.yaml.txt": "posts: []\n"})
    _, problems = load_raw(folder)
    assert "改名为 catalog.yaml" in problems[0].message


# --- characters that Word and Excel cannot hold ------------------------------------------------------


def test_control_characters_are_located_at_their_key(tmp_path, loaders):
    raw, problems = raw_of(tmp_path, """\
        people:
          - {name: "张\\x01三", title: 处长}
          - name: "\\u0007"
          - {name: "\\uD83D\\uDE00", title: "\\uD800"}
        "na\\x1bme": x
        tab: "甲\\t乙\\n丙"
        """)
    assert problems == [
        "catalog.yaml:2 people[0].name: 文字里有不可见的控制字符（U+0001），无法写入 Word 和 Excel，请删掉它（常见于从网页或 Word 复制的文字）。",
        "catalog.yaml:3 people[1].name: 文字里有不可见的控制字符（U+0007），无法写入 Word 和 Excel，请删掉它（常见于从网页或 Word 复制的文字）。",
        "catalog.yaml:4 people[2].title: 文字里有无效的字符（U+D800，半个 UTF-16 代理对），无法写入 Word 和 Excel。"
        "双引号里的 \\u 转义只能写完整的字符，请直接写出这个字符或删掉它。",
        "catalog.yaml:5: 键名里有不可见的控制字符（U+001B），无法写入 Word 和 Excel，请删掉它（常见于从网页或 Word 复制的文字）。",
    ]
    assert raw.data["people"][2]["name"] == "😀"  # a JSON-style surrogate pair is the character it encodes
    assert raw.data["people"][2]["title"] == "\ufffd"
    assert "na\ufffdme" in raw.data
    assert ("people", 0, "name") in raw.reported and ("people", 2, "title") in raw.reported


def test_raw_control_characters_are_reported_on_every_line(tmp_path):
    _, problems = raw_of(tmp_path, "a: 甲\x1b\nb: 乙\nc: \x0c丙\n")
    assert [p.split(":")[1] for p in problems] == ["1", "3"]
    assert all("不可见的控制字符" in p for p in problems)


# --- full-width and other odd spaces -----------------------------------------------------------------


def test_odd_spaces_where_yaml_wants_a_space_are_reported_per_line(tmp_path, loaders):
    _, problems = raw_of(tmp_path, {"catalog.yaml": (
        "organ:\n"
        "  name: 测试机关\n"
        "\u3000\u3000year: 2026\n"             # 3: indentation
        "people:\n"
        "  -\u3000name: 张三\n"                 # 5: after the dash
        "  - name:\u3000李四\n"                 # 6: after the colon
        "\u00a0 - {name: 王五}\n"               # 7: NBSP
        "  - {name: 赵六, title:\u3000处长}\n"  # 8: after a colon in braces
        "\u3000\n"                             # 9: a blank line that is not blank
    )})
    assert [p.split(": ", 1)[0] for p in problems] == [f"catalog.yaml:{n}" for n in (3, 5, 6, 7, 8, 9)]
    assert problems[0] == ("catalog.yaml:3: YAML 格式错误：这一行开头用了全角空格（U+3000），"
                           "YAML 只能用半角空格缩进，请把它换成普通空格。")
    assert "“-”后面用了全角空格（U+3000）" in problems[1]
    assert "「name:」后面用了全角空格（U+3000）" in problems[2]
    assert "不换行空格（U+00A0）" in problems[3]
    assert "「title:」后面" in problems[4]
    assert "这一行只有全角空格" in problems[5]


def test_full_width_spaces_inside_text_are_fine(tmp_path):
    raw, problems = raw_of(tmp_path, (
        "a: |\n"
        "  \u3000\u3000第一段。\n"
        "  \u3000\u3000- 第二段。\n"
        "b: \u3000\u3000首行缩进的一段话\n"
        "c:\n"
        "  - \u3000\u3000一段\n"
        "d: 张\u3000三\n"
        "e: [甲,\n"
        "\u3000\u3000乙]\n"
    ))
    assert problems == []
    assert raw.data["a"] == "\u3000\u3000第一段。\n\u3000\u3000- 第二段。\n"
    assert raw.data["d"] == "张\u3000三"


# --- all syntax problems of a file at once, and clearer messages -------------------------------------


def test_syntax_errors_in_different_sections_of_one_file_are_all_reported(tmp_path, loaders):
    _, problems = raw_of(tmp_path, (
        "organ:\n  name: x\n\tyear: 1\n"         # 3: tab
        "posts: [a, b\n"                          # 4: unclosed bracket
        "tiers:\n  - id: 甲\n    name: \"乙\n"    # 7: unclosed quote
        "people:\n  - {name: \"张\\x01三\"}\n"     # 9: control character (the section reads fine)
    ))
    assert [p.split(": ", 1)[0] for p in problems] == ["catalog.yaml:3", "catalog.yaml:4", "catalog.yaml:7",
                                                       "catalog.yaml:9 people[0].name"]


def test_problems_before_a_syntax_error_are_reported_too(tmp_path):
    _, problems = raw_of(tmp_path, "people:\n  - {name: \"张\\x01三\", name: 李四}\ntiers:\n  - id: 甲\n   name: 乙\n")
    assert [p.split(": ", 1)[0] for p in problems] == ["catalog.yaml:2 people[0].name", "catalog.yaml:2 people[0].name",
                                                       "catalog.yaml:5"]


def test_an_alias_is_not_reported_when_its_section_is_read_alone(tmp_path):
    _, problems = raw_of(tmp_path, "a: &x [1]\nb:\n\t- 2\nc: *x\n")
    assert len(problems) == 1 and "制表符" in problems[0]


@pytest.mark.parametrize(
    ("text", "line", "key", "needle"),
    [
        ("people:\n  - {name: {{张三}}, title: x}\n", 2, "people[0].name",
         "文字里有 {{ 或 }}，在花括号写法 { } 里会被当成括号。请用引号把整段文字括起来，如 name: \"{{张三}}\"。"),
        ("- {name: {{张三}}}\n", 1, "[0].name", "如 name: \"{{张三}}\""),
        ("text: {{年度}}工作要点\n", 1, "", "如 text: \"{{年度}}工作要点\"。"),
        ("text: \"十三五\"规划\n", 1, "", "引号 \"…\" 后面还有文字"),
        ("a: {name: \"张三\"（研究室）}\n", 1, "", "引号 \"…\" 后面还有文字"),
        ("text: [重要] 每季度\n", 1, "", "文字以「[」开头"),
        ("text: *重点* 每季度\n", 1, "", "文字不能以“*”开头"),
        ("text: @张三\n", 1, "", "文字不能以“@”开头"),
        ("text: !重要 会议\n", 1, "", "文字不能以“!”开头"),
        ("text: !important 会议\n", 1, "text", "「!important」当成标签"),
        ("a: 第一\u2028第二\nb: 1\n", 1, "", "看不见的分行符（U+2028）"),
        ("a: [1, 2]\nb: [\n\n", 2, "", "文件意外结束"),
        ("a: {b: {c: 1}}\nd: [1, 2\n", 2, "", "方括号 [ ] 没有配对"),  # nested braces are not {{ }}
    ],
)
def test_ordinary_mistakes_get_a_message_about_them(tmp_path, loaders, text, line, key, needle):
    _, problems = raw_of(tmp_path, text)
    assert len(problems) in (1, 2), problems  # a top-level list also says so
    where = f"catalog.yaml:{line}" + (f" {key}" if key else "")
    assert problems[0].startswith(where + ": ") and needle in problems[0], problems


def test_lines_are_counted_as_an_editor_counts_them(tmp_path):
    # YAML also breaks lines at U+2028 and U+0085; a clerk's editor does not.
    _, problems = raw_of(tmp_path, "a: \"第一\u2028第二\"\nb: \"\u0085\"\nc: 1\nc: 2\n")
    assert problems[0].startswith("catalog.yaml:4 c: 键「c」重复了（第一次出现在第 3 行）")


def test_problems_are_the_same_with_and_without_libyaml(tmp_path, monkeypatch):
    texts = ["organ:\n  name: \"x\n", "a: [1\nb: 2\n", "a: 1\n a: 2\n", "a: {b: 1, b: 2}\n", "a: \"\\uD800\"\n",
             "a: &x 1\nb: *y\n", "a: b: c\n", "- a\nb: 1\n"]
    for i, text in enumerate(texts):
        with_c = raw_of(tmp_path / f"c{i}", text)[1]
        monkeypatch.setattr(catalog, "_LOADERS", catalog._LOADERS[-1:])
        pure = raw_of(tmp_path / f"p{i}", text)[1]
        monkeypatch.undo()
        assert with_c == pure, text


# --- whatever the text, problems and never an exception ----------------------------------------------

_PIECES = [*"ab张三:-{}[],'\"#&*!|>%@` \t\n", "\u3000", "\u00a0", "\u200b", "\u2028", "\\x01", "\\uD800", "<<: *a", "&a ",
           "name: ", "\n  - ", "|\n"]
_YAMLISH = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(_YAMLISH, st.text(max_size=80)))
def test_any_text_gives_data_or_located_problems(tmp_path, text):
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "catalog.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
    raw, problems = load_raw(folder)
    for p in problems:
        assert p.file and p.file.endswith("catalog.yaml") and p.message
        str(p).encode("utf-8")  # printable: no half surrogate pairs in keys or messages
    if raw is not None:
        pickle.loads(pickle.dumps(raw.data))
