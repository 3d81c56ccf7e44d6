"""Every validation rule: one located Chinese message naming the file, the line and the key."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, write_catalog
from dutydocs import ProblemsError, load_catalog


def only_problem(tmp_path, text: str) -> str:
    folder = write_catalog(tmp_path / "c", text)
    with pytest.raises(ProblemsError) as info:
        load_catalog(folder)
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert len(errors) == 1, [str(p) for p in errors]
    return str(errors[0]).split("/c/", 1)[1]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def test_minimal_catalogue_is_clean(minimal):
    loaded = load_catalog(minimal)
    assert loaded.warnings == []


def test_unknown_key_suggests_the_near_miss(tmp_path):
    text = MINIMAL.replace("{name: 王五, title:", "{nmae: 王五, name: 王五, title:")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'nmae')} people[1].nmae: 未知的键「nmae」。是不是想写「name」？")


def test_unknown_rank_lists_the_choices(tmp_path):
    text = MINIMAL.replace("rank: 正处级", "rank: 正处")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'rank: 正处,')} people[2].rank: 不认识的取值「正处」。是不是想写「正处级」？")
    assert "可选：正厅级、副厅级" in msg


def test_missing_field(tmp_path):
    text = MINIMAL.replace("    name: 党组成员\n", "")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'id: 成员')} tiers[1].name: 缺少必填的键「name」（层级名称，印在清单上）")


def test_wrong_type(tmp_path):
    text = MINIMAL.replace("  year: 2026", "  year: 二〇二六")
    msg = only_problem(tmp_path, text)
    assert msg == "catalog.yaml:4 organ.year: 这里应是一个整数，实际是「二〇二六」。"


def test_list_expected_but_mapping_given(tmp_path):
    text = MINIMAL.replace("divisions:\n  - {name: 秘书处, head: 李四}", "divisions:\n  name: 秘书处")
    msg = only_problem(tmp_path, text)
    assert f"catalog.yaml:{line_of(text, 'divisions:')} divisions: 这里应是一个列表" in msg


def test_pair_naming_someone_not_in_the_catalogue(tmp_path):
    text = MINIMAL + "  pairs:\n    - {level: 2, superior: 王五, subordinate: 李司}\n"
    msg = only_problem(tmp_path, text)
    assert msg == (f"catalog.yaml:{line_of(text, '李司')} signing.pairs[0].subordinate: "
                   "责任人「李司」没有在 people 里定义。是不是想写「李四」？")


def test_person_in_two_places(tmp_path):
    text = MINIMAL.replace("divisions:\n  - {name: 秘书处, head: 李四}",
                           "divisions:\n  - {name: 秘书处, head: 李四}\n  - {name: 综合处}").replace(
        "division: 秘书处}", "division: 综合处}")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'head: 李四')} divisions[0].head: 「李四」在 ")
    assert "属于「综合处」，这里却是「秘书处」的主要负责人" in msg


def test_head_of_two_divisions(tmp_path):
    text = MINIMAL.replace("divisions:\n  - {name: 秘书处, head: 李四}",
                           "divisions:\n  - {name: 秘书处, head: 李四}\n  - {name: 综合处, head: 李四}").replace(
        ", division: 秘书处}", "}")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, '综合处, head')} divisions[1].head: 「李四」已是「秘书处」的主要负责人")


def test_tier_with_no_duties(tmp_path):
    text = MINIMAL.replace("      - text: 履行第一责任人职责。\n", "").replace("    duties:\n  - id: 成员", "    duties: []\n  - id: 成员")
    msg = only_problem(tmp_path, text)
    assert msg == f"catalog.yaml:{line_of(text, 'name: 党组书记')} tiers[0].name: 层级「党组书记」没有任何职责，请在 duties 下至少写一条。"


def test_duplicate_names(tmp_path):
    text = MINIMAL.replace(
        "  - {name: 李四,", "  - {name: 王五, title: 重名}\n  - {name: 李四,")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, '王五, title: 重名')} people[2].name: 姓名「王五」重复了，与 ")
    assert f"第 {line_of(text, 'name: 王五')} 行的相同" in msg


def test_cycle_in_supervision_lines(tmp_path):
    text = MINIMAL.replace("{name: 李四, title: 秘书处处长, posts: [处长], rank: 正处级, division: 秘书处}",
                           "{name: 李四, title: 秘书处处长, posts: [处长], rank: 正处级, division: 秘书处, supervises: [综合处]}").replace(
        "divisions:\n  - {name: 秘书处, head: 李四}", "divisions:\n  - {name: 秘书处, head: 李四}\n  - {name: 综合处, head: 王五}")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'supervises: [秘书处]')} people[1].supervises[0]: 分管关系形成了循环：")
    assert "李四 → 王五 → 李四" in msg


def test_date_that_is_not_a_date(tmp_path):
    text = MINIMAL.replace("issue_date: 2026-02-18", "issue_date: 2026-02-30")
    msg = only_problem(tmp_path, text)
    assert msg.startswith("catalog.yaml:5 organ.issue_date: 「2026-02-30」不是有效的日期")


def test_due_that_looks_like_a_date_but_is_not(tmp_path):
    text = MINIMAL.replace("due: 每季度", "due: 2026-13-01")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, '2026-13-01')} tiers[1].duties[0].due: 「2026-13-01」不是有效的日期")


def test_unknown_post_reference_in_tier_holders(tmp_path):
    text = MINIMAL.replace("holders: {posts: [处长]}", "holders: {posts: [处座]}")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, '处座')} tiers[2].holders.posts[0]: 岗位「处座」没有在 posts 里定义。")


def test_rule_needs_a_subordinate(tmp_path):
    text = MINIMAL.replace("{level: 2, via: 分管, superior: {tiers: [成员]}}", "{level: 2, superior: {tiers: [成员]}}")
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'level: 2, superior')} signing.rules[1]: 规则缺少 subordinate")


def test_record_with_a_code_not_in_the_book(tmp_path):
    text = MINIMAL + "records:\n  - {person: 李四, date: 2026-03-01, duty: 2-1, content: 开会}\n"
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'duty: 2-1')} records[0].duty: 「李四」的纪实本里没有编号为「2-1」")
    assert "3-1" in msg


def test_reversed_explicit_pair_is_a_cycle(tmp_path):
    text = MINIMAL + "  pairs:\n    - {level: 2, superior: 李四, subordinate: 王五}\n"
    msg = only_problem(tmp_path, text)
    assert msg.startswith(f"catalog.yaml:{line_of(text, 'superior: 李四')} signing.pairs[0]: 「李四」与「王五」互为上下级")


def test_all_problems_are_reported_at_once(tmp_path):
    text = MINIMAL.replace("rank: 正处级", "rank: 正处").replace("{name: 张三,", "{name: 张三, age: 50,")
    folder = write_catalog(tmp_path / "c", text)
    with pytest.raises(ProblemsError) as info:
        load_catalog(folder)
    keys = sorted(p.key for p in info.value.problems)
    assert keys == ["people[0].age", "people[2].rank"]


def test_blind_spots_are_warnings_not_errors(tmp_path):
    text = MINIMAL.replace("divisions:\n  - {name: 秘书处, head: 李四}",
                           "divisions:\n  - {name: 秘书处, head: 李四}\n  - {name: 档案室}").replace(
        "  - {name: 李四,", "  - {name: 赵七, title: 科员}\n  - {name: 钱八, posts: [处长]}\n  - {name: 李四,")
    loaded = load_catalog(write_catalog(tmp_path / "c", text))
    messages = [str(w).split("/c/", 1)[1] for w in loaded.warnings]
    assert any(m.startswith("catalog.yaml:") and "people[2].name" in m and "「赵七」不属于任何层级" in m for m in messages)
    assert any("people[3].name" in m and "「钱八」没有签订任何廉政责任书" in m for m in messages)
    assert not any("「赵七」没有签订" in m for m in messages)  # in no post tier: not expected to sign
    assert any("divisions[1].name" in m and "「档案室」没有分管领导" in m for m in messages)


def test_a_date_far_from_the_year_is_a_warning(tmp_path):
    text = MINIMAL + "tasks:\n  - {person: 李四, text: 修订制度, due: 2062-03-01}\n"
    loaded = load_catalog(write_catalog(tmp_path / "c", text))
    (warning,) = loaded.warnings
    assert str(warning).split("/c/", 1)[1] == (f"catalog.yaml:{line_of(text, '2062-03-01')} tasks[0].due: "
                                               "提醒：日期 2062-03-01 不在 2026 年度附近，请确认年份没有写错。")


def test_a_record_of_another_year_is_an_error(tmp_path):
    """A 2026 book cannot hold a 2025 record; a letter's progress cannot come before the letter."""
    text = MINIMAL + ("records:\n  - {person: 李四, date: 2025-12-30, content: 开会}\n"
                      "talks:\n  - {date: 2027-01-05, talker: 张三, target: 王五}\n"
                      "advice:\n  - number: 甲1号\n    date: 2026-03-01\n"
                      "    items: [{problem: 问题, recommendation: 建议, progress: [{date: 2026-02-01, text: 已部署}]}]\n")
    with pytest.raises(ProblemsError) as err:
        load_catalog(write_catalog(tmp_path / "c", text))
    assert [str(p).split("/c/", 1)[1] for p in err.value.problems] == [
        f"catalog.yaml:{line_of(text, '2025-12-30')} records[0].date: 纪实记录的日期 2025-12-30 不在 2026 年度内。"
        "这份目录只记 2026 年的纪实记录：年份写错的请改正，上一年度的留在上一年度的目录里。",
        f"catalog.yaml:{line_of(text, '2027-01-05')} talks[0].date: 谈话的日期 2027-01-05 不在 2026 年度内。"
        "这份目录只记 2026 年的谈话：年份写错的请改正，上一年度的留在上一年度的目录里。",
        f"catalog.yaml:{line_of(text, '2026-02-01')} advice[0].items[0].progress[0].date: 整改进展的日期 2026-02-01 "
        "早于建议书的发文日期 2026-03-01，请核对。"]
