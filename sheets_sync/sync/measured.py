"""A goal's measured-value cells (measured value, measured on, source status) and
the day its typed Current value was first seen as it is.

When the sync is given the run's measurements (by metric name), each goal that
names a metric in its ``data_source`` cell gets that metric's value, its day and
its status (OK, or why it was not updated, with the last good value kept); a goal
naming no metric gets none. When it is given none (no metrics are configured for
this run), these cells are left as the workbook holds them and their value and
day still count: a sync without the sources does not undo one with them.

A typed Current with no "as of" date is dated by the sync: the hidden ``seen_value``
and ``seen_on`` cells hold the value as the last sync found it and the day it
first found it so; a changed value starts a new day. Pure: the date is passed in.
"""

from __future__ import annotations

import datetime as dt

from sheets_sync.core.cells import CellValue
from sheets_sync.core.i18n import message
from sheets_sync.core.measured import Measurement, Measurements, find_measurement
from sheets_sync.core.models import Goal
from sheets_sync.core.parsing import serial_to_date
from sheets_sync.sync.diff import same_value
from sheets_sync.sync.locate import Row, Table
from sheets_sync.sync.sink import Cells

MEASURED_COLUMNS = ("measured_value", "measured_on", "source_status")


def goal_measurement(
    cells: Cells, table: Table, row: Row, goal: Goal, measured: Measurements | None
) -> Measurement | None:
    """The measurement that counts for ``goal``, its cells handed to ``cells`` when given."""
    if goal.data_source is None:
        if measured is not None:
            for key in MEASURED_COLUMNS:
                cells.put(table, row, key, None)
        return None
    if measured is None:
        return written_measurement(row)
    found = find_measurement(measured, goal.data_source)
    cells.put(table, row, "measured_value", found.value if found else None)
    cells.put(table, row, "measured_on", found.on if found else None)
    cells.put(table, row, "source_status", _status(found, goal.data_source, measured, cells))
    return found


def _status(found: Measurement | None, name: str, measured: Measurements, cells: Cells) -> str:
    lang = cells.lang
    if found is None:
        if not measured:
            return message("no_metrics", lang, value=name)
        return message("unknown_metric", lang, value=name, allowed=", ".join(measured))
    if found.error is None:
        return message("ok", lang)
    if found.value is not None and found.on is not None:
        return message("source_failed", lang, reason=found.error, date=found.on)
    return message("source_failed_no_value", lang, reason=found.error)


def written_measurement(row: Row) -> Measurement | None:
    """The measured value and day the workbook holds from an earlier sync, if both read."""
    value, on = row.get("measured_value"), _day(row.get("measured_on"))
    if isinstance(value, bool) or not isinstance(value, int | float) or on is None:
        return None
    return Measurement(float(value), on)


def _day(value: CellValue) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return serial_to_date(value)
    return None


def seen_since(
    cells: Cells, table: Table, row: Row, current: float | None, as_of: dt.date
) -> dt.date | None:
    """The day the sync first found the typed Current as it is now (``as_of`` if new).

    Its ``seen_value``/``seen_on`` cells are handed to ``cells``; unchanged, they are
    the same values again, so a sync with no edits writes nothing. In a workbook
    without those columns every sync finds the value new: never out of date.
    """
    if current is None:
        since = None
    else:
        since = _day(row.get("seen_on"))
        if since is None or not same_value(row.get("seen_value"), current):
            since = as_of
    cells.put(table, row, "seen_value", current)
    cells.put(table, row, "seen_on", since)
    return since


def value_day(
    used: str | None, typed_on: dt.date | None, measured: Measurement | None
) -> dt.date | None:
    """The day the value progress uses was true: the typed one's date or the measured day."""
    if used == "measured" and measured is not None:
        return measured.on
    return typed_on if used == "typed" else None
