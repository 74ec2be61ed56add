"""What a sync found and did, for people (text) and for programs (JSON)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.backends.protocol import WriteResult
from sheets_sync.core.cells import CellChange, CellValue, CellWrite, Formula
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.sync.checks import problem_text
from sheets_sync.sync.compute import Outcome
from sheets_sync.sync.rollup import FocusRollup, QuarterRollup

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
    )


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def render_text(report: SyncReport, layout: Layout) -> str:
    """The summary a person reads after a sync."""
    lang = report.lang
    verb = "Would write" if report.dry_run else "Wrote"
    lines = [f"{report.source}: {report.quarter or '?'}, as of {report.as_of.isoformat()}"]
    lines.append("")
    lines.append(f"  {'sheet':<22}{'rows':>6}{'need attention':>16}")
    for counts in report.sheets.values():
        lines.append(f"  {counts['title']:<22}{counts['rows']:>6}{counts['invalid']:>16}")
    lines.append("")
    if report.rollup:
        lines.append(
            f"  {'budget by focus area':<30}{'planned':>10}{'spent':>10}{'cap':>10}"
            f"{'annual':>8}  flags"
        )
        for r in report.rollup:
            flags = [layout.choice_label("budget", r.budget_flag, lang)]
            if r.scope_flag:
                flags.append(layout.choice_label("scope", r.scope_flag, lang))
            lines.append(
                f"  {r.focus_area[:29]:<30}{_money(r.planned):>10}{_money(r.actual):>10}"
                f"{_money(r.cap):>10}{_pct(r.annual_share):>8}  {', '.join(flags)}"
            )
    if report.total:
        t = report.total
        lines.append(
            f"  {'quarter total':<30}{_money(t.planned):>10}{_money(t.actual):>10}"
            f"{_money(t.budget):>10}"
        )
    if report.problems:
        lines.append("")
        lines.append(f"  {len(report.problems)} problem(s), each written on its row:")
        for p in report.problems[:50]:
            where = f"{p.sheet_title} {p.row_id or ''} (row {p.row})".replace("  ", " ")
            lines.append(f"  - {where}: {p.message}")
        if len(report.problems) > 50:
            lines.append(f"  … and {len(report.problems) - 50} more (see --json)")
    lines.append("")
    count = len(report.changes) if report.dry_run else report.cells_written
    lines.append(
        f"{verb} {count} cell(s)"
        + (f", {report.ids_assigned} new row ID(s)" if report.ids_assigned else "")
        + "."
    )
    lines.extend(write_text(report.write))
    return "\n".join(lines)


def write_text(write: WriteResult) -> list[str]:
    """What became of the cells that were not written, in plain words."""
    lines = []
    if write.tagged:
        lines.append(
            f"Tagged {write.tagged} new row(s); their flags come on the next sync."
            if write.deferred
            else f"Tagged {write.tagged} new row(s)."
        )
    elif write.deferred:
        lines.append(f"{write.deferred} cell(s) left for the next sync.")
    if write.dropped:
        lines.append(f"{write.dropped} cell(s) not written: their rows were deleted meanwhile.")
    return lines
