"""Which tool cells differ from what the workbook holds: the only cells written."""

from __future__ import annotations

import datetime as dt
import math

from sheets_sync.core.cells import CellChange, CellValue, CellWrite, Formula
from sheets_sync.core.formulas import same_formula
from sheets_sync.core.parsing import is_blank, serial_to_date
from sheets_sync.core.serials import to_serial
from sheets_sync.sync.locate import Located, Row, Table


def same_value(current: CellValue, wanted: CellValue) -> bool:
    """True when writing ``wanted`` over ``current`` would change nothing a person sees."""
    if wanted is None or (isinstance(wanted, str) and wanted == ""):
        return is_blank(current)
    if isinstance(wanted, Formula):
        return isinstance(current, Formula) and same_formula(current.text, wanted.text)
    if isinstance(wanted, dt.date):
        return _same_day(current, wanted)
    if isinstance(wanted, bool) or isinstance(current, bool):
        return type(current) is type(wanted) and current == wanted
    if isinstance(wanted, int | float) and isinstance(current, dt.date):
        return _same_serial(current, float(wanted))
    if isinstance(wanted, int | float):
        return isinstance(current, int | float) and math.isclose(
            float(current), float(wanted), rel_tol=1e-9, abs_tol=1e-9
        )
    return isinstance(current, str) and current == wanted


def _same_day(current: CellValue, wanted: dt.date) -> bool:
    """A date over a date cell, a midnight date-time or the day's serial number."""
    if isinstance(current, dt.datetime):
        return current.date() == wanted and current.time() == dt.time()
    if isinstance(current, dt.date):
        return current == wanted
    if isinstance(current, int | float) and not isinstance(current, bool):
        return float(current).is_integer() and serial_to_date(current) == wanted
    return False


def _same_serial(current: dt.date, wanted: float) -> bool:
    """A number written into a cell a person formatted as a date reads back as one.

    Counted either way: plainly (Google Sheets) or as Excel does, with its phantom
    29 February 1900 (the two differ only before March 1900).
    """
    serials = {to_serial(current, lotus_bug=False), to_serial(current, lotus_bug=True)}
    return any(math.isclose(s, wanted, rel_tol=1e-9, abs_tol=1e-6) for s in serials)


class Differ:
    """Collects the writes that bring tool cells to the values compute decides.

    Used as compute's sink, it compares each value as it is decided, so a sync never
    holds every tool cell's wanted value at once.
    """

    def __init__(self) -> None:
        self._writes: list[CellWrite] = []
        self._changes: list[CellChange] = []  # each write's old → new, at the write's index
        # the sheet order both lists were last sorted in; None: a write came since
        self._sorted_by: dict[str, int] | None = None

    def __call__(self, table: Table, row: Row, key: str, wanted: CellValue) -> None:
        col = table.columns.get(key)
        if col is None:
            return
        if type(wanted) is float and not math.isfinite(wanted):
            wanted = None  # beyond what a cell holds (an overflowing sum): left blank
        line = row.line
        current = line[col - 1] if col <= len(line) else None
        if type(current) is type(wanted) and type(wanted) is not Formula:
            if current == wanted:  # most cells: the same label, message or number
                return
            if type(wanted) is str and wanted:  # other text: no blank spellings to allow
                self._write(table, row, key, col, current, wanted)
                return
        if not same_value(current, wanted):
            self._write(table, row, key, col, current, wanted)

    def _write(
        self, table: Table, row: Row, key: str, col: int, current: CellValue, wanted: CellValue
    ) -> None:
        self._writes.append(CellWrite(table.title, row.number, col, wanted))
        rid = row.get("id")
        row_id = str(rid) if rid is not None and rid != "" else None
        self._changes.append(CellChange(table.title, row.number, row_id, key, current, wanted))
        self._sorted_by = None

    def writes(self, located: Located) -> list[CellWrite]:
        """The writes in sheet (workbook order), row, column order."""
        self._sort(located)
        return list(self._writes)

    def changes(self, located: Located) -> list[CellChange]:
        """Each write's old → new, in the order of :meth:`writes`."""
        self._sort(located)
        return list(self._changes)

    def _sort(self, located: Located) -> None:
        """Both lists in the writes' order, together: a change keeps no column number
        of its own beside it to be sorted by."""
        order = {table.title: i for i, table in enumerate(located.tables.values())}
        if order == self._sorted_by:
            return  # changes() after writes(): sorted already
        pairs = sorted(
            zip(self._writes, self._changes, strict=True),
            key=lambda pair: (order[pair[0].sheet], pair[0].row, pair[0].col),
        )
        self._writes = [write for write, _ in pairs]
        self._changes = [change for _, change in pairs]
        self._sorted_by = order
