"""Totals say what they leave out: the money on initiatives whose rows have problems,
by focus area, and under a focus area name that Focus areas no longer has."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from sheets_sync.api import sync_workbook
from sheets_sync.core.layout import load_layout
from sheets_sync.sync.report import render_text
from sheets_sync.sync.rollup import NotCounted

AS_OF = dt.date(2027, 1, 5)


def _rename_events_and_break_a_row(path: Path) -> None:
    """Events renamed on Focus areas only; IN-001 (Website appeal, 7,000) planned "TBD"."""
    book = load_workbook(path)
    for row in book["Focus areas"].iter_rows(min_row=3):
        if row[1].value == "Events":
            row[1].value = "Events and webinars"
    initiatives = book["Initiatives"]
    keys = {cell.value: cell.column for cell in initiatives[1]}
    assert initiatives.cell(3, keys["initiatives.planned"]).value == 7000
    initiatives.cell(3, keys["initiatives.planned"]).value = "TBD"
    book.save(path)


def test_money_on_rows_with_problems_is_reported_not_counted(roadmap: Path) -> None:
    _rename_events_and_break_a_row(roadmap)

    report = sync_workbook(roadmap, as_of=AS_OF)

    total = report.total
    assert total is not None
    assert total.not_counted == NotCounted(planned=54500, actual=5000, rows=3)
    assert total.unknown_areas == (("Events", NotCounted(planned=54500, actual=1500, rows=2)),)
    # nothing vanishes but the amount no one can read ("TBD", was 7,000)
    assert total.planned + total.not_counted.planned == 99500 - 7000
    by_area = {r.focus_area: r.not_counted for r in report.rollup}
    assert by_area == {
        "Website appeal": NotCounted(planned=0, actual=3500, rows=1),
        "Conversion rate optimisation": NotCounted(),
        "Lead qualification and nurturing": NotCounted(),
        "Events and webinars": NotCounted(),
    }
    lines = render_text(report, load_layout()).splitlines()
    start = lines.index(
        "  Budget by focus area              planned      spent        cap  not counted   annual"
        "  flags"
    )
    assert lines[start + 1 : start + 8] == [
        "  Website appeal                      4,000          0     12,000            0       4%"
        "  Within cap",
        "  Conversion rate optimisation        4,500      3,500      8,000                    4%"
        "  Within cap",
        "  Lead qualification and nurtur…     29,500     12,000     35,000                   30%"
        "  Within cap; Backed by ROI",
        "  Events and webinars                     0          0     40,000                    0%"
        "  Within cap",
        "  Quarter total                      38,000     15,500     60,000       54,500"
        "           Within cap",
        "  Not counted in these totals: 54,500 planned and 5,000 spent on 3 initiative row(s) "
        "with problems; fix the rows to count them.",
        "    - 54,500 planned on 2 row(s) naming “Events”, which Focus areas does not have "
        "(renamed or misspelt?)",
    ]
    quarter = report.as_json()["rollup"]["quarter"]
    assert quarter["not_counted"] == {"planned": 54500, "actual": 5000, "rows": 3}
    assert quarter["unknown_areas"] == {"Events": {"planned": 54500, "actual": 1500, "rows": 2}}


def test_with_every_row_valid_the_table_has_no_not_counted_column(roadmap: Path) -> None:
    report = sync_workbook(roadmap, as_of=AS_OF)
    assert report.total is not None and report.total.not_counted == NotCounted()
    assert report.as_json()["rollup"]["quarter"]["unknown_areas"] == {}
    assert not any("not counted" in line for line in render_text(report, load_layout()).split("\n"))
