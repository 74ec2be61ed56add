"""The Overview sheet read: the workbook's language, and its settings checked.

The Overview is a sheet of fields (one per row, found by its hidden key), not of
rows: its settings (the quarter, the budgets, the thresholds) are read into one
:class:`~sheets_sync.core.models.Overview`, and a field that does not parse or
is out of range is a :class:`~sheets_sync.sync.checks.Problem` on its row.
Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import Formula
from sheets_sync.core.formulas import column_letter
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.core.models import Overview
from sheets_sync.core.parsing import clean_text, is_blank
from sheets_sync.sync.checks import Problem, field_errors
from sheets_sync.sync.locate import Row, Table


@dataclass
class OverviewParsed:
    """The overview's fields, its model when valid, and its problems."""

    table: Table
    fields: dict[str, Row]
    model: Overview | None
    quarter: Quarter | None
    problems: list[Problem]


def overview_language(table: Table, layout: Layout, fallback: Lang | None = None) -> Lang:
    """The workbook's language from the overview; ``fallback`` or English when unreadable."""
    row = table.row_by_field().get("language")
    text = clean_text(row.get("value")) if row else None
    key = layout.parse_choice("language", text) if text else None
    if key in layout.languages:
        return key
    return fallback or "en"


def parse_overview(table: Table, lang: Lang) -> OverviewParsed:
    """The Overview's fields read into its model, and every problem with them.

    A field that does not parse is a problem, and so is each field that parses but
    is out of range, whatever the other fields hold.
    """
    fields = table.row_by_field()
    filled = {key: row.get("value") for key, row in fields.items()}
    filled = {key: value for key, value in filled.items() if not is_blank(value)}
    problems = _formulas_read(table, fields, filled)
    typed = {p.column for p in problems}
    model: Overview | None = None
    try:
        model = Overview.model_validate(filled, context={"lang": lang})
    except ValidationError as error:
        for key, (code, params) in field_errors(error).items():
            if key not in typed:
                problems.append(_field_problem(fields, str(key), code, **params))
    rejected = {p.column for p in problems}
    ranged = {key: _field(model, key, filled, lang) for key in _RANGED if key not in rejected}
    quarter = None
    month = ranged.get("fiscal_year_start")
    if month is not None and not 1 <= month <= 12:
        problems.append(_field_problem(fields, "fiscal_year_start", "month_range", value=month))
    elif model is not None:
        quarter = Quarter.parse(model.quarter, model.fiscal_year_start)
    for key in ("quarter_budget", "annual_budget"):
        amount = ranged.get(key)
        if amount is not None and amount < 0:
            problems.append(_field_problem(fields, key, "negative_amount", value=amount))
    return OverviewParsed(table, fields, model if not problems else None, quarter, problems)


def _formulas_read(table: Table, fields: dict[str, Row], filled: dict[str, Any]) -> list[Problem]:
    """Each setting typed as a formula read as its calculated value, in ``filled``; a
    formula with none saved is a problem naming its cell (as on the row sheets)."""
    problems: list[Problem] = []
    column = table.columns.get("value")
    for key, value in list(filled.items()):
        if type(value) is not Formula or key not in Overview.model_fields:
            continue
        del filled[key]
        if value.calculated:
            if not is_blank(value.value):
                filled[key] = value.value
            continue
        cell = f"{column_letter(column)}{fields[key].number}" if column else ""
        problems.append(
            _field_problem(fields, key, "formula_not_calculated", formula=value.text, cell=cell)
        )
    return problems


# The fields with a range to check beyond what their type takes.
_RANGED = ("fiscal_year_start", "quarter_budget", "annual_budget")


def _field(model: Overview | None, key: str, filled: dict[str, Any], lang: Lang) -> Any:
    """A field's value: the model's, or (when another field failed) its own parse."""
    if model is not None:
        return getattr(model, key)
    if key not in filled:
        return None
    try:
        return _adapter(key).validate_python(filled[key], context={"lang": lang})
    except ValidationError:
        return None


@cache
def _adapter(key: str) -> TypeAdapter[Any]:
    return TypeAdapter(Overview.model_fields[key].rebuild_annotation())


def _field_problem(fields: dict[str, Row], key: str, code: str, **params: Any) -> Problem:
    number = fields[key].number if key in fields else 0
    return Problem("overview", number, key, key, code, params)
