"""Cells a person (or another program) may leave in a roadmap that once crashed a sync.

Each is a problem on its own row, written on that row's Check cell: never a traceback,
and the rest of the workbook syncs. The cells are written byte for byte into the
sheet's XML (``put_cell``), as Excel or LibreOffice would leave them.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import click.testing
import openpyxl
import pytest
from click.testing import CliRunner

from sheets_sync.backends.xlsx.ooxml import col_letters, ooxml_unescape_text, xml_unescape
from sheets_sync.cli import main
from sheets_sync.core.cells import Formula
from sheets_sync.core.i18n import QUOTE_LIMIT

from .xlsx_workbooks import put_cell, read_cells, text_cell

INITIATIVE_CHECK = 15  # column O of the generated Initiatives sheet
OVERVIEW_CHECK = 4  # column D of the Overview


def key_column(path: Path, sheet: str, key: str) -> int:
    """Where the column keyed ``key`` stands in row 1 of ``sheet``: found by key, never assumed."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return next(cell.column for cell in book[sheet][1] if cell.value == key)
    finally:
        book.close()


def field_ref(path: Path, key: str) -> tuple[str, int]:
    """The Overview's value cell of the field keyed ``key`` (its key in column A)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = book["Overview"].iter_rows(min_col=1, max_col=1)
        row = next(r[0].row for r in rows if r[0].value == key)
    finally:
        book.close()
    return f"C{row}", row


def sync(path: Path, *args: str, as_of: str = "2027-02-15") -> click.testing.Result:
    return CliRunner().invoke(main, ["sync", str(path), "--as-of", as_of, *args])


def check_of(path: Path, sheet: str, row: int, col: int) -> object:
    return read_cells(path, {sheet: [(row, col)]})[(sheet, row, col)]


@pytest.fixture
def book(example_template, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    return path


def test_surrogate_escapes_read_as_characters() -> None:
    assert ooxml_unescape_text("_xD83D__xDE00_") == "😀"  # a pair: one character
    assert ooxml_unescape_text("ab_xD800_cd") == "ab\ufffdcd"  # alone: no character
    assert ooxml_unescape_text("_xDC00__xD800_") == "\ufffd\ufffd"  # pair in wrong order
    assert ooxml_unescape_text("_x005F_xD800_") == "_xD800_"  # the escape, escaped
    assert xml_unescape("&#xD800;&#1114112;&#99999999999;&#x41;") == "\ufffd\ufffd\ufffdA"


@pytest.mark.parametrize(
    ("col", "check"),
    [
        ("A", "OK"),
        (
            "B",
            "Focus area: “ab\ufffdcd” is not on the sheet “Focus areas”; add it there "
            "or pick one from the dropdown",
        ),
        ("C", "OK"),
        (
            "D",
            "Owner: “ab\ufffdcd” is not on the sheet “Owners”; add it there or pick one "
            "from the dropdown",
        ),
        ("E", "Start: “ab\ufffdcd” is not a date; type one such as 2027-07-01 or 7/1/2027"),
        ("F", "Due: “ab\ufffdcd” is not a date; type one such as 2027-07-01 or 7/1/2027"),
        (
            "G",
            "Status: “ab\ufffdcd” is not in the list; pick one of: Not started, "
            "In progress, Done, Blocked",
        ),
        (
            "H",
            "Planned budget: “ab\ufffdcd” is not an amount; type it as a plain "
            "number, such as 50000",
        ),
        (
            "I",
            "Actual spend: “ab\ufffdcd” is not an amount; type it as a plain number, such as 50000",
        ),
        ("J", "OK"),
        ("K", "OK"),
    ],
)
def test_a_lone_surrogate_in_any_column_is_a_problem_on_its_row(
    book: Path, col: str, check: str
) -> None:
    put_cell(book, "Initiatives", f"{col}4", text_cell(f"{col}4", "ab_xD800_cd"))
    result = sync(book)
    assert result.exit_code == 0, result.output
    assert check_of(book, "Initiatives", 4, INITIATIVE_CHECK) == check
    assert sync(book).output.endswith("Wrote 0 cell(s).\n")


def test_error_values_dates_and_huge_numbers_in_the_overview(book: Path) -> None:
    (quarter, q_row), (annual, a_row), (scope, s_row) = (
        field_ref(book, key) for key in ("quarter_budget", "annual_budget", "scope_threshold")
    )
    put_cell(book, "Overview", quarter, f'<c r="{quarter}" t="e"><v>#REF!</v></c>')
    put_cell(book, "Overview", annual, f'<c r="{annual}" t="d"><v>2027-01-05</v></c>')
    put_cell(book, "Overview", scope, text_cell(scope, "9" * 400))
    result = sync(book)
    assert result.exit_code == 0, result.output
    rows = (q_row, a_row, s_row)
    checks = read_cells(book, {"Overview": [(row, OVERVIEW_CHECK) for row in rows]})
    assert list(checks.values()) == [
        "Quarter budget: “#REF!” is not an amount; type it as a plain number, such as 50000",
        "Annual marketing budget: “2027-01-05” is not an amount; type it as a plain "
        "number, such as 50000",
        "Scope review above this share of the annual budget: “"
        + "9" * (QUOTE_LIMIT - 1)
        + "…” is not a percentage; type one such as 25% or 0.25",
    ]


def test_every_invalid_overview_field_is_reported(book: Path) -> None:
    put_cell(book, "Overview", "C6", '<c r="C6"><v>13</v></c>')
    put_cell(book, "Overview", "C7", text_cell("C7", "abc"))
    put_cell(book, "Overview", "C8", '<c r="C8"><v>-5</v></c>')
    result = sync(book)
    assert result.exit_code == 0, result.output
    checks = read_cells(book, {"Overview": [(6, OVERVIEW_CHECK), (7, 4), (8, 4)]})
    assert list(checks.values()) == [
        "Fiscal year starts in month (1–12): 13 is not a month; type a number from 1 to 12",
        "Quarter budget: “abc” is not an amount; type it as a plain number, such as 50000",
        "Annual marketing budget: -5 is below zero; budgets and spend are zero or more",
    ]


def test_a_date_no_calendar_holds_is_a_problem_on_its_row(book: Path) -> None:
    put_cell(book, "Initiatives", "E4", '<c r="E4" t="d"><v>99999-01-01</v></c>')
    result = sync(book)
    assert result.exit_code == 0, result.output
    assert check_of(book, "Initiatives", 4, INITIATIVE_CHECK) == (
        "Start: “99999-01-01” is not a date; type one such as 2027-07-01 or 7/1/2027"
    )


def test_goal_progress_beyond_any_number_is_left_blank(book: Path) -> None:
    # (current - baseline) / (target - baseline) = 1e300 / 1e-320: no double holds it
    for key, value in (("baseline", "0"), ("target", "1e-320"), ("current", "1e300")):
        ref = f"{col_letters(key_column(book, 'SMART goals', f'goals.{key}'))}4"
        put_cell(book, "SMART goals", ref, f'<c r="{ref}"><v>{value}</v></c>')
    result = sync(book)
    assert result.exit_code == 0, result.output
    flags = [key_column(book, "SMART goals", f"goals.{k}") for k in ("progress", "health", "check")]
    cells = read_cells(book, {"SMART goals": [(4, col) for col in flags]})
    assert list(cells.values()) == [None, "Achieved", "OK"]


def test_json_stays_json_when_sums_overflow(book: Path) -> None:
    for ref in ("H3", "H4"):
        put_cell(book, "Initiatives", ref, f'<c r="{ref}"><v>1.7e308</v></c>')

    def refuse(constant: str) -> float:
        raise AssertionError(f"{constant} is not JSON")

    result = sync(book, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output, parse_constant=refuse)
    website = report["rollup"]["focus_areas"][0]
    assert website["planned"] is None  # 1.7e308 + 1.7e308 overflows
    assert report["rollup"]["quarter"]["planned"] is None
    assert json.loads(sync(book, "--json").output, parse_constant=refuse)["cells_written"] == 0


def test_a_message_quoting_huge_text_fits_in_a_cell(book: Path) -> None:
    put_cell(book, "Initiatives", "H4", text_cell("H4", "x" * 40_000))
    put_cell(book, "Initiatives", "I4", text_cell("I4", "y" * 40_000))
    result = sync(book)
    assert result.exit_code == 0, result.output
    assert check_of(book, "Initiatives", 4, INITIATIVE_CHECK) == (
        "Planned budget: “" + "x" * (QUOTE_LIMIT - 1) + "…” is not an amount; type it as a "
        "plain number, such as 50000; Actual spend: “"
        + "y" * (QUOTE_LIMIT - 1)
        + "…” is not an amount; type it as a plain number, such as 50000"
    )


def test_a_workbook_without_its_styles_part_syncs(book: Path) -> None:
    with zipfile.ZipFile(book) as z:
        members = {info.filename: z.read(info) for info in z.infolist()}
    del members["xl/styles.xml"]  # the relationship to it stays: a dangling part
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    result = sync(book, as_of="2027-03-20")
    assert result.exit_code == 0, result.output
    assert "Wrote 0 cell(s)." not in result.output
    assert sync(book, as_of="2027-03-20").output.endswith("Wrote 0 cell(s).\n")


# --- formulas people type into input cells ----------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="H4" s="5"><f>1500+1000</f><v>2500</v></c>',  # as Excel saves it
        '<c r="H4" s="5" t="n"><f aca="false">1500+1000</f><v>2500</v></c>',  # LibreOffice
    ],
    ids=["excel", "libreoffice"],
)
def test_a_typed_formula_reads_as_its_calculated_value(book: Path, cell: str) -> None:
    put_cell(book, "Initiatives", "H4", cell)
    result = sync(book, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rows_invalid"] == 0
    website = report["rollup"]["focus_areas"][0]
    assert (website["focus_area"], website["planned"]) == ("Website appeal", 7000 + 2500)
    assert check_of(book, "Initiatives", 4, INITIATIVE_CHECK) == "OK"
    # the formula itself is the person's and stays as typed
    assert read_cells(book, {"Initiatives": [(4, 8)]})[("Initiatives", 4, 8)] == Formula(
        "=1500+1000"
    )


def test_a_typed_formula_without_a_calculated_value_names_its_cell(book: Path) -> None:
    put_cell(book, "Initiatives", "H4", '<c r="H4" s="5"><f>1500+1000</f></c>')
    put_cell(book, "Overview", "C7", '<c r="C7"><f>50000+10000</f></c>')
    put_cell(book, "Overview", "C8", '<c r="C8"><f>SUM(90000,10000)</f><v>100000</v></c>')
    result = sync(book)
    assert result.exit_code == 0, result.output
    assert check_of(book, "Initiatives", 4, INITIATIVE_CHECK) == (
        "Planned budget: H4 holds the formula =1500+1000 but no value calculated from it; "
        "open the file in Excel or LibreOffice and save it once so it is recalculated"
    )
    checks = read_cells(book, {"Overview": [(7, OVERVIEW_CHECK), (8, OVERVIEW_CHECK)]})
    assert list(checks.values()) == [
        "Quarter budget: C7 holds the formula =50000+10000 but no value calculated from "
        "it; open the file in Excel or LibreOffice and save it once so it is recalculated",
        "OK",
    ]


def test_a_typed_formula_giving_text_or_an_error_is_read_as_that(book: Path) -> None:
    put_cell(
        book,
        "Initiatives",
        "C5",
        '<c r="C5" t="str"><f>"Launch "&amp;"webinar"</f><v>Launch webinar</v></c>',
    )
    put_cell(book, "Initiatives", "H5", '<c r="H5" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    result = sync(book)
    assert result.exit_code == 0, result.output
    assert check_of(book, "Initiatives", 5, INITIATIVE_CHECK) == (
        "Planned budget: “#DIV/0!” is not an amount; type it as a plain number, such as 50000"
    )
