"""Reading cell values the way marketers type them.

Amounts arrive as numbers or as text such as "50,000", "50 000,50", "$50,000",
"50 000 ₽" or "¥50,000"; percentages as 0.25 or "1,5%"; dates as date cells,
Excel serial numbers, "2027-07-01", "01.07.2027", "7/1/2027" (read by the
workbook's language) or "2027年7月1日". Each parser returns a plain value or
raises :class:`ParseError` naming what was expected, for a message on the row.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from sheets_sync.core.cells import CellValue, Formula
from sheets_sync.core.serials import MAX_SERIAL, day_of_serial
from sheets_sync.errors import ParseError

_CURRENCY = re.compile(r"(?i)(?:[$€£¥₽₩₹]|руб\.?|р\.|usd|eur|rub|cny|rmb|gbp|jpy|元|人民币|円)")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_CJK = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def match_key(text: str) -> str:
    """How names and IDs are matched across sheets: case and spacing do not matter.

    "  Paid   Search " and "paid search" give the same key. Every comparison of a
    name, an ID, a sheet title, a header label or a choice across sheets goes
    through this one function (or :data:`match_key_cached`, the same function).
    """
    return " ".join(text.split()).casefold()


# :func:`match_key` remembering its last answers, for the walk over a sheet's rows:
# a focus area's or an owner's name repeats on thousands of rows and is matched
# several times on each, while an ID is seen once and would only churn the cache.
match_key_cached: Callable[[str], str] = functools.lru_cache(maxsize=4096)(match_key)


def is_blank(value: CellValue) -> bool:
    return value is None or (type(value) is str and not value.strip())


def clean_text(value: CellValue) -> str | None:
    """Text with outer blanks removed; numbers as typed (7, not 7.0); blank → None."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _plain_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _decimal_text(text: str, lang: str) -> float:
    """'50,000', '50 000,50', '1.234.567', '1,5' → float; ValueError otherwise."""
    text = _SPACES.sub("", text)
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("-()+")
    if not text or not re.fullmatch(r"[\d.,]+", text) or not re.search(r"\d", text):
        raise ValueError(text)
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text:
        groups = text.split(",")
        grouped = len(groups) > 2 or (len(groups[-1]) == 3 and lang != "ru")
        if grouped and all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            text = text.replace(",", "")
        elif len(groups) == 2:
            text = text.replace(",", ".")
        else:
            raise ValueError(text)
    elif text.count(".") > 1:
        groups = text.split(".")
        if not all(len(g) == 3 for g in groups[1:]):
            raise ValueError(text)
        text = text.replace(".", "")
    try:
        number = float(Decimal(text))
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not math.isfinite(number):  # more digits than a double holds: no amount
        raise ValueError(text)
    return -number if negative else number


def parse_money(value: CellValue, lang: str = "en") -> float:
    """An amount of money, with or without currency sign and thousands separators."""
    number = _plain_number(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        raise ParseError("expected_money", value)
    stripped = _CURRENCY.sub("", value)
    try:
        return _decimal_text(stripped, lang)
    except ValueError:
        raise ParseError("expected_money", value) from None


def parse_number(value: CellValue, lang: str = "en") -> float:
    """A plain number, typed with the workbook language's separators."""
    number = _plain_number(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        raise ParseError("expected_number", value)
    try:
        return _decimal_text(value, lang)
    except ValueError:
        raise ParseError("expected_number", value) from None


def parse_percent(value: CellValue, lang: str = "en") -> float:
    """A share as a fraction: 0.25, "25%", "1,5%" (→ 0.015), or 25 (read as 25%).

    A bare number above 1 is taken as percentage points: nobody sets a threshold
    of 2500%.
    """
    number = _plain_number(value)
    if number is None and isinstance(value, str):
        text = value.strip()
        try:
            if text.endswith("%"):
                return _decimal_text(text[:-1], lang) / 100
            number = _decimal_text(text, lang)
        except ValueError:
            number = None
    if number is None:
        raise ParseError("expected_percent", value)
    return number / 100 if abs(number) > 1 else number


def parse_quantity(value: CellValue, lang: str = "en") -> float:
    """A goal's value: a number, an amount, or a percentage (as a fraction)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_percent(value, lang)
    try:
        return parse_money(value, lang)
    except ParseError:
        raise ParseError("expected_quantity", value) from None


def parse_integer(value: CellValue, lang: str = "en") -> int:
    try:
        number = parse_number(value, lang)
    except ParseError:
        raise ParseError("expected_integer", value) from None
    if not number.is_integer():
        raise ParseError("expected_integer", value)
    return int(number)


def serial_to_date(serial: float) -> dt.date:
    """The day of a serial counted plainly from 1899-12-30, as Google Sheets counts."""
    return day_of_serial(serial, lotus_bug=False)


def parse_date(value: CellValue, lang: str = "en") -> dt.date:
    """A date from a date cell, a serial number, or text typed in the workbook's language."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    number = _plain_number(value)
    if number is not None:
        if 1 <= number <= MAX_SERIAL:
            return serial_to_date(number)
        raise ParseError("expected_date", value)
    if not isinstance(value, str):
        raise ParseError("expected_date", value)
    text = value.strip()
    try:
        if match := _ISO.match(text) or _YMD_SLASH.match(text) or _CJK.match(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DOTTED.match(text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if match := _SLASHED.match(text):
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            if lang == "ru":
                return dt.date(year, second, first)
            return dt.date(year, first, second)
    except ValueError:
        pass
    raise ParseError("expected_date", value)


def is_email(text: str) -> bool:
    """One ``@`` between a name and a dotted domain, no spaces: a typo check, not RFC 5322."""
    return _EMAIL.match(text) is not None


def parse_email(value: CellValue) -> str:
    text = clean_text(value) or ""
    if not is_email(text):
        raise ParseError("expected_email", value)
    return text
