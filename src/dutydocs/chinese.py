"""Numbers and dates as Chinese official documents write them (GB/T 9704)."""

from __future__ import annotations

import datetime as dt

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numerals for headings 一、 and （一）: 1 一, 12 十二, 20 二十, 105 一百零五, 1010 一千零一十."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n >= 10000:
        return str(n)
    out, zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit_value)
        if digit:
            out += ("零" if zero else "") + _CN_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def cn_date(value: dt.date | None) -> str:
    """Arabic numerals, no leading zeros: 2026年2月18日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def cn_month_day(value: dt.date) -> str:
    """A date within the document's own year: 2月18日."""
    return f"{value.month}月{value.day}日"


def due_text(value: dt.date | str | None, year: int | None = None) -> str:
    """A deadline as printed: text as written; a date in full, or without the year when it is the
    document's own year (a narrow 完成时限 column then holds it on one line)."""
    if isinstance(value, dt.date):
        return cn_month_day(value) if year is not None and value.year == year else cn_date(value)
    return value or ""
