"""A focus area renamed on its own sheet is recognised by its row, not lost: the rows still
using the old name say so, their money shows as not counted, and once they follow the row
remembers the new name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from sheets_sync.api import sync_workbook
from sheets_sync.core.layout import load_layout
from sheets_sync.sync.report import render_text
from sheets_sync.sync.rollup import NotCounted

AS_OF = dt.date(2027, 2, 15)  # the date the example roadmap was made for
NEW = "Events and webinars"


def _cells(path: Path, sheet: str, key: str) -> list[tuple[int, object]]:
    ws = load_workbook(path)[sheet]
    keys = {cell.value: cell.column for cell in ws[1]}
    return [(row, ws.cell(row, keys[key]).value) for row in range(3, ws.max_row + 1)]


def _replace(path: Path, old: str, new: str, sheets: list[str]) -> None:
    book = load_workbook(path)
    for title in sheets:
        for row in book[title].iter_rows(min_row=3):
            for cell in row:
                if cell.value == old and not str(book[title].cell(1, cell.column).value).endswith(
                    ".known_as"
                ):
                    cell.value = new
    book.save(path)


def test_a_renamed_focus_area_is_recognised_and_its_money_not_lost(roadmap: Path) -> None:
    assert _cells(roadmap, "Focus areas", "focus_areas.known_as")[3] == (6, "Events")

    _replace(roadmap, "Events", NEW, ["Focus areas"])
    report = sync_workbook(roadmap, as_of=AS_OF)

    assert [(n.kind, n.title, n.old_name, n.rows) for n in report.attention][-4:-3] == [
        ("renamed", NEW, "Events", 4)
    ]
    lines = render_text(report, load_layout()).splitlines()
    at = lines.index(
        "  Renamed, but rows still use the old name: run `sheets-sync rename` to put the new "
        "name in those rows (or type it yourself); until then their money is not counted"
    )
    assert lines[at + 1] == (
        "    - Focus areas: “Events” is now “Events and webinars”; 4 row(s) still use “Events”"
    )
    assert report.total is not None
    assert (report.total.planned, report.total.not_counted) == (
        45000,
        NotCounted(planned=54500, actual=1500, rows=2),
    )
    assert {p.code for p in report.problems} == {"renamed_ref"}
    assert next(p.message for p in report.problems) == (
        "Focus area: “Events” was renamed “Events and webinars” on the sheet “Focus areas”; "
        "type “Events and webinars” here, or run `sheets-sync rename` to update every row at once"
    )
    # the row keeps the old name while rows use it; an idle sync writes nothing
    assert _cells(roadmap, "Focus areas", "focus_areas.known_as")[3] == (6, "Events")
    assert sync_workbook(roadmap, as_of=AS_OF).cells_written == 0

    _replace(roadmap, "Events", NEW, ["Initiatives", "SMART goals", "Review"])
    fixed = sync_workbook(roadmap, as_of=AS_OF)

    assert fixed.problems == [] and fixed.total is not None and fixed.total.planned == 99500
    assert not any(n.kind in ("renamed", "rows_to_fix") for n in fixed.attention)
    assert _cells(roadmap, "Focus areas", "focus_areas.known_as")[3] == (6, NEW)
    assert sync_workbook(roadmap, as_of=AS_OF).cells_written == 0
