"""Sync a real .xlsx on disk: what it writes, what it leaves alone, how it fails."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_sync.api import sync_workbook
from sheets_sync.backends.protocol import WriteResult
from sheets_sync.errors import MissingColumns, NotARoadmap, WorkbookCorrupt, WorkbookNotFound

from .conftest import AS_OF, all_cells, header_keys


def _col(path: Path, sheet: str, key: str) -> int:
    return header_keys(path)[sheet][key]


def _set(path: Path, sheet: str, row: int, key: str, value: object) -> None:
    book = load_workbook(path)
    book[sheet].cell(row, _col(path, sheet, key)).value = value
    book.save(path)


def _get(path: Path, sheet: str, row: int, key: str) -> object:
    return load_workbook(path)[sheet].cell(row, _col(path, sheet, key)).value


def test_second_sync_writes_nothing(roadmap: Path) -> None:
    first = sync_workbook(roadmap, as_of=AS_OF + dt.timedelta(days=30))
    assert first.cells_written > 0  # flags and due statuses moved with the calendar
    # A local file takes every cell in one write: none waits, none is dropped.
    assert first.write == WriteResult(written=len(first.changes), requests=1)
    second = sync_workbook(roadmap, as_of=AS_OF + dt.timedelta(days=30))
    assert second.cells_written == 0
    assert second.write == WriteResult()
    assert second.changes == []


def test_bad_row_gets_its_message_and_the_rest_goes_on(roadmap: Path) -> None:
    _set(roadmap, "Initiatives", 4, "planned", "lots of money")
    _set(roadmap, "Initiatives", 5, "due", "someday")
    report = sync_workbook(roadmap, as_of=AS_OF)
    assert report.sheets["initiatives"]["invalid"] == 2
    assert _get(roadmap, "Initiatives", 4, "check") == (
        "Planned budget: “lots of money” is not an amount; type it as a plain number, such as 50000"
    )
    assert _get(roadmap, "Initiatives", 5, "check") == (
        "Due: “someday” is not a date; type one such as 2027-07-01 or 7/1/2027"
    )
    assert _get(roadmap, "Initiatives", 4, "schedule") is None  # no flag on a bad row
    assert _get(roadmap, "Initiatives", 3, "check") == "OK"
    assert _get(roadmap, "Initiatives", 3, "schedule") is not None
    codes = {(p.row, p.column, p.code) for p in report.problems}
    assert (4, "planned", "expected_money") in codes and (5, "due", "expected_date") in codes


def test_messages_are_in_the_workbooks_language(example_template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ru.xlsx"
    path.write_bytes(example_template("ru").read_bytes())
    _set(path, "Инициативы", 3, "owner", "Никто")
    sync_workbook(path, as_of=AS_OF)
    text = _get(path, "Инициативы", 3, "check")
    assert text == (
        "Ответственный: «Никто» нет на листе «Ответственные»; добавьте его туда или "
        "выберите из списка"
    )


def test_cross_checks(roadmap: Path) -> None:
    _set(roadmap, "Initiatives", 3, "id", _get(roadmap, "Initiatives", 4, "id"))  # a copied ID
    _set(roadmap, "Initiatives", 6, "due", dt.datetime(2027, 5, 1))
    _set(roadmap, "SMART goals", 3, "target", _get(roadmap, "SMART goals", 3, "baseline"))
    report = sync_workbook(roadmap, as_of=AS_OF)
    codes = {(p.sheet, p.row, p.code) for p in report.problems}
    assert ("initiatives", 4, "duplicate_id") in codes  # the second of the two is flagged
    assert ("initiatives", 6, "outside_quarter") in codes
    assert ("goals", 3, "target_not_measurable") in codes


def test_focus_areas_and_owners_match_across_sheets_whatever_their_case_and_spacing(
    roadmap: Path,
) -> None:
    before = sync_workbook(roadmap, as_of=AS_OF, dry_run=True)
    area, owner = (_get(roadmap, "Initiatives", 3, key) for key in ("focus_area", "owner"))
    assert isinstance(area, str) and isinstance(owner, str)
    book = load_workbook(roadmap)
    sheet = book["Initiatives"]
    sheet.cell(3, _col(roadmap, "Initiatives", "focus_area")).value = f"  {area.lower()} "
    sheet.cell(3, _col(roadmap, "Initiatives", "owner")).value = "  ".join(owner.upper().split())
    book.save(roadmap)
    after = sync_workbook(roadmap, as_of=AS_OF, dry_run=True)
    assert [p for p in after.problems if p.sheet == "initiatives"] == []
    assert after.rollup == before.rollup  # its money still counts under its focus area
    assert after.changes == before.changes  # and its owner's open initiatives too


def test_rows_without_id_get_one_and_blank_rows_are_skipped(roadmap: Path) -> None:
    book = load_workbook(roadmap)
    ws = book["Initiatives"]
    last = ws.max_row
    cols = header_keys(roadmap)["Initiatives"]
    new_row = last + 3  # two empty rows in between
    for key, value in {
        "focus_area": ws.cell(3, cols["focus_area"]).value,
        "title": "New one",
        "owner": ws.cell(3, cols["owner"]).value,
        "due": dt.datetime(2027, 3, 1),
        "status": "In progress",
        "planned": 1000,
    }.items():
        ws.cell(new_row, cols[key]).value = value
    book.save(roadmap)
    report = sync_workbook(roadmap, as_of=AS_OF)
    assert report.ids_assigned == 1
    existing = [load_workbook(roadmap)["Initiatives"].cell(r, 1).value for r in range(3, last + 1)]
    assert _get(roadmap, "Initiatives", new_row, "id") == f"IN-{len(existing) + 1:03d}"
    assert _get(roadmap, "Initiatives", new_row, "check") == "OK"
    assert _get(roadmap, "Initiatives", last + 1, "check") is None
    assert sync_workbook(roadmap, as_of=AS_OF).cells_written == 0


def test_reordered_columns_user_columns_and_user_sheets(roadmap: Path) -> None:
    book = load_workbook(roadmap)
    ws = book["Initiatives"]
    ws.move_range("A1:A200", cols=ws.max_column + 1)  # the ID column goes to the far right
    ws.insert_cols(2)
    ws.cell(2, 2).value = "My notes"
    ws.cell(3, 2).value = "call the agency"
    mine = book.create_sheet("My sheet", 0)
    mine["A1"] = "initiatives.id"  # a user sheet, even one that looks a little like ours
    book.save(roadmap)
    before = all_cells(roadmap)
    report = sync_workbook(roadmap, as_of=AS_OF)
    assert report.rows_invalid == 0, report.problems
    after = all_cells(roadmap)
    assert after[("Initiatives", 3, 2)] == "call the agency"
    assert {k: v for k, v in before.items() if k[0] == "My sheet"} == {
        k: v for k, v in after.items() if k[0] == "My sheet"
    }
    assert sync_workbook(roadmap, as_of=AS_OF).cells_written == 0


def test_rollup_report(roadmap: Path) -> None:
    report = sync_workbook(roadmap, as_of=AS_OF)
    book = load_workbook(roadmap)
    ws = book["Initiatives"]
    cols = header_keys(roadmap)["Initiatives"]
    sums: dict[str, float] = {}
    for r in range(3, ws.max_row + 1):
        sums[ws.cell(r, cols["focus_area"]).value] = (
            sums.get(ws.cell(r, cols["focus_area"]).value, 0) + ws.cell(r, cols["planned"]).value
        )
    assert {r.focus_area: r.planned for r in report.rollup} == sums
    flags = {r.budget_flag for r in report.rollup}
    assert {"over_cap", "near_cap", "within"} <= flags  # the example shows each
    assert any(r.scope_flag == "review" for r in report.rollup)


def test_dry_run_writes_nothing(roadmap: Path) -> None:
    before = roadmap.read_bytes()
    report = sync_workbook(roadmap, as_of=AS_OF + dt.timedelta(days=40), dry_run=True)
    assert report.changes and report.cells_written == 0
    assert roadmap.read_bytes() == before


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkbookNotFound, match="does not exist"):
        sync_workbook(tmp_path / "nope.xlsx", as_of=AS_OF)


def test_corrupt_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(WorkbookCorrupt):
        sync_workbook(path, as_of=AS_OF)
    assert path.read_bytes() == b"this is not a zip"


def test_not_a_roadmap(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "budget.xlsx"
    book = Workbook()
    book.active["A1"] = "Quarterly numbers"  # type: ignore[index]
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(NotARoadmap, match="not a sheets-sync roadmap"):
        sync_workbook(path, as_of=AS_OF)
    assert path.read_bytes() == before
    assert zipfile.is_zipfile(path)


def test_required_column_gone(roadmap: Path) -> None:
    book = load_workbook(roadmap)
    ws = book["Initiatives"]
    ws.delete_cols(_col(roadmap, "Initiatives", "planned"))
    book.save(roadmap)
    before = roadmap.read_bytes()
    with pytest.raises(MissingColumns, match="Planned budget"):
        sync_workbook(roadmap, as_of=AS_OF)
    assert roadmap.read_bytes() == before
