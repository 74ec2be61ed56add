"""A goal's direction and its measured value: the rules, and what a sync writes for them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_sync.api import Measurement, sync_workbook
from sheets_sync.core import rules
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.measured import chosen_current, find_measurement

from .conftest import AS_OF, header_keys

D = dt.date
Q = Quarter(2027, 1)
GOALS = "SMART goals"
SESSIONS = "Organic sessions (GA4)"


@pytest.mark.parametrize(
    ("baseline", "target", "stated", "expected"),
    [(100, 80, None, "lower"), (80, 100, None, "higher"), (80, 100, "higher", "higher")],
)
def test_a_goals_direction_is_stated_or_read_from_its_target(
    baseline: float, target: float, stated: str | None, expected: str
) -> None:
    assert rules.goal_direction(baseline, target, stated) == expected


def test_progress_follows_the_direction() -> None:
    # cost per lead from 50 down to 40: 45 is halfway, 55 is a step back
    assert rules.goal_progress(50, 40, 45, "lower") == 0.5
    assert rules.goal_progress(50, 40, 55, "lower") == -0.5
    assert rules.goal_progress(50, 40, 38, "lower") == 1.2
    # a target against the stated direction measures nothing
    assert rules.goal_progress(50, 60, 55, "lower") is None
    assert rules.direction_conflict(50, 60, "lower") is True
    assert rules.direction_conflict(50, 60, None) is False


@pytest.mark.parametrize(
    ("current", "expected"),
    [(40, "achieved"), (45, "on_track"), (48, "off_track"), (52, "off_track")],
)
def test_health_of_a_lower_is_better_goal(current: float, expected: str) -> None:
    health = rules.goal_health(
        baseline=50,
        target=40,
        current=current,
        quarter_start=Q.start,
        deadline=Q.end,
        as_of=Q.mid_review,
        direction="lower",
    )
    assert health == expected


def test_the_newer_value_counts() -> None:
    measured = Measurement(120.0, D(2027, 2, 10))
    assert chosen_current(100.0, None, measured) == (120.0, "measured")
    assert chosen_current(100.0, D(2027, 2, 9), measured) == (120.0, "measured")
    assert chosen_current(100.0, D(2027, 2, 10), measured) == (100.0, "typed")
    assert chosen_current(None, None, measured) == (120.0, "measured")
    assert chosen_current(100.0, None, None) == (100.0, "typed")
    assert chosen_current(100.0, None, Measurement(None, None, "timed out")) == (100.0, "typed")
    assert chosen_current(None, None, None) == (None, None)


def test_a_metric_is_found_whatever_its_case_and_spacing() -> None:
    measured = {SESSIONS: Measurement(1.0, D(2027, 2, 1))}
    assert find_measurement(measured, "  organic SESSIONS (ga4)") == measured[SESSIONS]
    assert find_measurement(measured, "Sessions") is None


def _goal(path: Path, row: int, sheet: str = GOALS, **values: object) -> None:
    book = load_workbook(path)
    keys = header_keys(path)[sheet]
    for key, value in values.items():
        book[sheet].cell(row, keys[key]).value = value
    book.save(path)


def _read(path: Path, row: int, *keys: str, title: str = GOALS) -> dict[str, object]:
    columns = header_keys(path)[title]
    sheet = load_workbook(path)[title]
    return {key: sheet.cell(row, columns[key]).value for key in keys}


OUT = ("measured_value", "measured_on", "source_status", "progress", "health", "value_used")


def test_a_measured_goal_gets_its_value_day_progress_and_health(roadmap: Path) -> None:
    # GO-001: conversion rate from 0.75% to 1.5%, typed current 0.9%
    _goal(roadmap, 3, data_source=SESSIONS)
    measured = {SESSIONS: Measurement(0.0125, D(2027, 2, 14))}
    sync_workbook(roadmap, as_of=AS_OF, measured=measured)
    found = _read(roadmap, 3, "current", *OUT)
    assert found == {
        "current": 0.009,  # the marketer's cell is never overwritten
        "measured_value": 0.0125,
        "measured_on": dt.datetime(2027, 2, 14),
        "source_status": "OK",
        "progress": pytest.approx(0.0050 / 0.0075),
        "health": "On track",
        "value_used": "Measured value",
    }
    again = sync_workbook(roadmap, as_of=AS_OF, measured=measured)
    assert again.changes == []
    # a sync with no metrics configured keeps the measured value and uses it
    plain = sync_workbook(roadmap, as_of=AS_OF)
    assert plain.changes == []


def test_a_typed_value_newer_than_the_measured_one_wins(roadmap: Path) -> None:
    _goal(roadmap, 3, data_source=SESSIONS, current_on=dt.datetime(2027, 2, 15))
    sync_workbook(roadmap, as_of=AS_OF, measured={SESSIONS: Measurement(0.0125, D(2027, 2, 14))})
    found = _read(roadmap, 3, "measured_value", "progress", "value_used")
    assert found == {
        "measured_value": 0.0125,
        "progress": pytest.approx(0.0015 / 0.0075),
        "value_used": "Typed value",
    }


def test_a_failed_metric_keeps_its_last_value_and_says_why(roadmap: Path) -> None:
    _goal(roadmap, 3, data_source=SESSIONS)
    failed = Measurement(0.0125, D(2027, 2, 1), error="HTTP 503 from the server")
    sync_workbook(roadmap, as_of=AS_OF, measured={SESSIONS: failed})
    found = _read(roadmap, 3, "measured_value", "measured_on", "source_status", "value_used")
    assert found == {
        "measured_value": 0.0125,
        "measured_on": dt.datetime(2027, 2, 1),
        "source_status": "Not updated: HTTP 503 from the server. Shown: the value of 2027-02-01",
        "value_used": "Measured value",
    }


def test_a_metric_never_read_and_a_metric_not_configured(roadmap: Path) -> None:
    _goal(roadmap, 3, data_source=SESSIONS)
    _goal(roadmap, 4, data_source="Deals won")
    measured = {SESSIONS: Measurement(None, None, error="no such column: visits")}
    sync_workbook(roadmap, as_of=AS_OF, measured=measured)
    assert _read(roadmap, 3, "measured_value", "source_status", "value_used") == {
        "measured_value": None,
        "source_status": "Not updated: no such column: visits",
        "value_used": "Typed value",
    }
    assert _read(roadmap, 4, "source_status") == {
        "source_status": f"“Deals won” is not a configured metric; pick one of: {SESSIONS}"
    }


def test_a_goal_naming_no_metric_gets_no_measured_cells(roadmap: Path) -> None:
    _goal(roadmap, 3, data_source=SESSIONS)
    sync_workbook(roadmap, as_of=AS_OF, measured={SESSIONS: Measurement(0.0125, D(2027, 2, 14))})
    _goal(roadmap, 3, data_source=None)
    sync_workbook(roadmap, as_of=AS_OF, measured={SESSIONS: Measurement(0.0125, D(2027, 2, 14))})
    assert _read(roadmap, 3, "measured_value", "measured_on", "source_status", "value_used") == {
        "measured_value": None,
        "measured_on": None,
        "source_status": None,
        "value_used": None,
    }


def test_a_target_against_the_stated_direction_is_a_problem(
    example_template, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ru.xlsx"
    path.write_bytes(example_template("ru").read_bytes())
    # GO-001 rises from 0.75% to 1.5%: "lower is better" contradicts it
    _goal(path, 3, "SMART-цели", direction="Меньше — лучше")
    sync_workbook(path, as_of=AS_OF)
    assert _read(path, 3, "check", "health", title="SMART-цели") == {
        "check": (
            "Что лучше: целевое значение лежит не с той стороны от исходного; "
            "исправьте направление или целевое значение"
        ),
        "health": None,
    }
