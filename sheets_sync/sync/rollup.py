"""Budget rollups per focus area and for the quarter. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sheets_sync.core import rules
from sheets_sync.core.models import FocusArea, Initiative
from sheets_sync.core.parsing import match_key_cached


@dataclass(frozen=True)
class NotCounted:
    """Money on initiatives whose rows have problems: left out of the totals, and said so."""

    planned: float = 0.0
    actual: float = 0.0
    rows: int = 0


@dataclass(frozen=True)
class FocusRollup:
    """One focus area's money: what is planned, spent and left, and its flags."""

    focus_area: str
    planned: float
    actual: float
    cap: float | None
    unplanned: float | None  # cap − planned: what the cap leaves to plan (rules.unplanned)
    quarter_share: float | None
    annual_share: float | None
    budget_flag: str
    scope_flag: str | None
    not_counted: NotCounted = field(default_factory=NotCounted)  # see sync/uncounted.py

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QuarterRollup:
    planned: float
    actual: float
    budget: float | None
    unplanned: float | None  # budget − planned (rules.unplanned)
    budget_flag: str
    not_counted: NotCounted = field(default_factory=NotCounted)
    # money on rows naming a focus area that Focus areas does not have, by that name
    unknown_areas: tuple[tuple[str, NotCounted], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["unknown_areas"] = {name: asdict(money) for name, money in self.unknown_areas}
        return data


@dataclass
class _Sums:
    planned: float = 0.0
    actual: float = 0.0
    roi_backed: bool = True  # every initiative with money planned has ROI evidence


class BudgetTally:
    """Planned and actual money summed per focus area, one valid initiative at a time.

    Adding as rows go by keeps no initiative around: a sync of 50,000 rows holds
    one small record per focus area.
    """

    def __init__(self) -> None:
        self._areas: dict[str, _Sums] = {}
        self._total = _Sums()

    def add(self, item: Initiative) -> None:
        area = self._areas.get(match_key_cached(item.focus_area))
        if area is None:
            area = self._areas[match_key_cached(item.focus_area)] = _Sums()
        actual = item.actual or 0.0
        for sums in (area, self._total):
            sums.planned += item.planned
            sums.actual += actual
        if item.planned > 0 and not item.roi_evidence:
            area.roi_backed = False

    def result(
        self,
        areas: Iterable[FocusArea],
        *,
        quarter_budget: float | None,
        annual_budget: float | None,
        scope_threshold: float,
    ) -> tuple[list[FocusRollup], QuarterRollup]:
        """Each of ``areas`` with its sums and flags, and the quarter's total."""
        result = []
        for area in areas:
            sums = self._areas.get(match_key_cached(area.name), _Sums())
            planned, actual = sums.planned, sums.actual
            share = rules.annual_share(planned, annual_budget)
            result.append(
                FocusRollup(
                    focus_area=area.name,
                    planned=planned,
                    actual=actual,
                    cap=area.budget_cap,
                    unplanned=rules.unplanned(area.budget_cap, planned),
                    quarter_share=planned / quarter_budget if quarter_budget else None,
                    annual_share=share,
                    budget_flag=rules.budget_flag(
                        planned=planned, actual=actual, cap=area.budget_cap
                    ),
                    scope_flag=rules.scope_flag(
                        share=share, threshold=scope_threshold, backed_by_roi=sums.roi_backed
                    ),
                )
            )
        planned, actual = self._total.planned, self._total.actual
        total = QuarterRollup(
            planned=planned,
            actual=actual,
            budget=quarter_budget,
            unplanned=rules.unplanned(quarter_budget, planned),
            budget_flag=rules.budget_flag(planned=planned, actual=actual, cap=quarter_budget),
        )
        return result, total
