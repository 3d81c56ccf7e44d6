"""Frequencies read from a duty's words, and how many records they call for by a given day."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydocs.schedule import read, schedule_of
from dutydocs.wording import defaults

WORDS = {"frequencies": defaults()["frequencies"], **defaults()["schedule"]}
D = dt.date


@pytest.mark.parametrize(("text", "kind", "per_year"), [
    ("每季度至少1次", "times", 4), ("每季度", "times", 4), ("每半年", "times", 2), ("每年至少1次", "times", 1),
    ("每年至少两次", "times", 2), ("每季度至少听取2次汇报", "times", 8), ("每月", "times", 12),
    ("任前", "event", 0), ("项目发生时", "event", 0), ("全年", "ongoing", 0), ("长期坚持", "ongoing", 0),
    ("适时", "unknown", 0), ("", "unknown", 0),
])
def test_frequencies_are_read_from_the_words(text, kind, per_year):
    schedule = read(text, 2026, WORDS)
    assert (schedule.kind, schedule.per_year) == (kind, per_year)


def test_deadlines_are_read_as_dates_of_the_year():
    assert read("6月底前", 2026, WORDS).deadlines == (D(2026, 6, 30),)
    assert read("7月底前、12月底前", 2026, WORDS).deadlines == (D(2026, 7, 31), D(2026, 12, 31))
    assert read("3月15日前", 2026, WORDS).deadlines == (D(2026, 3, 15),)
    assert read("2月底前", 2026, WORDS).deadlines == (D(2026, 2, 28),)
    assert [read(f"4月{x}前", 2026, WORDS).deadlines for x in ("上旬", "中旬", "下旬")] == [
        (D(2026, 4, 10),), (D(2026, 4, 20),), (D(2026, 4, 30),)]


@pytest.mark.parametrize(("text", "as_of", "expected"), [
    ("每季度", D(2026, 3, 30), 0), ("每季度", D(2026, 3, 31), 1), ("每季度", D(2026, 6, 30), 2),
    ("每月", D(2026, 6, 15), 5), ("每半年", D(2026, 6, 30), 1), ("每年至少1次", D(2026, 6, 30), 0),
    ("每年至少1次", D(2027, 1, 5), 1), ("6月底前", D(2026, 6, 29), 0), ("6月底前", D(2026, 6, 30), 1),
    ("任前", D(2026, 6, 30), None), ("适时", D(2026, 6, 30), None),
])
def test_records_expected_by_a_day(text, as_of, expected):
    assert read(text, 2026, WORDS).expected(as_of, 2026) == expected


def test_the_structured_field_wins_then_the_deadline_then_the_text():
    assert schedule_of("每月1次", "全年", "每季度研究1次", 2026, WORDS).per_year == 12
    assert schedule_of(None, D(2026, 5, 31), "每季度研究1次", 2026, WORDS).deadlines == (D(2026, 5, 31),)
    assert schedule_of(None, "每半年", "每季度研究1次", 2026, WORDS).per_year == 2
    assert schedule_of(None, "适时", "每季度研究1次", 2026, WORDS).per_year == 4  # the text says it
    unreadable = schedule_of(None, "适时", "抓好落实", 2026, WORDS)
    assert unreadable.kind == "unknown" and unreadable.read_from == "适时"


def test_a_frequency_within_some_months_counts_only_those_months():
    weekly = schedule_of(None, "4月至8月", "招生期间每周听取1次招生进度汇报。", 2026, WORDS)
    assert (weekly.window, weekly.read_from, weekly.times_a_year) == ((4, 8), "4月至8月每周", 52 * 5 // 12)
    assert [weekly.expected(D(2026, m, 28 if m == 2 else 30), 2026) for m in (2, 3, 4, 6, 9)] == [0, 0, 4, 13, 21]
    assert weekly.expected(D(2027, 1, 5), 2026) == 21
    assert schedule_of(None, None, "4月至8月招生期间每周听取1次汇报。", 2026, WORDS).window == (4, 8)
    # in the text a dash may name a quarter, not a window: only the due field reads it so
    assert schedule_of(None, None, "每月1次（1—3月为集中整治期）", 2026, WORDS).window is None
    assert schedule_of(None, "3—5月", "每周巡查1次", 2026, WORDS).window == (3, 5)
    assert schedule_of(None, "全年", "每季度1次", 2026, WORDS).window is None
