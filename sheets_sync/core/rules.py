"""Status flags: pure functions of plain values and an ``as_of`` date."""

from __future__ import annotations

import datetime as dt

from sheets_sync.core.calendar import Quarter, elapsed_share

NEAR_CAP = 0.9  # spending at 90% of a cap or more is "near cap"
ON_TRACK_GAP = 0.10  # a goal this far behind the elapsed share is still on track
AT_RISK_GAP = 0.25  # ... and up to this far behind, at risk
STALE_AFTER_DAYS = 14  # a goal's value older than this is stale (the Goals note: "every two weeks")


def initiative_schedule(
    *, status: str, start: dt.date | None, due: dt.date, as_of: dt.date, due_soon_days: int
) -> str:
    """not_started / on_track / due_soon / overdue / done.

    Done wins; then an open initiative past its due date is overdue, and one due
    within ``due_soon_days`` is due soon; otherwise it has not started when its
    status says so or its start date is ahead, and is on track.
    """
    if status == "done":
        return "done"
    if as_of > due:
        return "overdue"
    if (due - as_of).days <= due_soon_days:
        return "due_soon"
    if status == "not_started" or (start is not None and as_of < start):
        return "not_started"
    return "on_track"


def goal_progress(
    baseline: float, target: float, current: float | None, direction: str | None = None
) -> float | None:
    """Share of the way from baseline to target (may be negative or above 1).

    The way runs in the goal's direction: for a lower-is-better goal (its target
    below its baseline) a fall is progress and a rise takes it back, which the one
    ratio says for both directions. A target that lies against the stated
    direction has no way to go: no progress.
    """
    if current is None or target == baseline or direction_conflict(baseline, target, direction):
        return None
    return (current - baseline) / (target - baseline)


def goal_direction(baseline: float, target: float, stated: str | None = None) -> str:
    """higher / lower: whether the goal gains as its value rises or as it falls.

    A goal may state its direction (cost per lead, CAC: lower is better); one that
    does not is read from where its target lies from its baseline.
    """
    if stated is not None:
        return stated
    return "lower" if target < baseline else "higher"


def direction_conflict(baseline: float, target: float, stated: str | None) -> bool:
    """True when the target moves away from the baseline against the stated direction."""
    return stated is not None and target != baseline and goal_direction(baseline, target) != stated


def value_stale(
    value_on: dt.date | None, *, deadline: dt.date, as_of: dt.date, stale_after_days: int
) -> bool:
    """True when a goal's value was true more than ``stale_after_days`` days ago.

    The age is counted up to ``as_of``, or up to the deadline once it has passed:
    a value read on the deadline does not go stale after it. A value of unknown
    date is never called stale.
    """
    if value_on is None:
        return False
    return (min(as_of, deadline) - value_on).days > stale_after_days


def goal_health(
    *,
    baseline: float,
    target: float,
    current: float | None,
    quarter_start: dt.date,
    deadline: dt.date,
    as_of: dt.date,
    direction: str | None = None,
    value_on: dt.date | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> str:
    """on_track / at_risk / off_track / achieved / stale, or no_data without a current value.

    Progress is compared with the share of time gone from the quarter's start to
    the goal's deadline: a goal halfway through its time should be about halfway
    to its target. After the deadline, anything short of the target is off track.
    A goal short of its target whose value is stale (:func:`value_stale`, from
    ``value_on``, the day the value was true) is stale instead: how it stands is
    not known until the value is updated.
    """
    progress = goal_progress(baseline, target, current, direction)
    if progress is None:
        return "no_data"
    if progress >= 1:
        return "achieved"
    if value_stale(value_on, deadline=deadline, as_of=as_of, stale_after_days=stale_after_days):
        return "stale"
    if as_of > deadline:
        return "off_track"
    gap = elapsed_share(quarter_start, deadline, as_of) - progress
    if gap <= ON_TRACK_GAP:
        return "on_track"
    if gap <= AT_RISK_GAP:
        return "at_risk"
    return "off_track"


def budget_flag(*, planned: float, actual: float, cap: float | None) -> str:
    """within / near_cap / over_cap against ``cap``, or no_cap when none is set."""
    if cap is None:
        return "no_cap"
    spend = max(planned, actual)
    if spend > cap:
        return "over_cap"
    if cap > 0 and spend >= NEAR_CAP * cap:
        return "near_cap"
    return "within"


def unplanned(cap: float | None, planned: float) -> float | None:
    """What a cap leaves to plan: cap − planned (negative when planned is over it).

    The one definition of the money "not yet planned" under a quarter budget or a
    focus area's cap; the workbook's formulas say the same (core/formulas.py).
    """
    return None if cap is None else cap - planned


def annual_share(amount: float, annual_budget: float | None) -> float | None:
    if not annual_budget:
        return None
    return amount / annual_budget


def scope_flag(*, share: float | None, threshold: float, backed_by_roi: bool) -> str | None:
    """review when an amount takes more than ``threshold`` of the annual budget.

    The seed's rule: one initiative eating a large share of the annual budget is
    reviewed for scope unless ROI data backs it (then roi_backed).
    """
    if share is None or share <= threshold:
        return None
    return "roi_backed" if backed_by_roi else "review"


def review_status(
    *, quarter: Quarter, mid_decision: str | None, final_decision: str | None, as_of: dt.date
) -> str:
    """Where a focus area's review stands on ``as_of``."""
    if final_decision:
        return "decided"
    if as_of > quarter.end:
        return "final_overdue"
    if as_of >= quarter.final_review:
        return "final_due"
    if as_of >= quarter.mid_review and not mid_decision:
        return "mid_due"
    return "upcoming"


def checklist_status(*, done: bool, due: dt.date, as_of: dt.date, due_soon_days: int) -> str:
    """open / due_soon / overdue / done for a checklist item."""
    if done:
        return "done"
    if as_of > due:
        return "overdue"
    if (due - as_of).days <= due_soon_days:
        return "due_soon"
    return "open"
