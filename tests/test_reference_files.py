"""What we write, compared part by part with committed reference workbooks.

tests/reference/ holds workbooks made by ``generate_xlsx`` (each opened and
recalculated by LibreOffice before it was committed), a roadmap that LibreOffice
re-saved as a user's application would (shared strings, its own styles and part
names), and that roadmap after one sync. Re-create them with
``PYTHONPATH=. python -m tests.reference.make_references`` and review the diff.
Only the last test here runs LibreOffice; the comparisons need the committed
files alone.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from sheets_sync.api import generate_xlsx, sync_workbook
from sheets_sync.core.cells import Formula
from sheets_sync.sync.report import SyncReport

from .libreoffice import soffice
from .reference.make_references import (
    GENERATED,
    GENERATED_AS_OF,
    LIBREOFFICE_INPUT,
    LIBREOFFICE_SYNCED,
    SYNC_AS_OF,
    Generated,
    libreoffice_problems,
)
from .xlsx_compare import assert_same_xlsx, read_parts

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
FULL_CALC_ON_LOAD = b' fullCalcOnLoad="1"'


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> the part that holds it, read from the workbook and its relationships."""
    targets = {
        rel.attrib["Id"]: rel.attrib["Target"]
        for rel in ET.fromstring(parts["xl/_rels/workbook.xml.rels"]).iter(
            f"{PACKAGE_REL}Relationship"
        )
    }
    found = {}
    for sheet in ET.fromstring(parts["xl/workbook.xml"]).iter(f"{MAIN}sheet"):
        target = targets[sheet.attrib[f"{REL}id"]]
        found[sheet.attrib["name"]] = (
            target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        )
    return found


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Path, SyncReport]:
    """A fresh copy of the LibreOffice-saved roadmap, synced once."""
    path = tmp_path / "roadmap.xlsx"
    shutil.copyfile(LIBREOFFICE_INPUT, path)
    return path, sync_workbook(path, as_of=SYNC_AS_OF)


@pytest.mark.parametrize("reference", GENERATED, ids=lambda item: item.name)
def test_a_generated_workbook_matches_its_reference(reference: Generated, tmp_path: Path) -> None:
    fresh = tmp_path / reference.path.name
    generate_xlsx(fresh, reference.options(), as_of=GENERATED_AS_OF)
    assert_same_xlsx(reference.path, fresh)


def test_the_input_is_saved_by_libreoffice_not_by_us() -> None:
    parts = read_parts(LIBREOFFICE_INPUT)
    assert b"<Application>LibreOffice/" in parts["docProps/app.xml"]
    assert "xl/sharedStrings.xml" in parts
    ours = read_parts(GENERATED[0].path)
    assert "xl/sharedStrings.xml" not in ours
    assert parts.keys() != ours.keys()


def test_a_sync_of_the_libreoffice_file_matches_its_reference(
    synced: tuple[Path, SyncReport],
) -> None:
    path, report = synced
    assert report.rows_invalid == 0
    assert report.cells_written > 0
    assert_same_xlsx(LIBREOFFICE_SYNCED, path)


def test_a_sync_leaves_libreoffices_spelling_of_our_formulas_alone(
    synced: tuple[Path, SyncReport],
) -> None:
    # LibreOffice saves 'Initiatives'!$H:$H as Initiatives!$H:$H: the same formula, so
    # the sync neither rewrites it nor drops the value LibreOffice calculated for it.
    path, report = synced
    assert [w for w in report.changes if isinstance(w.value, Formula)] == []
    sheet = read_parts(path)[sheet_parts(read_parts(path))["Focus areas"]]
    assert (
        b'<f aca="false">SUMIFS(Initiatives!$H:$H,Initiatives!$B:$B,$B3)</f><v>11000</v>' in sheet
    )


def test_a_sync_copies_every_other_part_byte_for_byte(synced: tuple[Path, SyncReport]) -> None:
    path, report = synced
    before, after = read_parts(LIBREOFFICE_INPUT), read_parts(path)
    assert list(after) == list(before)
    names = sheet_parts(before)
    changed_sheets = {names[write.sheet] for write in report.changes}
    differing = {name for name in before if before[name] != after[name]}
    assert differing == changed_sheets | {"xl/workbook.xml"}
    # The workbook part only gains the request to recalculate on opening.
    assert FULL_CALC_ON_LOAD not in before["xl/workbook.xml"]
    assert after["xl/workbook.xml"].replace(FULL_CALC_ON_LOAD, b"") == before["xl/workbook.xml"]


def test_a_second_sync_writes_nothing(synced: tuple[Path, SyncReport]) -> None:
    path, _ = synced
    contents, stamp = path.read_bytes(), path.stat().st_mtime_ns
    report = sync_workbook(path, as_of=SYNC_AS_OF)
    assert (report.cells_written, report.changes, report.ids_assigned) == (0, [], 0)
    assert path.read_bytes() == contents
    assert path.stat().st_mtime_ns == stamp


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_synced_reference_to_the_syncs_rollups() -> None:
    if soffice() is None:
        if os.environ.get("SHEETS_SYNC_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    assert libreoffice_problems(LIBREOFFICE_SYNCED, SYNC_AS_OF) == []
