"""Compute's one walk per sheet: order, and the same decisions whether it collects or diffs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_sync.backends.xlsx import read_xlsx
from sheets_sync.core.checklist import load_checklist
from sheets_sync.core.layout import load_layout
from sheets_sync.sync.compute import compute, walk_order
from sheets_sync.sync.diff import Differ
from sheets_sync.sync.locate import Row, Table, locate

from .conftest import AS_OF

LAYOUT = load_layout()


def test_sheets_are_walked_after_the_sheets_they_refer_to() -> None:
    order = walk_order(LAYOUT)
    assert sorted(order) == sorted(s.key for s in LAYOUT.sheets if s.kind == "rows")
    for sheet in LAYOUT.sheets:
        for column in sheet.columns:
            if column.ref:
                target = column.ref.partition(".")[0]
                assert order.index(target) < order.index(sheet.key), (sheet.key, column.key)


def test_circular_references_are_refused() -> None:
    initiatives = LAYOUT.sheet("initiatives")
    focus = LAYOUT.sheet("focus_areas")
    looped = focus.model_copy(
        update={
            "columns": [
                *focus.columns,
                initiatives.column("id").model_copy(
                    update={"key": "lead", "ref": "initiatives.id"}
                ),
            ]
        }
    )
    layout = LAYOUT.model_copy(
        update={"sheets": [looped if s.key == "focus_areas" else s for s in LAYOUT.sheets]}
    )
    with pytest.raises(ValueError, match="circle"):
        walk_order(layout)


def test_diffing_as_decided_equals_collecting_then_diffing(roadmap: Path) -> None:
    """The sync's streaming path decides exactly what the collecting path does."""
    book = load_workbook(roadmap)
    sheet = book[LAYOUT.sheet("initiatives").title.en]
    sheet.cell(4, 8).value = "lots"  # a bad amount: flags cleared, a message
    sheet.cell(40, 2).value = "Events"  # a new row far below: an ID to assign
    sheet.cell(40, 3).value = "Stand at the autumn fair"
    book.save(roadmap)
    as_of = AS_OF + dt.timedelta(days=45)

    def run(stream: bool) -> tuple[list[object], list[object], list[object]]:
        located = locate(read_xlsx(roadmap), LAYOUT)
        differ = Differ()
        outcome = compute(
            located, LAYOUT, load_checklist(), as_of, sink=differ if stream else None,
            keep_models=not stream,
        )  # fmt: skip
        if not stream:
            for (key, number, column), value in outcome.desired.items():
                table: Table = located.table(key)
                lines = table.grid.rows
                line = lines[number - 1] if number <= len(lines) else []
                differ(table, Row(number, line, table.columns), column, value)
        return differ.writes(located), outcome.problems, outcome.rollups

    streamed, collected = run(stream=True), run(stream=False)
    assert streamed == collected
    writes, problems, _ = streamed
    assert any(p.code == "expected_money" for p in problems)  # type: ignore[attr-defined]
    assert len(writes) > 10
