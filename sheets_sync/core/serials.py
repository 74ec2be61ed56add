"""Spreadsheet date serials: a date as the number of days since a calendar's day 0.

Every spreadsheet stores a date as a number and shows it through a date format.
Excel's 1900 date system counts from 1899-12-30 and, to match Lotus 1-2-3, counts
a 29 February 1900 that never was, so its serials before 1900-03-01 are one lower
than a plain count (serial 60 is that phantom day; it reads back as 1900-02-28).
Excel's 1904 date system (old Mac workbooks) counts from 1904-01-01 with no
phantom day. Google Sheets counts plainly from 1899-12-30. A time of day is the
fraction of a day after the whole days.

The .xlsx reader and patcher, the Google backend and the parsing of a typed serial
all convert here, so each side of a round trip uses the same arithmetic. Pure
functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math

EPOCH_1900 = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)
MAX_SERIAL = 2_958_465  # 9999-12-31 in the 1900 date system
_MARCH_1900 = dt.datetime(1900, 3, 1)
_MS_PER_DAY = 86_400_000


def to_serial(value: dt.date, date1904: bool = False, *, lotus_bug: bool = True) -> int | float:
    """A date (or a datetime at midnight) as whole days; a datetime as days and a fraction.

    A datetime's time zone is dropped: the serial holds the wall-clock time it shows.
    ``lotus_bug`` counts Excel's phantom 1900-02-29 (1900 date system only); Google
    Sheets' serials are ``lotus_bug=False``.
    """
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    if stamp.tzinfo is not None:
        stamp = stamp.replace(tzinfo=None)
    delta = stamp - (EPOCH_1904 if date1904 else EPOCH_1900)
    if lotus_bug and not date1904 and stamp < _MARCH_1900:
        delta -= dt.timedelta(days=1)
    if delta.seconds == 0 and delta.microseconds == 0:
        return delta.days
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def from_serial(
    serial: float, date1904: bool = False, *, lotus_bug: bool = True
) -> dt.date | dt.datetime | int | float:
    """A serial as a date when it is a whole day, else a datetime (to the millisecond).

    A serial no spreadsheet shows as a date (negative, or past 9999-12-31) stays a
    number, as the spreadsheet shows it.
    """
    if not 0 <= serial < MAX_SERIAL + 1:
        return int(serial) if float(serial).is_integer() else serial
    days = math.floor(serial)
    ms = round((serial - days) * _MS_PER_DAY)
    if lotus_bug and not date1904 and serial < 60:
        days += 1  # before the phantom 1900-02-29
    try:
        stamp = (EPOCH_1904 if date1904 else EPOCH_1900) + dt.timedelta(days=days, milliseconds=ms)
    except OverflowError:
        return serial
    return stamp.date() if stamp.time() == dt.time() else stamp


def day_of_serial(serial: float, *, lotus_bug: bool = True) -> dt.date:
    """The day a serial of the 1900 date system falls on, its time of day dropped.

    Raises :class:`OverflowError` for a serial outside the years 1..9999.
    """
    days = math.floor(serial)
    if lotus_bug and days < 60:
        days += 1
    return EPOCH_1900.date() + dt.timedelta(days=days)
