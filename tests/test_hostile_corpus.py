"""A generated corpus of hostile cells: every kind of bad value in every input column.

For each kind, one roadmap gets that value in every input cell it can hold (each
column of each sheet on a row of its own, each Overview field too). The oracles,
for every kind: the sync ends without a traceback (exit 0), changes only the tool's
cells, leaves a file openpyxl opens, and a second sync writes nothing. Bounded: one
workbook and two syncs per kind.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_sync.backends.xlsx import read_xlsx
from sheets_sync.cli import main
from sheets_sync.core.cells import CellValue
from sheets_sync.core.formulas import column_letter
from sheets_sync.core.layout import FIRST_DATA_ROW, Column, Sheet, load_layout

from .conftest import header_keys
from .libreoffice import recalculated_sheets, soffice
from .xlsx_workbooks import rewrite_zip, text_cell

KINDS: dict[str, Callable[[str], str]] = {
    "lone-surrogate": lambda ref: text_cell(ref, "a_xD800_b"),
    "surrogate-reference": lambda ref: text_cell(ref, "a&#xDC00;b"),
    "control-character": lambda ref: text_cell(ref, "a_x0001_b"),
    "error-value": lambda ref: f'<c r="{ref}" t="e"><v>#REF!</v></c>',
    "formula-not-calculated": lambda ref: f'<c r="{ref}"><f>1+1</f></c>',
    "formula-calculated": lambda ref: f'<c r="{ref}"><f>1+1</f><v>2</v></c>',
    "huge-text": lambda ref: text_cell(ref, "x" * 40_000),
    "400-digits": lambda ref: text_cell(ref, "9" * 400),
    "nan-text": lambda ref: text_cell(ref, "NaN"),
    "largest-number": lambda ref: f'<c r="{ref}"><v>1.7976931348623157e308</v></c>',
    "smallest-number": lambda ref: f'<c r="{ref}"><v>-1.7976931348623157e308</v></c>',
    "tiny-number": lambda ref: f'<c r="{ref}"><v>5e-324</v></c>',
    "date-out-of-range": lambda ref: f'<c r="{ref}" t="d"><v>99999-01-01</v></c>',
    "boolean": lambda ref: f'<c r="{ref}" t="b"><v>1</v></c>',
}


def _targets(path: Path) -> dict[str, list[str]]:
    """Sheet title -> the input cells the corpus fills: each input column on a row of
    its own (cycling over the example's rows), and every Overview field's value."""
    layout = load_layout()
    keys = header_keys(path)
    book = read_xlsx(path)
    out: dict[str, list[str]] = {}
    for sheet in layout.sheets:
        title = sheet.title.en
        grid = book.sheet(title)
        if grid is None or title not in keys:
            continue
        if sheet.kind == "fields":
            value = column_letter(keys[title]["value"])
            out[title] = [
                f"{value}{row}"
                for row, field in _field_rows(grid.rows, keys[title]["key"], sheet).items()
                if not field.computed
            ]
            continue
        rows = len(grid.rows) - FIRST_DATA_ROW + 1
        if rows <= 0:
            continue
        inputs = [c.key for c in sheet.columns if not c.computed and c.key in keys[title]]
        out[title] = [
            f"{column_letter(keys[title][key])}{FIRST_DATA_ROW + i % rows}"
            for i, key in enumerate(inputs)
        ]
    return out


def _put_cells(path: Path, cells: dict[str, dict[str, str]]) -> None:
    """Each sheet's cells (ref -> cell XML) replaced in one rewrite of the package."""
    from sheets_sync.backends.xlsx.archive.source import open_source
    from sheets_sync.backends.xlsx.package import map_package
    from sheets_sync.backends.xlsx.safety import open_package

    with open_source(path, versioned=False) as source:
        mapping = map_package(path, open_package(path, source.stream()))
        parts = {mapping.sheet_entry(title).part: refs for title, refs in cells.items()}  # type: ignore[union-attr]

    def edit(name: str, data: bytes) -> bytes:
        for ref, xml in parts.get(name, {}).items():
            cell = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
            if cell.search(data):
                data = cell.sub(lambda _, x=xml: x.encode(), data, count=1)
            else:
                row = re.match(r"[A-Z]+(\d+)$", ref).group(1)  # type: ignore[union-attr]
                end = re.compile(rb'(<row r="' + row.encode() + rb'"[^>]*>.*?)(</row>)', re.S)
                data = end.sub(lambda m, x=xml: m.group(1) + x.encode() + m.group(2), data, 1)
        return data

    rewrite_zip(path, edit)


def _field_rows(rows: list[list[CellValue]], key_col: int, sheet: Sheet) -> dict[int, Column]:
    """On a fields sheet: each field's row, by the key in its key column."""
    fields = {field.key: field for field in sheet.fields}
    found = {}
    for number in range(FIRST_DATA_ROW, len(rows) + 1):
        line = rows[number - 1]
        key = line[key_col - 1] if key_col <= len(line) else None
        if isinstance(key, str) and key in fields:
            found[number] = fields[key]
    return found


def _tool_cells(path: Path) -> Callable[[tuple[str, int, int]], bool]:
    """Whether the sync may write a cell: a computed column, the ID, or on a fields sheet
    a computed field's value."""
    keys = header_keys(path)
    book = read_xlsx(path)
    columns: dict[str, set[int]] = {}
    cells: set[tuple[str, int, int]] = set()
    for sheet in load_layout().sheets:
        title = sheet.title.en
        found = keys.get(title, {})
        columns[title] = {
            found[c.key] for c in sheet.columns if c.key in found and (c.computed or c.key == "id")
        }
        grid = book.sheet(title)
        if sheet.kind == "fields" and grid is not None:
            for row, field in _field_rows(grid.rows, found["key"], sheet).items():
                if field.computed:
                    cells.add((title, row, found["value"]))
    return lambda at: at in cells or at[2] in columns.get(at[0], set())


def _cells(path: Path) -> dict[tuple[str, int, int], CellValue]:
    cells = {}
    for grid in read_xlsx(path).sheets:
        for r, line in enumerate(grid.rows, start=1):
            for c, value in enumerate(line, start=1):
                if value is not None:
                    cells[(grid.title, r, c)] = value
    return cells


def _opens_in_openpyxl(path: Path) -> bool:
    try:
        load_workbook(io.BytesIO(path.read_bytes())).close()
    except (ValueError, SyntaxError):  # SyntaxError: ElementTree's ParseError
        return False
    return True


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_input_column_takes_a_hostile_value(
    example_template,
    tmp_path: Path,
    kind: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    targets = _targets(path)
    is_tool_cell = _tool_cells(path)
    _put_cells(
        path, {title: {ref: KINDS[kind](ref) for ref in refs} for title, refs in targets.items()}
    )
    before = _cells(path)
    opens = _opens_in_openpyxl(path)  # some inputs are beyond openpyxl already

    first = CliRunner().invoke(main, ["sync", str(path), "--as-of", "2027-03-20"])

    assert first.exit_code == 0, first.output
    after = _cells(path)
    changed = {at for at in before.keys() | after.keys() if before.get(at) != after.get(at)}
    assert {at for at in changed if not is_tool_cell(at)} == set()
    assert _opens_in_openpyxl(path) == opens  # another reader opens it as before
    second = CliRunner().invoke(main, ["sync", str(path), "--as-of", "2027-03-20"])
    assert second.exit_code == 0 and second.output.endswith("Wrote 0 cell(s).\n"), second.output


@pytest.mark.libreoffice
def test_libreoffice_opens_a_synced_hostile_roadmap(example_template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every kind at once (a kind per sheet, cycling), synced, then opened by LibreOffice:
    its Check cells hold what the sync wrote, within a cell's limits."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    kinds = list(KINDS.values())
    targets = _targets(path)
    _put_cells(
        path,
        {
            title: {ref: kinds[(i + j) % len(kinds)](ref) for j, ref in enumerate(refs)}
            for i, (title, refs) in enumerate(targets.items())
        },
    )
    assert CliRunner().invoke(main, ["sync", str(path), "--as-of", "2027-03-20"]).exit_code == 0
    sheets = recalculated_sheets(path)
    wrote = read_xlsx(path).sheet("Initiatives")
    assert wrote is not None
    shown = sheets["Initiatives"]
    check = len(wrote.rows[0])  # the last of our columns: Check
    assert [row[check - 1] for row in shown[2:10]] == [
        str(line[check - 1]) for line in wrote.rows[2:10]
    ]
