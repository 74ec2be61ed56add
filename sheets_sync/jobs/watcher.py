"""The watcher: the loop (``watch``) and the single pass (``watch --once``).

Both take the per-config lock, honour SIGTERM/SIGINT by finishing the workbook
in flight and then stopping (exit 0), and save the status file after every
workbook so a crash loses at most the run in progress.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from sheets_sync.jobs.backoff import Backoff, Jitter, spread
from sheets_sync.jobs.clock import Clock
from sheets_sync.jobs.config import WatchConfig, WorkbookConfig
from sheets_sync.jobs.contract import Result, SyncFn
from sheets_sync.jobs.fingerprint import Fingerprinter
from sheets_sync.jobs.folders import DriveLister, FolderExpander
from sheets_sync.jobs.history.record import RunHistory
from sheets_sync.jobs.history.store import history_path
from sheets_sync.jobs.lock import InstanceLock
from sheets_sync.jobs.logs import log
from sheets_sync.jobs.reviews.writer import ReviewWriter, WriteReviewFn
from sheets_sync.jobs.runner import RunReport, WorkbookRunner
from sheets_sync.jobs.scheduler import Plan
from sheets_sync.jobs.spread import identity
from sheets_sync.jobs.status import (
    LOCK_FILE,
    StatusFile,
    WorkbookStatus,
    read_status,
    write_status,
)

MAX_NAP = 60.0
"""Longest sleep, in seconds: bounds heartbeat age and how late a clock jump is noticed."""

MIN_NAP = 1.0
"""Shortest sleep, so a loop that keeps failing cannot spin."""

TEMPFAIL = 75


class Watcher:
    """Syncs the configured workbooks on schedule, each one isolated from the others."""

    def __init__(
        self,
        config: WatchConfig,
        *,
        sync_fn: SyncFn,
        clock: Clock,
        fingerprint: Fingerprinter | None = None,
        jitter: Jitter = spread,
        stop: threading.Event | None = None,
        remind: Callable[[], object] | None = None,
        list_drive: DriveLister | None = None,
        write_review: WriteReviewFn | None = None,
    ) -> None:
        self.config = config
        self.folders = FolderExpander(config, list_drive, _relist_age(config))
        self._found: set[str] = set()  # every workbook a folder held last time, disabled too
        self._watching = False
        self.remind = remind
        self.clock = clock
        self.stop = stop if stop is not None else threading.Event()
        self.runner = WorkbookRunner(
            sync_fn=sync_fn,
            clock=clock,
            tz=config.schedule.tz,
            backoff=Backoff(
                config.schedule.retry_initial_delta, config.schedule.retry_max_delta, jitter
            ),
            fingerprint=fingerprint,
            history=RunHistory(history_path(config.state_dir), config.history.keep_delta),
            reviews=ReviewWriter(write_review) if write_review is not None else None,
        )
        self._workbooks = {wb.name: wb for wb in config.enabled_workbooks()}
        self.status = StatusFile(config=str(config.source))
        self.plan = Plan(
            config.schedule,
            self._workbooks,
            self._run_scheduled,
            keys={name: identity(wb) for name, wb in self._workbooks.items()},
        )
        self.reports: list[RunReport] = []

    # --- the two modes -----------------------------------------------------------------

    def run_once(self) -> int:
        """Run every enabled workbook once; 0 if none failed, 75 if only temporarily, else 1."""
        with self._session("once"):
            for workbook in self._workbooks.values():
                if self.stop.is_set():
                    break
                self._record(self.runner.run(workbook, self._previous(workbook)))
            self._remind()
            self._summary("once")
            return self._exit_code()

    def run_forever(self) -> int:
        """Run until SIGTERM/SIGINT (or ``stop``); returns 0 once stopped cleanly."""
        with self._session("watch"):
            self._watching = True
            now = self.clock.now()
            for name in self._workbooks:  # every workbook once at start, then on schedule
                self.plan.set_due(name, self.plan.first_run(name, now))
            log.info(
                "watching %d workbook(s), %s",
                len(self._workbooks),
                self.config.schedule.describe(),
                extra={"fields": {"event": "watch_start", "config": str(self.config.source)}},
            )
            while not self.stop.is_set():
                nap = MAX_NAP
                try:
                    self._refresh()
                    self.run_pending()
                    self._remind()
                    self._save()
                    nap = self._nap()
                except Exception:  # the loop must outlive anything one pass does
                    log.exception("watch loop error; carrying on")
                if not self.stop.is_set():
                    self.clock.sleep(nap)
            log.info("stopped", extra={"fields": {"event": "watch_stop"}})
            return 0

    def run_pending(self) -> None:
        """Run the workbooks due now, one after another, until a stop is requested.

        Reports are kept for one pass only, so a watcher running for months does
        not accumulate them.
        """
        self.reports = []
        for name in self.plan.due(self.clock.now()):
            if self.stop.is_set():
                break
            self.plan.run(name)
        if len(self.reports) > 1:
            self._summary("pass")

    # --- internals ---------------------------------------------------------------------

    def _run_scheduled(self, name: str) -> None:
        """The job function given to each schedule job; runner.run never raises."""
        workbook = self._workbooks[name]
        report = self.runner.run(
            workbook,
            self._previous(workbook),
            lambda after: self.plan.next_regular(name, after),
        )
        if report.status.next_run is not None:
            self.plan.set_due(name, report.status.next_run)
        self._record(report)

    def _refresh(self) -> None:
        """Find the folders' workbooks again: new ones join the plan (due at once, or at
        their slot), gone ones leave it and the status file."""
        if not self.config.folders:
            return
        now = self.clock.now()
        every = self.folders.workbooks(now)
        self._found = {wb.name for wb in every} - {wb.name for wb in self.config.workbooks}
        found = {wb.name: wb for wb in every if wb.enabled}
        for name in [name for name in self._workbooks if name not in found]:
            self.plan.remove(name)
            self.status.workbooks.pop(name, None)
            _gone(name)
        for name, workbook in found.items():
            if name not in self._workbooks:
                self.plan.add(name, identity(workbook))
                if self._watching:
                    self.plan.set_due(name, self.plan.first_run(name, now))
        self._workbooks = found

    def _kept(self, name: str) -> bool:
        """Whether a saved status entry still belongs to a workbook of this config."""
        if name in self._found or name in {wb.name for wb in self.config.workbooks}:
            return True
        if self.folders.found_in_folder(name):
            _gone(name)
            return False
        return any(name.startswith(f"{f.name}/") for f in self.config.folders)  # not listed yet

    def _remind(self) -> None:
        """The day's reminders, when configured (the job itself never raises)."""
        if self.remind is not None and not self.stop.is_set():
            self.remind()

    def _previous(self, workbook: WorkbookConfig) -> WorkbookStatus | None:
        return self.status.workbooks.get(workbook.name)

    def _record(self, report: RunReport) -> None:
        self.reports.append(report)
        self.status.workbooks[report.status.name] = report.status
        try:
            self._save()
        except OSError as exc:
            log.error("cannot write status file: %s", exc)

    def _save(self) -> None:
        self.status.heartbeat = self.clock.now()
        write_status(self.config.state_dir, self.status)

    def _nap(self) -> float:
        upcoming = self.plan.next_due()
        if upcoming is None:
            return MAX_NAP
        wait = (upcoming - self.clock.now()).total_seconds()
        return min(max(wait, MIN_NAP), MAX_NAP)

    def _exit_code(self) -> int:
        failed = [report for report in self.reports if report.failed]
        if not failed:
            return 0
        return TEMPFAIL if all(r.exit_code == TEMPFAIL for r in failed) else 1

    @contextlib.contextmanager
    def _session(self, mode: str) -> Iterator[None]:
        lock = InstanceLock(self.config.state_dir / LOCK_FILE, self.config.source)
        with lock, self._signals():
            self._refresh()
            saved = read_status(self.config.state_dir, self.config.source)
            self.status = StatusFile(
                config=str(self.config.source),
                pid=os.getpid(),
                mode=mode,
                workbooks={
                    name: entry for name, entry in saved.workbooks.items() if self._kept(name)
                },
            )
            try:
                yield
            finally:
                self.status.pid = None
                with contextlib.suppress(OSError):
                    self._save()

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        """SIGTERM/SIGINT only set the stop flag: the write in flight runs to its end."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def request_stop(signum: int, frame: FrameType | None) -> None:
            if not self.stop.is_set():
                log.info(
                    "%s received; stopping after the workbook in progress",
                    signal.Signals(signum).name,
                    extra={"fields": {"event": "stop_requested"}},
                )
            self.stop.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _summary(self, mode: str) -> None:
        counts = {result.value: 0 for result in Result}
        for report in self.reports:
            if report.status.result is not None:
                counts[report.status.result.value] += 1
        fields: dict[str, object] = {"event": "summary", "mode": mode, "runs": len(self.reports)}
        fields.update({key.replace("-", "_"): value for key, value in counts.items()})
        fields["cells_written"] = sum(r.status.cells_written or 0 for r in self.reports)
        fields["invalid_rows"] = sum(
            r.status.invalid_rows or 0 for r in self.reports if r.status.result == Result.OK
        )
        log.info("%s finished: %d run(s)", mode, len(self.reports), extra={"fields": fields})


def _gone(name: str) -> None:
    log.info(
        "%s is no longer in its folder; dropped from the round and from status",
        name,
        extra={"fields": {"event": "workbook_gone", "workbook": name}},
    )


def _relist_age(config: WatchConfig) -> dt.timedelta:
    """How long a Drive folder's listing is used before it is asked again: one interval
    of an ``every`` schedule, at most 15 minutes (one request a round, new roadmaps
    picked up within the round after they appear)."""
    interval = config.schedule.interval or dt.timedelta(minutes=15)
    return min(interval, dt.timedelta(minutes=15))
