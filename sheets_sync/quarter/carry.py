"""Carry-over: next quarter's roadmap from this quarter's final review. Pure: no I/O, no clock.

``carry_over`` turns a :class:`~sheets_sync.quarter.read_back.Roadmap` into the
new quarter's options and rows (for ``build_plan``) and a
:class:`~sheets_sync.quarter.carry_report.CarryReport` of what moved and what stayed.

Per focus area, the final decision says what moves forward:

- **continue**: the area carries over with its unfinished initiatives;
- **adjust**: it carries over too, marked “Adjusted: revisit” with the review's notes;
- **scrap**: it stays behind and is recorded on the History sheet with the reason;
- **complete**: it stays behind and is recorded on the History sheet as achieved.

Rules for what carries, chosen so nothing moves silently:

- An unfinished initiative keeps its ID, owner and texts; its dates keep their
  place in the quarter (same day offset from the start, a quarter-end date stays
  at the end, clamped into the new quarter). What was left of its plan
  (planned − spent, at least 0) is its new planned budget and its spend starts
  empty; a note says what was planned and spent before. A blocked initiative
  restarts as “Not started” with a note, so the blocker is looked at again; any
  other status is kept. Done initiatives stay behind.
- A goal's final current value becomes its baseline (it keeps the old baseline
  without one), its target is kept and also recorded as “Last quarter's
  target”, which makes the sync ask for a new target until it differs.
- Hypotheses of carried areas keep their result; a link to an initiative that
  stayed behind is cleared, with a note. All owners carry over.
- The Review starts fresh, one row per carried area; the checklist is the new
  quarter's for the business model; History keeps every earlier decision and
  adds this quarter's.
- The new quarter's budget comes from the budget choice; money not spent in the
  source quarter is reported per focus area, never added to the new budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar, cast

from sheets_sync.core.budget import BudgetChoice, QuarterBudget, resolve_budget
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.i18n import format_goal_value, message
from sheets_sync.core.layout import Business, Lang, Layout, load_layout
from sheets_sync.core.models import (
    FocusArea,
    Goal,
    HistoryEntry,
    Hypothesis,
    Initiative,
    Owner,
    Review,
)
from sheets_sync.core.parsing import match_key
from sheets_sync.errors import IncompleteReview, SheetsSyncError
from sheets_sync.quarter.carry_report import (
    AreaOutcome,
    CarriedInitiative,
    CarryReport,
    GoalReset,
    LeftInitiative,
)
from sheets_sync.quarter.new_plan import Content, Options
from sheets_sync.quarter.read_back import Roadmap

DECISIONS = ("continue", "adjust", "scrap", "complete")
CARRIED = ("continue", "adjust")
Row = dict[str, CellValue]
Decisions = dict[str, tuple[str, bool, Review | None]]  # by area: decision, defaulted, review
T = TypeVar("T", Initiative, Goal)


@dataclass(frozen=True)
class Carry:
    """The new quarter: its options, its rows per sheet, and what happened."""

    options: Options
    content: Content
    report: CarryReport


def shift_date(day: dt.date, source: Quarter, target: Quarter) -> dt.date:
    """``day`` at the same place in ``target`` as it had in ``source``."""
    if day >= source.end:
        return target.end
    if day <= source.start:
        return target.start
    return min(target.start + (day - source.start), target.end)


def _join(*texts: str | None) -> str | None:
    parts = [t for t in texts if t]
    return "\n".join(parts) if parts else None


def _decisions(roadmap: Roadmap, default: str | None, layout: Layout) -> Decisions:
    """Each focus area's decision (by normalised name), whether defaulted, and its review."""
    reviews = {match_key(r.focus_area): r for r in roadmap.reviews}
    found: Decisions = {}
    missing: list[str] = []
    for area in roadmap.focus_areas:
        review = reviews.get(match_key(area.name))
        decision = review.final_decision if review else None
        if decision:
            found[match_key(area.name)] = (decision, False, review)
        elif default:
            found[match_key(area.name)] = (default, True, review)
        else:
            missing.append(area.name)
    if missing:
        lang = roadmap.lang
        labels = ", ".join(layout.choice_label("decision", d, lang) for d in DECISIONS)
        sheet, column = roadmap.review_titles
        raise IncompleteReview(
            f"the final review of {roadmap.quarter} has no decision for {len(missing)} focus "
            f"area(s): {', '.join(missing)}; no workbook was written.",
            f"Pick {labels} in “{column}” on the sheet “{sheet}”, "
            "or run with --default-decision continue|adjust|scrap|complete.",
        )
    return found


def _goal_summary(goals: list[Goal], lang: Lang) -> str | None:
    texts = [
        message(
            "goal_summary",
            lang,
            metric=g.metric,
            baseline=format_goal_value(g.baseline, g.unit, lang),
            current=format_goal_value(g.current, g.unit, lang)
            if g.current is not None
            else message("no_value", lang),
            target=format_goal_value(g.target, g.unit, lang),
        )
        for g in goals
    ]
    return message("separator", lang).join(texts) or None


def _by_area(items: tuple[T, ...]) -> dict[str, list[T]]:
    """``items`` grouped by their focus area's normalised name, in order."""
    grouped: dict[str, list[T]] = {}
    for item in items:
        grouped.setdefault(match_key(item.focus_area), []).append(item)
    return grouped


class _Builder:
    """The new quarter's rows, one row (and what the report says of it) at a time."""

    def __init__(self, roadmap: Roadmap, decisions: Decisions, layout: Layout) -> None:
        self.roadmap, self.decisions, self.layout = roadmap, decisions, layout
        self.lang = roadmap.lang
        self.source = roadmap.quarter
        self.target = self.source.next()
        self.initiatives_by_area = _by_area(roadmap.initiatives)
        self.goals_by_area = _by_area(roadmap.goals)

    def label(self, choices: str, key: str) -> str:
        return self.layout.choice_label(choices, key, self.lang)

    def shift(self, day: dt.date) -> dt.date:
        return shift_date(day, self.source, self.target)

    def decision_of(self, area_name: str) -> str:
        return self.decisions[match_key(area_name)][0]

    def carries(self, area_name: str) -> bool:
        return self.decision_of(area_name) in CARRIED

    def goals_of(self, area_name: str) -> list[Goal]:
        return self.goals_by_area.get(match_key(area_name), [])

    def outcome(self, area: FocusArea) -> AreaOutcome:
        """The area's decision, and what was planned and spent on it this quarter."""
        decision, defaulted, review = self.decisions[match_key(area.name)]
        mine = self.initiatives_by_area.get(match_key(area.name), [])
        return AreaOutcome(
            area.name,
            area.id,
            decision,
            defaulted,
            review.reason if review else None,
            review.final_notes if review else None,
            round(sum(i.planned for i in mine), 2),
            round(sum(i.actual or 0.0 for i in mine), 2),
        )

    def focus_area(self, area: FocusArea) -> Row:
        decision, _, review = self.decisions[match_key(area.name)]
        marker = "continued" if decision == "continue" else "revisit"
        return {
            "id": area.id,
            "name": area.name,
            "annual_goal": area.annual_goal,
            "kpi": area.kpi,
            "persona": area.persona,
            "budget_cap": area.budget_cap,
            "carried_over": self.label("carried", marker),
            "review_notes": _join(review.final_notes, review.reason) if review else None,
        }

    def initiative(self, item: Initiative) -> tuple[Row, CarriedInitiative]:
        """An unfinished initiative in the new quarter: what is left of its plan, dates shifted."""
        spent = item.actual or 0.0
        carried = CarriedInitiative(
            item.id,
            item.title,
            item.focus_area,
            status_before=item.status,
            status_now="not_started" if item.status == "blocked" else item.status,
            planned_before=item.planned,
            spent_before=spent,
            planned_now=round(max(item.planned - spent, 0.0), 2),
            start=self.shift(item.start) if item.start else None,
            due=self.shift(item.due),
        )
        row: Row = {
            "id": item.id,
            "focus_area": item.focus_area,
            "title": item.title,
            "owner": item.owner,
            "start": carried.start,
            "due": carried.due,
            "status": self.label("status", carried.status_now),
            "planned": carried.planned_now,
            "actual": None,
            "roi_evidence": item.roi_evidence,
            "notes": self.initiative_notes(item, spent),
        }
        return row, carried

    def initiative_notes(self, item: Initiative, spent: float) -> str | None:
        """Its notes, what was planned and spent before, and whether it was blocked."""
        quarter = self.source.name
        before = message(
            "carried_initiative",
            self.lang,
            quarter=quarter,
            planned=float(item.planned),
            spent=float(spent),
        )
        blocked = item.status == "blocked"
        was_blocked = message("was_blocked", self.lang, quarter=quarter) if blocked else None
        return _join(item.notes, before, was_blocked)

    def goal(self, goal: Goal) -> tuple[Row, GoalReset]:
        """The final value as the new baseline; the target kept, and kept as last quarter's."""
        baseline = goal.current if goal.current is not None else goal.baseline
        row: Row = {
            "id": goal.id,
            "focus_area": goal.focus_area,
            "kpi": goal.kpi,
            "metric": goal.metric,
            "unit": self.label("unit", goal.unit),
            "baseline": baseline,
            "target": goal.target,
            "previous_target": goal.target,
            "current": None,
            "deadline": self.shift(goal.deadline),
            "data_source": goal.data_source,
        }
        reset = GoalReset(
            goal.id, goal.focus_area, goal.metric, goal.baseline, baseline, goal.target
        )
        return row, reset

    def hypothesis(
        self, hypothesis: Hypothesis, carried_ids: set[str], carried_goals: set[str]
    ) -> Row:
        """A hypothesis kept with its result; a link to an initiative or goal left behind is
        cleared."""
        link, note = hypothesis.initiative, None
        if link and match_key(link) not in carried_ids:
            note = self.link_cleared(link)
            link = None
        goal = hypothesis.goal if match_key(hypothesis.goal or "") in carried_goals else None
        return {
            "id": hypothesis.id,
            "focus_area": hypothesis.focus_area,
            "initiative": link,
            "goal": goal,
            "statement": hypothesis.statement,
            "expected": hypothesis.expected,
            "metric": hypothesis.metric,
            "test_method": hypothesis.test_method,
            "result": self.label("result", hypothesis.result),
            "notes": _join(hypothesis.notes, note),
        }

    def link_cleared(self, link: str) -> str:
        """The note on a hypothesis whose initiative stayed behind, with that one's status."""
        by_id = {match_key(i.id or ""): i for i in self.roadmap.initiatives}
        stayed = by_id.get(match_key(link))
        status = self.label("status", stayed.status) if stayed else "?"
        return message(
            "initiative_stayed", self.lang, value=link, quarter=self.source.name, status=status
        )

    def earlier_history(self, entry: HistoryEntry) -> Row:
        return {
            "id": entry.id,
            "quarter": entry.quarter,
            "focus_area": entry.focus_area,
            "decision": self.label("decision", entry.decision),
            "reason": entry.reason,
            "notes": entry.notes,
            "goals": entry.goals,
            "planned": entry.planned,
            "spent": entry.spent,
        }

    def history(self, outcome: AreaOutcome) -> Row:
        """This quarter's History row for one focus area: its decision, goals and money."""
        return {
            "quarter": self.source.name,
            "focus_area": outcome.focus_area,
            "decision": self.label("decision", outcome.decision),
            "reason": outcome.reason,
            "notes": outcome.notes,
            "goals": _goal_summary(self.goals_of(outcome.focus_area), self.lang),
            "planned": outcome.planned,
            "spent": outcome.spent,
        }


def _owner(owner: Owner) -> Row:
    return {
        "id": owner.id,
        "name": owner.name,
        "email": owner.email,
        "role": owner.role,
        "reporting": owner.reporting,
    }


def _check_default_decision(default_decision: str | None) -> None:
    if default_decision is not None and default_decision not in DECISIONS:
        raise SheetsSyncError(
            f"“{default_decision}” is not a decision.", f"Use one of {', '.join(DECISIONS)}."
        )


def _report(roadmap: Roadmap, budget: BudgetChoice, target: Quarter) -> CarryReport:
    """The report, its budget resolved for ``target``, before any area is decided."""
    source = roadmap.quarter
    return CarryReport(
        source=roadmap.location,
        source_quarter=source.name,
        quarter=target.name,
        budget=resolve_budget(
            budget,
            target,
            source_annual=roadmap.overview.annual_budget,
            same_year=target.year == source.year,
        ),
        source_budget=roadmap.overview.quarter_budget,
        areas=[],
    )


def _initiatives(build: _Builder, report: CarryReport) -> list[Row]:
    """The unfinished initiatives of carried areas; the report lists every other as left."""
    rows: list[Row] = []
    for item in build.roadmap.initiatives:
        decision = build.decision_of(item.focus_area)
        if decision in CARRIED and item.status != "done":
            row, carried = build.initiative(item)
            rows.append(row)
            report.initiatives_carried.append(carried)
        else:
            why = "done" if item.status == "done" else decision
            report.initiatives_left.append(
                LeftInitiative(item.id, item.title, item.focus_area, item.status, why)
            )
    return rows


def _options(
    roadmap: Roadmap, target: Quarter, budget: QuarterBudget, metrics: tuple[str, ...]
) -> Options:
    """The new quarter's Overview: the budget chosen, the rest as the source had it."""
    overview = roadmap.overview
    return Options(
        quarter=target,
        business=cast(Business, overview.business),
        lang=roadmap.lang,
        quarter_budget=budget.amount,
        annual_budget=budget.annual,
        scope_threshold=overview.scope_threshold,
        due_soon_days=overview.due_soon_days,
        stale_after_days=overview.stale_after_days,
        source=f"{roadmap.quarter.name} · {roadmap.location}",
        currency=overview.currency,
        metrics=metrics,
    )


def carry_over(
    roadmap: Roadmap,
    budget: BudgetChoice,
    *,
    default_decision: str | None = None,
    layout: Layout | None = None,
    metrics: tuple[str, ...] = (),
) -> Carry:
    """The next quarter of ``roadmap``: options, content for ``build_plan``, and a report.

    ``metrics`` are the configured metric names the new goals' Data source
    dropdown offers (none: no dropdown), as ``generate`` offers them.

    Raises :class:`IncompleteReview` when a focus area has no final decision and
    no ``default_decision`` is given.
    """
    layout = layout or load_layout()
    _check_default_decision(default_decision)
    build = _Builder(roadmap, _decisions(roadmap, default_decision, layout), layout)
    report = _report(roadmap, budget, build.target)
    report.areas.extend(build.outcome(area) for area in roadmap.focus_areas)
    carried = [area for area in roadmap.focus_areas if build.carries(area.name)]
    initiatives = _initiatives(build, report)
    goals = [build.goal(goal) for area in carried for goal in build.goals_of(area.name)]
    report.goals_to_reset.extend(reset for _, reset in goals)
    carried_ids = {match_key(i.id or "") for i in report.initiatives_carried}
    carried_goals = {match_key(str(row["id"])) for row, _ in goals}
    hypotheses = [
        build.hypothesis(h, carried_ids, carried_goals)
        for h in roadmap.hypotheses
        if build.carries(h.focus_area)
    ]
    report.hypotheses_carried = len(hypotheses)
    report.owners_carried = len(roadmap.owners)
    content: Content = {
        "focus_areas": [build.focus_area(area) for area in carried],
        "initiatives": initiatives,
        "goals": [row for row, _ in goals],
        "review": [{"focus_area": area.name} for area in carried],
        "hypotheses": hypotheses,
        "owners": [_owner(owner) for owner in roadmap.owners],
        "history": [build.earlier_history(h) for h in roadmap.history]
        + [build.history(outcome) for outcome in report.areas],
    }
    return Carry(_options(roadmap, build.target, report.budget, metrics), content, report)
