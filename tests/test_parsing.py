import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.core.parsing import (
    ParseError,
    match_key,
    match_key_cached,
    parse_date,
    parse_integer,
    parse_money,
    parse_percent,
    parse_quantity,
    serial_to_date,
)
from sheets_sync.core.serials import to_serial


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("50000", "en", 50000.0),
        ("50,000", "en", 50000.0),
        ("50 000,50", "ru", 50000.5),
        ("50\u00a0000,50", "ru", 50000.5),
        ("$50,000", "en", 50000.0),
        ("50 000 ₽", "ru", 50000.0),
        ("¥50,000", "zh", 50000.0),
        ("1.234.567", "ru", 1234567.0),
        ("1,234,567.25", "en", 1234567.25),
        ("1.234,5", "ru", 1234.5),
        ("12,5", "ru", 12.5),
        ("1,500", "ru", 1.5),
        ("€ 7", "en", 7.0),
        ("-1,200", "en", -1200.0),
        (50000, "en", 50000.0),
        (12.5, "en", 12.5),
    ],
)
def test_money_as_marketers_type_it(text: object, lang: str, expected: float) -> None:
    assert parse_money(text, lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["abc", "", "1,2,3,4", "12..5", "$", True, "50 000 000,000,1"])
def test_money_rejects_what_is_not_an_amount(text: object) -> None:
    with pytest.raises(ParseError) as caught:
        parse_money(text)  # type: ignore[arg-type]
    assert caught.value.code == "expected_money"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1,5%", "ru", 0.015),
        ("0.75%", "en", 0.0075),
        (0.25, "en", 0.25),
        ("25%", "zh", 0.25),
        ("25", "en", 0.25),
        (30, "en", 0.3),
    ],
)
def test_percentages(text: object, lang: str, expected: float) -> None:
    assert parse_percent(text, lang) == pytest.approx(expected)  # type: ignore[arg-type]


def test_quantity_reads_percent_and_plain_numbers() -> None:
    assert parse_quantity("0.75%") == pytest.approx(0.0075)
    assert parse_quantity("400") == 400
    with pytest.raises(ParseError) as caught:
        parse_quantity("lots")
    assert caught.value.code == "expected_quantity"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("2027-07-01", "en", dt.date(2027, 7, 1)),
        ("01.07.2027", "ru", dt.date(2027, 7, 1)),
        ("01.07.2027", "en", dt.date(2027, 7, 1)),
        ("7/1/2027", "en", dt.date(2027, 7, 1)),
        ("1/7/2027", "ru", dt.date(2027, 7, 1)),
        ("2027年7月1日", "zh", dt.date(2027, 7, 1)),
        ("2027/7/1", "zh", dt.date(2027, 7, 1)),
        (46569, "en", dt.date(2027, 7, 1)),
        (46569.5, "en", dt.date(2027, 7, 1)),
        (dt.datetime(2027, 7, 1, 0, 0), "en", dt.date(2027, 7, 1)),
        (dt.date(2027, 7, 1), "en", dt.date(2027, 7, 1)),
    ],
)
def test_dates_as_typed_in_each_language(value: object, lang: str, expected: dt.date) -> None:
    assert parse_date(value, lang) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["next week", "31.02.2027", "2027-13-01", 0, -5, 99999999, "7/1"])
def test_dates_rejected_with_a_code(value: object) -> None:
    with pytest.raises(ParseError) as caught:
        parse_date(value)  # type: ignore[arg-type]
    assert caught.value.code == "expected_date"


def test_integer_refuses_fractions() -> None:
    assert parse_integer("7") == 7
    with pytest.raises(ParseError):
        parse_integer("7.5")


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_serial_round_trip(day: dt.date) -> None:
    assert serial_to_date(to_serial(day, lotus_bug=False)) == day
    assert parse_date(to_serial(day, lotus_bug=False)) == day


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["en", "ru", "zh"]))
def test_formatted_amounts_parse_back(amount: int, lang: str) -> None:
    sep = "\u00a0" if lang == "ru" else ","
    assert parse_money(f"{amount:,}".replace(",", sep), lang) == amount


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  Events ", "events"),
        ("Paid   Search", "paid search"),
        ("paid\u00a0search\t", "paid search"),  # a no-break space, a tab
        ("Anna\nLee", "anna lee"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefolded, not just lowered
        ("Мероприятия", "мероприятия"),
        ("IN-001", "in-001"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_names_and_ids_match_whatever_their_case_and_spacing(text: str, key: str) -> None:
    assert match_key(text) == key
    assert match_key_cached(text) == key


@given(st.text())
def test_a_match_key_is_its_own_key_and_the_cached_one_is_the_same(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key
    assert match_key(f"  {text}\t") == key
    assert match_key_cached(text) == key
