"""Which tool cells differ from what the workbook holds: the only cells written."""

from __future__ import annotations

import datetime as dt
import math

from .cells import CellValue, CellWrite, Formula
from .formulas import same_formula
from .locate import Located
from .parsing import date_to_serial, is_blank, serial_to_date


def same_value(current: CellValue, wanted: CellValue) -> bool:
    """True when writing ``wanted`` over ``current`` would change nothing a person sees."""
    if wanted is None or (isinstance(wanted, str) and wanted == ""):
        return is_blank(current)
    if isinstance(wanted, Formula):
        return isinstance(current, Formula) and same_formula(current.text, wanted.text)
    if isinstance(wanted, dt.date):
        if isinstance(current, dt.datetime):
            return current.date() == wanted and current.time() == dt.time()
        if isinstance(current, dt.date):
            return current == wanted
        if isinstance(current, int | float) and not isinstance(current, bool):
            return float(current).is_integer() and serial_to_date(current) == wanted
        return False
    if isinstance(wanted, bool) or isinstance(current, bool):
        return type(current) is type(wanted) and current == wanted
    if isinstance(wanted, int | float) and isinstance(current, dt.date):
        # A number written into a cell a person formatted as a date reads back as one.
        day = current.date() if isinstance(current, dt.datetime) else current
        serial = float(date_to_serial(day))
        if isinstance(current, dt.datetime):
            serial += (current - dt.datetime.combine(day, dt.time())).total_seconds() / 86400
        return math.isclose(serial, float(wanted), rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(wanted, int | float):
        return isinstance(current, int | float) and math.isclose(
            float(current), float(wanted), rel_tol=1e-9, abs_tol=1e-9
        )
    return isinstance(current, str) and current == wanted


def diff(located: Located, desired: dict[tuple[str, int, str], CellValue]) -> list[CellWrite]:
    """The writes that bring the tool's cells to ``desired``, in sheet/row/column order."""
    writes = []
    for (sheet, row, key), wanted in desired.items():
        table = located.tables.get(sheet)
        if table is None or key not in table.columns:
            continue
        col = table.columns[key]
        if not same_value(table.grid.cell(row, col), wanted):
            writes.append(CellWrite(table.title, row, col, wanted))
    order = {table.title: i for i, table in enumerate(located.tables.values())}
    return sorted(writes, key=lambda w: (order[w.sheet], w.row, w.col))
