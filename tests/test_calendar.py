import datetime as dt
import itertools

import pytest

from sheets_sync.core.calendar import Quarter, elapsed_share, year_quarters


def test_calendar_quarter_dates() -> None:
    q = Quarter(2027, 1)
    assert (q.start, q.end) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert q.final_review == dt.date(2027, 3, 17)
    assert q.mid_review == dt.date(2027, 2, 14)
    assert q.week_end(1) == dt.date(2027, 1, 7)
    assert q.week_end(13) == q.end


def test_q4_rolls_into_next_years_q1() -> None:
    assert Quarter(2027, 4).next() == Quarter(2028, 1)
    assert Quarter(2028, 1).previous() == Quarter(2027, 4)


def test_fiscal_year_starting_in_april() -> None:
    q = Quarter(2027, 1, fiscal_year_start=4)
    assert (q.start, q.end) == (dt.date(2027, 4, 1), dt.date(2027, 6, 30))
    q4 = Quarter(2027, 4, fiscal_year_start=4)
    assert (q4.start, q4.end) == (dt.date(2028, 1, 1), dt.date(2028, 3, 31))
    assert q4.calendar_quarter == 1
    assert q4.next() == Quarter(2028, 1, 4)


def test_fiscal_quarters_tile_the_year() -> None:
    for start_month in range(1, 13):
        quarters = year_quarters(2027, start_month)
        for a, b in itertools.pairwise(quarters):
            assert a.end + dt.timedelta(days=1) == b.start
        assert 365 <= (quarters[-1].end - quarters[0].start).days + 1 <= 366


@pytest.mark.parametrize("text", ["2027-Q1", "2027Q1", "FY2027-Q1", "2027 q1", " 2027-q1 "])
def test_parse_quarter_names(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2027, 1)


@pytest.mark.parametrize("text", ["2027-Q5", "Q1", "2027", "27-Q1"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="2027-Q1"):
        Quarter.parse(text)


def test_elapsed_share() -> None:
    start, end = dt.date(2027, 1, 1), dt.date(2027, 1, 10)
    assert elapsed_share(start, end, dt.date(2026, 12, 31)) == 0
    assert elapsed_share(start, end, dt.date(2027, 1, 5)) == 0.5
    assert elapsed_share(start, end, dt.date(2027, 2, 1)) == 1
