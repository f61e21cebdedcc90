"""Reporting periods as head office names them: 2024 (year), 2024Q1, 2024-03 (month), 2024W12 (ISO week).

A period is a closed date range with a label; it knows the same period one year earlier (for
year-on-year figures) and the period just before it (for rank changes). A period not yet over is
reported up to a day (:meth:`Period.up_to`), and compared with the same days a year earlier.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import Enum


class PeriodKind(Enum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date
    last: date  # inclusive
    partial: bool = False  # cut short at ``last``: the period is not over yet

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"{self.first.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first.year}Q{(self.first.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.first.year}-{self.first.month:02d}"
        year, week, _ = self.first.isocalendar()
        return f"{year}W{week:02d}"

    def contains(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last

    def up_to(self, day: date) -> Period:
        """The period's days until ``day``: itself once it is over; refused when it has not begun."""
        if day >= self.last:
            return self
        if day < self.first:
            raise ValueError(f"{self.label} has not begun yet: it starts on {self.first.isoformat()}")
        return replace(self, last=day, partial=True)

    def year_earlier(self) -> Period:
        """The same period one year before (same quarter, month or ISO week number); for a period cut
        short, the same days of it."""
        if self.partial:
            whole = period_containing(self.first, self.kind).year_earlier()
            if self.kind is PeriodKind.WEEK:
                last = whole.first + (self.last - self.first)
            else:
                last = _a_year_before(self.last)
            return replace(whole, last=min(last, whole.last), partial=True)
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.first.isocalendar()
            try:
                return week_period(year - 1, week)
            except ValueError:  # week 53 in a year that has only 52
                return week_period(year - 1, 52)
        return parse_period(_shift_label(self, years=-1))

    def previous(self) -> Period:
        """The period just before this one, of the same kind."""
        return period_containing(self.first - timedelta(days=1), self.kind)

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order (for monthly trends)."""
        result = []
        year, month = self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


def _a_year_before(day: date) -> date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else date(day.year - 1, 2, 28)


def _shift_label(period: Period, years: int) -> str:
    label = period.label
    return f"{int(label[:4]) + years}{label[4:]}"


def week_period(year: int, week: int) -> Period:
    first = date.fromisocalendar(year, week, 1)
    return Period(PeriodKind.WEEK, first, first + timedelta(days=6))


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(PeriodKind.MONTH, first, following - timedelta(days=1))


def quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    return Period(PeriodKind.QUARTER, date(year, first_month, 1), month_period(year, first_month + 2).last)


def year_period(year: int) -> Period:
    return Period(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Period]], ...] = (
    (re.compile(r"^(\d{4})$"), lambda m: year_period(int(m[1]))),
    (re.compile(r"^(\d{4})\s*[Qq]([1-4])$"), lambda m: quarter_period(int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"), lambda m: month_period(int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})\s*-?\s*[Ww](\d{1,2})$"), lambda m: week_period(int(m[1]), int(m[2]))),
)


def parse_period(text: str) -> Period:
    """``2024``, ``2024Q1``, ``2024-03`` (or 2024年3月), ``2024W12``; ValueError names what was wrong."""
    cleaned = unicodedata.normalize("NFKC", text).strip()  # ２０２４Ｑ１ typed with a Chinese input method
    for pattern, build in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            try:
                return build(match)
            except ValueError:
                break
    raise ValueError(f"“{text}” is not a period: use 2024, 2024Q1, 2024-03 or 2024W12")


def period_containing(day: date, kind: PeriodKind) -> Period:
    if kind is PeriodKind.YEAR:
        return year_period(day.year)
    if kind is PeriodKind.QUARTER:
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if kind is PeriodKind.MONTH:
        return month_period(day.year, day.month)
    year, week, _ = day.isocalendar()
    return week_period(year, week)


def latest_full(kind: PeriodKind, today: date) -> Period:
    """The last period of ``kind`` that has ended before ``today``."""
    return period_containing(today, kind).previous()


_QUARTERS_ZH = "一二三四"
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def period_phrase(period: Period, language: str = "zh") -> str:
    """The period as the bureau writes it: 2024年第一季度 / 2024 Q1, 2024年3月 / March 2024, …; one not
    yet over says to which day: 2025年（截至11月27日） / 2025 (to 27 Nov)."""
    phrase = _whole_phrase(period, language)
    if not period.partial or period.kind is PeriodKind.WEEK:  # a week's phrase names its days anyway
        return phrase
    last = period.last
    if language.startswith("zh"):
        return f"{phrase}（截至{last.month}月{last.day}日）"
    return f"{phrase} (to {last.day} {_MONTHS_EN[last.month - 1][:3]})"


def _whole_phrase(period: Period, language: str) -> str:
    first = period.first
    zh = language.startswith("zh")
    if period.kind is PeriodKind.YEAR:
        return f"{first.year}年" if zh else f"{first.year}"
    if period.kind is PeriodKind.QUARTER:
        quarter = (first.month - 1) // 3
        return f"{first.year}年第{_QUARTERS_ZH[quarter]}季度" if zh else f"{first.year} Q{quarter + 1}"
    if period.kind is PeriodKind.MONTH:
        return f"{first.year}年{first.month}月" if zh else f"{_MONTHS_EN[first.month - 1]} {first.year}"
    year, week, _ = first.isocalendar()
    last = period.last
    if zh:
        return f"{year}年第{week}周（{first.month}月{first.day}日—{last.month}月{last.day}日）"
    start, end = (f"{day.day} {_MONTHS_EN[day.month - 1][:3]}" for day in (first, last))
    return f"{year} week {week} ({start}–{end})"
