"""Plain cell values and cell writes: the vocabulary every backend speaks.

A backend reads a workbook into :class:`WorkbookSnapshot` (grids of plain Python
values) and applies a list of :class:`CellWrite`. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class Formula:
    """A formula cell. ``text`` starts with ``=``, as typed in the spreadsheet app.

    ``value`` is what the file (or Google) holds as the formula's last calculated
    value, ``calculated`` whether it holds one at all: a file written by a program
    that does not calculate holds none until a spreadsheet app saves it. Neither is
    part of what the formula is (two formulas are equal by their text).
    """

    text: str
    value: CellValue = field(default=None, compare=False, repr=False)
    calculated: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.text.startswith("="):
            raise ValueError(f"a formula starts with '=': {self.text!r}")


# What a cell holds as far as the tool is concerned. Strings are never formulas:
# a formula is always a Formula, so user text that starts with "=" stays text.
CellValue = str | int | float | bool | dt.date | dt.datetime | Formula | None


# Named tuples, not frozen dataclasses: the classes are made at import several times faster.
class CellWrite(NamedTuple):
    """One cell the tool wants to hold ``value``. Rows and columns are 1-based."""

    sheet: str
    row: int
    col: int
    value: CellValue


class CellChange(NamedTuple):
    """A tool cell a sync changed: where, on which row ID and column key, old → new.

    What the run history keeps of each write; ``sheet`` is the sheet's title as
    the workbook shows it.
    """

    sheet: str
    row: int
    row_id: str | None
    column: str
    old: CellValue
    new: CellValue


@dataclass
class SheetGrid:
    """The used range of one sheet, from A1. ``rows[0]`` is sheet row 1.

    Rows may be ragged: trailing empty cells are left out, as both Excel's XML and
    the Sheets API leave them out.
    """

    title: str
    rows: list[list[CellValue]] = field(default_factory=list)

    def cell(self, row: int, col: int) -> CellValue:
        """The value at 1-based ``row``/``col``, ``None`` when outside the grid."""
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        line = self.rows[row - 1]
        return line[col - 1] if col <= len(line) else None


# Given a sheet's first row (the hidden key row of our sheets), the column numbers
# worth reading below its header rows; None keeps every column. Lets a reader skip
# the columns people keep of their own, which no sync looks at.
ColumnChooser = Callable[[list[CellValue]], "set[int] | None"]


@dataclass
class WorkbookSnapshot:
    """Every sheet of a workbook as read, plus an opaque version token.

    ``version`` lets a backend refuse to write over a workbook that changed on
    disk (or in the cloud) after it was read.
    """

    source: str
    sheets: list[SheetGrid]
    version: str | None = None

    def sheet(self, title: str) -> SheetGrid | None:
        for grid in self.sheets:
            if grid.title == title:
                return grid
        return None
