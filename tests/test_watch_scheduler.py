"""The cadence: intervals, daily times in a zone across DST, due order."""

from __future__ import annotations

import datetime as dt

import pytest
import schedule

from sheets_sync.jobs import ScheduleConfig
from sheets_sync.jobs.scheduler import Plan

UTC = dt.UTC


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _plan(**schedule_options: str) -> Plan:
    return Plan(ScheduleConfig(**schedule_options), ["a", "b"], lambda name: None)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # An ordinary day: 08:00 Moscow is 05:00 UTC.
        ("2025-05-01T04:59:00+00:00", "2025-05-01T05:00:00+00:00"),
        ("2025-05-01T05:00:00+00:00", "2025-05-02T05:00:00+00:00"),
    ],
)
def test_daily_at_in_a_zone(after: str, expected: str) -> None:
    plan = _plan(daily_at="08:00", timezone="Europe/Moscow")
    assert plan.next_regular("a", _at(after)) == _at(expected)


def test_daily_at_stays_at_local_time_across_dst() -> None:
    plan = _plan(daily_at="08:00", timezone="Europe/Berlin")
    before = plan.next_regular("a", _at("2025-03-29T12:00:00+00:00"))
    after = plan.next_regular("a", before)
    assert before == _at("2025-03-30T06:00:00+00:00")  # 08:00 CEST, the day clocks go forward
    assert after == _at("2025-03-31T06:00:00+00:00")
    autumn = plan.next_regular("a", _at("2025-10-25T12:00:00+00:00"))
    assert autumn == _at("2025-10-26T07:00:00+00:00")  # 08:00 CET


def test_a_time_in_the_spring_gap_runs_once_just_after_it() -> None:
    plan = _plan(daily_at="02:30", timezone="Europe/Berlin")
    gap_day = plan.next_regular("a", _at("2025-03-29T12:00:00+00:00"))
    assert gap_day == _at("2025-03-30T01:30:00+00:00")  # 03:30 CEST
    assert plan.next_regular("a", gap_day) == _at("2025-03-31T00:30:00+00:00")


def test_a_time_in_the_repeated_autumn_hour_runs_once() -> None:
    plan = _plan(daily_at="02:30", timezone="Europe/Berlin")
    first = plan.next_regular("a", _at("2025-10-25T12:00:00+00:00"))
    assert first == _at("2025-10-26T00:30:00+00:00")  # the first 02:30 (CEST)
    assert plan.next_regular("a", first) == _at("2025-10-27T01:30:00+00:00")


@pytest.mark.parametrize(
    ("every", "minutes"), [("15 minutes", 15), ("1 hour", 60), ("90 minutes", 90), ("1 day", 1440)]
)
def test_intervals(every: str, minutes: int) -> None:
    start = _at("2025-05-01T05:00:00+00:00")
    assert _plan(every=every).next_regular("a", start) == start + dt.timedelta(minutes=minutes)


def test_jobs_are_schedule_jobs_tagged_by_workbook() -> None:
    plan = _plan(every="15 minutes")
    assert isinstance(plan.scheduler, schedule.Scheduler)
    assert [job.tags for job in plan.scheduler.get_jobs()] == [{"a"}, {"b"}]
    assert {(job.interval, job.unit) for job in plan.scheduler.get_jobs()} == {(15, "minutes")}


def test_due_is_most_overdue_first_then_config_order() -> None:
    plan = _plan(every="15 minutes")
    now = _at("2025-05-01T05:00:00+00:00")
    plan.set_due("b", now)
    plan.set_due("a", now)
    assert plan.due(now) == ["a", "b"]
    plan.set_due("b", now - dt.timedelta(minutes=1))
    assert plan.due(now) == ["b", "a"]
    plan.set_due("a", now + dt.timedelta(seconds=1))
    assert plan.due(now) == ["b"]
    assert plan.next_due() == now - dt.timedelta(minutes=1)
