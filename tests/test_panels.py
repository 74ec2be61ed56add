"""The Dashboard and the Timeline: what a sync writes there, that it agrees with the
summary, that a workbook without them still syncs, and that the Timeline stays bounded."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sheets_sync.api import sync_workbook
from sheets_sync.core.cells import CellValue, SheetGrid
from sheets_sync.core.display import shorten, width
from sheets_sync.core.layout import FIRST_DATA_ROW, load_layout
from sheets_sync.sync.glance import URGENCY, Glance
from sheets_sync.sync.locate import Row, Table
from sheets_sync.sync.panels import _fitted_row
from sheets_sync.sync.report import render_text
from sheets_sync.sync.sink import Cells, Sink
from sheets_sync.sync.summary import heading, notice_line

LAYOUT = load_layout()
LATE = dt.date(2027, 3, 25)  # after the final review: much is overdue


def _panel(path: Path, title: str) -> dict[str, dict[str, Any]]:
    """A panel sheet's rows by their key cell, each row's cells by column key."""
    ws = load_workbook(path)[title]
    keys = [c.value.split(".", 1)[1] for c in ws[1] if isinstance(c.value, str)]
    rows = {}
    for line in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        cells = dict(zip(keys, line, strict=False))
        key = str(cells.pop("key"))
        rows[key] = {k: v for k, v in cells.items() if v not in (None, "")}
    return rows


def test_the_dashboard_says_what_the_summary_says(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    report = sync_workbook(path, as_of=LATE)
    rows = _panel(path, "Dashboard")
    tiles = {
        key: (rows[key]["count"], rows[key]["state"]) for key in rows if key.startswith("tile")
    }
    assert tiles == {
        "tile_goals": (4, "Keep an eye on"),  # out of date, not known to be off track
        "tile_budget": (3, "Needs action"),
        "tile_schedule": (7, "Needs action"),
        "tile_reviews": (4, "Keep an eye on"),
        "tile_checklist": (7, "Needs action"),
    }
    titles = {"review": "Review", "overview": "Overview", "focus_areas": "Focus areas"}
    shown = [rows[f"attention.{n}"] for n in range(1, 9)]
    # A heading runs on over the row's empty budget and goal columns, whole (the column
    # alone shows 22 of its characters).
    headings = [heading(n.kind, "en") for n in report.attention[:8]]
    assert [row["state"] for row in shown] == headings
    assert max(map(width, headings)) > LAYOUT.sheet("dashboard").column("state").width - 2
    for row, notice in zip(shown, report.attention, strict=False):
        line = notice_line(notice, "en", titles)
        if width(line) <= 58 or not notice.row_id:
            assert row["item"] == shorten(line, 58)
        else:  # the title gives way: the ID, owner and due date still show
            assert width(row["item"]) <= 58
            assert row["item"].endswith(line[line.index(f" ({notice.row_id})") :])
    more = len(report.attention) - 8
    assert rows["attention_more"] == {
        "item": f"…and {more} more: run sheets-sync sync for the full list",
        "count": more,
    }
    assert rows["area.4"] == {
        "item": "Events",
        "state": "Over cap",
        "planned": 54500,
        "spent": 1500,
        "cap": 40000,
    }
    assert "area.5" not in rows or rows["area.5"] == {}
    assert rows["budget_heading"] == {
        "item": "Budget by focus area",
        "planned": "Planned",
        "spent": "Spent",
        "cap": "Cap",
    }
    assert rows["goal.1"] == {
        "item": "Session-to-contact conversion rate",
        "state": "Value out of date",
        "baseline": "0.75%",
        "current": "0.9%",
        "target": "1.5%",
    }
    again = sync_workbook(path, as_of=LATE)
    assert again.cells_written == 0


def test_the_timeline_marks_the_reviews_today_and_each_bar(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    sync_workbook(path, as_of=LATE)
    rows = _panel(path, "Timeline")
    assert rows["mid_review"] == {
        "item": "◆ Mid-quarter review",
        "due": "2027-02-14",
        "w7": "◆",
    }
    assert rows["final_review"]["w11"] == "◆"
    assert rows["as_of"] == {
        "item": "◆ Today (the sync's date)",
        "due": "2027-03-25",
        "w12": "◆",
    }
    first = rows["bar.1"]
    assert first["item"] == "Use Lucky Orange heatmaps to fin… (IN-004)"  # 42 columns
    assert (first["state"], first["due"]) == ("Overdue", "2027-01-14")
    assert {k for k in first if k.startswith("w")} == {"w1", "w2"}
    assert {v for k, v in first.items() if k.startswith("w")} == {"!"}
    states = [rows[f"bar.{n}"]["state"] for n in range(1, 16) if f"bar.{n}" in rows]
    order = {"Overdue": 0, "Due soon": 1, "On track": 2, "Open": 2, "Not started": 3, "Done": 4}
    assert states == sorted(states, key=order.__getitem__)  # the most pressing first


def _example_without(example: Path, titles: list[str], tmp_path: Path) -> Path:
    """A copy of ``example`` without the sheets ``titles``: a workbook made before them."""
    path = tmp_path / "older.xlsx"
    shutil.copy(example, path)
    book = load_workbook(path)
    for title in titles:
        del book[title]
    book.save(path)
    return path


def test_a_workbook_made_before_the_panels_syncs_as_before(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    path = _example_without(example_template("en"), ["Dashboard", "Timeline"], tmp_path)
    report = sync_workbook(path, as_of=LATE)
    assert {change.sheet for change in report.changes} <= {
        "Initiatives",
        "SMART goals",
        "Review",
        "Checklist",
    }
    assert load_workbook(path).sheetnames[-1] != "Timeline"
    assert report.missing_sheets == ["dashboard", "timeline"]
    assert (
        "This workbook was made before these sheets were added: Dashboard, Timeline. Next "
        "quarter's workbook from `sheets-sync next-quarter` will have them, as will any new "
        "one from `sheets-sync generate`."
    ) in render_text(report, load_layout()).splitlines()
    assert sync_workbook(path, as_of=LATE).cells_written == 0


def test_the_note_names_the_sheets_missing_in_the_workbooks_language(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    path = _example_without(example_template("ru"), ["График"], tmp_path)  # the Timeline
    report = sync_workbook(path, as_of=LATE)
    assert report.missing_sheets == ["timeline"]
    assert (
        "В этой таблице нет листов, добавленных уже после её создания: «График». Они появятся "
        "в таблице следующего квартала, созданной командой `sheets-sync next-quarter`, и в "
        "любой новой таблице из `sheets-sync generate`."
    ) in render_text(report, load_layout()).splitlines()
    shutil.copy(example_template("ru"), path)
    whole = sync_workbook(path, as_of=LATE)
    assert whole.missing_sheets == []
    assert "Эта таблица создана" not in render_text(whole, load_layout())


def test_a_person_typing_on_the_dashboard_is_undone_by_the_next_sync(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    sync_workbook(path, as_of=LATE)
    book = load_workbook(path)
    book["Dashboard"].cell(FIRST_DATA_ROW, 3).value = 99  # the goals tile's count
    book.save(path)
    report = sync_workbook(path, as_of=LATE)
    assert [(c.sheet, c.column, c.old, c.new) for c in report.cell_changes] == [
        ("Dashboard", "count", 99, 4)
    ]


# ---------------------------------------------------------------- the bound

SCHEDULE = LAYOUT.sheet("initiatives")
LABELS = {key: LAYOUT.choice_label("schedule", key, "en") for key in LAYOUT.choice_keys("schedule")}


def _feed(glance: Glance, schedules: list[tuple[str, int]], sink: Sink | None = None) -> int:
    """Hand ``glance`` one initiative per (schedule, due day), as compute would (through
    ``sink`` in front of it); the most it held at once."""
    cells = Cells(LAYOUT, "en", sink or (lambda *cell: None), [glance.watched()])
    columns = {key: n for n, key in enumerate(SCHEDULE.column_keys(), start=1)}
    table = Table(SCHEDULE, SheetGrid("Initiatives", []), columns)
    most = 0
    start = dt.date(2027, 1, 1)
    for number, (schedule, day) in enumerate(schedules, start=FIRST_DATA_ROW):
        line: list[CellValue] = [None] * len(columns)
        line[columns["id"] - 1] = f"IN-{number}"
        line[columns["title"] - 1] = f"Initiative {number}"
        line[columns["due"] - 1] = start + dt.timedelta(days=day)
        cells.put(table, Row(number, line, columns), "schedule", LABELS[schedule])
        most = max(most, len(glance._bars))
    return most


def test_ten_thousand_initiatives_keep_thirty_bars_and_hold_at_most_sixty() -> None:
    written: list[object] = []
    glance = Glance(LAYOUT, goals=8, bars=30)
    schedules = [(("on_track", "overdue")[n % 2], n % 90) for n in range(10_000)]
    most = _feed(glance, schedules, lambda *cell: written.append(cell))
    assert len(written) == 10_000  # every value passed on
    assert most < 60
    bars = glance.bars()
    assert len(bars) == 30 and glance.bar_count == 10_000
    assert {bar.state for bar in bars} == {"Overdue"}
    assert [bar.row_id for bar in bars[:2]] == ["IN-4", "IN-94"]  # both due 2 Jan, in order


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(sorted(LABELS)), st.integers(0, 95)), max_size=200),
    st.integers(1, 12),
)
def test_the_bars_kept_are_the_most_pressing(schedules: list[tuple[str, int]], limit: int) -> None:
    glance = Glance(LAYOUT, goals=8, bars=limit)
    _feed(glance, schedules)
    start = dt.date(2027, 1, 1)
    ranked = sorted(
        (URGENCY[schedule], start + dt.timedelta(days=day), n)
        for n, (schedule, day) in enumerate(schedules, start=1)
    )
    assert [bar.rank for bar in glance.bars()] == ranked[:limit]


def test_a_notice_keeps_its_id_owner_and_due_date_on_a_chinese_dashboard(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("zh"), path)
    report = sync_workbook(path, as_of=dt.date(2027, 2, 20))
    titles = {key: counts["title"] for key, counts in report.sheets.items()}
    rows = _panel(path, "仪表板")
    for n, notice in enumerate(report.attention[:8], start=1):
        item, line = rows[f"attention.{n}"]["item"], notice_line(notice, "zh", titles)
        assert width(item) <= 58
        assert item.endswith(line[line.index(f"（{notice.row_id}）") :])


def test_a_panel_text_runs_on_over_empty_cells_and_is_cut_before_a_filled_one() -> None:
    sheet = LAYOUT.sheet("dashboard")
    shown = [c for c in sheet.columns if not c.hidden]
    after = shown[[c.key for c in shown].index("state") + 1 :]
    room = sheet.column("state").width + sum(c.width for c in after)  # all of them empty
    long = "Переименовано, но строки используют старое название"  # the longest heading
    assert _fitted_row(sheet, {"state": long}) == {"state": long}
    cut = _fitted_row(sheet, {"state": long, "planned": 100})["state"]
    # the State column starts an indent in, right of the Count figures
    assert sheet.alignments["state"] == "indent" and sheet.alignments["count"] == "right"
    assert cut == shorten(long, sheet.column("state").width - 4) and cut.endswith("…")
    wide = "重" * room  # two columns a character
    assert width(_fitted_row(sheet, {"state": wide})["state"]) <= room - 4
    assert _fitted_row(sheet, {"state": None, "count": 3}) == {"state": None, "count": 3}
    item = "x" * 80  # a column with no indent keeps two columns' margin
    assert _fitted_row(sheet, {"item": item, "count": 1})["item"] == shorten(item, 58)


@pytest.mark.parametrize(
    ("lang", "title", "expected"),
    [
        ("en", "Dashboard", [("0.75%", "0.9%", "1.5%"), ("2,000", "2,090", "2,300")]),
        ("ru", "Панель", [("0,75%", "0,9%", "1,5%"), ("2\u00a0000", "2\u00a0090", "2\u00a0300")]),
    ],
)
def test_goal_values_read_as_the_review_report_writes_them(
    example_template: Callable[[str], Path],
    tmp_path: Path,
    lang: str,
    title: str,
    expected: list[tuple[str, str, str]],
) -> None:
    """A Russian reader gets a decimal comma and grouped thousands, on the Dashboard as in
    the review report and next quarter's workbook (one formatter for all three)."""
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template(lang), path)
    sync_workbook(path, as_of=dt.date(2027, 2, 20))
    rows = _panel(path, title)
    goals = [rows[f"goal.{n}"] for n in (1, 3)]
    assert [(g["baseline"], g["current"], g["target"]) for g in goals] == expected
