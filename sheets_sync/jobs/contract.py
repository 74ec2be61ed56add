"""What the watcher asks of a sync, and what a run can end as.

The watcher does not know how a workbook is synced: it is handed a :data:`SyncFn`.
That keeps it testable with fakes and keeps the sync core free of scheduling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellChange

if TYPE_CHECKING:
    from sheets_sync.jobs.config import WorkbookConfig


@dataclass(frozen=True)
class RunOutcome:
    """What one successful sync of one workbook did.

    ``duration`` is the sync's own measure in seconds; ``None`` lets the watcher
    use its own measure (taken with its clock, so tests stay deterministic).
    ``changes`` is each written cell's old → new, for the run history.
    ``quarter`` is the workbook's quarter as its Overview gives it (``None`` when
    the Overview is incomplete): its review days decide when a review report is due.
    """

    rows_read: int
    invalid_rows: int
    cells_written: int
    duration: float | None = None
    changes: tuple[CellChange, ...] = ()
    quarter: Quarter | None = None


class SyncFn(Protocol):
    """Sync one workbook as of a date; raise a :class:`SheetsSyncError` on failure.

    Raise :class:`~sheets_sync.errors.WorkbookLocked` when the workbook is held by
    another program, :class:`~sheets_sync.errors.CredentialsError` for bad
    credentials, and so on: the watcher records the message and backs off. Any
    other exception is treated as a bug in the sync, logged with its traceback and
    isolated like a failure.
    """

    def __call__(self, workbook: WorkbookConfig, as_of: dt.date, /) -> RunOutcome: ...


class Result(StrEnum):
    """How a workbook's last run ended, as written in the status file."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED_UNCHANGED = "skipped-unchanged"
    LOCKED = "locked"
    DEFERRED = "deferred"  # the shared quota was spent: left for the next round
