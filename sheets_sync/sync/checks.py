"""Every check of a rows sheet's rows, and the problems they find. Pure: no I/O, no clock.

A row is read into its model (a cell that does not parse is a problem), then
checked against itself (a start after the due date, a negative amount, a goal
whose target equals its baseline), against the quarter (dates inside it),
against the rows above it (a duplicate ID or name) and against the sheets it
refers to (a focus area or owner that must exist). :class:`SheetChecks` runs all
of them on one row as the sync walks the sheet; the Overview's fields are read
and checked in :mod:`.overview`.

Every problem names its sheet, row, row ID and column and carries a message code
with parameters, so the sync can write it on the row in the workbook's language
and the JSON report can list it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections import Counter
from collections.abc import Callable, Collection, Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sheets_sync.core import rules
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue, Formula
from sheets_sync.core.formulas import column_letter
from sheets_sync.core.i18n import message, shorten
from sheets_sync.core.layout import Lang, Sheet
from sheets_sync.core.models import (
    ROW_MODELS,
    ChecklistRow,
    FocusArea,
    Goal,
    Initiative,
    RowModel,
)
from sheets_sync.core.parsing import clean_text, is_blank, match_key, match_key_cached
from sheets_sync.sync.locate import Row, Table

# --- problems and their messages ------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with one row (or one overview field)."""

    sheet: str
    row: int
    row_id: str | None
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    warning: bool = False  # said on the row, but the row still counts


def problem_text(problem: Problem, sheet: Sheet, lang: Lang) -> str:
    """The problem's message in ``lang``, naming its column by the column's label."""
    params = dict(problem.params)
    if problem.column:
        spec = (
            sheet.field(problem.column) if sheet.kind == "fields" else sheet.column(problem.column)
        )
        params["column"] = spec.label.get(lang)
    return message(problem.code, lang, **params)


def check_text(problems: Sequence[Problem], sheet: Sheet, lang: Lang) -> str:
    """The Check cell of one row: each problem's message once, in the workbook's language."""
    texts: list[str] = []
    for problem in problems:
        text = problem_text(problem, sheet, lang)
        if text not in texts:
            texts.append(text)
    return shorten(message("separator", lang).join(texts), CELL_TEXT_LIMIT)


CELL_TEXT_LIMIT = 32_767  # the most characters a spreadsheet cell holds


def model_problems(
    sheet: Sheet, row: Row, rid: str | None, error: ValidationError
) -> list[Problem]:
    """One problem per field pydantic rejected, its code the message to show.

    A field tried as an exact type first and then parsed fails twice; the parser's
    error says what the column expects. Any other error of pydantic's own becomes
    "required": the column expects something else.
    """
    return [
        Problem(sheet.key, row.number, rid, column, code, params)
        for column, (code, params) in field_errors(error).items()
    ]


def field_errors(error: ValidationError) -> dict[str | None, tuple[str, dict[str, Any]]]:
    """Each rejected field's message code and parameters (see :func:`model_problems`)."""
    by_field: dict[str | None, tuple[str, dict[str, Any]]] = {}
    for item in error.errors(include_url=False):
        column = str(item["loc"][0]) if item["loc"] else None
        code = "required" if item["type"] == "missing" else item["type"]
        params = dict(item.get("ctx") or {})
        if code not in _KNOWN:
            code, params = "required", {}
        if column not in by_field or by_field[column][0] == "required":
            by_field[column] = (code, params)
    return by_field


_KNOWN = {
    "required",
    "expected_money",
    "expected_number",
    "expected_quantity",
    "expected_percent",
    "expected_integer",
    "expected_date",
    "expected_email",
    "expected_choice",
    "bad_quarter",
}


@dataclass
class Parsed:
    """A sheet's rows: the model of each valid row, and every problem found."""

    table: Table
    # by row number; left empty when a sync walks the sheet without keeping them
    models: dict[int, RowModel] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)  # those with an input (blank ones skipped)

    def invalid_rows(self) -> set[int]:
        return {p.row for p in self.problems if not p.warning}

    def valid(self) -> list[tuple[Row, RowModel]]:
        bad = self.invalid_rows()
        return [
            (row, self.models[row.number])
            for row in self.rows
            if row.number in self.models and row.number not in bad
        ]


# --- one row against itself: (column, code, warning, params) --------------------------

Found = list[tuple[str | None, str, bool, dict[str, object]]]
Values = dict[str, CellValue]  # a row's filled cells, by column key


def _check_initiative(values: Values, model: RowModel, found: Found) -> None:
    assert isinstance(model, Initiative)
    if model.start and model.start > model.due:
        found.append(("start", "start_after_due", False, {"start": model.start, "due": model.due}))
    text_amounts(values, model, found)


def text_amounts(values: Values, model: RowModel, found: Found) -> None:
    """Add to ``found`` an initiative's amounts below zero, or parsed but typed as text
    (a warning)."""
    for key in ("planned", "actual"):
        amount = getattr(model, key, None)
        if amount is not None and amount < 0:
            found.append((key, "negative_amount", False, {"value": amount}))
        elif amount is not None and isinstance(values.get(key), str):
            found.append((key, "text_amount", True, {"value": clean_text(values.get(key))}))


def _check_focus_area(values: Values, model: RowModel, found: Found) -> None:
    assert isinstance(model, FocusArea)
    if model.budget_cap is not None and model.budget_cap < 0:
        found.append(("budget_cap", "negative_amount", False, {"value": model.budget_cap}))


def _check_goal(values: Values, model: RowModel, found: Found) -> None:
    assert isinstance(model, Goal)
    if model.target == model.baseline:
        found.append(("target", "target_not_measurable", False, {}))
    elif rules.direction_conflict(model.baseline, model.target, model.direction):
        found.append(("direction", "target_against_direction", False, {}))
    elif model.previous_target is not None and math.isclose(model.target, model.previous_target):
        found.append(("target", "reset_target", True, {}))


def _check_checklist(values: Values, model: RowModel, found: Found) -> None:
    assert isinstance(model, ChecklistRow)
    if not 1 <= model.due_week <= 13:
        found.append(("due_week", "week_range", False, {"value": model.due_week}))


# Each adds what it finds to the row's list: no list of its own per row.
ROW_CHECKS: dict[str, Callable[[Values, RowModel, Found], None]] = {
    "initiatives": _check_initiative,
    "focus_areas": _check_focus_area,
    "goals": _check_goal,
    "checklist": _check_checklist,
}

# The dates of a row that must fall inside the quarter, by sheet.
DATE_COLUMNS = {"initiatives": ("start", "due"), "goals": ("deadline",)}


def outside_quarter(
    model: RowModel, columns: tuple[str, ...], quarter: Quarter, found: Found
) -> None:
    """Add to ``found`` each of the row's ``columns`` whose date is not in ``quarter``."""
    for key in columns:
        day = getattr(model, key, None)
        if isinstance(day, dt.date) and not quarter.contains(day):
            span: dict[str, object] = {"value": day, "start": quarter.start, "end": quarter.end}
            found.append((key, "outside_quarter", False, span))


# --- rows against each other and against other sheets ---------------------------------


@dataclass(frozen=True)
class Renamed:
    """A name changed on its own sheet (seen by its row's ``known_as``), still used elsewhere."""

    sheet: str
    old: str
    new: str
    rows: int  # rows on other sheets still using the old name


def renames_in(rows: Iterable[Row]) -> dict[str, tuple[str, str]]:
    """The names rows of a renameable sheet had at the last sync and have no more: by the
    matched old name, (old, new) as typed. The first row to drop a name speaks for it."""
    renames: dict[str, tuple[str, str]] = {}
    for row in rows:
        old, new = clean_text(row.get("known_as")), clean_text(row.get("name"))
        if old and new and match_key(old) != match_key(new):
            renames.setdefault(match_key(old), (old, new))
    return renames


class References:
    """What a row may refer to or repeat: the IDs and values of the rows walked before it.

    Each sheet's IDs and unique columns are counted as the sheet is walked (a
    second sighting is a duplicate); a reference to another sheet is checked
    against the matched values of the column it names, found on first use.
    """

    def __init__(self, titles: dict[str, str], parsed: dict[str, Parsed]) -> None:
        self.titles = titles  # sheet key -> title, to name the sheet a reference misses
        self.parsed = self._parsed = parsed  # the sheets walked so far
        # per sheet: how often each matched ID and unique value occurs
        self._counted: dict[str, dict[str, Counter[str]]] = {}
        self._targets: dict[str, Container[str]] = {}
        # per sheet: matched old name -> (old, new), from the names rows were known as
        self._renames: dict[str, dict[str, tuple[str, str]]] = {}
        self.still_used: Counter[tuple[str, str]] = Counter()  # (sheet, matched old name)
        self._spellings: dict[str, dict[str, str]] = {}  # per sheet: matched name -> as typed

    def counters(self, sheet: Sheet) -> dict[str, Counter[str]]:
        """Fresh counts of ``sheet``'s IDs and unique columns, to fill as its rows go by."""
        unique = {
            key: Counter[str]() for key in ["id", *(c.key for c in sheet.columns if c.unique)]
        }
        self._counted[sheet.key] = unique
        return unique

    def targets(self, ref: str) -> Container[str]:
        """Matched values of ``sheet.column`` on every row that has one (made on first use).

        IDs and unique columns were counted as their sheet was walked: their counts
        serve as they are (a copy would cost 0.5 MB per 10,000 IDs); others are
        collected from the rows.
        """
        found = self._targets.get(ref)
        if found is None:
            sheet, _, column = ref.partition(".")
            counted = self._counted.get(sheet, {}).get(column)
            if counted is not None:
                found = counted
            else:
                texts = (clean_text(r.get(column)) for r in self._parsed[sheet].rows)
                found = {match_key(text) for text in texts if text} - {""}
            self._targets[ref] = found
        return found

    def renamed_to(self, ref: str, value: str) -> str | None:
        """The name a row of the sheet ``ref`` names now has, if ``value`` is what it was
        known as at the last sync (counted as a use of the old name)."""
        sheet, _, column = ref.partition(".")
        if column != "name":
            return None
        renames = self._renames.get(sheet)
        if renames is None:
            renames = self._renames[sheet] = renames_in(self._parsed[sheet].rows)
        found = renames.get(match_key(value))
        if found is None:
            return None
        self.still_used[(sheet, match_key(value))] += 1
        return found[1]

    def renames_in_use(self) -> list[Renamed]:
        """Each rename some rows have not followed yet, with how many rows."""
        return [
            Renamed(sheet, *self._renames[sheet][old], rows)
            for (sheet, old), rows in self.still_used.items()
        ]

    def closest(self, ref: str, value: str) -> str | None:
        """The name on the sheet ``ref`` spelled most like ``value``, if one is close.

        Names only (a focus area, an owner): an ID is not a word to misspell, and an
        ID sheet may be long.
        """
        sheet, _, column = ref.partition(".")
        if column != "name":
            return None
        spellings = self._spellings.get(sheet)
        if spellings is None:
            spellings = self._spellings[sheet] = {}
            for row in self._parsed[sheet].rows:
                text = clean_text(row.get(column))
                if text:
                    spellings.setdefault(match_key(text), text)
        close = difflib.get_close_matches(match_key(value), list(spellings), n=1, cutoff=0.8)
        return spellings[close[0]] if close else None


def count_repeats(row: Row, rid: str | None, seen: dict[str, Counter[str]], found: Found) -> None:
    """Count the row's ID and unique values in ``seen``; each already there is a duplicate."""
    for key, counts in seen.items():
        text = rid if key == "id" else clean_text(row.get(key))
        value = match_key(text) if text else ""
        if value:
            # get, not +=: a Counter's missing key costs a Python call, once per new ID
            count = counts[value] = counts.get(value, 0) + 1
            if count > 1:
                code = "duplicate_id" if key == "id" else "duplicate_value"
                found.append((key, code, False, {"value": clean_text(row.get(key))}))


def unknown_refs(
    model: RowModel, refs: list[tuple[str, str]], known: References, found: Found
) -> None:
    """Add to ``found`` each reference (column, ``sheet.column``) to a value no row has."""
    for key, ref in refs:
        value = getattr(model, key, None)
        if value and match_key_cached(value) not in known.targets(ref):
            target = known.titles[ref.partition(".")[0]]
            params: dict[str, object] = {"value": value, "sheet": target}
            new = known.renamed_to(ref, value)
            if new is not None:
                found.append((key, "renamed_ref", False, params | {"new": new}))
                continue
            closest = known.closest(ref, value)
            if closest is None:
                found.append((key, "unknown_ref", False, params))
            else:
                found.append((key, "unknown_ref_close", False, params | {"closest": closest}))


def formula_inputs(values: Values, row: Row, found: Found) -> Values:
    """The row's inputs with each formula a person typed read as its calculated value.

    Someone may type ``=1500+1000`` into a budget cell: the cell means 2500, the value
    the spreadsheet app calculated and saved. A formula with no calculated value saved
    (a file written by a program that does not calculate) goes to ``found``, naming
    the cell: the file needs to be opened and saved once.
    """
    read = dict(values)
    for key, value in values.items():
        if type(value) is not Formula:
            continue
        del read[key]
        if value.calculated:
            if not is_blank(value.value):
                read[key] = value.value
            continue
        cell = f"{column_letter(row.columns[key])}{row.number}" if key in row.columns else ""
        params: dict[str, object] = {"formula": value.text, "cell": cell}
        found.append((key, "formula_not_calculated", False, params))
    return read


# --- all of a sheet's checks, row by row ----------------------------------------------


class SheetChecks:
    """Every check of one rows sheet, run on each row as the sync walks it.

    What a check needs from the sheet (its model, its references, its dates) is
    worked out once here, so a row costs only its checks.
    """

    def __init__(
        self, sheet: Sheet, known: References, quarter: Quarter | None, lang: Lang
    ) -> None:
        self.sheet = sheet
        self.model_type = ROW_MODELS[sheet.key]
        self._validate = self.model_type.__pydantic_validator__.validate_python
        self._context = {"lang": lang}
        self._known = known
        self._seen = known.counters(sheet)
        self._refs = [(c.key, c.ref) for c in sheet.columns if c.ref]
        self._quarter = quarter
        self._dates = DATE_COLUMNS.get(sheet.key, ())
        self._row_check = ROW_CHECKS.get(sheet.key)
        self._found: Found = []  # one list, emptied after each row that fills it

    def check(
        self, row: Row, rid: str | None, values: Values, problems: list[Problem]
    ) -> RowModel | None:
        """The row's model (None when a cell does not parse); its problems go to ``problems``."""
        model: RowModel | None
        found = self._found  # this row's findings beyond its model
        typed: Collection[str | None] = ()  # the columns holding a formula a person typed
        # the types compared in C: a generator would cost a call per cell of every row
        if Formula in map(type, values.values()):
            values = formula_inputs(values, row, found)
            typed = {column for column, *_ in found}
        try:
            model = self._validate(values, context=self._context)
        except ValidationError as error:
            model = None
            problems.extend(
                p for p in model_problems(self.sheet, row, rid, error) if p.column not in typed
            )
            partial = self._partial(values, error)
        count_repeats(row, rid, self._seen, found)
        checked = model if model is not None else partial
        if self._refs:
            unknown_refs(checked, self._refs, self._known, found)
        quarter = self._quarter
        if quarter is not None and self._dates:
            outside_quarter(checked, self._dates, quarter, found)
        if model is not None and self._row_check is not None:
            self._row_check(values, model, found)
        elif self.sheet.key == "initiatives":
            text_amounts(values, checked, found)
        if found:
            key, number = self.sheet.key, row.number
            problems.extend(
                Problem(key, number, rid, column, code, params, warning)
                for column, code, warning, params in found
            )
            found.clear()
        return model

    def _partial(self, values: Values, error: ValidationError) -> RowModel:
        """The row's cells that did parse, on a model left incomplete: what every check
        of a single cell still needs, so a row's problems are all found at once."""
        failed = {str(item["loc"][0]) for item in error.errors() if item["loc"]}
        partial = self.model_type.model_construct()
        for key, value in values.items():
            if key in failed or key not in self.model_type.model_fields:
                continue
            try:
                self.model_type.__pydantic_validator__.validate_assignment(
                    partial, key, value, context=self._context
                )
            except ValidationError:
                continue
        return partial
