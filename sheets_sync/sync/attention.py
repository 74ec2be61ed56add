"""What needs a person after a sync, each thing with its next step.

The overdue and the due soon (initiatives, checklist items), goals off track, at
risk or with an out-of-date value, budgets over or near their cap, reviews to hold
and rows to fix: the same flags the sync writes into the workbook, read back as
they are decided, so the summary never disagrees with the workbook's cells.
:class:`Watch` is told the flags as compute decides them and notes, for the few rows whose
flag asks for a person, the row's ID, title, owner and date; :func:`notices` adds
the budget, the reviews' dates and the rows with problems. The kinds a reminder
digest knows (:data:`.digest.KINDS`) keep its names. Pure: the date is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from functools import partial
from typing import Any

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.core.parsing import clean_text, parse_date
from sheets_sync.core.rules import unplanned
from sheets_sync.errors import ParseError
from sheets_sync.sync.checks import Problem, Renamed
from sheets_sync.sync.locate import Row
from sheets_sync.sync.rollup import FocusRollup, QuarterRollup
from sheets_sync.sync.sink import Note, Watched

# The kinds of notice, most pressing first: what is late, then what is coming.
KINDS = (
    "review_final_overdue",
    "review_mid_overdue",
    "initiative_overdue",
    "checklist_overdue",
    "quarter_over_budget",
    "budget_over",
    "goal_off_track",
    "review_final_due",
    "review_mid_due",
    "initiative_due_soon",
    "checklist_due_soon",
    "goal_at_risk",
    "goal_stale",
    "quarter_near_budget",
    "budget_near",
    "renamed",
    "rows_to_fix",
)

# The flag cells that can ask for a person: (sheet, column) → the choice list.
WATCHED = {
    ("initiatives", "schedule"): "schedule",
    ("checklist", "due_status"): "due_status",
    ("goals", "health"): "health",
    ("review", "review_status"): "review_status",
}
# Of each watched flag, the choices that ask for a person, and the kind they make.
_KIND = {
    ("initiatives", "overdue"): "initiative_overdue",
    ("initiatives", "due_soon"): "initiative_due_soon",
    ("checklist", "overdue"): "checklist_overdue",
    ("checklist", "due_soon"): "checklist_due_soon",
    ("goals", "off_track"): "goal_off_track",
    ("goals", "at_risk"): "goal_at_risk",
    ("goals", "stale"): "goal_stale",
    ("review", "final_overdue"): "review_final_overdue",
    ("review", "final_due"): "review_final_due",
    ("review", "mid_due"): "review_mid_due",
}
# What each sheet's notice is called by, and which of its cells give its date.
_TITLE = {"initiatives": "title", "checklist": "item", "goals": "metric", "review": "focus_area"}
_DATE = {"initiatives": "due", "checklist": "due", "goals": "deadline"}


@dataclass(frozen=True, slots=True)  # one per row needing a person: thousands on a big sheet
class Notice:
    """One thing a person should do. ``due`` is its date; ``owner`` empty for the lead."""

    kind: str
    sheet: str  # the sheet's key
    row_id: str | None
    title: str
    owner: str
    due: dt.date | None
    rows: int = 0  # rows_to_fix: how many rows of the sheet have problems
    amount: float | None = None  # what a cap leaves to plan (rules.unplanned)
    overspent: float | None = None  # spent over the cap, when spending is over it
    area: str = ""  # a goal's focus area
    old_name: str = ""  # renamed: the name rows still use

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}  # flat: no deep copy
        data["due"] = self.due.isoformat() if self.due else None
        return data


@dataclass(slots=True)  # one per row needing a person: thousands on a big sheet
class _Noted:
    """A watched row whose flag asks for a person: its sheet, kind and raw cells."""

    sheet: str
    kind: str
    row_id: CellValue
    title: CellValue
    owner: CellValue
    date: CellValue
    area: CellValue = None


class Watch:
    """Notes the rows needing a person, told the watched flags by :class:`.sink.Cells`.

    Keeps a few cells of those rows only, so a sync of a big sheet still holds no
    row's model.
    """

    def __init__(self, layout: Layout) -> None:
        self.noted: list[_Noted] = []
        self._keys = layout.choice_labels
        self._due: dict[int, CellValue] = {}  # a checklist row's due date, decided just before

    def watched(self) -> Watched:
        """The notes to tell: each flag in :data:`WATCHED`, and a checklist task's due date."""
        notes: dict[tuple[str, str], Note] = {("checklist", "due"): self._due_date}
        for (sheet, key), name in WATCHED.items():
            # each label of the flag that asks for a person → its kind, found in one lookup
            kinds = {
                label: _KIND[(sheet, choice)]
                for label, choice in self._keys[name].items()
                if (sheet, choice) in _KIND
            }
            notes[(sheet, key)] = partial(self._flag, sheet, kinds)
        return notes

    def _due_date(self, row: Row, value: CellValue) -> None:
        self._due = {row.number: value}

    def _flag(self, sheet: str, kinds: dict[str, str], row: Row, value: CellValue) -> None:
        if not isinstance(value, str):
            return
        kind = kinds.get(value)
        if kind is not None:
            self.noted.append(self._note(sheet, kind, row))

    def _note(self, sheet: str, kind: str, row: Row) -> _Noted:
        date = self._due.get(row.number) if sheet == "checklist" else row.get(_DATE.get(sheet, ""))
        return _Noted(
            sheet,
            kind,
            row.get("id"),
            row.get(_TITLE[sheet]),
            row.get("owner"),
            date,
            row.get("focus_area") if sheet == "goals" else None,
        )


@dataclass
class Found:
    """What :func:`notices` reads: the notes, the totals, the problems, the quarter."""

    noted: list[_Noted]
    rollups: list[FocusRollup]
    total: QuarterRollup | None
    problems: list[Problem]
    quarter: Quarter | None
    sheet_order: list[str] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)


def notices(found: Found, lang: Lang, as_of: dt.date) -> list[Notice]:
    """Everything that needs a person on ``as_of``, in :data:`KINDS` order."""
    out = [_from_note(note, lang, found.quarter, as_of) for note in found.noted]
    out.extend(_budget(found.rollups, found.total))
    out.extend(
        Notice("renamed", r.sheet, None, r.new, "", None, rows=r.rows, old_name=r.old)
        for r in found.renamed
    )
    out.extend(_to_fix(found.problems, found.sheet_order))
    return sorted(out, key=lambda n: (KINDS.index(n.kind), n.due or dt.date.min, n.row_id or ""))


def _from_note(note: _Noted, lang: Lang, quarter: Quarter | None, as_of: dt.date) -> Notice:
    kind, due = note.kind, _day(note.date, lang)
    if note.sheet == "review" and quarter is not None:
        due = {
            "review_mid_due": quarter.mid_review,
            "review_final_due": quarter.final_review,
            "review_final_overdue": quarter.end,
        }[kind]
        if kind == "review_mid_due" and as_of > quarter.mid_review:
            kind = "review_mid_overdue"
    return Notice(
        kind,
        note.sheet,
        clean_text(note.row_id),
        clean_text(note.title) or "",
        clean_text(note.owner) or "",
        due,
        area=clean_text(note.area) or "",
    )


def _day(value: CellValue, lang: Lang) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value, lang)
    except ParseError:
        return None


# The budget flags that ask for a person (compared as the flag is: the larger of
# planned and spent against the cap).
_AT_CAP = ("over_cap", "near_cap")


def _budget(rollups: list[FocusRollup], total: QuarterRollup | None) -> list[Notice]:
    out = []
    if total is not None and total.budget is not None and total.budget_flag in _AT_CAP:
        kind = "quarter_over_budget" if total.budget_flag == "over_cap" else "quarter_near_budget"
        out.append(_at_cap(kind, "overview", "", total.budget, total.planned, total.actual))
    for rollup in rollups:
        if rollup.cap is None or rollup.budget_flag not in _AT_CAP:
            continue
        kind = "budget_over" if rollup.budget_flag == "over_cap" else "budget_near"
        cap, planned, actual = rollup.cap, rollup.planned, rollup.actual
        out.append(_at_cap(kind, "focus_areas", rollup.focus_area, cap, planned, actual))
    return out


def _at_cap(kind: str, sheet: str, name: str, cap: float, planned: float, actual: float) -> Notice:
    """A cap reached: what it leaves to plan (cap − planned) and what was spent over it."""
    overspent = actual - cap if actual > cap else None
    return Notice(
        kind, sheet, None, name, "", None, amount=unplanned(cap, planned), overspent=overspent
    )


def _to_fix(problems: list[Problem], order: list[str]) -> list[Notice]:
    """One notice per sheet with invalid rows, naming the first of their IDs."""
    rows: dict[str, dict[int, str | None]] = defaultdict(dict)
    for problem in problems:
        if not problem.warning:
            rows[problem.sheet].setdefault(problem.row, problem.row_id)
    ranked = sorted(rows, key=lambda s: order.index(s) if s in order else len(order))
    out = []
    for sheet in ranked:
        ids = [rid or f"#{number}" for number, rid in sorted(rows[sheet].items())]
        out.append(Notice("rows_to_fix", sheet, None, ", ".join(ids), "", None, rows=len(ids)))
    return out
