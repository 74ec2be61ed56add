"""What a sync found and did, for people (text) and for programs (JSON)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.backends.protocol import WriteResult
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellChange, CellValue, CellWrite, Formula
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.sync.attention import Notice
from sheets_sync.sync.checks import problem_text
from sheets_sync.sync.compute import Outcome
from sheets_sync.sync.rollup import FocusRollup, QuarterRollup
from sheets_sync.sync.summary import notice_json, render_summary, write_lines

NOTHING_WRITTEN = WriteResult()


@dataclass(frozen=True)
class ProblemEntry:
    sheet: str
    sheet_title: str
    row: int
    row_id: str | None
    column: str | None
    code: str
    message: str
    warning: bool


@dataclass
class SyncReport:
    """The result of one sync of one workbook."""

    source: str
    as_of: dt.date
    lang: Lang
    quarter: str | None
    dry_run: bool
    sheets: dict[str, dict[str, Any]]
    problems: list[ProblemEntry]
    rollup: list[FocusRollup]
    total: QuarterRollup | None
    changes: list[CellWrite] = field(default_factory=list)
    write: WriteResult = field(default_factory=WriteResult)
    ids_assigned: int = 0
    cell_changes: list[CellChange] = field(default_factory=list)  # old → new, for the history
    attention: list[Notice] = field(default_factory=list)  # what needs a person
    period: Quarter | None = None  # the quarter itself, with its dates (``quarter`` names it)
    missing_sheets: list[str] = field(default_factory=list)  # optional sheets it was made without

    @property
    def cells_written(self) -> int:
        return self.write.written

    @property
    def rows_read(self) -> int:
        return sum(s["rows"] for s in self.sheets.values())

    @property
    def rows_invalid(self) -> int:
        return sum(s["invalid"] for s in self.sheets.values())

    def as_json(self) -> dict[str, Any]:
        """The report as JSON data; a number JSON cannot hold (NaN, infinity) is null."""
        data: dict[str, Any] = _finite(self._as_data())
        return data

    def _as_data(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "language": self.lang,
            "quarter": self.quarter,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "rows_invalid": self.rows_invalid,
            "sheets": self.sheets,
            "problems": [p.__dict__ for p in self.problems],
            "rollup": {
                "focus_areas": [r.as_dict() for r in self.rollup],
                "quarter": self.total.as_dict() if self.total else None,
            },
            "ids_assigned": self.ids_assigned,
            "cells_changed": len(self.changes),
            "cells_written": self.cells_written,
            "write": self.write.as_json(),
            "changes": [
                {"sheet": w.sheet, "row": w.row, "col": w.col, "value": _json_value(w.value)}
                for w in self.changes
            ],
            "attention": [notice_json(n, self.lang, self._titles()) for n in self.attention],
            "cell_changes": [self._change_json(c) for c in self.cell_changes],
            "missing_sheets": self.missing_sheets,
        }

    def _titles(self) -> dict[str, str]:
        return {key: counts["title"] for key, counts in self.sheets.items()}

    def _change_json(self, change: CellChange) -> dict[str, Any]:
        return {
            "sheet": change.sheet,
            "row": change.row,
            "row_id": change.row_id,
            "column": change.column,
            "old": _json_value(change.old),
            "new": _json_value(change.new),
        }


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_finite(value) for value in data]
    if isinstance(data, tuple):
        return tuple(_finite(value) for value in data)
    return data


def _json_value(value: CellValue) -> Any:
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def build_report(
    source: str,
    outcome: Outcome,
    layout: Layout,
    as_of: dt.date,
    *,
    dry_run: bool,
    changes: list[CellWrite],
    titles: dict[str, str],
    write: WriteResult = NOTHING_WRITTEN,
    cell_changes: list[CellChange] | None = None,
    attention: list[Notice] | None = None,
    missing_sheets: list[str] | None = None,
) -> SyncReport:
    lang = outcome.lang
    entries = []
    for problem in outcome.problems:
        entries.append(
            ProblemEntry(
                problem.sheet,
                titles.get(problem.sheet, problem.sheet),
                problem.row,
                problem.row_id,
                problem.column,
                problem.code,
                problem_text(problem, layout.sheet(problem.sheet), lang),
                problem.warning,
            )
        )
    return SyncReport(
        source=source,
        as_of=as_of,
        lang=lang,
        quarter=outcome.quarter.name if outcome.quarter else None,
        period=outcome.quarter,
        dry_run=dry_run,
        sheets={
            k: {"title": c.title, "rows": c.rows, "invalid": c.invalid}
            for k, c in outcome.sheets.items()
        },
        problems=entries,
        rollup=outcome.rollups,
        total=outcome.total,
        changes=changes,
        write=write,
        ids_assigned=outcome.ids_assigned,
        cell_changes=cell_changes or [],
        attention=attention or [],
        missing_sheets=missing_sheets or [],
    )


def render_text(report: SyncReport, layout: Layout) -> str:
    """The summary a person reads after a sync (see :mod:`.summary`)."""
    return render_summary(report, layout)


def write_text(write: WriteResult, lang: Lang = "en") -> list[str]:
    """What became of the cells that were not written, in plain words."""
    return write_lines(write, lang)
