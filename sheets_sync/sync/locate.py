"""Finding our sheets, columns and rows in a workbook as read.

Sheets and columns are found by the keys in the hidden row 1 ("initiatives.due"),
so people may rename sheets, reorder columns, and add columns and sheets of
their own. If the key row was deleted, the header labels (in any language) are
the fallback. Nothing here depends on positions fixed in advance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sheets_sync.core.cells import CellValue, ColumnChooser, SheetGrid, WorkbookSnapshot
from sheets_sync.core.formulas import column_letter
from sheets_sync.core.layout import FIRST_DATA_ROW, HEADER_ROW, KEY_ROW, Layout, Sheet
from sheets_sync.core.parsing import is_blank, match_key
from sheets_sync.errors import AmbiguousColumns, MissingColumns, NotARoadmap


class Row:
    """One data row: its sheet row number and its cells, read by column key.

    The values stay in the grid's row list (one per row, shared with the snapshot);
    a copy per row in a dict would double what a big sheet takes in memory. Values
    the sync decides for a row (a new ID) are kept beside it, so the grid still
    says what the workbook holds.
    """

    __slots__ = ("assigned", "columns", "line", "number")

    def __init__(self, number: int, line: list[CellValue], columns: dict[str, int]) -> None:
        self.number = number
        self.line = line
        self.columns = columns
        self.assigned: dict[str, CellValue] | None = None

    def get(self, key: str) -> CellValue:
        if self.assigned is not None and key in self.assigned:
            return self.assigned[key]
        col = self.columns.get(key)
        line = self.line
        return line[col - 1] if col is not None and col <= len(line) else None

    def assign(self, key: str, value: CellValue) -> None:
        """Give ``key`` a value decided by the sync (the workbook is not changed)."""
        if self.assigned is None:
            self.assigned = {}
        self.assigned[key] = value

    def filled(self) -> dict[str, CellValue]:
        """The row's columns of ours that hold something, by key."""
        return self.filled_at([(key, col - 1) for key, col in self.columns.items()])

    def filled_at(self, positions: Sequence[tuple[str, int]]) -> dict[str, CellValue]:
        """:meth:`filled` for (key, 0-based index) pairs worked out once per sheet."""
        line = self.line
        width = len(line)
        out: dict[str, CellValue] = {}
        for key, at in positions:
            if at < width:
                v = line[at]
                # inline blank test: this loop sees every cell of every row
                if v is not None and (type(v) is not str or v.strip()):
                    out[key] = v
        if self.assigned:
            out.update((k, v) for k, v in self.assigned.items() if not is_blank(v))
        return out

    def is_blank(self, keys: list[str]) -> bool:
        return all(is_blank(self.get(key)) for key in keys)

    def __repr__(self) -> str:
        return f"Row({self.number}, {self.filled()!r})"


@dataclass
class Table:
    """A sheet of ours as found: where each column is, and its rows."""

    spec: Sheet
    grid: SheetGrid
    columns: dict[str, int]  # column key -> 1-based column number
    rows: list[Row] = field(default_factory=list)
    first_row: int = FIRST_DATA_ROW  # below the key and header rows

    @property
    def title(self) -> str:
        return self.grid.title

    def row_by_field(self) -> dict[str, Row]:
        """On a fields sheet: each field's row, by the key in the hidden key column."""
        found: dict[str, Row] = {}
        for row in self.rows:
            key = row.get("key")
            if isinstance(key, str) and key.strip() and key.strip() not in found:
                found[key.strip()] = row
        return found


@dataclass
class Located:
    """Every sheet of ours in a workbook, by sheet key."""

    tables: dict[str, Table]

    def table(self, key: str) -> Table:
        return self.tables[key]


Found = tuple[Sheet, dict[str, int], int]  # sheet, columns, first data row

# How far down a sheet its key row is looked for: a title row or two typed above it
# (people may insert rows) moves it down; a data row never holds our keys.
KEY_SEARCH_ROWS = 10


def _keyed_columns(grid: SheetGrid, layout: Layout, keys: frozenset[str]) -> Found | None:
    """The sheet whose keys fill a key row of ``grid`` the most, with the columns found.

    The key row is row 1 as generated, or one of the first :data:`KEY_SEARCH_ROWS`
    rows when rows were inserted above it; its header row and data follow it.
    ``keys``: every column key of the layout (:func:`_layout_keys`).
    """
    best: Found | None = None
    for number, key_row in enumerate(grid.rows[:KEY_SEARCH_ROWS], start=KEY_ROW):
        if keys.isdisjoint(v.strip() for v in key_row if isinstance(v, str)):
            continue  # a header or data row: no sheet's keys to count in it
        for sheet in layout.sheets:
            columns = _keys_in(key_row, sheet)[0]
            if columns and (best is None or len(columns) > len(best[1])):
                best = (sheet, columns, number + FIRST_DATA_ROW - KEY_ROW)
    return best


def _keys_in(key_row: list[CellValue], sheet: Sheet) -> tuple[dict[str, int], dict[str, list[int]]]:
    """The columns of ``sheet``'s keys in ``key_row`` (the first of each), and every
    key found in more than one column with all its columns."""
    wanted = {sheet.key_cell(key): key for key in sheet.column_keys()}
    columns: dict[str, int] = {}
    seen: dict[str, list[int]] = {}
    for index, value in enumerate(key_row, start=1):
        key = wanted.get(value.strip()) if isinstance(value, str) else None
        if key:
            columns.setdefault(key, index)
            seen.setdefault(key, []).append(index)
    return columns, {key: found for key, found in seen.items() if len(found) > 1}


def our_columns(layout: Layout) -> ColumnChooser:
    """Which columns of a sheet hold our keys in row 1 (None: none do, read them all).

    A backend may read only these below the header rows: :func:`locate` never looks
    at the data of any other column of a sheet it finds by its keys.
    """
    keys = _layout_keys(layout)

    def choose(key_row: list[CellValue]) -> set[int] | None:
        found = {
            index
            for index, value in enumerate(key_row, start=1)
            if isinstance(value, str) and value.strip() in keys
        }
        return found or None

    return choose


def _layout_keys(layout: Layout) -> frozenset[str]:
    """Every column key of ``layout`` as row 1 holds it ("initiatives.due")."""
    return frozenset(sheet.key_cell(key) for sheet in layout.sheets for key in sheet.column_keys())


def _labelled_columns(grid: SheetGrid, layout: Layout) -> Found | None:
    """Fallback when the key row is gone: a sheet title and header labels we know."""
    title = match_key(grid.title)
    for sheet in layout.sheets:
        if title not in (match_key(t) for t in sheet.title.all()):
            continue
        for header_row in (KEY_ROW, HEADER_ROW):
            header = grid.rows[header_row - 1] if len(grid.rows) >= header_row else []
            # a number or a date in the header row spells no label
            keys = [match_key(value) if isinstance(value, str) else "" for value in header]
            columns: dict[str, int] = {}
            for column in sheet.columns:
                labels = {match_key(t) for t in column.label.all()}
                for index, key in enumerate(keys, start=1):
                    if key in labels and index not in columns.values():
                        columns[column.key] = index
                        break
            if len(columns) >= max(2, len(sheet.columns) // 2):
                return sheet, columns, header_row + 1
    return None


def _rows(grid: SheetGrid, columns: dict[str, int], first: int) -> list[Row]:
    rows = []
    wanted = [col - 1 for col in columns.values()]
    for number in range(first, len(grid.rows) + 1):
        line = grid.rows[number - 1]
        width = len(line)
        # inline blank test: this loop sees every cell of every sheet
        for at in wanted:
            if at < width:
                v = line[at]
                if v is not None and (type(v) is not str or v.strip()):
                    rows.append(Row(number, line, columns))
                    break
    return rows


def locate(snapshot: WorkbookSnapshot, layout: Layout) -> Located:
    """Find our sheets in ``snapshot``; raise when it is not a roadmap or lacks columns."""
    tables = _our_tables(snapshot, layout)
    if "overview" not in tables:
        raise NotARoadmap(
            f"{snapshot.source} is not a sheets-sync roadmap: no Overview sheet of ours was found.",
            "Check the file name, or create a roadmap with `sheets-sync generate`.",
        )
    _refuse_copied_keys(snapshot.source, tables)
    problems = _complete(tables, layout)
    if problems:
        raise MissingColumns(
            f"{snapshot.source}: " + "; ".join(problems) + ".",
            "Undo the deletion (or copy the column, key row included, from a freshly "
            "generated roadmap); nothing was written.",
        )
    return Located(tables)


def _refuse_copied_keys(source: str, tables: dict[str, Table]) -> None:
    """A key of ours in two columns (a column copied with its hidden key cell) leaves
    no way to tell which column is ours: writing either could overwrite a person's
    cells, so nothing is written until the copy's key cell is cleared."""
    for table in tables.values():
        key_row_number = table.first_row - (FIRST_DATA_ROW - KEY_ROW)
        if not table.columns or key_row_number < 1 or key_row_number > len(table.grid.rows):
            continue
        copied = _keys_in(table.grid.rows[key_row_number - 1], table.spec)[1]
        if copied:
            key, found = next(iter(copied.items()))
            letters = " and ".join(column_letter(col) for col in found)
            raise AmbiguousColumns(
                f"{source}: “{table.title}” has the column key {table.spec.key_cell(key)} "
                f"in columns {letters} of row {key_row_number}, so the sync cannot tell "
                "which column is its own; nothing was written.",
                f"Clear that key from row {key_row_number} of the copied column, then sync again.",
            )


def _our_tables(snapshot: WorkbookSnapshot, layout: Layout) -> dict[str, Table]:
    """Each of our sheets found in ``snapshot`` (by its keys, else by its labels), by key."""
    tables: dict[str, Table] = {}
    keys = _layout_keys(layout)
    for grid in snapshot.sheets:
        found = _keyed_columns(grid, layout, keys)
        if found is None:
            found = _labelled_columns(grid, layout)
        if found is None:
            continue
        sheet, columns, first = found
        known = tables.get(sheet.key)
        if known is not None and len(known.columns) >= len(columns):
            continue  # a copy of one of our sheets, or a user sheet that looks like one
        tables[sheet.key] = Table(sheet, grid, columns, _rows(grid, columns, first), first)
    return tables


def _complete(tables: dict[str, Table], layout: Layout) -> list[str]:
    """What the workbook lacks of the layout: missing sheets, missing needed columns.

    An optional sheet that is missing is added to ``tables`` empty instead.
    """
    problems = []
    for sheet in layout.sheets:
        if sheet.key not in tables and sheet.optional:
            # Older workbooks lack sheets added since: read them as empty.
            tables[sheet.key] = Table(sheet, SheetGrid(sheet.title.en, []), {}, [])
            continue
        if sheet.key not in tables:
            problems.append(f"sheet “{sheet.title.en}” is missing")
            continue
        needed = [c for c in sheet.columns if c.required or c.key in ("id", "check", "key")]
        gone = [c.label.en for c in needed if c.key not in tables[sheet.key].columns]
        if gone:
            problems.append(f"“{tables[sheet.key].title}” lacks {', '.join(gone)}")
    return problems
