"""Rows into models, and rows checked against each other. Pure: no I/O, no clock.

Every problem names its sheet, row, row ID and column and carries a message code
with parameters, so the sync can write it on the row in the workbook's language
and the JSON report can list it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.i18n import message
from sheets_sync.core.layout import Lang, Layout, Sheet
from sheets_sync.core.models import Overview, RowModel
from sheets_sync.core.parsing import clean_text, is_blank, match_key
from sheets_sync.sync.locate import Row, Table


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


@dataclass
class Parsed:
    """A sheet's rows: the model of each valid row, and every problem found."""

    table: Table
    # by row number; left empty when a sync walks the sheet without keeping them
    models: dict[int, RowModel] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    blank_rows: list[Row] = field(default_factory=list)  # only tool cells left
    rows: list[Row] = field(default_factory=list)

    def invalid_rows(self) -> set[int]:
        return {p.row for p in self.problems if not p.warning}

    def valid(self) -> list[tuple[Row, RowModel]]:
        bad = self.invalid_rows()
        return [
            (row, self.models[row.number])
            for row in self.rows
            if row.number in self.models and row.number not in bad
        ]


def model_problems(
    sheet: Sheet, row: Row, rid: str | None, error: ValidationError
) -> list[Problem]:
    """One problem per field pydantic rejected, its code the message to show.

    A field tried as an exact type first and then parsed fails twice; the parser's
    error says what the column expects. Any other error of pydantic's own becomes
    "required": the column expects something else.
    """
    by_field: dict[str | None, tuple[str, dict[str, Any]]] = {}
    for item in error.errors(include_url=False):
        column = str(item["loc"][0]) if item["loc"] else None
        code = "required" if item["type"] == "missing" else item["type"]
        params = dict(item.get("ctx") or {})
        if code not in _KNOWN:
            code, params = "required", {}
        if column not in by_field or by_field[column][0] == "required":
            by_field[column] = (code, params)
    return [
        Problem(sheet.key, row.number, rid, column, code, params)
        for column, (code, params) in by_field.items()
    ]


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
    fields = table.row_by_field()
    values = {key: row.get("value") for key, row in fields.items()}
    problems: list[Problem] = []
    model: Overview | None = None
    try:
        model = Overview.model_validate(
            {k: v for k, v in values.items() if not is_blank(v)}, context={"lang": lang}
        )
    except ValidationError as error:
        for item in error.errors(include_url=False):
            key = str(item["loc"][0])
            code = "required" if item["type"] == "missing" else item["type"]
            number = fields[key].number if key in fields else 0
            params = dict(item.get("ctx") or {})
            problems.append(Problem("overview", number, key, key, code, params))
    quarter = None
    if model is not None:
        if not 1 <= model.fiscal_year_start <= 12:
            problems.append(
                _field_problem(
                    fields, "fiscal_year_start", "month_range", value=model.fiscal_year_start
                )
            )
        else:
            quarter = Quarter.parse(model.quarter, model.fiscal_year_start)
        for key in ("quarter_budget", "annual_budget"):
            amount = getattr(model, key)
            if amount is not None and amount < 0:
                problems.append(_field_problem(fields, key, "negative_amount", value=amount))
    return OverviewParsed(table, fields, model if not problems else None, quarter, problems)


def _field_problem(fields: dict[str, Row], key: str, code: str, **params: Any) -> Problem:
    number = fields[key].number if key in fields else 0
    return Problem("overview", number, key, key, code, params)


def norm(text: str | None) -> str:
    """How values are matched across sheets (see :func:`~sheets_sync.core.parsing.match_key`)."""
    return match_key(text) if text else ""
