import datetime as dt

import pytest

from sheets_sync.core.cells import Formula
from sheets_sync.sync.diff import same_value


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (None, None),
        ("", None),
        ("  ", ""),
        (Formula("=SUM(A:A)"), Formula("= sum(a:a)")),
        (Formula("=SUM(A1, B1)"), Formula("=SUM(A1,B1)")),  # in a formula every space goes
        (dt.datetime(2027, 3, 1), dt.date(2027, 3, 1)),
        (46447, dt.date(2027, 3, 1)),  # Google's serial date
        (0.1 + 0.2, 0.3),
        (dt.date(2027, 3, 1), 46447),  # a number in a cell someone formatted as a date
        (dt.datetime(1899, 12, 31, 1, 40, 48), 0.07),  # ... read back the Excel way
        (dt.datetime(1899, 12, 30, 1, 40, 48), 0.07),  # ... and the Google way
        (7, 7.0),
        ("OK", "OK"),
    ],
)
def test_same(current: object, wanted: object) -> None:
    assert same_value(current, wanted)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        ("x", None),
        ("=SUM(A:A)", Formula("=SUM(A:A)")),  # text that looks like a formula is not one
        (dt.datetime(2027, 3, 1, 12), dt.date(2027, 3, 1)),
        (True, 1),
        (1, True),
        ("7", 7),
        (0.25, 0.26),
        ("OK", "ok"),
    ],
)
def test_different(current: object, wanted: object) -> None:
    assert not same_value(current, wanted)  # type: ignore[arg-type]
