"""The quarter budget over its cap says so, in words and colour; what a cap leaves to plan is
cap − planned everywhere: the sync's rollup, the sheet's formula and the summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from sheets_sync.api import sync_workbook
from sheets_sync.core import rules

AS_OF = dt.date(2027, 1, 5)


def _row(sheet: object, key: str) -> tuple[object, ...]:
    for line in sheet.iter_rows(values_only=True):  # type: ignore[attr-defined]
        if line and line[0] == key:
            return tuple(line)
    raise KeyError(key)


def test_the_quarter_budget_over_cap_gets_its_message_and_colour(roadmap: Path) -> None:
    sync_workbook(roadmap, as_of=AS_OF)
    book = load_workbook(roadmap)
    overview = book["Overview"]
    assert _row(overview, "budget_flag")[2:4] == (
        "Over cap",
        "the initiatives plan 99,500, more than the quarter budget 60,000",
    )
    rules_by_range = {
        str(cf.sqref): [(r.formula, r.dxf.fill.bgColor.rgb) for r in cf.rules]
        for cf in overview.conditional_formatting
    }
    assert rules_by_range == {
        "C3:C500": [
            (['"Within cap"'], "00D9EAD3"),
            (['"Near cap"'], "00FFF2CC"),
            (['"Over cap"'], "00F4CCCC"),
        ]
    }


def test_a_focus_area_shows_its_cap_not_yet_planned(roadmap: Path) -> None:
    report = sync_workbook(roadmap, as_of=AS_OF)
    events = next(r for r in report.rollup if r.focus_area == "Events")
    assert (events.cap, events.planned, events.actual, events.unplanned) == (
        40000,
        54500,
        1500,
        -14500,
    )
    assert report.total is not None and report.total.unplanned == -39500
    assert rules.unplanned(40000, 54500) == -14500 and rules.unplanned(None, 5) is None
    sheet = load_workbook(roadmap)["Focus areas"]
    header = [cell.value for cell in sheet[2]]
    col = header.index("Cap not yet planned") + 1
    assert sheet.cell(3, col).value == '=IF($F3="","",$F3-$I3)'  # cap − planned
    assert header[8] == "Planned"
    assert report.as_json()["rollup"]["focus_areas"][3]["unplanned"] == -14500
