"""The Overview sheet read: the workbook's language, and its settings checked.

The Overview is a sheet of fields (one per row, found by its hidden key), not of
rows: its settings (the quarter, the budgets, the thresholds) are read into one
:class:`~sheets_sync.core.models.Overview`, and a field that does not parse or
is out of range is a :class:`~sheets_sync.sync.checks.Problem` on its row.
Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.core.models import Overview
from sheets_sync.core.parsing import clean_text, is_blank
from sheets_sync.sync.checks import Problem
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
    """The Overview's fields read into its model, and every problem with them."""
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
