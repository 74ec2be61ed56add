"""The spreadsheets a fake Sheets API holds, with Google's value semantics.

Cells hold an ExtendedValue dict (``{"stringValue": ...}`` etc.), as Google stores
``userEnteredValue``. Row developer metadata lives on the row object, so inserting,
deleting and sorting rows carries it along, as in Google.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from .discovery import BadRequest

Cell = dict[str, Any] | None


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    meta: list[int] = field(default_factory=list)  # developer metadata ids on this row

    def get(self, col: int) -> Cell:
        return self.cells[col] if col < len(self.cells) else None

    def set(self, col: int, cell: Cell) -> None:
        if col >= len(self.cells):
            self.cells.extend([None] * (col + 1 - len(self.cells)))
        self.cells[col] = cell


@dataclass
class Sheet:
    sheet_id: int
    title: str
    row_count: int = 1000
    column_count: int = 26
    frozen_rows: int = 0
    rows: list[Row] = field(default_factory=list)
    extras: dict[str, list[Any]] = field(default_factory=dict)  # validations, protections...
    charts: list[dict[str, Any]] = field(default_factory=list)  # EmbeddedChart, as stored

    def row(self, index: int) -> Row:
        """Row ``index`` (0-based), created on demand within the grid."""
        if index >= self.row_count:
            raise BadRequest(
                f"Range ('{self.title}'!A{index + 1}) exceeds grid limits. "
                f"Max rows: {self.row_count}, max columns: {self.column_count}"
            )
        while len(self.rows) <= index:
            self.rows.append(Row())
        return self.rows[index]

    def used(self) -> tuple[int, int]:
        """(rows, columns) up to the last non-empty cell."""
        last_row = last_col = 0
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row.cells):
                if cell:
                    last_row = max(last_row, r + 1)
                    last_col = max(last_col, c + 1)
        return last_row, last_col


@dataclass
class Metadata:
    metadata_id: int
    key: str
    value: str | None
    visibility: str
    sheet_id: int


@dataclass
class Book:
    spreadsheet_id: str
    title: str
    owner: str
    sheets: list[Sheet] = field(default_factory=list)
    metadata: dict[int, Metadata] = field(default_factory=dict)
    named_ranges: dict[str, dict[str, Any]] = field(default_factory=dict)
    readers: set[str] = field(default_factory=set)
    locale: str = "en_US"
    sort_moves_metadata: bool = True  # see sort_rows
    parents: list[str] = field(default_factory=list)  # Drive folder IDs
    trashed: bool = False

    def content_version(self) -> str:
        """Changes whenever any cell, row tag or sheet does, as Drive's ``version`` does."""
        state = [(s.sheet_id, s.title, [(r.cells, r.meta) for r in s.rows]) for s in self.sheets]
        return str(int(hashlib.sha256(repr(state).encode()).hexdigest()[:12], 16))

    def sheet_by_title(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise BadRequest(f"Unable to parse range: {title}")

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise BadRequest(f"No grid with id: {sheet_id}")

    def row_locations(self) -> dict[int, tuple[Sheet, int]]:
        """metadataId -> (sheet, 0-based row) for every row metadata, as of now."""
        where: dict[int, tuple[Sheet, int]] = {}
        for sheet in self.sheets:
            for index, row in enumerate(sheet.rows):
                for meta_id in row.meta:
                    where[meta_id] = (sheet, index)
        return where

    # -- what people do in the browser (tests call these between read and write) --

    def insert_rows(self, title: str, before: int, count: int = 1) -> None:
        """Insert ``count`` empty rows before 1-based row ``before``."""
        sheet = self.sheet_by_title(title)
        sheet.row(before - 1)
        sheet.rows[before - 1 : before - 1] = [Row() for _ in range(count)]
        sheet.row_count += count

    def delete_rows(self, title: str, first: int, count: int = 1) -> None:
        sheet = self.sheet_by_title(title)
        for row in sheet.rows[first - 1 : first - 1 + count]:
            for meta_id in row.meta:
                self.metadata.pop(meta_id, None)  # deleted with its row, as in Google
        del sheet.rows[first - 1 : first - 1 + count]
        sheet.row_count -= count

    def sort_rows(self, title: str, first: int, col: int, *, descending: bool = False) -> None:
        """Sort rows ``first..`` by 1-based ``col``, as Data > Sort range does.

        Google documents that row metadata moves with inserted and deleted rows, not
        what a sort does to it: with ``sort_moves_metadata`` off, each row's metadata
        stays with its position while the cells are sorted.
        """
        sheet = self.sheet_by_title(title)
        body = sheet.rows[first - 1 :]
        metas = [row.meta for row in body]
        body.sort(key=lambda row: _sort_key(row.get(col - 1)), reverse=descending)
        if not self.sort_moves_metadata:
            for row, meta in zip(body, metas, strict=True):
                row.meta = meta
        sheet.rows[first - 1 :] = body

    def move_row(self, title: str, source: int, target: int) -> None:
        """Drag 1-based row ``source`` so that it becomes row ``target``."""
        sheet = self.sheet_by_title(title)
        sheet.row(max(source, target) - 1)
        row = sheet.rows.pop(source - 1)
        sheet.rows.insert(target - 1, row)

    def set_cell(self, title: str, row: int, col: int, value: Any) -> None:
        """A person types ``value`` (USER_ENTERED) into a cell."""
        self.sheet_by_title(title).row(row - 1).set(col - 1, user_entered(value))

    def cell(self, title: str, row: int, col: int) -> Cell:
        sheet = self.sheet_by_title(title)
        return sheet.rows[row - 1].get(col - 1) if row - 1 < len(sheet.rows) else None

    def value(self, title: str, row: int, col: int) -> Any:
        """The plain value of a cell: str, number, bool, "=formula" or None."""
        cell = self.cell(title, row, col)
        if not cell:
            return None
        return cell.get("formulaValue") if "formulaValue" in cell else next(iter(cell.values()))


def _sort_key(cell: Cell) -> tuple[int, Any]:
    if not cell:
        return (3, "")  # blanks last, as Sheets does
    if "numberValue" in cell:
        return (0, cell["numberValue"])
    if "stringValue" in cell:
        return (1, str(cell["stringValue"]).lower())
    return (2, str(next(iter(cell.values()))))


# -- value semantics -------------------------------------------------------------

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def raw(value: Any) -> Cell:
    """RAW input: stored as is; a string stays a string even when it starts with '='."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    if value == "":
        return None
    return {"stringValue": str(value)}


def user_entered(value: Any) -> Cell:
    """USER_ENTERED input: strings are parsed as if typed into the cell."""
    if not isinstance(value, str):
        return raw(value)
    if value == "":
        return None
    if value.startswith("'"):
        rest = value[1:]
        return {"stringValue": rest} if rest else None
    if value.startswith("="):
        return {"formulaValue": value}
    if NUMBER.match(value.replace(",", "")):
        plain = value.replace(",", "")
        return {"numberValue": float(plain) if "." in plain else int(plain)}
    if value.upper() in ("TRUE", "FALSE"):
        return {"boolValue": value.upper() == "TRUE"}
    return {"stringValue": value}


def render(cell: Cell, option: str) -> Any:
    """A cell as values.get returns it under ``valueRenderOption``."""
    if not cell:
        return None
    if "formulaValue" in cell:
        if option == "FORMULA":
            return cell["formulaValue"]
        # The fake does not evaluate formulas; tests may set a cached "value".
        cached = cell.get("cached")
        return (
            (str(cached) if option == "FORMATTED_VALUE" else cached) if cached is not None else ""
        )
    if "numberValue" in cell:
        number = cell["numberValue"]
        if option == "FORMATTED_VALUE":
            return f"{number:g}" if isinstance(number, float) else str(number)
        return number
    if "boolValue" in cell:
        flag = cell["boolValue"]
        return ("TRUE" if flag else "FALSE") if option == "FORMATTED_VALUE" else flag
    return cell.get("stringValue")


def trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Google leaves out trailing empty cells and trailing empty rows."""
    out: list[list[Any]] = []
    for row in rows:
        line = list(row)
        while line and line[-1] in (None, ""):
            line.pop()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


# -- A1 notation ------------------------------------------------------------------

A1 = re.compile(r"^([A-Z]*)(\d*)$")


def col_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def col_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_range(book: Book, text: str) -> tuple[Sheet, int, int, int | None, int | None]:
    """``'Title'!A1:C9`` -> (sheet, first_row0, first_col0, end_row, end_col) (ends exclusive)."""
    if "!" in text:
        title, cells = text.rsplit("!", 1)
    else:
        try:
            return book.sheet_by_title(text.strip("'")), 0, 0, None, None
        except BadRequest:
            title, cells = book.sheets[0].title, text
    if title.startswith("'") and title.endswith("'"):
        title = title[1:-1].replace("''", "'")
    sheet = book.sheet_by_title(title)
    start, _, end = cells.upper().partition(":")
    m1, m2 = A1.match(start), A1.match(end or start)
    if not m1 or not m2:
        raise BadRequest(f"Unable to parse range: {text}")
    first_col = col_number(m1.group(1)) - 1 if m1.group(1) else 0
    first_row = int(m1.group(2)) - 1 if m1.group(2) else 0
    end_col = col_number(m2.group(1)) if m2.group(1) else None
    end_row = int(m2.group(2)) if m2.group(2) else None
    return sheet, first_row, first_col, end_row, end_col


def a1(sheet: Sheet, first_row: int, first_col: int, rows: int, cols: int) -> str:
    title = "'" + sheet.title.replace("'", "''") + "'"
    if rows <= 0 or cols <= 0:
        return title
    return (
        f"{title}!{col_letters(first_col + 1)}{first_row + 1}:"
        f"{col_letters(first_col + cols)}{first_row + rows}"
    )
