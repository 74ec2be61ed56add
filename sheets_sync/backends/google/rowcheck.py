"""Checking, from a write's own response, that each row tag still named the row read.

Google documents that row developer metadata moves with a row when rows are
inserted or deleted; it says nothing of sorting. If a tag stays with its position
when rows are sorted between a sync's read and its write, the write by tag lands on
whichever row was sorted into that position. The write asks Google to send back
each written row as it stands after the write (``includeValuesInResponse``), so the
row's other cells tell whose row took the cells, at no extra request:

* the row read (or a row no read row matches, e.g. one a person edited meanwhile):
  the cells are where they belong;
* another row of the read, recognised by its cells outside the written columns,
  or a row that is empty there (inserted meanwhile): the cells went astray. One
  repair write puts back, on every position written, the values that position's
  row should hold: its own new values, the ones it held at the read, or nothing.
  A row whose cells went astray and that is seen under no tag written (sorted onto
  a row without a tag, say) waits for the next sync.

Pure: no I/O. The backend sends what :func:`repairs` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.core.cells import CellValue, Formula

RowKey = tuple[tuple[str, Any], ...]


@dataclass
class SentRow:
    """One row written by tag: where it was read, and its cells (1-based columns)."""

    title: str
    row: int
    cells: dict[int, CellValue]


@dataclass
class Repair:
    """What the write's response says: the values to write again, by tag, and the
    cells that landed on their row, or wait for the next sync."""

    by_tag: dict[int, dict[int, CellValue]] = field(default_factory=dict)
    placed: int = 0
    lost: int = 0


_BLANK = ("", "")


def _plain(value: Any) -> tuple[str, Any]:
    """A cell as compared: the snapshot's values and a FORMULA-rendered response alike."""
    if value is None or value == "":
        return _BLANK
    if isinstance(value, Formula):
        return ("s", value.text)
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", float(value))
    return ("s", str(value))


def row_key(line: Sequence[Any], width: int, skip: set[int]) -> RowKey:
    """The row's cells in columns 1..``width`` outside ``skip``: what tells rows apart."""
    return tuple(
        _plain(line[col - 1] if col <= len(line) else None)
        for col in range(1, width + 1)
        if col not in skip
    )


def repairs(
    sent: dict[int, SentRow],
    after: dict[int, list[Any]],
    lines: dict[str, list[list[CellValue]]],
    width: dict[str, int],
) -> Repair:
    """The repair of a write whose response is ``after`` (tag -> the row's values).

    ``sent`` is what went to each tag, ``lines`` each sheet's rows as read, and
    ``width`` the columns each sheet's written rows span.
    """
    written = _written_columns(sent)
    owners = _read_rows_by_key(lines, width, written)
    seen: set[tuple[str, int]] = set()  # the read rows now under a tag we wrote
    astray: dict[int, tuple[str, int] | None] = {}  # tag -> the row there (None: empty)
    for tag, values in after.items():
        row = sent[tag]
        key = row_key(values, width[row.title], written[row.title])
        matches = owners[row.title].get(key, [])
        now = matches[0] if len(matches) == 1 else None
        if now is not None:
            seen.add(now)
        if now is not None and now != (row.title, row.row):
            astray[tag] = now
        elif all(cell == _BLANK for cell in key):
            astray[tag] = None  # a row inserted empty took the tag's place
    result = Repair()
    wanted = {(row.title, row.row): row.cells for row in sent.values()}
    for tag in after:
        row = sent[tag]
        if tag not in astray:
            result.placed += len(row.cells)
            continue
        result.by_tag[tag], placed = _rightful(astray[tag], row.title, wanted, lines, written)
        result.placed += placed
        if (row.title, row.row) not in seen:
            result.lost += len(row.cells)  # its row is under no tag we wrote
    return result


def _rightful(
    now: tuple[str, int] | None,
    title: str,
    wanted: dict[tuple[str, int], dict[int, CellValue]],
    lines: dict[str, list[list[CellValue]]],
    written: dict[str, set[int]],
) -> tuple[dict[int, CellValue], int]:
    """What the written columns of the row ``now`` under a tag should hold: its own new
    values, else what it held at the read (nothing for an empty row); and how many of
    its own new values that places."""
    if now is None:
        return dict.fromkeys(written[title]), 0
    own = wanted.get(now, {})
    line = lines[now[0]][now[1] - 1] if now[1] <= len(lines[now[0]]) else []
    cells = {
        col: own[col] if col in own else (line[col - 1] if col <= len(line) else None)
        for col in written[now[0]]
    }
    return cells, len(own)


def _written_columns(sent: dict[int, SentRow]) -> dict[str, set[int]]:
    columns: dict[str, set[int]] = {}
    for row in sent.values():
        columns.setdefault(row.title, set()).update(row.cells)
    return columns


def _read_rows_by_key(
    lines: dict[str, list[list[CellValue]]], width: dict[str, int], written: dict[str, set[int]]
) -> dict[str, dict[RowKey, list[tuple[str, int]]]]:
    """Each written sheet's rows as read, by their cells outside the written columns."""
    owners: dict[str, dict[RowKey, list[tuple[str, int]]]] = {}
    for title, skip in written.items():
        by_key = owners.setdefault(title, {})
        for number, line in enumerate(lines.get(title, []), start=1):
            if any(v is not None and v != "" for v in line):
                by_key.setdefault(row_key(line, width[title], skip), []).append((title, number))
    return owners
