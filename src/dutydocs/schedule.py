"""How often a duty falls due, read from its `frequency`, its deadline or its text — never guessed.

每季度至少1次 is 4 a year, 每半年 2, 每年至少2次 2, 6月底前 one deadline, 7月底前、12月底前 two, a
date one; 任前 or 项目发生时 follow events; 全年 is ongoing. The words (phrases and times a year,
event and ongoing words) are data in wording.yaml, so an organ can add its own (每学期: 2). What
cannot be read is said to be unreadable, not counted.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["times", "deadlines", "event", "ongoing", "unknown"]

_DEADLINE = re.compile(r"(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日|底|末|(上旬|中旬|下旬))?\s*(?:前|之前|以前)")
_TENDAYS = {"上旬": 10, "中旬": 20}  # 下旬前 is the month's end
_COUNT = re.compile(r"(?:至少|不少于|不低于)?\s*(\d+|[一二两三四五六七八九十])\s*次")
_WINDOW = re.compile(r"(\d{1,2})\s*月?\s*(?:至|到|—|－|-|~|～)\s*(\d{1,2})\s*月")
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class Schedule:
    kind: Kind
    per_year: int = 0  # for "times"
    deadlines: tuple[dt.date, ...] = field(default_factory=tuple)  # for "deadlines"
    read_from: str = ""  # the words it was read from, to show the clerk
    window: tuple[int, int] | None = None  # for "times": only in these months (4月至8月), first and last

    @property
    def times_a_year(self) -> int:
        """For "times": how many in the whole year, its window only if it has one."""
        if self.window is None:
            return self.per_year
        first, last = self.window
        return self.per_year * (last - first + 1) // 12

    def expected(self, as_of: dt.date, year: int) -> int | None:
        """How many records should exist by `as_of` (None: not countable)."""
        if self.kind == "deadlines":
            return sum(1 for d in self.deadlines if d <= as_of)  # as of the end of that day
        if self.kind != "times":
            return None
        if as_of.year > year:
            return self.times_a_year
        if as_of.year < year:
            return 0
        months = as_of.month - (0 if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1] else 1)
        if self.window is not None:  # the months of the window that have passed
            first, last = self.window
            months = max(0, min(months, last) - first + 1)
        return self.per_year * months // 12


def _count(text: str) -> int:
    m = _COUNT.search(text)
    if not m:
        return 1
    n = m.group(1)
    return int(n) if n.isdigit() else _CN.get(n, 1)


def read(text: str, year: int, words: dict) -> Schedule:
    """The schedule a piece of text states, or `unknown`."""
    text = text.strip()
    if not text:
        return Schedule("unknown")
    for word in words.get("events", []):
        if word in text:
            return Schedule("event", read_from=text)
    phrases = words.get("frequencies", {})
    for phrase in sorted(phrases, key=len, reverse=True):
        if phrase in text:
            times = _count(text[text.index(phrase):])
            said = phrase + (f"{times}次" if times > 1 else "")
            return Schedule("times", per_year=int(phrases[phrase]) * times, read_from=said)
    found = []
    for m in _DEADLINE.finditer(text):
        month, day = int(m.group(1)), m.group(2) or _TENDAYS.get(m.group(3) or "")
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            found.append(dt.date(year, month, min(int(day), last) if day else last))
    if found:
        return Schedule("deadlines", deadlines=tuple(sorted(found)), read_from=text)
    for word in words.get("ongoing", []):
        if word in text:
            return Schedule("ongoing", read_from=text)
    return Schedule("unknown", read_from=text)


def schedule_of(frequency: str | None, due: dt.date | str | None, text: str, year: int, words: dict) -> Schedule:
    """From the structured `frequency` if given; else the deadline; else the duty's own text."""
    if frequency:
        return read(frequency, year, words)
    if isinstance(due, dt.date):
        return Schedule("deadlines", deadlines=(due,), read_from=f"{due.month}月{due.day}日")
    if due:
        found = read(due, year, words)
        if found.kind != "unknown":
            return found
    found = read(text, year, words)
    if found.kind == "times":  # 招生期间每周 with due 4月至8月: weekly within those months only
        window = _window(str(due or "")) or _window(text, strict=True)
        if window:
            return Schedule("times", found.per_year, read_from=f"{window[0]}月至{window[1]}月{found.read_from}",
                            window=window)
    return found if found.kind in ("times", "event") else Schedule("unknown", read_from=str(due or ""))


def _window(text: str, strict: bool = False) -> tuple[int, int] | None:
    """The months a text limits itself to (4月至8月, 3—5月), when it says so and they make sense. In
    a duty's own text (`strict`) only 至/到 count: 1—3月 there may name a quarter, not a window."""
    m = _WINDOW.search(text)
    if m and strict and not re.search(r"至|到", m.group(0)):
        return None
    if m and 1 <= int(m.group(1)) < int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    return None
