"""The review report's content as plain data: what a mid-quarter or final review shows.

``build_review`` turns a roadmap read back (:mod:`sheets_sync.quarter.read_back`)
and an ``as_of`` date into a :class:`ReviewReport`. Every number comes from the
rules the sync uses (the same budget tally, the same goal progress and health,
the same checklist status), so the review never disagrees with the workbook; the
final review's carry-over preview is :func:`~sheets_sync.quarter.carry.carry_over`
itself, run without writing anything. Lists that could grow with the roadmap
(overdue initiatives, hypotheses, overdue checklist items) keep their first
:data:`SHOWN` entries and their full count, so a 10,000-row roadmap still fits a
page. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from sheets_sync.core import rules
from sheets_sync.core.budget import BudgetChoice
from sheets_sync.core.checklist import Checklist
from sheets_sync.core.layout import Lang
from sheets_sync.core.measured import Measurement, chosen_current
from sheets_sync.core.models import ChecklistRow, Goal, Initiative
from sheets_sync.core.parsing import match_key
from sheets_sync.quarter.carry import carry_over
from sheets_sync.quarter.carry_report import CarryReport
from sheets_sync.quarter.read_back import Roadmap
from sheets_sync.sync.rollup import BudgetTally

Kind = Literal["mid", "final"]
KINDS: tuple[Kind, ...] = ("mid", "final")
SHOWN = 20  # entries a growing list shows; the rest are counted
T = TypeVar("T")


@dataclass(frozen=True)
class Listed(Generic[T]):
    """The first entries of a list that may be long, and how many there are in all."""

    shown: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def _listed(items: Iterable[T]) -> Listed[T]:
    items = list(items)
    return Listed(tuple(items[:SHOWN]), len(items))


@dataclass(frozen=True)
class AreaBudget:
    """A focus area's money: planned, spent, its cap, and the variance (planned − spent)."""

    name: str
    planned: float
    spent: float
    cap: float | None
    budget_flag: str

    @property
    def variance(self) -> float:
        """Planned minus spent: positive when less was spent than planned."""
        return self.planned - self.spent


@dataclass(frozen=True)
class QuarterBudgetLine:
    planned: float
    spent: float
    budget: float | None
    budget_flag: str

    @property
    def unspent(self) -> float | None:
        """The quarter's budget minus what was spent, without a budget None."""
        return None if self.budget is None else self.budget - self.spent


@dataclass(frozen=True)
class GoalLine:
    """A goal from baseline through its current value to its target."""

    id: str | None
    focus_area: str
    metric: str
    unit: str
    baseline: float
    current: float | None
    target: float
    progress: float | None
    health: str
    measured_on: dt.date | None  # the day the value used was true
    value_used: str | None  # typed / measured


@dataclass(frozen=True)
class OverdueInitiative:
    id: str | None
    title: str
    focus_area: str
    owner: str
    due: dt.date


@dataclass(frozen=True)
class HypothesisLine:
    id: str | None
    focus_area: str
    statement: str
    result: str


@dataclass(frozen=True)
class ChecklistLine:
    item: str
    owner: str | None
    due: dt.date


@dataclass(frozen=True)
class AreaNotes:
    """The mid-quarter review of one focus area."""

    focus_area: str
    notes: str | None
    decision: str | None


@dataclass(frozen=True)
class AreaDecision:
    """The final review of one focus area, and what it leaves unspent."""

    focus_area: str
    decision: str | None
    reason: str | None
    notes: str | None
    unspent: float  # planned − spent, negative when overspent


@dataclass(frozen=True)
class ReviewReport:
    """One review of one quarter, as of a day."""

    kind: Kind
    as_of: dt.date
    lang: Lang
    location: str
    quarter: str
    theme: str
    business: str
    currency: str | None
    areas: tuple[AreaBudget, ...]
    total: QuarterBudgetLine
    goals: tuple[GoalLine, ...]
    initiatives_by_status: dict[str, int]
    overdue: Listed[OverdueInitiative]
    hypotheses_by_result: dict[str, int]
    hypotheses: Listed[HypothesisLine]
    checklist_by_status: dict[str, int]  # done / open / due_soon / overdue
    checklist_overdue: Listed[ChecklistLine]
    mid_notes: tuple[AreaNotes, ...]  # the mid-quarter kind only
    decisions: tuple[AreaDecision, ...]  # the final kind only
    carry: CarryReport | None  # the final kind with every area decided
    undecided: tuple[str, ...]  # the final kind: areas with no decision yet


def default_kind(roadmap: Roadmap, as_of: dt.date) -> Kind:
    """The final review from its date on (two weeks before the end), the mid one before."""
    return "final" if as_of >= roadmap.quarter.final_review else "mid"


def _budget(roadmap: Roadmap) -> tuple[tuple[AreaBudget, ...], QuarterBudgetLine]:
    """The sync's own tally of the initiatives, per area and for the quarter."""
    tally = BudgetTally()
    for item in roadmap.initiatives:
        tally.add(item)
    overview = roadmap.overview
    rollups, total = tally.result(
        roadmap.focus_areas,
        quarter_budget=overview.quarter_budget,
        annual_budget=overview.annual_budget,
        scope_threshold=overview.scope_threshold,
    )
    areas = tuple(
        AreaBudget(r.focus_area, r.planned, r.actual, r.cap, r.budget_flag) for r in rollups
    )
    return areas, QuarterBudgetLine(total.planned, total.actual, total.budget, total.budget_flag)


def _goal(
    goal: Goal,
    measurements: Mapping[str, Measurement],
    seen: Mapping[str, dt.date],
    roadmap: Roadmap,
    as_of: dt.date,
) -> GoalLine:
    key = match_key(goal.id or "")
    measured = measurements.get(key)
    current, used = chosen_current(goal.current, goal.current_on, measured)
    on = (
        (goal.current_on or seen.get(key)) if used == "typed" else measured.on if measured else None
    )
    return GoalLine(
        goal.id,
        goal.focus_area,
        goal.metric,
        goal.unit,
        goal.baseline,
        current,
        goal.target,
        rules.goal_progress(goal.baseline, goal.target, current, goal.direction),
        rules.goal_health(
            baseline=goal.baseline,
            target=goal.target,
            current=current,
            quarter_start=roadmap.quarter.start,
            deadline=goal.deadline,
            as_of=as_of,
            direction=goal.direction,
            value_on=on,
            stale_after_days=roadmap.overview.stale_after_days,
        ),
        on,
        used,
    )


def _initiatives(
    items: Sequence[Initiative], as_of: dt.date, due_soon: int
) -> tuple[dict[str, int], Listed[OverdueInitiative]]:
    """Initiatives counted by status, and the overdue ones, the longest overdue first."""
    overdue = [
        OverdueInitiative(i.id, i.title, i.focus_area, i.owner, i.due)
        for i in items
        if rules.initiative_schedule(
            status=i.status, start=i.start, due=i.due, as_of=as_of, due_soon_days=due_soon
        )
        == "overdue"
    ]
    overdue.sort(key=lambda o: o.due)
    return dict(Counter(i.status for i in items)), _listed(overdue)


def _checklist(
    rows: Sequence[ChecklistRow], roadmap: Roadmap, as_of: dt.date
) -> tuple[dict[str, int], Listed[ChecklistLine]]:
    """Checklist tasks counted by status (as the sync flags them), and the overdue ones."""
    counts: Counter[str] = Counter()
    overdue = []
    for row in rows:
        due = roadmap.quarter.week_end(row.due_week)
        status = rules.checklist_status(
            done=row.done == "yes",
            due=due,
            as_of=as_of,
            due_soon_days=roadmap.overview.due_soon_days,
        )
        counts[status] += 1
        if status == "overdue":
            overdue.append(ChecklistLine(row.item, row.owner, due))
    return {s: counts[s] for s in ("done", "open", "due_soon", "overdue")}, _listed(overdue)


def _reviews(roadmap: Roadmap) -> dict[str, tuple[str | None, str | None, str | None, str | None]]:
    """Each area's mid notes, mid decision, final decision and reason, by normalised name."""
    return {
        match_key(r.focus_area): (r.mid_notes, r.mid_decision, r.final_decision, r.reason)
        for r in roadmap.reviews
    }


def _final(
    roadmap: Roadmap, areas: Sequence[AreaBudget]
) -> tuple[tuple[AreaDecision, ...], CarryReport | None, tuple[str, ...]]:
    """Each area's decision, the carry-over preview, and the areas still undecided."""
    notes = {match_key(r.focus_area): r for r in roadmap.reviews}
    decisions = []
    for area in areas:
        review = notes.get(match_key(area.name))
        decisions.append(
            AreaDecision(
                area.name,
                review.final_decision if review else None,
                review.reason if review else None,
                review.final_notes if review else None,
                round(area.planned - area.spent, 2),
            )
        )
    undecided = tuple(d.focus_area for d in decisions if d.decision is None)
    carry = None
    if not undecided:  # what next-quarter would do, at this quarter's budget
        budget = BudgetChoice(quarter_budget=roadmap.overview.quarter_budget)
        carry = carry_over(roadmap, budget).report
    return tuple(decisions), carry, undecided


def build_review(
    roadmap: Roadmap,
    *,
    as_of: dt.date,
    checklist_rows: Sequence[ChecklistRow],
    checklist: Checklist,
    measured: Mapping[str, Measurement] | None = None,
    seen_on: Mapping[str, dt.date] | None = None,
    kind: Kind | None = None,
) -> ReviewReport:
    """The review of ``roadmap`` on ``as_of``; ``kind`` defaults from the date.

    ``measured``: each goal's measured value as the workbook holds it, by goal ID;
    ``seen_on``: the day the sync first found each goal's typed Current, by goal ID
    (what dates a Current typed without its "as of" date).
    """
    kind = kind or default_kind(roadmap, as_of)
    measured = measured or {}
    seen_on = seen_on or {}
    areas, total = _budget(roadmap)
    by_status, overdue = _initiatives(roadmap.initiatives, as_of, roadmap.overview.due_soon_days)
    tasks, late_tasks = _checklist(checklist_rows, roadmap, as_of)
    hypotheses = [
        HypothesisLine(h.id, h.focus_area, h.statement, h.result) for h in roadmap.hypotheses
    ]
    reviews = _reviews(roadmap)
    mid = tuple(
        AreaNotes(a.name, *reviews.get(match_key(a.name), (None, None, None, None))[:2])
        for a in areas
    )
    decisions, carry, undecided = _final(roadmap, areas) if kind == "final" else ((), None, ())
    return ReviewReport(
        kind=kind,
        as_of=as_of,
        lang=roadmap.lang,
        location=roadmap.location,
        quarter=roadmap.quarter.name,
        theme=checklist.theme(roadmap.quarter).theme.get(roadmap.lang),
        business=roadmap.overview.business,
        currency=roadmap.overview.currency,
        areas=areas,
        total=total,
        goals=tuple(_goal(g, measured, seen_on, roadmap, as_of) for g in roadmap.goals),
        initiatives_by_status=by_status,
        overdue=overdue,
        hypotheses_by_result=dict(Counter(h.result for h in hypotheses)),
        hypotheses=_listed(hypotheses),
        checklist_by_status=tasks,
        checklist_overdue=late_tasks,
        mid_notes=mid if kind == "mid" else (),
        decisions=decisions,
        carry=carry,
        undecided=undecided,
    )
