"""The quarter calendar: pure date arithmetic, no clock.

A quarter is named by its fiscal year and number. The fiscal year is named by the
calendar year in which it starts: with ``fiscal_year_start=4``, FY2027-Q1 runs
from 1 April 2027 to 30 June 2027. With the default January start, fiscal and
calendar quarters are the same.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

WEEKS_PER_QUARTER = 13
_NAME = re.compile(r"^\s*(?:FY)?(\d{4})\s*[-/ ]?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """One 90-day roadmap period."""

    year: int
    number: int
    fiscal_year_start: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter number is 1 to 4, not {self.number}")
        if not 1 <= self.fiscal_year_start <= 12:
            raise ValueError(f"a fiscal year starts in month 1 to 12, not {self.fiscal_year_start}")

    @classmethod
    def parse(cls, text: str, fiscal_year_start: int = 1) -> Quarter:
        """Read ``2027-Q1`` (also ``2027Q1``, ``FY2027-Q1``, ``2027 q1``)."""
        match = _NAME.match(text)
        if not match:
            raise ValueError(f"a quarter looks like 2027-Q1, not {text!r}")
        return cls(int(match[1]), int(match[2]), fiscal_year_start)

    @property
    def name(self) -> str:
        return f"{self.year}-Q{self.number}"

    def __str__(self) -> str:
        return self.name

    @cached_property
    def start(self) -> dt.date:
        month0 = self.fiscal_year_start - 1 + 3 * (self.number - 1)
        return dt.date(self.year + month0 // 12, month0 % 12 + 1, 1)

    @cached_property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def mid_review(self) -> dt.date:
        """Halfway through the quarter: the mid-quarter progress review."""
        return self.start + dt.timedelta(days=(self.days - 1) // 2)

    @property
    def final_review(self) -> dt.date:
        """Two weeks before the quarter ends: the final evaluation."""
        return self.end - dt.timedelta(days=14)

    @property
    def calendar_quarter(self) -> int:
        """Which calendar quarter (1-4) this fiscal quarter starts in: drives the theme."""
        return (self.start.month - 1) // 3 + 1

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1, self.fiscal_year_start)
        return Quarter(self.year, self.number + 1, self.fiscal_year_start)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4, self.fiscal_year_start)
        return Quarter(self.year, self.number - 1, self.fiscal_year_start)

    def week_end(self, week: int) -> dt.date:
        """The last day of week ``week`` (1-13), never past the quarter's end."""
        week = min(max(week, 1), WEEKS_PER_QUARTER)
        if week == WEEKS_PER_QUARTER:
            return self.end
        return min(self.start + dt.timedelta(days=7 * week - 1), self.end)

    def week_start(self, week: int) -> dt.date:
        week = min(max(week, 1), WEEKS_PER_QUARTER)
        return self.start + dt.timedelta(days=7 * (week - 1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def elapsed(self, as_of: dt.date) -> float:
        """Share of the quarter gone by on ``as_of`` (0 before it, 1 after it)."""
        return elapsed_share(self.start, self.end, as_of)


def elapsed_share(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """Share of the period [start, end] gone by at the end of ``as_of``, in [0, 1]."""
    if as_of < start:
        return 0.0
    total = (end - start).days + 1
    if total <= 0:
        return 1.0
    return min(1.0, ((as_of - start).days + 1) / total)


def year_quarters(year: int, fiscal_year_start: int = 1) -> list[Quarter]:
    """The four quarters of fiscal year ``year``."""
    return [Quarter(year, number, fiscal_year_start) for number in range(1, 5)]
