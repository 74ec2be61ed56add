"""How wide each column of a new workbook is and how tall each row, from what the cells show.

A column is as wide as its longest shown value (a date in the workbook's
language, an amount in its currency, every label of its dropdown), at least its
layout width; a column that wraps keeps its layout width, and so does a column
whose content would be wider than the layout's ``max_width``. Headers wrap onto
at most ``header_lines`` lines without breaking a word. Rows with wrapped text
get the height of their most wrapped cell.

Widths count characters as spreadsheet applications do (the width of a digit),
with East Asian wide characters counting double, so a width that fits the
English label also fits the Chinese one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sheets_sync.core.cells import CellValue, Formula
from sheets_sync.core.display import width as display_width
from sheets_sync.core.layout import HEADER_ROW, Lang, Presentation

PADDING = 2  # characters of room around a cell's text, when a column fits its content
MARGIN = 1  # characters a cell keeps free beside wrapped text
BOLD = 1.1  # a bold header is this much wider than plain text
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
COMPUTED_AMOUNT = 9_999_999.0  # what a rollup formula is measured as before it is computed


def _pieces(word: str, width: int) -> list[str]:
    """``word`` cut into pieces no wider than ``width`` (CJK text breaks anywhere)."""
    pieces, current = [], ""
    for ch in word:
        if current and display_width(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped at ``width`` characters, breaking at spaces."""
    room = max(1, math.floor(width))
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split(" "):
            for piece in _pieces(word, room) or [""]:
                size = display_width(piece)
                if used and used + 1 + size > room:
                    lines += 1
                    used = size
                else:
                    used += size + (1 if used else 0)
    return lines


def shown(value: CellValue, kind: str, lang: Lang) -> str:
    """About what a cell of this kind shows for ``value`` (for measuring, not for reading)."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        value = COMPUTED_AMOUNT if kind == "money" else 0.999 if kind == "percent" else ""
    if isinstance(value, dt.date):
        return _shown_date(value, lang)
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        if kind in ("percent", "goal_percent"):
            return f"{value * 100:.2f}%"
        if kind == "money":
            return f"¥{value:,.0f}"  # the symbol's room, one character or two with a space
        return f"{value:,}"
    return str(value)


def _shown_date(day: dt.date, lang: Lang) -> str:
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    if lang == "ru":
        return day.strftime("%d.%m.%Y")
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class ColumnText:
    """What one column shows: its header, its layout width and whether it wraps."""

    header: str
    width: int
    wrap: bool
    hidden: bool
    texts: Sequence[str]  # every value it shows (cells and dropdown labels)


def _header_width(header: str, least: float, most_lines: int) -> float:
    """The narrowest width from ``least`` at which the header takes at most ``most_lines``."""
    longest_word = max((display_width(w) for w in header.split()), default=0)
    width = max(least, longest_word * BOLD + PADDING)
    while wrapped_lines(header, (width - MARGIN) / BOLD) > most_lines:
        width += 1
    return width


def column_width(column: ColumnText, presentation: Presentation) -> tuple[int, bool]:
    """The column's width in characters and whether it wraps."""
    if column.hidden:
        return column.width, False
    widest = max((display_width(t) for t in column.texts), default=0) + PADDING
    if column.wrap:
        width = column.width
    elif widest > presentation.max_width:  # too long to fit: as wide as allowed, wrapped
        width = max(column.width, presentation.max_width)
    else:
        width = max(column.width, widest)
    wrap = column.wrap or widest > presentation.max_width
    fitted = _header_width(column.header, width, presentation.header_lines)
    return math.ceil(fitted), wrap


def row_heights(
    rows: Sequence[Sequence[str]],
    widths: Sequence[tuple[int, bool]],
    line_height: float,
) -> dict[int, float]:
    """Each row's height in points where a header or wrapped text needs more than one line.

    ``rows`` are the shown texts from the header row down; ``widths`` each column's
    width and whether it wraps.
    """
    heights: dict[int, float] = {}
    for number, texts in enumerate(rows, start=HEADER_ROW):
        scale = BOLD if number == HEADER_ROW else 1.0
        lines = max(
            (
                wrapped_lines(text, (width - MARGIN) / scale)
                for text, (width, wrap) in zip(texts, widths, strict=False)
                if text and (wrap or number == HEADER_ROW)
            ),
            default=1,
        )
        if lines > 1:
            heights[number] = round(lines * line_height + 2, 1)
    return heights
