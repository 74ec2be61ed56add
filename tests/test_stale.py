"""A goal's value gets old: past the Overview's "out of date after" days its health is
"Value out of date", not off track or at risk, and the summary, the Dashboard, the
reminders and the review say to update it. A value is dated by its "Current as of"
cell, by the day it was measured, or else by the day the sync first found it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_sync.api import review_workbook, sync_workbook
from sheets_sync.core.layout import load_layout
from sheets_sync.core.measured import Measurement
from sheets_sync.jobs.adapter import sync_configured
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.review.html import render_html
from sheets_sync.sync.compute import Overrides
from sheets_sync.sync.report import SyncReport, render_text

D = dt.date
MADE = D(2027, 2, 15)  # the example roadmap was made, and its goal values first seen, then
GOALS = ["GO-004", "GO-001", "GO-002", "GO-003"]  # in the summary's order (by deadline)
STALE = "Value out of date"


def _stale(report: SyncReport) -> list[str]:
    return [n.row_id or "" for n in report.attention if n.kind == "goal_stale"]


def _goals(path: Path) -> dict[str, dict[str, object]]:
    """Each goal row's cells by column key, by goal ID."""
    ws = load_workbook(path)["SMART goals"]
    keys = {cell.value.split(".", 1)[1]: cell.column for cell in ws[1] if cell.value}
    return {
        str(ws.cell(row, keys["id"]).value): {k: ws.cell(row, c).value for k, c in keys.items()}
        for row in range(3, ws.max_row + 1)
        if ws.cell(row, keys["id"]).value
    }


def _set_goal(path: Path, goal_id: str, **values: object) -> None:
    book = load_workbook(path)
    ws = book["SMART goals"]
    keys = {cell.value.split(".", 1)[1]: cell.column for cell in ws[1] if cell.value}
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, keys["id"]).value == goal_id)
    for key, value in values.items():
        ws.cell(row, keys[key]).value = value
    book.save(path)


def _set_overview(path: Path, key: str, value: object) -> None:
    book = load_workbook(path)
    ws = book["Overview"]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, 3).value = value
    book.save(path)


def test_an_undated_value_goes_out_of_date_from_the_day_the_sync_found_it(roadmap: Path) -> None:
    assert {g["seen_on"] for g in _goals(roadmap).values()} == {dt.datetime(2027, 2, 15)}

    fresh = sync_workbook(roadmap, as_of=MADE + dt.timedelta(days=14))
    assert _stale(fresh) == []
    old = sync_workbook(roadmap, as_of=MADE + dt.timedelta(days=15))
    assert _stale(old) == GOALS
    assert {g["health"] for g in _goals(roadmap).values()} == {STALE}
    assert sync_workbook(roadmap, as_of=MADE + dt.timedelta(days=15)).cells_written == 0

    # a new value is fresh from the day the sync first finds it ...
    _set_goal(roadmap, "GO-002", current=480)
    sync_workbook(roadmap, as_of=D(2027, 3, 5))
    cells = _goals(roadmap)["GO-002"]
    assert (cells["seen_value"], cells["seen_on"]) == (480, dt.datetime(2027, 3, 5))
    # ... and a value with its date typed counts from that date
    _set_goal(roadmap, "GO-003", current_on=dt.datetime(2027, 3, 10))
    report = sync_workbook(roadmap, as_of=D(2027, 3, 19))
    assert _stale(report) == ["GO-004", "GO-001"]
    assert sync_workbook(roadmap, as_of=D(2027, 3, 19)).cells_written == 0
    report = sync_workbook(roadmap, as_of=D(2027, 3, 21))
    assert _stale(report) == ["GO-004", "GO-001", "GO-002"]


def test_a_measured_value_counts_from_the_day_it_was_measured(roadmap: Path) -> None:
    measured = {"HubSpot": Measurement(470.0, D(2027, 3, 1))}
    report = sync_workbook(roadmap, as_of=D(2027, 3, 15), measured=measured)
    assert _stale(report) == ["GO-004", "GO-001"]  # HubSpot's goals: 14 days old
    report = sync_workbook(roadmap, as_of=D(2027, 3, 16), measured=measured)
    assert _stale(report) == GOALS


def test_the_overview_sets_the_days_and_the_watch_config_overrides_them(roadmap: Path) -> None:
    _set_overview(roadmap, "stale_after_days", 30)
    assert _stale(sync_workbook(roadmap, as_of=D(2027, 3, 17))) == []
    assert _stale(sync_workbook(roadmap, as_of=D(2027, 3, 18))) == GOALS
    shorter = Overrides(stale_after_days=7)
    assert _stale(sync_workbook(roadmap, as_of=D(2027, 2, 23), overrides=shorter)) == GOALS
    _set_overview(roadmap, "stale_after_days", None)  # empty: two weeks
    assert _stale(sync_workbook(roadmap, as_of=D(2027, 3, 1))) == []
    assert _stale(sync_workbook(roadmap, as_of=D(2027, 3, 2))) == GOALS


def test_the_watcher_passes_the_configured_days_on(roadmap: Path) -> None:
    day = MADE + dt.timedelta(days=8)
    sync_configured(WorkbookConfig(name="emea", path=roadmap), day)
    assert STALE not in {g["health"] for g in _goals(roadmap).values()}
    sync_configured(WorkbookConfig(name="emea", path=roadmap, stale_after_days=7), day)
    assert {g["health"] for g in _goals(roadmap).values()} == {STALE}


def test_a_workbook_without_the_tool_columns_never_calls_an_undated_value_old(
    roadmap: Path,
) -> None:
    book = load_workbook(roadmap)
    ws = book["SMART goals"]
    keys = {cell.value: cell.column for cell in ws[1] if cell.value}
    ws.delete_cols(keys["goals.seen_value"], 2)  # the last two: made before they existed
    book.save(roadmap)
    assert _stale(sync_workbook(roadmap, as_of=D(2027, 3, 20))) == []
    assert sync_workbook(roadmap, as_of=D(2027, 3, 20)).cells_written == 0


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            "  Goals with an out-of-date value: enter a fresh Current value and its Current as "
            "of date on SMART goals; until then there is no telling whether they are on track",
        ),
        (
            "zh",
            "  当前值已过时的目标：请在“SMART 目标”中填写最新的“当前值”及其“当前值日期”；"
            "在此之前无法判断这些目标是否按计划推进",
        ),
        (
            "ru",
            "  Цели с устаревшим значением: на листе «SMART-цели» впишите свежее значение и дату, "
            "на которую оно получено (столбцы «Текущее значение» и «Дата текущего значения»); "
            "до тех пор нельзя понять, идут ли цели по плану",
        ),
    ],
)
def test_the_summary_says_what_to_update_in_the_workbooks_language(
    example_template: Callable[[str], Path], tmp_path: Path, lang: str, line: str
) -> None:
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template(lang), path)
    report = sync_workbook(path, as_of=D(2027, 3, 10))
    assert _stale(report) == GOALS
    assert line in render_text(report, load_layout()).splitlines()


def test_the_dashboard_and_the_review_show_them(roadmap: Path) -> None:
    sync_workbook(roadmap, as_of=D(2027, 3, 10))
    ws = load_workbook(roadmap)["Dashboard"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["tile_goals"][2:4] == (4, "Keep an eye on")
    assert {rows[f"goal.{n}"][3] for n in range(1, 5)} == {STALE}

    review = review_workbook(roadmap, as_of=D(2027, 3, 10))
    assert [g.health for g in review.goals] == ["stale"] * 4
    assert all(g.measured_on == MADE for g in review.goals)
    colour = load_layout().colour_of("stale")  # the workbook's amber, dark text on it
    assert f'<span class="badge stale" style="background: {colour}">{STALE}</span>' in render_html(
        review
    )
