"""How wide text shows in a terminal, and fitting it to a column.

A Chinese character takes two columns (East Asian width W or F), a combining
mark none; padding by ``len`` would break a table's alignment the moment a name
is in Chinese. Text too wide for its column is shortened with an ellipsis, never
cut silently.
"""

from __future__ import annotations

import unicodedata
from functools import cache

ELLIPSIS = "…"


def width(text: str) -> int:
    """Terminal columns ``text`` takes."""
    if text.isascii():  # one column a character: no wide or combining ones
        return len(text)
    return sum(_char_width(char) for char in text)


@cache
def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def shorten(text: str, columns: int) -> str:
    """``text`` if it fits in ``columns``, else its start and an ellipsis."""
    if text.isascii():
        return text if len(text) <= columns else text[: max(columns - 1, 0)] + ELLIPSIS
    if width(text) <= columns:
        return text
    kept, used = [], 0
    for char in text:
        size = _char_width(char)
        if used + size > columns - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ELLIPSIS


def left(text: str, columns: int) -> str:
    """``text`` shortened to ``columns`` and padded on the right to fill them."""
    short = shorten(text, columns)
    return short + " " * (columns - width(short))


def right(text: str, columns: int) -> str:
    """``text`` shortened to ``columns`` and padded on the left to fill them."""
    short = shorten(text, columns)
    return " " * (columns - width(short)) + short
