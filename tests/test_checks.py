"""The row checks, run as the sync runs them: sheet by sheet, row by row, exact problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue, SheetGrid
from sheets_sync.core.layout import Sheet, load_layout
from sheets_sync.core.parsing import clean_text
from sheets_sync.sync.checks import Parsed, Problem, References, SheetChecks, check_text
from sheets_sync.sync.locate import Row, Table

LAYOUT = load_layout()
QUARTER = Quarter(2027, 1)  # 2027-01-01 to 2027-03-31

FOCUS_AREAS = [
    {"id": "FA-001", "name": "Events", "kpi": "Leads"},
    {"id": "FA-002", "name": "Paid search", "kpi": "Signups"},
]
OWNERS = [{"id": "OW-001", "name": "Anna Lee"}]
INITIATIVE: dict[str, CellValue] = {
    "id": "IN-001",
    "focus_area": "Events",
    "title": "Booth at the spring fair",
    "owner": "Anna Lee",
    "due": dt.date(2027, 3, 1),
    "status": "In progress",
    "planned": 2500,
}


def _table(spec: Sheet, rows: list[dict[str, CellValue]]) -> Table:
    """A sheet as located, our columns in layout order, its rows from sheet row 3."""
    columns = {column.key: number for number, column in enumerate(spec.columns, start=1)}
    lines = [[row.get(column.key) for column in spec.columns] for row in rows]
    grid = SheetGrid(spec.title.en, [[], [], *lines])
    return Table(spec, grid, columns, [Row(n, line, columns) for n, line in enumerate(lines, 3)])


class Walk:
    """Sheets checked in the sync's order, against what the sheets before them hold."""

    def __init__(self, quarter: Quarter | None = QUARTER) -> None:
        self.parsed: dict[str, Parsed] = {}
        titles = {sheet.key: sheet.title.en for sheet in LAYOUT.sheets}
        self.known = References(titles, self.parsed)
        self.quarter = quarter

    def sheet(self, key: str, rows: list[dict[str, CellValue]]) -> list[Problem]:
        table = _table(LAYOUT.sheet(key), rows)
        checks = SheetChecks(table.spec, self.known, self.quarter, "en")
        parsed = self.parsed[key] = Parsed(table)
        for row in table.rows:
            values = row.filled()
            parsed.rows.append(row)
            checks.check(row, clean_text(values.get("id")), values, parsed.problems)
        return parsed.problems

    def initiatives(self, *changes: dict[str, CellValue]) -> list[Problem]:
        """Initiatives IN-001… on the usual focus areas and owners, each with its changes."""
        self.sheet("focus_areas", FOCUS_AREAS)
        self.sheet("owners", OWNERS)
        rows = [{**INITIATIVE, "id": f"IN-{n:03d}", **c} for n, c in enumerate(changes, 1)]
        return self.sheet("initiatives", rows)


def _found(problems: list[Problem]) -> list[tuple[int, str | None, str, dict[str, Any], bool]]:
    return [(p.row, p.column, p.code, p.params, p.warning) for p in problems]


def test_a_clean_row_has_no_problem() -> None:
    assert Walk().initiatives({}) == []


def test_focus_areas_and_owners_match_whatever_their_case_and_spacing() -> None:
    problems = Walk().initiatives(
        {"focus_area": "  events ", "owner": "ANNA  LEE"},
        {"focus_area": "Paid\u00a0Search", "owner": "anna\tlee"},
    )
    assert problems == []


def test_a_reference_to_a_missing_focus_area_or_owner_names_the_sheet() -> None:
    problems = Walk().initiatives({"focus_area": "Webinars", "owner": "Bob"})
    assert _found(problems) == [
        (3, "focus_area", "unknown_ref", {"value": "Webinars", "sheet": "Focus areas"}, False),
        (3, "owner", "unknown_ref", {"value": "Bob", "sheet": "Owners"}, False),
    ]
    assert [p.row_id for p in problems] == ["IN-001", "IN-001"]


def test_the_second_of_two_same_ids_or_names_is_the_duplicate() -> None:
    walk = Walk()
    areas = walk.sheet(
        "focus_areas", [*FOCUS_AREAS, {"id": "fa-001", "name": " EVENTS", "kpi": "x"}]
    )
    assert _found(areas) == [
        (5, "id", "duplicate_id", {"value": "fa-001"}, False),
        (5, "name", "duplicate_value", {"value": "EVENTS"}, False),
    ]
    walk.sheet("owners", OWNERS)
    rows = [INITIATIVE, {**INITIATIVE, "title": "Copy"}, {**INITIATIVE, "id": " in-001 "}]
    assert _found(walk.sheet("initiatives", rows)) == [
        (4, "id", "duplicate_id", {"value": "IN-001"}, False),
        (5, "id", "duplicate_id", {"value": "in-001"}, False),
    ]


def test_dates_outside_the_quarter() -> None:
    problems = Walk().initiatives({"start": dt.date(2026, 12, 31), "due": dt.date(2027, 4, 1)})
    span = {"start": QUARTER.start, "end": QUARTER.end}
    assert _found(problems) == [
        (3, "start", "outside_quarter", {"value": dt.date(2026, 12, 31), **span}, False),
        (3, "due", "outside_quarter", {"value": dt.date(2027, 4, 1), **span}, False),
    ]


def test_without_a_quarter_no_date_is_outside_it() -> None:
    assert Walk(quarter=None).initiatives({"due": dt.date(2030, 1, 1)}) == []


def test_an_initiative_against_itself() -> None:
    problems = Walk().initiatives(
        {"start": dt.date(2027, 3, 2)},
        {"planned": -5, "actual": "1,200"},
    )
    assert _found(problems) == [
        (
            3,
            "start",
            "start_after_due",
            {"start": dt.date(2027, 3, 2), "due": dt.date(2027, 3, 1)},
            False,
        ),
        (4, "planned", "negative_amount", {"value": -5.0}, False),
        (4, "actual", "text_amount", {"value": "1,200"}, True),
    ]


def test_a_row_that_does_not_parse_is_still_checked_for_everything_else() -> None:
    """Every problem of a row at once: the cell that does not parse, and what the others show."""
    row = {
        "id": "IN-001",
        "planned": "TBD",
        "owner": "Ana Lee",
        "due": dt.date(2027, 4, 15),
        "actual": "5,000",
    }
    problems = Walk().initiatives({}, row)
    span = {"start": QUARTER.start, "end": QUARTER.end}
    assert _found(problems) == [
        (4, "planned", "expected_money", {"value": "TBD"}, False),
        (4, "id", "duplicate_id", {"value": "IN-001"}, False),
        (
            4,
            "owner",
            "unknown_ref_close",
            {"value": "Ana Lee", "sheet": "Owners", "closest": "Anna Lee"},
            False,
        ),
        (4, "due", "outside_quarter", {"value": dt.date(2027, 4, 15), **span}, False),
        (4, "actual", "text_amount", {"value": "5,000"}, True),
    ]
    assert check_text(problems, LAYOUT.sheet("initiatives"), "en") == (
        "Planned budget: “TBD” is not an amount; type it as a plain number, such as 50000; "
        "ID IN-001 is on more than one row; clear the ID of the copied row and the next sync "
        "gives it a new one; "
        "Owner: “Ana Lee” is not on the sheet “Owners”; did you mean “Anna Lee”? Pick it from "
        "the dropdown, or add “Ana Lee” there; "
        "Due 2027-04-15 is outside the quarter (2027-01-01 – 2027-03-31); move it into the "
        "quarter; "
        "Actual spend “5,000” is typed as text, so the sheet's own totals skip it (the sync "
        "counts it); retype it as a plain number"
    )


def test_a_focus_area_spelled_nearly_right_gets_a_suggestion() -> None:
    problems = Walk().initiatives({"focus_area": "Event"}, {"focus_area": "Webinars"})
    assert _found(problems) == [
        (
            3,
            "focus_area",
            "unknown_ref_close",
            {"value": "Event", "sheet": "Focus areas", "closest": "Events"},
            False,
        ),
        (4, "focus_area", "unknown_ref", {"value": "Webinars", "sheet": "Focus areas"}, False),
    ]


def test_a_goal_needs_a_measurable_target_and_warns_on_a_reset_one() -> None:
    walk = Walk()
    walk.sheet("focus_areas", FOCUS_AREAS)
    goal: dict[str, CellValue] = {
        "focus_area": "events",
        "kpi": "Leads",
        "metric": "Qualified leads",
        "unit": "Count",
        "baseline": 100,
        "target": 150,
        "deadline": dt.date(2027, 3, 31),
    }
    rows = [
        {**goal, "id": "GO-001", "target": 100},
        {**goal, "id": "GO-002", "previous_target": 150},
        {**goal, "id": "GO-003", "deadline": dt.date(2027, 4, 1)},
    ]
    assert _found(walk.sheet("goals", rows)) == [
        (3, "target", "target_not_measurable", {}, False),
        (4, "target", "reset_target", {}, True),
        (
            5,
            "deadline",
            "outside_quarter",
            {"value": dt.date(2027, 4, 1), "start": QUARTER.start, "end": QUARTER.end},
            False,
        ),
    ]


def test_a_negative_budget_cap_and_a_week_past_the_quarter() -> None:
    walk = Walk()
    areas = walk.sheet("focus_areas", [{**FOCUS_AREAS[0], "budget_cap": -1}])
    assert _found(areas) == [(3, "budget_cap", "negative_amount", {"value": -1.0}, False)]
    tasks = walk.sheet("checklist", [{"id": "CL-001", "item": "Book the venue", "due_week": 14}])
    assert _found(tasks) == [(3, "due_week", "week_range", {"value": 14}, False)]


def test_a_rows_check_text_says_each_message_once() -> None:
    spec = LAYOUT.sheet("initiatives")
    same = Problem(
        "initiatives", 3, "IN-001", "owner", "unknown_ref", {"value": "Bob", "sheet": "Owners"}
    )
    text = check_text([same, same], spec, "en")
    assert text == (
        "Owner: “Bob” is not on the sheet “Owners”; add it there or pick one from the dropdown"
    )
