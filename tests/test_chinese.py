"""Numbers and dates as official documents write them."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydocs.chinese import cn_date, cn_number, due_text


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"),
                                         (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1010, "一千零一十")])
def test_chinese_numerals(n, text):
    assert cn_number(n) == text


def test_dates_are_written_with_arabic_numerals_and_no_leading_zeros():
    assert cn_date(dt.date(2026, 2, 8)) == "2026年2月8日"
    assert cn_date(None) == ""


def test_a_deadline_in_the_documents_own_year_drops_the_year():
    assert due_text(dt.date(2026, 6, 30), 2026) == "6月30日"
    assert due_text(dt.date(2027, 1, 15), 2026) == "2027年1月15日"
    assert due_text(dt.date(2026, 6, 30)) == "2026年6月30日"
    assert due_text("每季度", 2026) == "每季度"
    assert due_text(None) == ""
