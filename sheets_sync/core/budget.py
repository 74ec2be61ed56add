"""Splitting the annual plan into quarter budgets. Pure: plain numbers in and out.

The four quarter budgets of a year always add up to the annual budget to the
cent: each quarter gets its weighted share rounded to cents, and the last
quarter takes what rounding left over. Both ``plan-year`` and ``next-quarter``
use the same split, so a year planned with weights and a year carried over
quarter by quarter with the same weights end with the same budgets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sheets_sync.core.calendar import Quarter
from sheets_sync.errors import SheetsSyncError

EQUAL = (1.0, 1.0, 1.0, 1.0)


def parse_weights(text: str) -> tuple[float, float, float, float]:
    """``30,25,25,20`` (or ``30 25 25 20``, ``30;25;25;20``) → four weights.

    Weights are relative: 30,25,25,20 and 0.3,0.25,0.25,0.2 split alike.
    """
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        numbers = [float(p.rstrip("%")) for p in parts]
    except ValueError:
        numbers = []
    if (
        len(numbers) != 4
        or any(not math.isfinite(n) or n < 0 for n in numbers)
        or not sum(numbers) > 0
    ):
        raise SheetsSyncError(
            f"“{text}” is not four quarter weights.",
            "Give four numbers that are zero or more, one per quarter, e.g. 30,25,25,20.",
        )
    return numbers[0], numbers[1], numbers[2], numbers[3]


def split_annual(annual: float, weights: tuple[float, ...] | None = None) -> list[float]:
    """The four quarter budgets of ``annual``, weighted, adding up to ``annual`` exactly."""
    weights = weights or EQUAL
    total = sum(weights)
    shares = [round(annual * w / total, 2) for w in weights[:3]]
    return [*shares, round(annual - sum(shares), 2)]


@dataclass(frozen=True)
class BudgetChoice:
    """What the lead asked for: a quarter budget, or an annual budget to split."""

    quarter_budget: float | None = None
    annual_budget: float | None = None
    weights: tuple[float, ...] | None = None


@dataclass(frozen=True)
class QuarterBudget:
    """The new quarter's budget, the annual budget it belongs to, and where it came from."""

    amount: float
    annual: float | None
    basis: str  # for people: how the amount was arrived at


def resolve_budget(
    choice: BudgetChoice, quarter: Quarter, *, source_annual: float | None, same_year: bool
) -> QuarterBudget:
    """The budget of ``quarter``.

    An explicit quarter budget wins. Otherwise the annual budget (given, or the
    source workbook's when ``quarter`` is in the same fiscal year) is split by
    the weights. Last year's annual budget is never assumed for a new fiscal
    year: that is a new plan, and the lead gives it.
    """
    annual = choice.annual_budget
    annual_from = "as given"
    if annual is None and same_year and source_annual:
        annual, annual_from = source_annual, "from the source workbook"
    if choice.quarter_budget is not None:
        return QuarterBudget(choice.quarter_budget, annual, "as given")
    if annual is None:
        year_note = (
            f" {quarter} starts fiscal year {quarter.year}, so last year's annual budget "
            "is not reused."
            if not same_year
            else ""
        )
        raise SheetsSyncError(
            f"no budget for {quarter}.{year_note}",
            "Give --budget, or --annual-budget (split by --weights, equal by default).",
        )
    weights = choice.weights or EQUAL
    amount = split_annual(annual, weights)[quarter.number - 1]
    share = weights[quarter.number - 1] / sum(weights)
    basis = f"{share * 100:.4g}% of the annual budget of {annual:,.2f}, {annual_from}"
    return QuarterBudget(amount, annual, basis)
