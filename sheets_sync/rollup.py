"""Budget rollups per focus area and for the quarter. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from . import rules
from .models import FocusArea, Initiative


def name_key(name: str) -> str:
    """How a focus area's name is matched: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class FocusRollup:
    """One focus area's money: what is planned, spent and left, and its flags."""

    focus_area: str
    planned: float
    actual: float
    cap: float | None
    remaining: float | None  # cap - actual
    quarter_share: float | None
    annual_share: float | None
    budget_flag: str
    scope_flag: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QuarterRollup:
    planned: float
    actual: float
    budget: float | None
    unplanned: float | None  # budget - planned
    budget_flag: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def roll_up(
    areas: Iterable[FocusArea],
    initiatives: Iterable[Initiative],
    *,
    quarter_budget: float | None,
    annual_budget: float | None,
    scope_threshold: float,
) -> tuple[list[FocusRollup], QuarterRollup]:
    """Sum planned and actual budget of ``initiatives`` per focus area in ``areas``."""
    items = list(initiatives)
    by_area: dict[str, list[Initiative]] = {}
    for item in items:
        by_area.setdefault(name_key(item.focus_area), []).append(item)
    result = []
    for area in areas:
        mine = by_area.get(name_key(area.name), [])
        planned = sum(i.planned for i in mine)
        actual = sum(i.actual or 0.0 for i in mine)
        share = rules.annual_share(planned, annual_budget)
        result.append(
            FocusRollup(
                focus_area=area.name,
                planned=planned,
                actual=actual,
                cap=area.budget_cap,
                remaining=None if area.budget_cap is None else area.budget_cap - actual,
                quarter_share=planned / quarter_budget if quarter_budget else None,
                annual_share=share,
                budget_flag=rules.budget_flag(planned=planned, actual=actual, cap=area.budget_cap),
                scope_flag=rules.scope_flag(
                    share=share,
                    threshold=scope_threshold,
                    backed_by_roi=all(i.roi_evidence for i in mine if i.planned > 0),
                ),
            )
        )
    planned = sum(i.planned for i in items)
    actual = sum(i.actual or 0.0 for i in items)
    total = QuarterRollup(
        planned=planned,
        actual=actual,
        budget=quarter_budget,
        unplanned=None if quarter_budget is None else quarter_budget - planned,
        budget_flag=rules.budget_flag(planned=planned, actual=actual, cap=quarter_budget),
    )
    return result, total
