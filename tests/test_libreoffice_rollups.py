"""LibreOffice, a real spreadsheet application, recalculates our rollup formulas
and gets the same totals as the sync."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_sync.api import sync_workbook

from .conftest import AS_OF, header_keys
from .libreoffice import recalculated_sheets, soffice

pytestmark = pytest.mark.libreoffice


@pytest.fixture(autouse=True)
def _needs_libreoffice() -> None:
    if soffice() is None:
        if os.environ.get("SHEETS_SYNC_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")


def _number(text: str) -> float:
    return float(text) if text.strip() else 0.0


def test_recalculated_rollups_equal_the_syncs(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    # Edit amounts so that stale cached values would show: the formulas must recalculate.
    book = load_workbook(path)
    ws = book["Initiatives"]
    cols = header_keys(path)["Initiatives"]
    ws.cell(3, cols["planned"]).value = 1234.5
    ws.cell(4, cols["actual"]).value = 777
    book.save(path)
    report = sync_workbook(path, as_of=AS_OF)
    assert report.rows_invalid == 0

    sheets = recalculated_sheets(path)
    focus = sheets["Focus areas"]
    keys = {key.split(".", 1)[1]: i for i, key in enumerate(focus[0]) if "." in key}
    computed = {
        row[keys["name"]]: (_number(row[keys["planned"]]), _number(row[keys["actual"]]))
        for row in focus[2:]
        if row and row[keys["name"]]
    }
    assert computed == {r.focus_area: (r.planned, r.actual) for r in report.rollup}

    overview = {row[0]: row for row in sheets["Overview"] if row}
    value = header_keys(path)["Overview"]["value"] - 1
    assert report.total is not None
    assert _number(overview["planned_total"][value]) == report.total.planned
    assert _number(overview["actual_total"][value]) == report.total.actual
    assert _number(overview["remaining_total"][value]) == report.total.unplanned
