"""The two entry points the CLI calls: ``run_watch`` and ``render_status``."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs.backoff import Jitter, spread
from sheets_sync.jobs.clock import Clock, SystemClock
from sheets_sync.jobs.config import WatchConfig, load_config
from sheets_sync.jobs.contract import SyncFn
from sheets_sync.jobs.fingerprint import (
    DefaultFingerprinter,
    DriveVersionFn,
    Fingerprinter,
    MeasuredDigestFn,
)
from sheets_sync.jobs.folders import DriveLister
from sheets_sync.jobs.history.store import RunRecord
from sheets_sync.jobs.history.summary import PendingReminders, summarise
from sheets_sync.jobs.lock import holder
from sheets_sync.jobs.logs import LogFormat, configure_logging, log
from sheets_sync.jobs.metrics import measured_digest
from sheets_sync.jobs.reviews.writer import WriteReviewFn
from sheets_sync.jobs.spread import Shard, shard_config, shard_folders
from sheets_sync.jobs.status import LOCK_FILE, WorkbookStatus, read_status, status_path
from sheets_sync.jobs.watcher import Watcher


def run_watch(
    config_path: str | os.PathLike[str] | None,
    *,
    sync_fn: SyncFn,
    once: bool = False,
    log_format: LogFormat = "text",
    clock: Clock | None = None,
    drive_version: DriveVersionFn | None = None,
    fingerprint: Fingerprinter | None = None,
    jitter: Jitter = spread,
    stop: threading.Event | None = None,
    log_stream: TextIO | None = None,
    shard: Shard | None = None,
    list_drive: DriveLister | None = None,
    write_review: WriteReviewFn | None = None,
) -> int:
    """Load the config and watch (or run once); returns the process exit code.

    Errors that stop the watcher itself (bad config, another watcher running) are
    logged as one message and turned into their ``exit_code``; a failing
    workbook never gets this far. With ``shard``, only that shard's workbooks are
    watched, with their own lock and status file. ``write_review`` writes the review
    reports of the workbooks with ``report`` settings (by default through the library).
    """
    handler = configure_logging(log_format, log_stream)
    stop = stop if stop is not None else threading.Event()
    try:
        config = load_config(config_path)
        if shard is not None:
            config = shard_config(config, shard)
        clock = clock if clock is not None else SystemClock(wake=stop)
        watcher = Watcher(
            config,
            sync_fn=sync_fn,
            clock=clock,
            fingerprint=fingerprint
            or DefaultFingerprinter(drive_version, _measured_digest(clock, config)),
            jitter=jitter,
            stop=stop,
            remind=_reminders(config, clock),
            list_drive=list_drive or _drive_lister(config),
            write_review=write_review or _review_writer(config),
        )
        return watcher.run_once() if once else watcher.run_forever()
    except SheetsSyncError as exc:
        log.error("%s", exc, extra={"fields": {"event": "error", "error": type(exc).__name__}})
        return exc.exit_code
    finally:
        log.removeHandler(handler)  # logging set up for this run only, not left behind


def _drive_lister(config: WatchConfig) -> DriveLister | None:
    """The real Drive listing, only for a config that names a Drive folder."""
    if not any(folder.drive_folder for folder in config.folders):
        return None
    from sheets_sync.jobs.adapter import list_folder

    return list_folder


def _review_writer(config: WatchConfig) -> WriteReviewFn | None:
    """The library's review report, only for a config where a workbook asks for one."""
    templates = [folder.template for folder in config.folders]
    if all(wb.report is None for wb in [*config.workbooks, *templates]):
        return None
    from sheets_sync.jobs.adapter import write_configured_review

    return write_configured_review


def _reminders(config: WatchConfig, clock: Clock) -> Callable[[], object] | None:
    from sheets_sync.jobs.remind.service import watch_reminders

    return watch_reminders(config, clock)


def _measured_digest(clock: Clock, config: WatchConfig) -> MeasuredDigestFn | None:
    """The change check's view of the metrics, on the schedule's calendar day."""
    if config.metrics is None:
        return None
    tz = config.schedule.tz
    return lambda workbook: measured_digest(workbook, clock.now().astimezone(tz).date())


def render_status(config_path: str | os.PathLike[str] | None, as_json: bool = False) -> str:
    """The status file as a table for people, or as JSON (with ``watcher_pid``) for tools."""
    config = load_config(config_path)
    status = read_status(config.state_dir, config.source)
    shards = shard_folders(config.state_dir)
    for _, folder in shards:  # watchers of shards keep their own status files
        _merge(status.workbooks, read_status(folder, config.source).workbooks)
    pid = holder(config.state_dir / LOCK_FILE)
    found = _found_in_folders(config, status.workbooks)
    history = summarise(config.state_dir, [wb.name for wb in config.workbooks] + found)
    if as_json:
        data = status.model_dump(mode="json")
        data["watcher_pid"] = pid
        if shards:
            data["shard_pids"] = {name: holder(folder / LOCK_FILE) for name, folder in shards}
        data["status_file"] = str(status_path(config.state_dir))
        data["history"] = history.as_json()
        return json.dumps(data, indent=2, ensure_ascii=False)
    table = _table(config, status.workbooks, pid, status.heartbeat, history.last_runs, found)
    reports = _report_lines(status.workbooks)
    return "\n".join([table, *_shard_lines(shards), *reports, *_pending_lines(history.pending)])


def _found_in_folders(config: WatchConfig, entries: dict[str, WorkbookStatus]) -> list[str]:
    """The workbooks the watcher last found in the config's folders (it drops gone ones)."""
    listed = {wb.name for wb in config.workbooks}
    prefixes = tuple(f"{folder.name}/" for folder in config.folders)
    return sorted(n for n in entries if n not in listed and prefixes and n.startswith(prefixes))


def _merge(into: dict[str, WorkbookStatus], more: dict[str, WorkbookStatus]) -> None:
    """Keep each workbook's latest run (a workbook can move between shards when N changes)."""
    latest = dt.datetime.min.replace(tzinfo=dt.UTC)
    for name, entry in more.items():
        mine = into.get(name)
        if mine is None or (entry.last_end or latest) >= (mine.last_end or latest):
            into[name] = entry


def _shard_lines(shards: list[tuple[str, Path]]) -> list[str]:
    lines = ["", "shards:"] if shards else []
    for name, folder in shards:
        pid = holder(folder / LOCK_FILE)
        state = "not running" if pid is None else f"running (pid {pid if pid > 0 else 'unknown'})"
        lines.append(f"  {name}: {state}")
    return lines


def _report_lines(entries: dict[str, WorkbookStatus]) -> list[str]:
    """The review reports of each workbook's quarter: where each went, or why it did not."""
    lines = []
    for name, entry in sorted(entries.items()):
        state = entry.reviews
        if state is None:
            continue
        for kind in ("mid", "final"):
            if kind in state.written:
                lines.append(f"  {name}  {state.quarter} {kind}: {state.written[kind]}")
            elif kind in state.errors:
                why = state.errors[kind].splitlines()[0]
                lines.append(f"  {name}  {state.quarter} {kind}: not written: {why}")
    return ["", "review reports:", *lines] if lines else []


def _pending_lines(pending: list[PendingReminders]) -> list[str]:
    """Reminders recorded but not sent (they go out with the next reminder run)."""
    lines = ["", "reminders not yet sent:"] if pending else []
    for p in pending:
        why = f": {p.error.splitlines()[0]}" if p.error else ""
        lines.append(f"  {p.workbook}  {p.recipient} ({p.channel})  {p.notices} notice(s){why}")
    return lines


_COLUMNS = ("WORKBOOK", "RESULT", "LAST RUN", "INVALID", "CELLS", "FAILS", "NEXT RUN", "ERROR")


def _table(
    config: WatchConfig,
    entries: dict[str, WorkbookStatus],
    pid: int | None,
    heartbeat: dt.datetime | None,
    recorded: dict[str, RunRecord] | None = None,
    found: list[str] | None = None,
) -> str:
    tz = config.schedule.tz
    rows: list[tuple[str, ...]] = []
    named = [(wb.name, wb.enabled) for wb in config.workbooks]
    for name, enabled in named + [(name, True) for name in found or []]:
        entry = entries.get(name)
        if not enabled:
            rows.append((name, "disabled", "", "", "", "", "", ""))
            continue
        run = (recorded or {}).get(name)
        if (entry is None or entry.result is None) and run is not None:
            rows.append(_recorded_row(name, run, tz))  # synced by hand, not by the watcher
            continue
        if entry is None or entry.result is None:
            rows.append((name, "never run", "", "", "", "", "", ""))
            continue
        rows.append(
            (
                name,
                entry.result.value,
                _when(entry.last_end, tz),
                _count(entry.invalid_rows),
                _count(entry.cells_written),
                str(entry.consecutive_failures),
                _when(entry.next_run, tz),
                (entry.error or "").splitlines()[0] if entry.error else "",
            )
        )
    widths = [max(len(row[i]) for row in (_COLUMNS, *rows)) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (_COLUMNS, *rows)
    ]
    if pid is not None:
        who = f"pid {pid}" if pid > 0 else "pid unknown"
        beat = f", last heartbeat {_when(heartbeat, tz)}" if heartbeat else ""
        head = f"watcher: running ({who}){beat}"
    else:
        head = "watcher: not running"
    schedule = config.schedule.describe()
    return "\n".join([f"config: {config.source}", f"schedule: {schedule}", head, "", *lines])


def _recorded_row(name: str, run: RunRecord, tz: dt.tzinfo) -> tuple[str, ...]:
    error = (run.error or "").splitlines()[0] if run.error else ""
    invalid, cells = _count(run.rows_invalid), _count(run.cells_written)
    return (name, run.result, _when(run.ended, tz), invalid, cells, "", "", error)


def _when(moment: dt.datetime | None, tz: dt.tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if moment else ""


def _count(value: int | None) -> str:
    return "" if value is None else str(value)
