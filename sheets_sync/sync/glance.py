"""What the Dashboard and the Timeline show, noted as compute decides the flags.

:class:`Glance` is told compute's values, like :class:`.attention.Watch` (by
:class:`.sink.Cells`), and keeps, of the goals, the first few with their decided
health, and of the initiatives and checklist items, the most pressing few with
their decided schedule. What it keeps is bounded (the slots the panels have, and
never more than twice that between trims), so a sheet of ten thousand
initiatives costs a sort of a few dozen rows, not a copy of the sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from sheets_sync.core.cells import CellValue
from sheets_sync.core.layout import Layout
from sheets_sync.core.parsing import clean_text, serial_to_date
from sheets_sync.sync.locate import Row
from sheets_sync.sync.sink import Note, Watched

# The flag that places a row on the Timeline: (sheet, column) → its choice list.
SCHEDULED = {("initiatives", "schedule"): "schedule", ("checklist", "due_status"): "due_status"}
# A flag's choice → the Timeline's mark for it (the bar's colour).
MARKS = {
    "not_started": "not_started",
    "open": "on_track",
    "on_track": "on_track",
    "due_soon": "due_soon",
    "overdue": "overdue",
    "done": "done",
}
# Most pressing first: what is late, then what is due soon, then the rest.
URGENCY = {"overdue": 0, "due_soon": 1, "on_track": 2, "not_started": 3, "done": 4}
_TITLE = {"initiatives": "title", "checklist": "item"}


@dataclass(frozen=True)
class Bar:
    """One initiative or checklist item on the Timeline, as the sync decided it."""

    rank: tuple[int, dt.date, int]  # urgency, due date, order seen
    sheet: str
    row_id: str
    title: str
    start: CellValue  # as typed (initiatives only)
    due: CellValue
    state: str  # the flag's label, as written
    mark: str  # a key of the "bar" choices


@dataclass(frozen=True)
class GoalLine:
    """One goal's progress: its cells as typed and its health as decided."""

    metric: str
    baseline: CellValue
    current: CellValue
    target: CellValue
    unit: CellValue
    health: str | None


class Glance:
    """Notes the goals and the bars the panels show, told the values by :class:`.sink.Cells`."""

    def __init__(self, layout: Layout, *, goals: int, bars: int) -> None:
        self.goal_limit, self.bar_limit = goals, bars
        self.goals: list[GoalLine] = []
        self.goal_count = 0
        self._bars: list[Bar] = []
        self.bar_count = 0
        # once a trim leaves a full set, the rank of its last bar: a bar ranked after
        # it can never be kept (the set only gets more pressing), so none is built
        self._cutoff: tuple[int, dt.date, int] | None = None
        self._keys = layout.choice_labels
        self._due: dict[int, CellValue] = {}  # a checklist row's due date, decided just before

    def watched(self) -> Watched:
        """The notes to tell: a goal's health, the flags in :data:`SCHEDULED`, and a
        checklist task's due date."""
        notes: dict[tuple[str, str], Note] = {
            ("checklist", "due"): self._due_date,
            ("goals", "health"): self._goal,
        }
        for (sheet, key), name in SCHEDULED.items():
            # each label of the flag → its bar's mark, found in one lookup
            marks = {
                label: MARKS[choice]
                for label, choice in self._keys[name].items()
                if choice in MARKS
            }
            notes[(sheet, key)] = partial(self._bar, sheet, marks)
        return notes

    def _due_date(self, row: Row, value: CellValue) -> None:
        self._due = {row.number: value}

    def _goal(self, row: Row, health: CellValue) -> None:
        metric = clean_text(row.get("metric"))
        if metric is None:
            return
        self.goal_count += 1
        if len(self.goals) < self.goal_limit:
            line = GoalLine(
                metric,
                row.get("baseline"),
                row.get("current"),
                row.get("target"),
                row.get("unit"),
                health if isinstance(health, str) and health else None,
            )
            self.goals.append(line)

    def _bar(self, sheet: str, marks: dict[str, str], row: Row, label: CellValue) -> None:
        if not isinstance(label, str) or not label:
            return
        mark = marks.get(label)
        if mark is None:
            return
        due = self._due.get(row.number) if sheet == "checklist" else row.get("due")
        self.bar_count += 1
        rank = (URGENCY[mark], _day(due) or dt.date.max, self.bar_count)
        if self._cutoff is not None and rank > self._cutoff:
            return
        title = clean_text(row.get(_TITLE[sheet])) or ""
        start = row.get("start") if sheet == "initiatives" else None
        row_id = clean_text(row.get("id")) or ""
        self._bars.append(Bar(rank, sheet, row_id, title, start, due, label, mark))
        if len(self._bars) >= 2 * self.bar_limit:
            self._trim()

    def _trim(self) -> None:
        self._bars = sorted(self._bars, key=lambda bar: bar.rank)[: self.bar_limit]
        if self._bars and len(self._bars) == self.bar_limit:
            self._cutoff = self._bars[-1].rank

    def bars(self) -> list[Bar]:
        """The most pressing bars, most pressing first, at most the limit."""
        self._trim()
        return list(self._bars)


def _day(value: CellValue) -> dt.date | None:
    """A date cell's day for ranking (text dates rank last; they are parsed when shown)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2958466:
        return serial_to_date(value)
    return None
