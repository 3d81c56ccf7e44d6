"""The organ's words and the clauses as data: defaults, presets, overrides and their mistakes."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, write_catalog
from dutydocs import ProblemsError, load_catalog
from dutydocs.wording import EXTRA, VALUES, defaults, fill, placeholders, word_keys


def _strings(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*path, i))
    elif isinstance(node, str):
        yield path, node


def test_every_preset_defines_every_word_and_a_rank_scale():
    presets = defaults()["presets"]
    assert set(presets) == {"机关", "局", "乡镇", "高校", "国企", "医院"}
    for name, preset in presets.items():
        assert tuple(preset["words"]) == word_keys(), name
        assert len(preset["ranks"]) >= 4 and len(set(preset["ranks"])) == len(preset["ranks"])


def test_the_shipped_clauses_use_only_placeholders_they_are_given():
    names = set(word_keys()) | set(VALUES)
    for path, text in _strings({k: v for k, v in defaults().items() if k != "presets"}):
        key = ".".join(str(p) for p in path if isinstance(p, str) and not p.isdigit())
        allowed = names | set(EXTRA.get(key, ()))
        assert set(placeholders(text)) <= allowed, (path, text)


def test_fill_replaces_names_keeps_escaped_braces_and_joins_folded_lines():
    assert fill("各{处室}要{{照单}}履职", {"处室": "科室"}) == "各科室要{照单}履职"
    assert fill("结合本单位 实际，按照 GB/T 9704 排版", {}) == "结合本单位实际，按照 GB/T 9704排版"
    assert fill("同考核。 {年}年度 不发生", {"年": "2026"}) == "同考核。2026年度不发生"


def bureau(extra: str = "") -> str:
    text = MINIMAL.replace("rank: 正处级", "rank: 正科级").replace("rank: 正厅级", "rank: 正处级")
    text = text.replace("rank: 副厅级", "rank: 副处级")
    return text.replace("  issue_date: 2026-02-18\n", "  issue_date: 2026-02-18\n  kind: 局\n" + extra)


def test_a_kind_of_organ_changes_every_fixed_sentence(tmp_path):
    org = load_catalog(write_catalog(tmp_path / "c", bureau())).org
    w = org.wording
    assert w.words["处室"] == "科室" and w.words["党组"] == "局党组" and w.words["纪检"] == "派驻纪检监察组"
    assert "科室" in w.text("list", "preamble", 层级数="3", 职责数="4")
    copies = w.text("letter", "copies", 份数="三", 备案机构=w.words["纪检"])
    assert copies.endswith("一份交派驻纪检监察组备案。")
    assert w.level(1, "assessment", "班子")[0].startswith("局党组年底对照本责任书")
    assert w.level(1, "assessment")[0].startswith("责任领导年底对照本责任书")  # no set chosen: fits any level
    assert "每月末" in " ".join(w.texts("book", "notes", 审阅机构="派驻纪检监察组")) or \
        org.organ.record_period == "季度"


def test_single_words_and_clauses_can_be_rewritten(tmp_path):
    text = bureau("  words: {处室: 股室}\n") + """\
wording:
  letter:
    goal: 本局{年}年度责任目标：守住{处室}廉洁底线。
    levels:
      2: {assessment: [分管局领导年底考核。]}
  book:
    grades: [优秀, 称职, 基本称职, 不称职]
"""
    org = load_catalog(write_catalog(tmp_path / "c", text)).org
    w = org.wording
    assert w.words["处室"] == "股室"
    assert w.level(1, "goal") == "本局2026年度责任目标：守住股室廉洁底线。"
    assert w.level(2, "assessment") == ["分管局领导年底考核。"]
    assert w.level(1, "assessment", "班子")[0].startswith("局党组")  # level 1 keeps its set
    assert w.get("book", "grades") == ["优秀", "称职", "基本称职", "不称职"]


@pytest.mark.parametrize(("extra", "expected"), [
    ("  kind: 单位\n", "catalog.yaml:6 organ.kind: 不认识的单位类型「单位」。可选：机关、局、乡镇、高校、国企、医院。"),
    ("  words: {科室: 股室}\n", "catalog.yaml:6 organ.words.科室: 不认识的用词「科室」。是不是想写「处室」？可改的用词：本单位、党组、党组书记、"
     "班子成员、分管领导、处室、处室负责人、党委、支部、纪检、上级纪检、廉洁、我组、组长。"),
])
def test_unknown_kind_or_word_is_located(tmp_path, extra, expected):
    text = MINIMAL.replace("  issue_date: 2026-02-18\n", "  issue_date: 2026-02-18\n" + extra)
    with pytest.raises(ProblemsError) as exc:
        load_catalog(write_catalog(tmp_path / "c", text))
    assert [str(p).replace(str(tmp_path / "c") + "/", "") for p in exc.value.problems] == [expected]


def test_mistakes_in_rewritten_clauses_are_located(tmp_path, monkeypatch):
    text = MINIMAL + """\
wording:
  letter:
    gaol: 目标。
    goal: 坚持{党租}领导，{年}年不出问题。
    assessment: 一段文字，不是列表。
    headings: [目标, 内容]
    levels:
      2: {goal: [列表]}
      x: {goal: 文字}
  book:
    notes: ["送{审阅机构}查阅。", "印出{单个花括号"]
  presets: {}
"""
    folder = write_catalog(tmp_path / "c", text)
    monkeypatch.chdir(folder)
    with pytest.raises(ProblemsError) as exc:
        load_catalog(folder)
    assert [str(p) for p in exc.value.problems] == [
        "catalog.yaml:41 wording.letter.gaol: 措辞里没有「gaol」这一项。是不是想写「goal」？可改的项：title、superior、"
        "subordinate、preamble、headings、goal、scope、task_due、no_tasks、assessment、accountability、levels、sets、validity、"
        "copies、sign_superior、sign_subordinate、seal、date。",
        "catalog.yaml:42 wording.letter.goal: 不认识的花括号「{党租}」。是不是想写「党组」？可用的用词和内容见 wording.yaml 开头。"
        "要印出花括号本身，请写成 {{ 和 }}。",
        "catalog.yaml:43 wording.letter.assessment: 这里应是一个列表（每项一段文字，以“- ”开头），实际是一段文字。",
        "catalog.yaml:44 wording.letter.headings: 这里应有 6 项（依次对应：责任目标、责任内容、年度重点任务、考核、责任追究、附则），"
        "实际写了 2 项。请逐项改写，不要增减。",
        "catalog.yaml:46 wording.letter.levels.2.goal: 这里应是一段文字，实际是一个列表（每项一行，以“- ”开头）。",
        "catalog.yaml:47 wording.letter.levels.x: 层面应写 1 到 9 的数字，实际是「x」。",
        "catalog.yaml:49 wording.book.notes[1]: 花括号没有配对。要印出花括号本身，请写成 {{ 或 }}。",
        "catalog.yaml:50 wording.presets: 措辞里没有「presets」这一项。可改的项：common、periods、frequencies、schedule、talks、list、letter、book、"
        "advice、talk_ledger、integrity、four_lists、report。",
    ]


def test_a_title_line_too_long_for_one_line_is_a_located_reminder(tmp_path, monkeypatch):
    text = MINIMAL.replace("party_group: 中共测试机关党组", "party_group: 中共江南省某某市某某区人民政府办公室机关党组委员会")
    folder = write_catalog(tmp_path / "c", text)
    monkeypatch.chdir(folder)
    loaded = load_catalog(folder)
    assert [str(w) for w in loaded.warnings] == [
        "catalog.yaml:3 organ.party_group: 提醒：责任清单标题的第 1 行「中共江南省某某市某某区人民政府办公室机关党组委员会」有 25 个字宽，"
        "一行只能排 20 个字，会在词语中间回行。请在目录的 wording: list: title: 里把它分成两行，在词语之间断开。"]
    fixed = text + 'wording:\n  list:\n    title: [中共江南省某某市某某区人民政府, 办公室机关党组委员会, "{年}年度党风廉政建设责任清单"]\n'
    assert load_catalog(write_catalog(tmp_path / "d", fixed)).warnings == []
