import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.core import rules
from sheets_sync.core.calendar import Quarter

D = dt.date
Q = Quarter(2027, 1)


@pytest.mark.parametrize(
    ("status", "start", "due", "as_of", "expected"),
    [
        ("done", None, D(2027, 1, 10), D(2027, 3, 1), "done"),
        ("in_progress", None, D(2027, 1, 10), D(2027, 1, 11), "overdue"),
        ("in_progress", None, D(2027, 1, 10), D(2027, 1, 3), "due_soon"),
        ("in_progress", None, D(2027, 3, 10), D(2027, 1, 3), "on_track"),
        ("not_started", None, D(2027, 3, 10), D(2027, 1, 3), "not_started"),
        ("in_progress", D(2027, 2, 1), D(2027, 3, 10), D(2027, 1, 3), "not_started"),
        ("blocked", None, D(2027, 1, 10), D(2027, 1, 10), "due_soon"),
    ],
)
def test_initiative_schedule(status: str, start: D | None, due: D, as_of: D, expected: str) -> None:
    assert (
        rules.initiative_schedule(status=status, start=start, due=due, as_of=as_of, due_soon_days=7)
        == expected
    )


def _health(current: float | None, as_of: D, value_on: D | None, days: int = 14) -> str:
    return rules.goal_health(
        baseline=0.0075,
        target=0.015,
        current=current,
        quarter_start=Q.start,
        deadline=Q.end,
        as_of=as_of,
        value_on=value_on,
        stale_after_days=days,
    )


@pytest.mark.parametrize(
    ("current", "as_of", "expected"),
    [
        (None, D(2027, 2, 1), "no_data"),
        (0.015, D(2027, 1, 5), "achieved"),
        (0.0075, D(2027, 1, 3), "on_track"),  # barely started, nothing expected yet
        (0.0112, D(2027, 2, 14), "on_track"),  # half the time, half the way
        (0.0095, D(2027, 2, 14), "at_risk"),
        (0.0075, D(2027, 2, 14), "off_track"),
        (0.0140, D(2027, 4, 1), "off_track"),  # deadline passed short of target
    ],
)
def test_goal_health(current: float | None, as_of: D, expected: str) -> None:
    assert _health(current, as_of, value_on=None) == expected


def test_goal_health_for_a_falling_target() -> None:
    # cost per lead from 100 down to 80: 90 halfway is on track
    assert (
        rules.goal_health(
            baseline=100,
            target=80,
            current=90,
            quarter_start=Q.start,
            deadline=Q.end,
            as_of=Q.mid_review,
        )
        == "on_track"
    )


@pytest.mark.parametrize(
    ("current", "value_on", "expected"),
    [
        (0.0075, D(2027, 2, 1), "stale"),  # 15 days old, and far behind: stale, not off track
        (0.0075, D(2027, 2, 2), "off_track"),  # 14 days old: still counts
        (0.0112, D(2027, 1, 1), "stale"),  # on track by its value, but the value is old
        (0.0150, D(2027, 1, 1), "achieved"),  # a target reached stays reached
        (0.0075, None, "off_track"),  # a value of unknown date is not called stale
        (0.0075, D(2027, 3, 1), "off_track"),  # a date ahead of the sync's is not old
    ],
)
def test_goal_health_with_an_old_value(current: float, value_on: D | None, expected: str) -> None:
    assert _health(current, D(2027, 2, 16), value_on) == expected


def test_a_value_read_by_the_deadline_does_not_go_stale_after_it() -> None:
    deadline = Q.end
    read = deadline - dt.timedelta(days=3)
    assert _health(0.0075, deadline + dt.timedelta(days=60), read) == "off_track"
    old = deadline - dt.timedelta(days=20)
    assert _health(0.0075, deadline + dt.timedelta(days=60), old) == "stale"


@given(
    age=st.integers(-30, 120),
    days=st.integers(0, 90),
    current=st.floats(0.0, 0.0149),
    as_of=st.dates(Q.start, Q.end),
)
def test_stale_exactly_when_older_than_the_setting(
    age: int, days: int, current: float, as_of: D
) -> None:
    value_on = as_of - dt.timedelta(days=age)
    health = _health(current, as_of, value_on, days)
    assert (health == "stale") == (age > days)
    if age <= days:  # a fresh value is judged by its progress as before
        assert health == _health(current, as_of, None, days)


@given(value_on=st.dates(D(2026, 1, 1), D(2028, 1, 1)), as_of=st.dates(Q.start, D(2027, 12, 1)))
def test_staleness_only_grows_with_the_date(value_on: D, as_of: D) -> None:
    def stale(day: D) -> bool:
        return rules.value_stale(value_on, deadline=Q.end, as_of=day, stale_after_days=14)

    if stale(as_of):
        assert stale(as_of + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("planned", "actual", "cap", "expected"),
    [
        (100, 0, None, "no_cap"),
        (80, 10, 100, "within"),
        (90, 10, 100, "near_cap"),
        (50, 101, 100, "over_cap"),
        (0, 0, 0, "within"),
        (1, 0, 0, "over_cap"),
    ],
)
def test_budget_flag(planned: float, actual: float, cap: float | None, expected: str) -> None:
    assert rules.budget_flag(planned=planned, actual=actual, cap=cap) == expected


def test_scope_flag_follows_the_seed_example() -> None:
    share = rules.annual_share(50000, 100000)
    assert rules.scope_flag(share=share, threshold=0.25, backed_by_roi=False) == "review"
    assert rules.scope_flag(share=share, threshold=0.25, backed_by_roi=True) == "roi_backed"
    assert rules.scope_flag(share=0.25, threshold=0.25, backed_by_roi=False) is None
    assert rules.scope_flag(share=None, threshold=0.25, backed_by_roi=False) is None


@pytest.mark.parametrize(
    ("mid", "final", "as_of", "expected"),
    [
        (None, None, D(2027, 1, 20), "upcoming"),
        (None, None, D(2027, 2, 14), "mid_due"),
        ("continue", None, D(2027, 2, 20), "upcoming"),
        ("continue", None, D(2027, 3, 17), "final_due"),
        (None, None, D(2027, 4, 2), "final_overdue"),
        (None, "scrap", D(2027, 4, 2), "decided"),
    ],
)
def test_review_status(mid: str | None, final: str | None, as_of: D, expected: str) -> None:
    assert (
        rules.review_status(quarter=Q, mid_decision=mid, final_decision=final, as_of=as_of)
        == expected
    )


def test_checklist_status() -> None:
    due = D(2027, 1, 21)
    assert (
        rules.checklist_status(done=True, due=due, as_of=D(2027, 3, 1), due_soon_days=7) == "done"
    )
    assert (
        rules.checklist_status(done=False, due=due, as_of=D(2027, 1, 22), due_soon_days=7)
        == "overdue"
    )
    assert (
        rules.checklist_status(done=False, due=due, as_of=D(2027, 1, 14), due_soon_days=7)
        == "due_soon"
    )
    assert (
        rules.checklist_status(done=False, due=due, as_of=D(2027, 1, 1), due_soon_days=7) == "open"
    )
