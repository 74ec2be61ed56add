"""The run history for people (text, old → new per cell) and for programs (JSON, JSON lines)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal

from sheets_sync.jobs.history.store import CellRecord, HistoryStore, RunRecord

Format = Literal["text", "json", "jsonl"]


def history_entries(
    store: HistoryStore, runs: Iterable[RunRecord]
) -> list[tuple[RunRecord, list[CellRecord]]]:
    return [(run, store.cells(run.id) if run.id is not None else []) for run in runs]


def render_history(entries: list[tuple[RunRecord, list[CellRecord]]], fmt: Format) -> str:
    if fmt == "json":
        return json.dumps([_entry(r, c) for r, c in entries], ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(json.dumps(_entry(r, c), ensure_ascii=False) for r, c in entries)
    if not entries:
        return "No runs recorded."
    return "\n".join(line for run, cells in entries for line in _text(run, cells))


def _entry(run: RunRecord, cells: list[CellRecord]) -> dict[str, Any]:
    return run.as_json() | {"cells": [cell.as_json() for cell in cells]}


def _text(run: RunRecord, cells: list[CellRecord]) -> list[str]:
    when = run.started.isoformat(timespec="seconds")
    seconds = (run.ended - run.started).total_seconds()
    head = f"{when}  {run.workbook}  {run.result}"
    if run.error:
        head += f": {run.error}"
    else:
        invalid = f" ({run.rows_invalid} invalid)" if run.rows_invalid else ""
        head += f", {run.rows_read} rows{invalid}, {run.cells_written} cell(s) written"
    lines = [f"{head}  [{seconds:.1f} s]"]
    for cell in cells:
        where = f"{cell.sheet} {cell.row_id or f'row {cell.row}'} {cell.column}"
        lines.append(f"    {where}: {_shown(cell.old)} → {_shown(cell.new)}")
    return lines


def _shown(value: Any) -> str:
    return "(blank)" if value is None or value == "" else json.dumps(value, ensure_ascii=False)
