"""Next quarter's roadmap from this quarter's final review. Pure: no I/O, no clock.

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
from typing import cast

from sheets_sync.core.budget import BudgetChoice, resolve_budget
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.i18n import format_amount, message
from sheets_sync.core.layout import Business, Lang, Layout, load_layout
from sheets_sync.core.models import FocusArea, Goal, Initiative, Review
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


def _decisions(
    roadmap: Roadmap, default: str | None, layout: Layout
) -> dict[str, tuple[str, bool, Review | None]]:
    """Each focus area's decision (by normalised name), whether defaulted, and its review."""
    reviews = {match_key(r.focus_area): r for r in roadmap.reviews}
    found: dict[str, tuple[str, bool, Review | None]] = {}
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


def _value(amount: float, unit: str, lang: Lang) -> str:
    """A goal's value as people write it: 0.9%, 2,150 (no trailing zeros)."""
    text = format_amount(amount * 100 if unit == "percent" else amount, lang)
    point = "," if lang == "ru" else "."
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text + ("%" if unit == "percent" else "")


def _goal_summary(goals: list[Goal], lang: Lang) -> str | None:
    texts = [
        message(
            "goal_summary",
            lang,
            metric=g.metric,
            baseline=_value(g.baseline, g.unit, lang),
            current=_value(g.current, g.unit, lang)
            if g.current is not None
            else message("no_value", lang),
            target=_value(g.target, g.unit, lang),
        )
        for g in goals
    ]
    return message("separator", lang).join(texts) or None


class _Builder:
    """Builds the new quarter's rows sheet by sheet, collecting the report as it goes."""

    def __init__(self, roadmap: Roadmap, target: Quarter, layout: Layout) -> None:
        self.roadmap, self.target, self.layout = roadmap, target, layout
        self.lang = roadmap.lang
        self.source = roadmap.quarter

    def label(self, choices: str, key: str) -> str:
        return self.layout.choice_label(choices, key, self.lang)

    def shift(self, day: dt.date) -> dt.date:
        return shift_date(day, self.source, self.target)

    def focus_area(self, area: FocusArea, decision: str, review: Review | None) -> Row:
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
        spent = item.actual or 0.0
        planned_now = round(max(item.planned - spent, 0.0), 2)
        status = "not_started" if item.status == "blocked" else item.status
        quarter = self.source.name
        notes = _join(
            item.notes,
            message(
                "carried_initiative",
                self.lang,
                quarter=quarter,
                planned=float(item.planned),
                spent=float(spent),
            ),
            message("was_blocked", self.lang, quarter=quarter)
            if item.status == "blocked"
            else None,
        )
        start = self.shift(item.start) if item.start else None
        due = self.shift(item.due)
        row: Row = {
            "id": item.id,
            "focus_area": item.focus_area,
            "title": item.title,
            "owner": item.owner,
            "start": start,
            "due": due,
            "status": self.label("status", status),
            "planned": planned_now,
            "actual": None,
            "roi_evidence": item.roi_evidence,
            "notes": notes,
        }
        carried = CarriedInitiative(
            item.id,
            item.title,
            item.focus_area,
            item.status,
            status,
            item.planned,
            spent,
            planned_now,
            start,
            due,
        )
        return row, carried

    def goal(self, goal: Goal) -> tuple[Row, GoalReset]:
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


def carry_over(
    roadmap: Roadmap,
    budget: BudgetChoice,
    *,
    default_decision: str | None = None,
    layout: Layout | None = None,
) -> Carry:
    """The next quarter of ``roadmap``: options, content for ``build_plan``, and a report.

    Raises :class:`IncompleteReview` when a focus area has no final decision and
    no ``default_decision`` is given.
    """
    layout = layout or load_layout()
    if default_decision is not None and default_decision not in DECISIONS:
        raise SheetsSyncError(
            f"“{default_decision}” is not a decision.", f"Use one of {', '.join(DECISIONS)}."
        )
    source = roadmap.quarter
    target = source.next()
    decisions = _decisions(roadmap, default_decision, layout)
    build = _Builder(roadmap, target, layout)
    lang = roadmap.lang

    def decision_of(area_name: str) -> str:
        return decisions[match_key(area_name)][0]

    initiatives_by_area: dict[str, list[Initiative]] = {}
    for item in roadmap.initiatives:
        initiatives_by_area.setdefault(match_key(item.focus_area), []).append(item)
    goals_by_area: dict[str, list[Goal]] = {}
    for goal in roadmap.goals:
        goals_by_area.setdefault(match_key(goal.focus_area), []).append(goal)

    areas: list[AreaOutcome] = []
    content: Content = {key: [] for key in ("focus_areas", "initiatives", "goals", "review")}
    history: list[Row] = [
        {
            "id": h.id,
            "quarter": h.quarter,
            "focus_area": h.focus_area,
            "decision": build.label("decision", h.decision),
            "reason": h.reason,
            "notes": h.notes,
            "goals": h.goals,
            "planned": h.planned,
            "spent": h.spent,
        }
        for h in roadmap.history
    ]
    report = CarryReport(
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
        areas=areas,
    )

    for area in roadmap.focus_areas:
        key = match_key(area.name)
        decision, defaulted, review = decisions[key]
        mine = initiatives_by_area.get(key, [])
        planned = round(sum(i.planned for i in mine), 2)
        spent = round(sum(i.actual or 0.0 for i in mine), 2)
        areas.append(
            AreaOutcome(
                area.name,
                area.id,
                decision,
                defaulted,
                review.reason if review else None,
                review.final_notes if review else None,
                planned,
                spent,
            )
        )
        history.append(
            {
                "quarter": source.name,
                "focus_area": area.name,
                "decision": build.label("decision", decision),
                "reason": review.reason if review else None,
                "notes": review.final_notes if review else None,
                "goals": _goal_summary(goals_by_area.get(key, []), lang),
                "planned": planned,
                "spent": spent,
            }
        )
        if decision not in CARRIED:
            continue
        content["focus_areas"].append(build.focus_area(area, decision, review))
        content["review"].append({"focus_area": area.name})
        for goal in goals_by_area.get(key, []):
            row, reset = build.goal(goal)
            content["goals"].append(row)
            report.goals_to_reset.append(reset)

    carried_ids: set[str] = set()
    for item in roadmap.initiatives:
        decision = decision_of(item.focus_area)
        if decision in CARRIED and item.status != "done":
            row, carried = build.initiative(item)
            content["initiatives"].append(row)
            report.initiatives_carried.append(carried)
            carried_ids.add(match_key(item.id or ""))
        else:
            why = "done" if item.status == "done" else decision
            report.initiatives_left.append(
                LeftInitiative(item.id, item.title, item.focus_area, item.status, why)
            )
    by_id = {match_key(i.id or ""): i for i in roadmap.initiatives}

    hypotheses: list[Row] = []
    for hypothesis in roadmap.hypotheses:
        if decision_of(hypothesis.focus_area) not in CARRIED:
            continue
        link, note = hypothesis.initiative, None
        if link and match_key(link) not in carried_ids:
            stayed = by_id.get(match_key(link))
            status = build.label("status", stayed.status) if stayed else "?"
            note = message(
                "initiative_stayed", lang, value=link, quarter=source.name, status=status
            )
            link = None
        hypotheses.append(
            {
                "id": hypothesis.id,
                "focus_area": hypothesis.focus_area,
                "initiative": link,
                "statement": hypothesis.statement,
                "metric": hypothesis.metric,
                "result": build.label("result", hypothesis.result),
                "notes": _join(hypothesis.notes, note),
            }
        )
    content["hypotheses"] = hypotheses
    report.hypotheses_carried = len(hypotheses)
    content["owners"] = [
        {"id": o.id, "name": o.name, "email": o.email, "role": o.role, "reporting": o.reporting}
        for o in roadmap.owners
    ]
    report.owners_carried = len(roadmap.owners)
    content["history"] = history

    overview = roadmap.overview
    options = Options(
        quarter=target,
        business=cast(Business, overview.business),
        lang=lang,
        quarter_budget=report.budget.amount,
        annual_budget=report.budget.annual,
        scope_threshold=overview.scope_threshold,
        due_soon_days=overview.due_soon_days,
        source=f"{source.name} · {roadmap.location}",
    )
    return Carry(options, content, report)
