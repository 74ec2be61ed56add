"""The watcher's review reports: on a review day, the workbook's report, written once.

After each run of a workbook that has ``report`` settings, :class:`ReviewWriter`
asks whether today (the schedule's calendar day, the one the sync used) is the
mid-quarter or the final review day of the workbook's quarter, as its Overview
gave it at the last sync. If it is and the report is not written yet, it is
written; the status file remembers it, so a later round that day, or a watcher
restarted, does not write it again (a file already there counts as written, for
a status file lost). A report that cannot be written is logged and kept in the
status with its reason, is tried again next round that day, and never fails the
sync.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.core.calendar import Quarter
from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.jobs.logs import log
from sheets_sync.jobs.status import ReviewReportState, WorkbookStatus

if TYPE_CHECKING:
    from sheets_sync.review.model import Kind

WriteReviewFn = Callable[[WorkbookConfig, dt.date, "Kind", Path], object]
"""Writes the workbook's ``kind`` review as of a day to a path; raises
:class:`~sheets_sync.errors.SheetsSyncError` when it cannot."""


def track(
    workbook: WorkbookConfig, previous: ReviewReportState | None, quarter: Quarter | None
) -> ReviewReportState | None:
    """The review state after a sync that read ``quarter``: kept while the quarter and its
    dates stay the same, started afresh for a new one; none without report settings."""
    if workbook.report is None:
        return None
    if quarter is None:  # an incomplete Overview: the last known quarter stands
        return previous
    fresh = ReviewReportState(
        quarter=quarter.name, mid_review=quarter.mid_review, final_review=quarter.final_review
    )
    if previous is not None and _same_days(previous, fresh):
        return previous
    return fresh


def _same_days(a: ReviewReportState, b: ReviewReportState) -> bool:
    return (a.quarter, a.mid_review, a.final_review) == (b.quarter, b.mid_review, b.final_review)


def due_on(state: ReviewReportState, day: dt.date) -> Kind | None:
    """The review held on ``day``, if any."""
    if day == state.mid_review:
        return "mid"
    if day == state.final_review:
        return "final"
    return None


class ReviewWriter:
    """Writes a workbook's review report on its review day, once."""

    def __init__(self, write: WriteReviewFn) -> None:
        self.write = write

    def __call__(
        self, workbook: WorkbookConfig, status: WorkbookStatus, as_of: dt.date
    ) -> WorkbookStatus:
        """``status`` with the report written today, or why not. Never raises."""
        state, settings = status.reviews, workbook.report
        if state is None or settings is None:
            return status
        kind = due_on(state, as_of)
        if kind is None or kind in state.written:
            return status
        path = settings.path_for(workbook.name, workbook.path, state.quarter, kind)
        error = None if path.exists() else self._write(workbook, as_of, kind, path)
        errors = {k: v for k, v in state.errors.items() if k != kind}
        if error is None:
            update = {"written": state.written | {kind: str(path)}, "errors": errors}
        else:
            update = {"errors": errors | {kind: error}}
        _log(workbook.name, state, kind, path, error)
        return status.model_copy(update={"reviews": state.model_copy(update=update)})

    def _write(
        self, workbook: WorkbookConfig, as_of: dt.date, kind: Kind, path: Path
    ) -> str | None:
        """The error that stopped the write, or ``None`` once the file is there."""
        try:
            self.write(workbook, as_of, kind, path)
        except SheetsSyncError as exc:
            return str(exc)
        except Exception as exc:  # a bug in the report must not cost the sync
            log.exception("%s: unexpected error writing the %s review report", workbook.name, kind)
            return f"unexpected error: {type(exc).__name__}: {exc}"
        return None


def _log(name: str, state: ReviewReportState, kind: str, path: Path, error: str | None) -> None:
    fields = {
        "event": "review_report",
        "workbook": name,
        "quarter": state.quarter,
        "kind": kind,
        "path": str(path),
    }
    if error is None:
        log.info(
            "%s: %s review report of %s at %s",
            name,
            kind,
            state.quarter,
            path,
            extra={"fields": fields},
        )
        return
    log.warning(
        "%s: %s review report of %s not written: %s",
        name,
        kind,
        state.quarter,
        error,
        extra={"fields": fields | {"error": error}},
    )
