"""The money the totals leave out: amounts on initiatives whose rows have problems.

A row with a problem is not counted in any rollup (its numbers may be wrong), but
its money must not vanish without a word: the sync tallies what it can read of
each such row's planned and spent amounts, by the focus area the row names, so
the quarter's total and each focus area can say "not counted". A row naming a
focus area that no row of Focus areas has (a typo, or an area renamed there) is
tallied under the name it uses. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sheets_sync.core.cells import CellValue
from sheets_sync.core.layout import Lang
from sheets_sync.core.parsing import clean_text, match_key, parse_money
from sheets_sync.errors import ParseError
from sheets_sync.sync.rollup import FocusRollup, NotCounted, QuarterRollup


@dataclass
class _Sum:
    planned: float = 0.0
    actual: float = 0.0
    rows: int = 0

    def add(self, planned: float, actual: float) -> None:
        self.planned += planned
        self.actual += actual
        self.rows += 1

    def frozen(self) -> NotCounted:
        return NotCounted(self.planned, self.actual, self.rows)


class UncountedTally:
    """Adds up, one invalid initiative at a time, the money no rollup counts."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.total = _Sum()
        self.by_area: dict[str, _Sum] = {}  # by the matched name the row uses
        self.names: dict[str, str] = {}  # matched name -> the spelling first met

    def add(self, values: Mapping[str, CellValue]) -> None:
        """Count one invalid initiative's readable amounts (an unreadable one as 0)."""
        planned = self._money(values.get("planned"))
        actual = self._money(values.get("actual"))
        self.total.add(planned, actual)
        name = clean_text(values.get("focus_area"))
        if name:
            key = match_key(name)
            self.names.setdefault(key, name)
            self.by_area.setdefault(key, _Sum()).add(planned, actual)

    def _money(self, value: CellValue) -> float:
        if value is None:
            return 0.0
        try:
            return parse_money(value, self.lang)
        except ParseError:
            return 0.0

    def mark(
        self, rollups: list[FocusRollup], total: QuarterRollup
    ) -> tuple[list[FocusRollup], QuarterRollup]:
        """The rollups, each saying what money on rows with problems it leaves out."""
        if not self.total.rows:
            return rollups, total
        marked = []
        for rollup in rollups:
            found = self.by_area.pop(match_key(rollup.focus_area), None)
            marked.append(replace(rollup, not_counted=found.frozen()) if found else rollup)
        unknown = tuple((self.names[key], money.frozen()) for key, money in self.by_area.items())
        return marked, replace(total, not_counted=self.total.frozen(), unknown_areas=unknown)
