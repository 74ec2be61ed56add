"""What next-quarter did, for the lead (text) and for programs (JSON).

Every focus area of the source appears once with its decision; every initiative
either moved forward or is listed as left behind with why; money that was not
spent is reported, never moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sheets_sync.core.budget import QuarterBudget


@dataclass(frozen=True)
class AreaOutcome:
    """One focus area's final decision and its money in the source quarter."""

    focus_area: str
    id: str | None
    decision: str  # continue / adjust / scrap / complete
    defaulted: bool  # the review had no decision; --default-decision filled it in
    reason: str | None
    notes: str | None
    planned: float
    spent: float

    @property
    def unspent(self) -> float:
        """Planned but not spent (negative when overspent)."""
        return round(self.planned - self.spent, 2)


@dataclass(frozen=True)
class CarriedInitiative:
    id: str | None
    title: str
    focus_area: str
    status_before: str
    status_now: str
    planned_before: float
    spent_before: float
    planned_now: float  # what was left of the plan, now planned in the new quarter
    start: dt.date | None
    due: dt.date


@dataclass(frozen=True)
class LeftInitiative:
    """An initiative that stays in the source quarter, and why."""

    id: str | None
    title: str
    focus_area: str
    status: str
    why: str  # "done", or the focus area's decision (scrap / complete)


@dataclass(frozen=True)
class GoalReset:
    """A carried goal: its final value is the new baseline, and its target needs re-setting."""

    id: str | None
    focus_area: str
    metric: str
    baseline_before: float
    baseline_now: float
    target: float


@dataclass
class CarryReport:
    """The outcome of turning one quarter's final review into the next quarter."""

    source: str
    source_quarter: str
    quarter: str
    budget: QuarterBudget
    source_budget: float
    areas: list[AreaOutcome]
    initiatives_carried: list[CarriedInitiative] = field(default_factory=list)
    initiatives_left: list[LeftInitiative] = field(default_factory=list)
    goals_to_reset: list[GoalReset] = field(default_factory=list)
    hypotheses_carried: int = 0
    owners_carried: int = 0
    out: str | None = None  # where the new workbook was written; None on a dry run

    def decided(self, decision: str) -> list[AreaOutcome]:
        return [a for a in self.areas if a.decision == decision]

    @property
    def carried(self) -> list[AreaOutcome]:
        return self.decided("continue")

    @property
    def adjusted(self) -> list[AreaOutcome]:
        return self.decided("adjust")

    @property
    def retired(self) -> list[AreaOutcome]:
        return self.decided("scrap")

    @property
    def achieved(self) -> list[AreaOutcome]:
        return self.decided("complete")

    @property
    def spent_total(self) -> float:
        return round(sum(a.spent for a in self.areas), 2)

    @property
    def unspent_total(self) -> float:
        """The source quarter's budget minus what was spent: reported, not moved."""
        return round(self.source_budget - self.spent_total, 2)

    @property
    def carried_planned(self) -> float:
        """What carried initiatives still need, planned against the new budget."""
        return round(sum(i.planned_now for i in self.initiatives_carried), 2)

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return {
            "source": self.source,
            "source_quarter": self.source_quarter,
            "quarter": self.quarter,
            "out": self.out,
            "budget": asdict(self.budget),
            "source_budget": self.source_budget,
            "spent_total": self.spent_total,
            "unspent_total": self.unspent_total,
            "carried_planned": self.carried_planned,
            "focus_areas": [{**asdict(a), "unspent": a.unspent} for a in self.areas],
            "initiatives_carried": [plain(asdict(i)) for i in self.initiatives_carried],
            "initiatives_left": [asdict(i) for i in self.initiatives_left],
            "goals_to_reset": [asdict(g) for g in self.goals_to_reset],
            "hypotheses_carried": self.hypotheses_carried,
            "owners_carried": self.owners_carried,
        }


def _money(value: float) -> str:
    return f"{value:,.2f}".removesuffix(".00")


AREA_TITLES = {
    "continue": "Carried over",
    "adjust": "Carried over, to revisit",
    "scrap": "Retired (scrapped)",
    "complete": "Achieved (completed)",
}


def _area_lines(report: CarryReport) -> list[str]:
    """The focus areas under their decision, each with its reason or notes."""
    lines = []
    for decision, title in AREA_TITLES.items():
        areas = report.decided(decision)
        if not areas:
            continue
        lines.append(f"  {title}:")
        for a in areas:
            why = a.reason or a.notes
            mark = " [default decision]" if a.defaulted else ""
            lines.append(f"    - {a.focus_area}{mark}{f': {why}' if why else ''}")
    return lines


def _row_lines(report: CarryReport) -> list[str]:
    """Initiatives carried and left, goals whose targets need setting, hypotheses, owners."""
    done = sum(1 for i in report.initiatives_left if i.why == "done")
    lines = [
        f"  Initiatives: {len(report.initiatives_carried)} carried over "
        f"({_money(report.carried_planned)} still planned), {done} done and left behind."
    ]
    dropped = [i for i in report.initiatives_left if i.why != "done"]
    for item in dropped:
        lines.append(f"    - not carried ({item.why}): {item.id or ''} {item.title}".rstrip())
    if report.goals_to_reset:
        lines.append(
            f"  Goals: {len(report.goals_to_reset)} carried with their final value as the new "
            "baseline; set their targets for the new quarter:"
        )
        for g in report.goals_to_reset:
            lines.append(f"    - {g.id or ''} {g.metric} ({g.focus_area})")
    lines.append(
        f"  Hypotheses carried: {report.hypotheses_carried}; owners carried: "
        f"{report.owners_carried}."
    )
    return lines


def _budget_lines(report: CarryReport) -> list[str]:
    """The new budget and where it came from; the source quarter's unspent money by area."""
    budget = report.budget
    lines = [
        f"  Budget {report.quarter}: {_money(budget.amount)}, {budget.basis}.",
        f"  Unspent in {report.source_quarter}: {_money(report.unspent_total)} of "
        f"{_money(report.source_budget)} (not moved into {report.quarter}):",
    ]
    for a in report.areas:
        lines.append(
            f"    {a.focus_area[:36]:<38}planned {_money(a.planned):>10}  spent "
            f"{_money(a.spent):>10}  unspent {_money(a.unspent):>10}"
        )
    return lines


def render_carry_text(report: CarryReport) -> str:
    """The summary the lead reads after next-quarter."""
    where = f"Created {report.out}" if report.out else "Dry run, nothing written"
    head = f"{where}: {report.quarter} from {report.source_quarter} ({report.source})"
    lines = [head, "", *_area_lines(report), "", *_row_lines(report), "", *_budget_lines(report)]
    return "\n".join(lines)
