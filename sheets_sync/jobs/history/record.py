"""Recording runs: the one call the watcher and a manual ``sync`` make after a run.

A history is a record of what happened, never a reason for a run to fail: a
history that cannot be written costs a warning in the log, and the sync's own
result stands.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sheets_sync.core.cells import CellChange
from sheets_sync.errors import HistoryError, SheetsSyncError, WorkbookLocked
from sheets_sync.jobs.history.store import HistoryStore, RunRecord, history_path
from sheets_sync.sync.report import SyncReport

DEFAULT_KEEP = dt.timedelta(days=90)

log = logging.getLogger("sheets_sync")


class RunHistory:
    """Where runs are recorded, and how long they are kept (``None``: for ever)."""

    def __init__(self, path: Path, keep: dt.timedelta | None = DEFAULT_KEEP) -> None:
        self.path = path
        self.keep = keep

    def record(self, run: RunRecord, changes: Sequence[CellChange] = ()) -> int | None:
        """The new run's ID, or ``None`` (and a warning) when the history is unwritable."""
        keep_since = run.started - self.keep if self.keep is not None else None
        try:
            with HistoryStore(self.path) as store:
                return store.record_run(run, changes, keep_since=keep_since)
        except (HistoryError, sqlite3.Error, OSError) as exc:
            log.warning("%s: run not recorded in %s: %s", run.workbook, self.path, exc)
            return None


_SPREADSHEET_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")


def target_of(workbook: str) -> str:
    """A workbook as the watcher names its target: an absolute path, or ``gsheet:ID``."""
    url = _SPREADSHEET_URL.match(workbook)
    if url:
        return f"gsheet:{url.group(1)}"
    if workbook.startswith("gsheet:"):
        return workbook
    return str(Path(workbook).resolve())


@dataclass(frozen=True)
class ManualRun:
    """A ``sheets-sync sync`` to record: under the configured name when there is one."""

    history: RunHistory
    workbook: str
    target: str

    def ok(self, report: SyncReport, started: dt.datetime, ended: dt.datetime) -> int | None:
        run = RunRecord(
            workbook=self.workbook,
            target=self.target,
            started=started,
            ended=ended,
            result="ok",
            rows_read=report.rows_read,
            rows_invalid=report.rows_invalid,
            cells_written=report.cells_written,
        )
        return self.history.record(run, report.cell_changes)

    def failed(
        self, error: SheetsSyncError, started: dt.datetime, ended: dt.datetime
    ) -> int | None:
        result = "locked" if isinstance(error, WorkbookLocked) else "failed"
        run = RunRecord(
            self.workbook, self.target, started, ended, result, None, None, 0, error=str(error)
        )
        return self.history.record(run)


def manual_run(
    workbook: str,
    *,
    state_dir: Path | None,
    keep: dt.timedelta | None = DEFAULT_KEEP,
    names: Mapping[str, str] | None = None,
) -> ManualRun | None:
    """What a manual sync records into, or ``None`` when no state folder is known.

    ``names`` maps configured targets to their names, so a manual sync of a
    watched workbook lands in the same history as the watcher's runs.
    """
    if state_dir is None:
        return None
    target = target_of(workbook)
    name = (names or {}).get(target, target)
    return ManualRun(RunHistory(history_path(state_dir), keep), name, target)
