"""One run of one workbook, isolated: whatever happens is caught, logged and recorded.

The schedule library lets a job's exception escape ``run_pending()`` and end the
loop, so nothing may escape from here: a missing file, rejected credentials, a
locked workbook or a bug in the sync all become a failed (or locked) status with
a backoff, and the other workbooks carry on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sheets_sync.core.cells import CellChange
from sheets_sync.errors import QuotaDeferred, SheetsSyncError, WorkbookLocked
from sheets_sync.jobs.backoff import Backoff
from sheets_sync.jobs.clock import Clock
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.jobs.contract import Result, RunOutcome, SyncFn
from sheets_sync.jobs.fingerprint import Fingerprinter, same_content
from sheets_sync.jobs.history.record import RunHistory
from sheets_sync.jobs.history.store import RunRecord
from sheets_sync.jobs.logs import log
from sheets_sync.jobs.reviews.writer import ReviewWriter, track
from sheets_sync.jobs.status import WorkbookStatus

NextRun = Callable[[dt.datetime], dt.datetime]


@dataclass(frozen=True)
class RunReport:
    """A run's new status, and the exit code its error asks for (0 when it did not fail)."""

    status: WorkbookStatus
    exit_code: int = 0

    @property
    def failed(self) -> bool:
        return self.status.result in (Result.FAILED, Result.LOCKED, Result.DEFERRED)


class WorkbookRunner:
    """Runs a workbook once: change check, sync, backoff, status, one log line; then,
    on a review day, the review report when ``reviews`` writes them."""

    def __init__(
        self,
        *,
        sync_fn: SyncFn,
        clock: Clock,
        tz: dt.tzinfo,
        backoff: Backoff,
        fingerprint: Fingerprinter | None = None,
        history: RunHistory | None = None,
        reviews: ReviewWriter | None = None,
    ) -> None:
        self.sync_fn = sync_fn
        self.clock = clock
        self.tz = tz
        self.backoff = backoff
        self.fingerprint = fingerprint
        self.history = history
        self.reviews = reviews

    def run(
        self,
        workbook: WorkbookConfig,
        previous: WorkbookStatus | None = None,
        next_regular: NextRun | None = None,
    ) -> RunReport:
        """Never raises (short of KeyboardInterrupt/SystemExit)."""
        prev = previous or WorkbookStatus(name=workbook.name, target=workbook.target)
        start = self.clock.now()
        as_of = start.astimezone(self.tz).date()
        try:
            report = self._attempt(workbook, prev, start, as_of, next_regular)
        except QuotaDeferred as exc:
            return self._deferred(workbook, prev, start, str(exc), exc.exit_code, next_regular)
        except WorkbookLocked as exc:
            result, message, code = Result.LOCKED, str(exc), exc.exit_code
        except SheetsSyncError as exc:
            result, message, code = Result.FAILED, str(exc), exc.exit_code
        except Exception as exc:
            log.exception("%s: unexpected error in sync", workbook.name)
            result, message, code = (
                Result.FAILED,
                f"unexpected error: {type(exc).__name__}: {exc}",
                1,
            )
        else:
            return self._with_review(workbook, report, as_of)
        return self._failed(workbook, prev, start, result, message, code, next_regular)

    def _with_review(
        self, workbook: WorkbookConfig, report: RunReport, as_of: dt.date
    ) -> RunReport:
        """After a sync, or a run that found the workbook as today's sync left it: the
        review report, on a review day (its failure is noted, never the run's)."""
        if self.reviews is None:
            return report
        return RunReport(self.reviews(workbook, report.status, as_of), report.exit_code)

    def _attempt(
        self,
        workbook: WorkbookConfig,
        prev: WorkbookStatus,
        start: dt.datetime,
        as_of: dt.date,
        next_regular: NextRun | None,
    ) -> RunReport:
        before = self._fingerprint(workbook, prev.fingerprint)
        if self._unchanged(prev, as_of, before):
            return self._skipped(workbook, prev, start, before, next_regular)
        outcome = self.sync_fn(workbook, as_of)
        if not isinstance(outcome, RunOutcome):
            raise TypeError(f"sync function returned {type(outcome).__name__}, not RunOutcome")
        # Our own write changes the fingerprint; take it again, or the next run
        # would see "changed" and sync for nothing. A sync that wrote nothing keeps
        # the fingerprint taken before it, so an edit made during it is seen next
        # run. (An edit landing between our write and the second fingerprint is
        # only seen by the next daily full sync: the window is milliseconds.)
        after = before if outcome.cells_written == 0 else self._fingerprint_after(workbook, before)
        end = self.clock.now()
        status = prev.model_copy(
            update={
                "target": workbook.target,
                "result": Result.OK,
                "last_start": start,
                "last_end": end,
                "duration_s": (
                    outcome.duration if outcome.duration is not None else _seconds(end - start)
                ),
                "rows_read": outcome.rows_read,
                "invalid_rows": outcome.invalid_rows,
                "cells_written": outcome.cells_written,
                "error": None,
                "consecutive_failures": 0,
                "next_run": next_regular(end) if next_regular else None,
                "last_success": end,
                "last_full_sync_on": as_of,
                "fingerprint": after,
                "reviews": track(workbook, prev.reviews, outcome.quarter),
            }
        )
        self._log(status, full=True)
        self._remember(status, outcome.changes, before, after)
        return RunReport(status)

    @staticmethod
    def _unchanged(prev: WorkbookStatus, as_of: dt.date, before: str | None) -> bool:
        """True when the workbook is as the last good run left it, and that run was today.

        A full sync runs at least once per calendar day whatever the fingerprint:
        due dates move with the date even when nobody touches the workbook. A file
        touched without an edit (its mtime alone moved) is unchanged.
        """
        full_due = prev.last_full_sync_on != as_of
        healthy = prev.consecutive_failures == 0 and prev.last_success is not None
        if full_due or not healthy or before is None or prev.fingerprint is None:
            return False
        return same_content(before, prev.fingerprint)

    def _skipped(
        self,
        workbook: WorkbookConfig,
        prev: WorkbookStatus,
        start: dt.datetime,
        before: str | None,
        next_regular: NextRun | None,
    ) -> RunReport:
        span = (start, self.clock.now())
        status = self._not_synced(
            workbook, prev, span, Result.SKIPPED_UNCHANGED, None, next_regular
        )
        # The new mtime of a file touched without an edit: the next run need not hash.
        status = status.model_copy(update={"fingerprint": before})
        self._log(status, full=False)
        return RunReport(status)

    def _not_synced(
        self,
        workbook: WorkbookConfig,
        prev: WorkbookStatus,
        span: tuple[dt.datetime, dt.datetime],
        result: Result,
        error: str | None,
        next_regular: NextRun | None,
    ) -> WorkbookStatus:
        """A run that synced nothing: the last good run and the fingerprint stay as they
        were (a failure then counts itself and sets its retry)."""
        start, end = span
        return prev.model_copy(
            update={
                "target": workbook.target,
                "result": result,
                "last_start": start,
                "last_end": end,
                "duration_s": _seconds(end - start),
                "cells_written": 0,
                "error": error,
                "next_run": next_regular(end) if next_regular else None,
            }
        )

    def _fingerprint(self, workbook: WorkbookConfig, previous: str | None) -> str | None:
        """A :class:`SheetsSyncError` (missing file...) is the run's failure; anything
        else only costs the shortcut, never the sync."""
        if self.fingerprint is None:
            return None
        try:
            return self.fingerprint(workbook, previous)
        except SheetsSyncError:
            raise
        except Exception as exc:
            log.warning(
                "%s: change check failed (%s: %s); syncing in full",
                workbook.name,
                type(exc).__name__,
                exc,
            )
            return None

    def _fingerprint_after(self, workbook: WorkbookConfig, before: str | None) -> str | None:
        try:
            return self._fingerprint(workbook, before)
        except SheetsSyncError:
            return None

    def _failed(
        self,
        workbook: WorkbookConfig,
        prev: WorkbookStatus,
        start: dt.datetime,
        result: Result,
        message: str,
        exit_code: int,
        next_regular: NextRun | None,
    ) -> RunReport:
        failures = prev.consecutive_failures + 1
        end = self.clock.now()
        status = self._not_synced(workbook, prev, (start, end), result, message, next_regular)
        # Only a watcher retries; after a --once run, cron decides.
        retry = end + self.backoff.delay(failures) if next_regular else None
        status = status.model_copy(update={"consecutive_failures": failures, "next_run": retry})
        self._log(status, full=None)
        self._remember(status.model_copy(update={"rows_read": None, "invalid_rows": None}))
        return RunReport(status, exit_code or 1)

    def _deferred(
        self,
        workbook: WorkbookConfig,
        prev: WorkbookStatus,
        start: dt.datetime,
        message: str,
        exit_code: int,
        next_regular: NextRun | None,
    ) -> RunReport:
        """Not a failure: the workbook keeps its failure count and its next regular run."""
        span = (start, self.clock.now())
        status = self._not_synced(workbook, prev, span, Result.DEFERRED, message, next_regular)
        self._log(status, full=None)
        return RunReport(status, exit_code)

    def _remember(
        self,
        status: WorkbookStatus,
        changes: tuple[CellChange, ...] = (),
        before: str | None = None,
        after: str | None = None,
    ) -> None:
        """Record a sync (or a failed one) in the run history; skipped runs are not kept."""
        if self.history is None or status.last_start is None or status.last_end is None:
            return
        run = RunRecord(
            workbook=status.name,
            target=status.target,
            started=status.last_start,
            ended=status.last_end,
            result=str(status.result),
            rows_read=status.rows_read,
            rows_invalid=status.invalid_rows,
            cells_written=status.cells_written or 0,
            version_before=before,
            version_after=after,
            error=status.error,
        )
        self.history.record(run, changes)

    def _log(self, status: WorkbookStatus, *, full: bool | None) -> None:
        fields: dict[str, object] = {
            "event": "workbook_run",
            "workbook": status.name,
            "result": str(status.result),
            "duration_s": round(status.duration_s or 0.0, 3),
            "cells_written": status.cells_written,
        }
        if full is not None:
            fields["full_sync"] = full
            fields["rows_read"] = status.rows_read
            fields["invalid_rows"] = status.invalid_rows
        else:
            fields["consecutive_failures"] = status.consecutive_failures
            fields["error"] = status.error
        if status.next_run is not None:
            fields["next_run"] = status.next_run.isoformat(timespec="seconds")
        level = 30 if full is None else 20  # WARNING for failures, INFO otherwise
        log.log(level, "%s: %s", status.name, status.result, extra={"fields": fields})


def _seconds(delta: dt.timedelta) -> float:
    return max(delta.total_seconds(), 0.0)
