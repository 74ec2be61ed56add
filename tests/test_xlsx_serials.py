"""Date serials (sheets_sync.core.serials): Excel's 1900 and 1904 systems, Google's count."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.backends.google.spreadsheet import encode
from sheets_sync.core.parsing import serial_to_date
from sheets_sync.core.serials import day_of_serial, from_serial, to_serial

D = dt.date
T = dt.datetime
MAX_DAY = D(9999, 12, 31)
# Where each system's serials start: Excel's 1 (1900, after 0 = "1900-01-00"), the
# 1904 system's 0, and Google's 0.
SYSTEMS = [  # (date1904, lotus_bug, first day)
    (False, True, D(1900, 1, 1)),
    (True, True, D(1904, 1, 1)),
    (False, False, D(1899, 12, 30)),
]


def _stamps(first: D) -> st.SearchStrategy[dt.date]:
    """Days, and times of day to the millisecond (what a serial keeps), from ``first``."""
    days = st.dates(min_value=first, max_value=MAX_DAY)
    times = st.datetimes(min_value=T.combine(first, dt.time()), max_value=T(9999, 12, 31, 23, 59))
    return days | times.map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))


@pytest.mark.parametrize(("date1904", "lotus_bug", "first"), SYSTEMS)
@given(data=st.data())
def test_round_trip_in_every_system(
    date1904: bool, lotus_bug: bool, first: D, data: st.DataObject
) -> None:
    value = data.draw(_stamps(first))
    serial = to_serial(value, date1904, lotus_bug=lotus_bug)
    midnight = isinstance(value, T) and value.time() == dt.time()
    assert from_serial(serial, date1904, lotus_bug=lotus_bug) == (
        value.date() if isinstance(value, T) and midnight else value
    )
    assert isinstance(serial, int) is (not isinstance(value, T) or midnight)


@given(st.dates(min_value=D(1899, 12, 30), max_value=MAX_DAY))
def test_google_count_matches_parsing(day: D) -> None:
    serial = to_serial(day, lotus_bug=False)
    assert serial == to_serial(day, lotus_bug=False) == encode(day)
    assert serial_to_date(serial) == day_of_serial(serial, lotus_bug=False) == day


def test_excel_counts_the_phantom_1900_02_29() -> None:
    assert to_serial(D(1900, 1, 1)) == 1
    assert to_serial(D(1900, 2, 28)) == 59
    assert to_serial(D(1900, 3, 1)) == 61
    assert to_serial(D(2023, 3, 15)) == 45000
    assert from_serial(1) == D(1900, 1, 1)
    assert from_serial(59) == D(1900, 2, 28)
    assert from_serial(60) == D(1900, 2, 28)  # the phantom day reads as the day before
    assert from_serial(61) == D(1900, 3, 1)
    assert day_of_serial(60.5) == D(1900, 2, 28)
    assert day_of_serial(61) == D(1900, 3, 1)


def test_google_count_has_no_phantom_day() -> None:
    assert to_serial(D(1900, 2, 28), lotus_bug=False) == 60
    assert to_serial(D(1900, 3, 1), lotus_bug=False) == 61
    assert from_serial(60, lotus_bug=False) == D(1900, 2, 28)
    assert from_serial(59, lotus_bug=False) == D(1900, 2, 27)
    assert serial_to_date(60) == D(1900, 2, 28)
    assert serial_to_date(45000.99) == D(2023, 3, 15)  # the time of day is dropped


def test_1904_system() -> None:
    assert to_serial(D(1904, 1, 1), True) == 0
    assert to_serial(D(2023, 3, 15), True) == 43538  # 1,462 days below the 1900 system
    assert from_serial(43538, True) == D(2023, 3, 15)
    assert from_serial(45000.5, True) == T(2027, 3, 16, 12)
    assert to_serial(MAX_DAY, True) == 2957003


def test_fractional_serials_carry_the_time() -> None:
    assert to_serial(T(2023, 3, 15, 18)) == 45000.75
    assert from_serial(45000.75) == T(2023, 3, 15, 18)
    assert from_serial(59.25) == T(1900, 2, 28, 6)
    assert from_serial(60.5) == T(1900, 2, 28, 12)
    assert to_serial(T(1900, 2, 28, 6)) == 59.25
    assert from_serial(45000 + 0.4 / 86_400_000) == D(2023, 3, 15)  # rounds to the ms
    assert from_serial(45000 + 1 / 86_400) == T(2023, 3, 15, 0, 0, 1)
    assert to_serial(T(2023, 3, 15)) == 45000  # a datetime at midnight is whole days
    assert encode(T(2026, 1, 1, 18)) == 46023.75


def test_wall_clock_time_is_kept() -> None:
    east = dt.timezone(dt.timedelta(hours=8))
    assert to_serial(T(2027, 1, 1, 18, tzinfo=east)) == to_serial(T(2027, 1, 1, 18))


@pytest.mark.parametrize(
    ("serial", "date1904", "expected"),
    [
        (-1.0, False, -1),
        (-0.5, False, -0.5),
        (2_958_466.0, False, 2_958_466),
        (2_958_465.5, True, 2_958_465.5),  # past 9999-12-31 counted from 1904
        (1e300, False, int(1e300)),
    ],
)
def test_serials_outside_the_calendar_stay_numbers(
    serial: float, date1904: bool, expected: float
) -> None:
    value = from_serial(serial, date1904)
    assert value == expected
    assert type(value) is type(expected)


def test_last_day() -> None:
    assert to_serial(MAX_DAY) == 2_958_465
    assert from_serial(2_958_465.5) == T(9999, 12, 31, 12)


@pytest.mark.parametrize(
    "value",
    [dt.date(1900, 3, 1), dt.date(2025, 12, 31), dt.datetime(2024, 2, 29, 23, 59, 59, 999000)],
)
def test_serial_round_trip(value: dt.date) -> None:
    assert from_serial(to_serial(value)) == value
    if value.year >= 1904:
        assert from_serial(to_serial(value, True), True) == value


def test_serials_match_excel() -> None:
    assert to_serial(dt.date(1900, 1, 1)) == 1
    assert to_serial(dt.date(1900, 3, 1)) == 61
    assert to_serial(dt.date(2023, 3, 15)) == 45000
    assert from_serial(1) == dt.date(1900, 1, 1)
