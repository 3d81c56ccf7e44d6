"""Derived facts: tiers, pairs and their levels, for the sample and a hand-written catalogue."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from conftest import MINIMAL, write_catalog
from dutydocs import load_catalog
from dutydocs.build import build
from dutydocs.kinds.book import book_items

FIXTURES = Path(__file__).parent / "fixtures"


def test_sample_pairs_count_76_at_three_levels(sample):
    pairs = sample.org.pairs
    assert len(pairs) == 76
    assert Counter(p.level for p in pairs) == {1: 11, 2: 43, 3: 22}
    assert len({(p.superior.name, p.subordinate.name) for p in pairs}) == 76
    assert all(p.superior.name != p.subordinate.name for p in pairs)
    # level 2 pairs are exactly the supervision lines: leader -> head of a division he supervises
    heads = {d.name: d.head for d in sample.catalog.divisions}
    level2 = {(p.superior.name, p.subordinate.name) for p in pairs if p.level == 2}
    assert level2 == {(p.name, heads[d]) for p in sample.catalog.people for d in p.supervises}
    # numbering runs 1.. within each level
    for level in (1, 2, 3):
        assert [p.seq for p in pairs if p.level == level] == list(range(1, Counter(q.level for q in pairs)[level] + 1))


def test_explicit_and_derived_pairs_merge_without_duplicates(tmp_path):
    text = MINIMAL + "  pairs:\n    - {level: 3, superior: 王五, subordinate: 李四}\n    - {level: 2, superior: 张三, subordinate: 李四}\n"
    org = load_catalog(write_catalog(tmp_path / "c", text)).org
    got = [(p.level, p.superior.name, p.subordinate.name, p.source) for p in org.pairs]
    # 王五 -> 李四 is derived by rule 2 and listed explicitly: once, at the listed level
    assert got == [(1, "张三", "王五", "规则 1"), (2, "张三", "李四", "逐对列出"), (3, "王五", "李四", "规则 2")]


def test_tier_membership_by_post_rank_and_exclude(sample):
    org = sample.org
    tiers = {info.tier.id: info for info in org.tiers}
    secretary = tiers["书记"].holders
    assert len(secretary) == 1
    assert secretary[0] not in tiers["班子"].holders
    assert len(tiers["班子"].holders) == 11
    assert [p.name for p in org.book_holders()] == [p.name for p in sample.catalog.people if org.post_tiers(p)]


def test_a_hand_written_catalogue_for_another_organ_checks_clean(tmp_path):
    loaded = load_catalog(FIXTURES / "county-audit")
    assert loaded.warnings == []
    assert [info.tier.name for info in loaded.org.tiers] == ["局党组", "党组书记（局长）", "党组成员、副局长", "股室负责人"]
    assert Counter(p.level for p in loaded.org.pairs) == {1: 1, 2: 3}
    report = build(loaded, tmp_path / "out")
    assert report.counts == {"清单": 1, "责任书": 4, "纪实本": 5, "建议书": 1, "销号台账": 1, "谈话台账": 1, "信息表": 2,
                             "四张清单": 1}
    book = book_items(loaded.org, loaded.org.people["韩芳"])
    assert [it["code"] for g in book for it in g["duties"]] == ["4-1", "年2-1"]  # personal tasks: part （二）
    from docx import Document

    doc = Document(next((tmp_path / "out" / "纪实本").glob("*韩芳.docx")))
    periods = [p.text for p in doc.paragraphs if p.text.endswith("履责纪实")]
    assert periods == [f"2027年{m}月履责纪实" for m in range(1, 13)]  # record_period: 月
    reviews = [c.text for t in doc.tables for c in t.rows[0].cells if c.text.endswith("检查意见：")]
    assert reviews == [f"{m}月检查意见：" for m in range(1, 13)]
    text = "".join(p.text for p in doc.paragraphs)
    assert "每月末送派驻纪检监察组查阅" in text and "季度" not in text
