"""The flags of valid rows, decided by the rules in :mod:`sheets_sync.core.rules`.

An initiative's schedule, annual share and scope, a goal's progress and health, a
review's status, a checklist task's due date and status: each is worked out from
the row's model, the sync's ``as_of`` date and the Overview's settings, and
handed to the sink (choices as labels). Initiatives are tallied as they are
flagged; the flags of the sheets in :data:`DEFERRED` (a focus area's budget and
scope, an owner's open initiatives) need those totals and are set by
:func:`flag_totals` once every sheet has been walked. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sheets_sync.core import rules
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.measured import Measurements, chosen_current
from sheets_sync.core.models import (
    ChecklistRow,
    FocusArea,
    Goal,
    Initiative,
    Owner,
    Review,
    RowModel,
)
from sheets_sync.core.parsing import match_key_cached
from sheets_sync.sync.checks import Parsed
from sheets_sync.sync.locate import Row, Table
from sheets_sync.sync.measured import goal_measurement, seen_since, value_day
from sheets_sync.sync.rollup import BudgetTally, FocusRollup, QuarterRollup
from sheets_sync.sync.sink import Cells

# Their flags need the initiatives' totals, so their rows are flagged after those.
DEFERRED = frozenset({"focus_areas", "owners"})


@dataclass
class Flagging:
    """What rows are flagged against: the date, the quarter, the settings, the totals so far."""

    as_of: dt.date
    quarter: Quarter | None
    quarter_budget: float | None
    annual: float | None
    threshold: float
    due_soon: int
    stale_after: int = rules.STALE_AFTER_DAYS
    tally: BudgetTally = field(default_factory=BudgetTally)
    open_work: Counter[str] = field(default_factory=Counter)  # by owner's matched name
    measured: Measurements | None = None  # the run's metric values; None: none configured


RowFlags = Callable[[Cells, Table, Row, RowModel, Flagging], None]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _flag_initiative(cells: Cells, table: Table, row: Row, model: RowModel, ctx: Flagging) -> None:
    assert isinstance(model, Initiative)
    ctx.tally.add(model)
    if model.status != "done":
        ctx.open_work[match_key_cached(model.owner)] += 1
    share = rules.annual_share(model.planned, ctx.annual)
    schedule = rules.initiative_schedule(
        status=model.status,
        start=model.start,
        due=model.due,
        as_of=ctx.as_of,
        due_soon_days=ctx.due_soon,
    )
    cells.choice(table, row, "schedule", schedule)
    cells.put(table, row, "annual_share", _round(share))
    scope = rules.scope_flag(
        share=share, threshold=ctx.threshold, backed_by_roi=bool(model.roi_evidence)
    )
    cells.choice(table, row, "scope_flag", scope)


def _flag_goal(cells: Cells, table: Table, row: Row, model: RowModel, ctx: Flagging) -> None:
    assert isinstance(model, Goal)
    measurement = goal_measurement(cells, table, row, model, ctx.measured)
    seen = seen_since(cells, table, row, model.current, ctx.as_of)
    current, used = chosen_current(model.current, model.current_on, measurement)
    progress = rules.goal_progress(model.baseline, model.target, current, model.direction)
    cells.put(table, row, "progress", _round(progress))
    if ctx.quarter is not None:
        health = rules.goal_health(
            baseline=model.baseline,
            target=model.target,
            current=current,
            quarter_start=ctx.quarter.start,
            deadline=model.deadline,
            as_of=ctx.as_of,
            direction=model.direction,
            value_on=value_day(used, model.current_on or seen, measurement),
            stale_after_days=ctx.stale_after,
        )
        cells.choice(table, row, "health", health)
    cells.choice(table, row, "value_used", used if model.data_source else None)


def _flag_review(cells: Cells, table: Table, row: Row, model: RowModel, ctx: Flagging) -> None:
    assert isinstance(model, Review)
    if ctx.quarter is not None:
        status = rules.review_status(
            quarter=ctx.quarter,
            mid_decision=model.mid_decision,
            final_decision=model.final_decision,
            as_of=ctx.as_of,
        )
        cells.choice(table, row, "review_status", status)


def _flag_checklist(cells: Cells, table: Table, row: Row, model: RowModel, ctx: Flagging) -> None:
    assert isinstance(model, ChecklistRow)
    if ctx.quarter is not None:
        due = ctx.quarter.week_end(model.due_week)
        cells.put(table, row, "due", due)
        status = rules.checklist_status(
            done=model.done == "yes", due=due, as_of=ctx.as_of, due_soon_days=ctx.due_soon
        )
        cells.choice(table, row, "due_status", status)


# The flags set on a valid row as its sheet is walked, by sheet.
FLAGS: dict[str, RowFlags] = {
    "initiatives": _flag_initiative,
    "goals": _flag_goal,
    "review": _flag_review,
    "checklist": _flag_checklist,
}


def flag_totals(
    cells: Cells, focus: Parsed, owners: Parsed, ctx: Flagging
) -> tuple[list[FocusRollup], QuarterRollup]:
    """The budget rollups, and the flags that waited for the initiatives' totals.

    Each valid focus area gets its budget and scope flag, each valid owner the
    number of initiatives they have open.
    """
    areas = focus.valid()
    rollups, total = ctx.tally.result(
        [m for _, m in areas if isinstance(m, FocusArea)],
        quarter_budget=ctx.quarter_budget,
        annual_budget=ctx.annual,
        scope_threshold=ctx.threshold,
    )
    by_name = {match_key_cached(r.focus_area): r for r in rollups}
    for row, model in areas:
        assert isinstance(model, FocusArea)
        rollup = by_name[match_key_cached(model.name)]
        cells.choice(focus.table, row, "budget_flag", rollup.budget_flag)
        cells.choice(focus.table, row, "scope_flag", rollup.scope_flag)
    for row, model in owners.valid():
        assert isinstance(model, Owner)
        count = ctx.open_work.get(match_key_cached(model.name), 0)
        cells.put(owners.table, row, "open_initiatives", count)
    return rollups, total
