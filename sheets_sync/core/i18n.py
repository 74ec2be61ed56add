"""Messages and formatting in the workbook's language (en, zh, ru)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sheets_sync.core.layout import LANGS, Lang
from sheets_sync.core.templates import load_toml


@cache
def _catalog() -> dict[str, dict[str, str]]:
    return {code: dict(texts) for code, texts in load_toml("messages.toml").items()}


def message(code: str, lang: Lang, **params: object) -> str:
    """The message ``code`` in ``lang`` with its placeholders filled."""
    return _catalog()[code][lang].format(**{k: _show(v, lang) for k, v in params.items()})


def as_lang(value: object) -> Lang:
    """A language code we speak, English when ``value`` is none of them."""
    return value if value in LANGS else "en"  # type: ignore[return-value,unused-ignore]


def format_date(day: dt.date, lang: Lang) -> str:
    if lang == "ru":
        return day.strftime("%d.%m.%Y")
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def format_amount(amount: float, lang: Lang) -> str:
    text = f"{amount:,.2f}".removesuffix(".00")
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_goal_value(amount: float, unit: str, lang: Lang) -> str:
    """A goal's value as people write it, without trailing zeros: ``unit`` "percent"
    holds a share (0.009 is "0.9%"; Russian "0,9%"), any other a number ("2,150";
    Russian "2 150")."""
    text = format_amount(amount * 100 if unit == "percent" else amount, lang)
    point = "," if lang == "ru" else "."
    if point in text:
        text = text.rstrip("0").rstrip(point)
    return text + ("%" if unit == "percent" else "")


# A message quotes at most this many characters of what someone typed: a cell holds
# 32,767 characters at most, and a check quoting a long text whole would not fit.
QUOTE_LIMIT = 100


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: object, lang: Lang) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, float):
        return format_amount(value, lang)
    return shorten(str(value))
