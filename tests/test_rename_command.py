"""`sheets-sync rename`: the rows still using a focus area's or owner's old name get the new
one, only when asked, only in those cells, formatting kept, a copy of the file kept; then
a sync counts their money again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_sync.api import (
    GoogleDestination,
    generate,
    open_backend,
    rename_workbook,
    sync_workbook,
)
from sheets_sync.cli import main
from sheets_sync.core.layout import load_layout
from sheets_sync.sync.summary import render_rename
from tests.conftest import AS_OF, cli_output, generated_example, options
from tests.fakes.google_env import google_env

NEW = "Events and webinars"
RENAMED = [  # (sheet, row ID, column) of every cell still naming "Events"
    ("Initiatives", "IN-007", "focus_area"),
    ("Initiatives", "IN-008", "focus_area"),
    ("SMART goals", "GO-004", "focus_area"),
    ("Review", "RV-004", "focus_area"),
]


def _rename_on_its_sheet(path: Path, sheet: str, old: str, new: str) -> None:
    """What a marketer does: type the new name over the old one on its own sheet."""
    book = load_workbook(path)
    ws = book[sheet]
    name = next(c.column for c in ws[1] if str(c.value).endswith(".name"))
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, name).value == old)
    ws.cell(row, name).value = new
    book.save(path)


def _cells(path: Path) -> dict[tuple[str, int, int], Any]:
    """Every cell's value, by (sheet, row, column)."""
    book = load_workbook(path)
    return {
        (ws.title, cell.row, cell.column): cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
    }


def _style(path: Path, place: tuple[str, int, int]) -> tuple[Any, ...]:
    cell = load_workbook(path)[place[0]].cell(place[1], place[2])
    return (
        cell.number_format,
        repr(cell.font),
        repr(cell.fill),
        repr(cell.border),
        repr(cell.alignment),
        repr(cell.protection),
    )


def _where(path: Path) -> dict[tuple[str, str, str], tuple[str, int, int]]:
    """(sheet, row ID, column key) → the cell's place, for the cells in :data:`RENAMED`."""
    book = load_workbook(path)
    places = {}
    for sheet, row_id, key in RENAMED:
        ws = book[sheet]
        keys = {str(c.value).split(".", 1)[-1]: c.column for c in ws[1]}
        row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, keys["id"]).value == row_id)
        places[sheet, row_id, key] = (sheet, row, keys[key])
    return places


def test_rename_puts_the_new_name_in_the_rows_then_a_sync_counts_their_money(
    tmp_path: Path,
) -> None:
    path = generated_example(tmp_path / "roadmap.xlsx")
    sync_workbook(path, as_of=AS_OF)
    _rename_on_its_sheet(path, "Focus areas", "Events", NEW)
    before = sync_workbook(path, as_of=AS_OF)
    assert before.total is not None and before.total.not_counted.rows == 2
    assert [(n.old_name, n.rows) for n in before.attention if n.kind == "renamed"] == [
        ("Events", 4)
    ]
    edited = path.read_bytes()
    cells = _cells(path)
    styles = {place: _style(path, place) for place in _where(path).values()}

    listed = cli_output("rename", str(path), "--dry-run").splitlines()
    assert listed == [
        f"{path}: would write the new name into 4 cell(s):",
        "  Initiatives IN-007 Focus area: Events → Events and webinars",
        "  Initiatives IN-008 Focus area: Events → Events and webinars",
        "  SMART goals GO-004 Focus area: Events → Events and webinars",
        "  Review RV-004 Focus area: Events → Events and webinars",
    ]
    assert path.read_bytes() == edited
    assert not list(tmp_path.glob("*before-rename*"))

    done = cli_output("rename", str(path)).splitlines()
    assert done[1:5] == listed[1:]
    [backup] = tmp_path.glob("roadmap.before-rename-*.xlsx")
    assert backup.read_bytes() == edited
    assert done[5:] == [
        f"A copy of the workbook from before the change is saved next to it: {backup}",
        "Next, run `sheets-sync sync` on it to count their money again.",
    ]
    after = _cells(path)
    changed = {place for place in after if after[place] != cells.get(place)}
    places = _where(path)
    assert changed == set(places.values())  # those cells only: no other value or style moved
    for place in places.values():
        assert (after[place], _style(path, place)) == (NEW, styles[place])  # its own style

    again = cli_output("rename", str(path))
    assert again == (f"{path}: no row still uses an old name; nothing to rename.\n")
    assert len(list(tmp_path.glob("roadmap.before-rename-*.xlsx"))) == 1

    synced = sync_workbook(path, as_of=AS_OF)
    assert synced.total is not None and synced.total.not_counted.rows == 0
    assert not [n for n in synced.attention if n.kind == "renamed"]
    assert not [p for p in synced.problems if p.code == "renamed_ref"]
    assert sync_workbook(path, as_of=AS_OF).cells_written == 0


def test_an_owner_renamed_in_a_russian_workbook(tmp_path: Path) -> None:
    path = generated_example(tmp_path / "roadmap.xlsx", lang="ru")
    sync_workbook(path, as_of=AS_OF)
    _rename_on_its_sheet(path, "Ответственные", "Anna Lee", "Anna Lee-Smith")
    report = rename_workbook(path, now=dt.datetime(2027, 2, 16, 9, 30, 5))
    assert {(c.sheet, c.column, c.old, c.new) for c in report.changes} == {
        ("Инициативы", "owner", "Anna Lee", "Anna Lee-Smith")
    }
    assert report.backup == str(tmp_path / "roadmap.before-rename-20270216-093005.xlsx")
    text = render_rename(report, load_layout()).splitlines()
    assert text[0] == f"{path}: обновлены ячейки ({len(report.changes)}):"
    assert text[1].startswith("  Инициативы IN-001 Ответственный: Anna Lee → Anna Lee-Smith")
    assert text[-1] == (
        "Теперь запустите `sheets-sync sync` для этой таблицы, чтобы суммы этих строк снова "
        "попали в итоги."
    )
    synced = sync_workbook(path, as_of=AS_OF)
    assert not [n for n in synced.attention if n.kind == "renamed"]


def test_a_name_another_row_now_has_is_left_alone(tmp_path: Path) -> None:
    path = generated_example(tmp_path / "roadmap.xlsx")
    sync_workbook(path, as_of=AS_OF)
    # "Events" renamed, then a new area named "Events" again: the rows mean the new one
    _rename_on_its_sheet(path, "Focus areas", "Events", NEW)
    _rename_on_its_sheet(path, "Focus areas", "Website appeal", "Events")
    report = rename_workbook(path, dry_run=True)
    assert {c.old for c in report.changes} == {"Website appeal"}


def test_rename_in_a_google_spreadsheet(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        client = env.client()
        generate(options(), GoogleDestination(), as_of=AS_OF, client=client)
        (sheet_id,) = env.fake.books
        book = env.fake.books[sheet_id]
        sheet = book.sheet_by_title("Focus areas")
        keys = [book.value("Focus areas", 1, col) for col in range(1, 30)]
        name = keys.index("focus_areas.name") + 1
        row = next(
            r
            for r in range(3, len(sheet.rows) + 1)
            if book.value("Focus areas", r, name) == "Events"
        )
        book.set_cell("Focus areas", row, name, NEW)
        backend = open_backend(f"gsheet:{sheet_id}", client=client)
        report = rename_workbook(backend)
        assert len(report.changes) == 4 and report.write.written == 4
        assert report.backup is None  # Google keeps the spreadsheet's version history
        assert rename_workbook(backend).changes == []
        synced = sync_workbook(backend, as_of=AS_OF)
        assert synced.total is not None and synced.total.not_counted.rows == 0


def test_a_workbook_that_cannot_be_written_is_left_as_it_was(tmp_path: Path) -> None:
    path = generated_example(tmp_path / "roadmap.xlsx")
    sync_workbook(path, as_of=AS_OF)
    _rename_on_its_sheet(path, "Focus areas", "Events", NEW)
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        result = CliRunner().invoke(main, ["rename", str(path)])
    finally:
        path.chmod(0o644)
    assert result.exit_code != 0
    assert "is read-only" in result.output
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*before-rename*"))
