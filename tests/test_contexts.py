"""Document contexts: numbering, dates, text cleaning, and what each document is given."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydocs.contexts import LETTER, clean, cn_date, cn_number, context_for, letter_duties, plan


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"),
                                         (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1010, "一千零一十")])
def test_chinese_numerals(n, text):
    assert cn_number(n) == text


def test_dates_are_written_with_arabic_numerals_and_no_leading_zeros():
    assert cn_date(dt.date(2026, 2, 8)) == "2026年2月8日"
    assert cn_date(None) == ""


def test_clean_removes_only_what_xml_cannot_hold():
    assert clean("A&B <c> \"q\" {{ x }} 😀 \u202e") == "A&B <c> \"q\" {{ x }} 😀 \u202e"
    assert clean("a\x00b\x07c\x0cd\x1fe") == "abcde"
    assert clean("第一行\r\n第二行\n") == "第一行\n第二行"
    assert clean({"k": ["\x01x"]}) == {"k": ["x"]}


def test_letter_context_for_a_supervising_leader(sample):
    org = sample.org
    spec = next(s for s in plan(org, (LETTER,)) if s.level == 1)
    ctx = context_for(org, spec)
    pair = org.pair_at(spec.level, spec.seq)
    assert ctx["superior"]["name"] == pair.superior.name
    assert [d["text"] for d in ctx["duties"]] == letter_duties(org, pair.subordinate)
    assert ctx["duties"][-1]["text"].startswith("落实“一岗双责”，对分管的")
    assert ctx["valid_from"] == "2026年1月1日" and ctx["copies"] == "三"
    assert ctx["number"] == f"2026-1-{spec.seq:02d}"
