"""The scheduled sync job: ``sheets-sync watch`` and ``sheets-sync status``.

Library first: :func:`run_watch` and :func:`render_status` do the work; the click
commands in :mod:`sheets_sync.jobs.commands` only parse and print. The names below
are loaded on first use, so a command that needs one part of the job (a manual
``sync`` recording its run, say) does not pay for the config and the scheduler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheets_sync.core.lazy import lazy_names

if TYPE_CHECKING:
    from sheets_sync.errors import AlreadyRunning, ConfigProblems
    from sheets_sync.jobs.backoff import Backoff
    from sheets_sync.jobs.clock import Clock, ManualClock, SystemClock
    from sheets_sync.jobs.config import (
        ScheduleConfig,
        WatchConfig,
        WorkbookConfig,
        load_config,
        resolve_config_path,
    )
    from sheets_sync.jobs.contract import Result, RunOutcome, SyncFn
    from sheets_sync.jobs.fingerprint import DefaultFingerprinter, DriveVersionFn, local_fingerprint
    from sheets_sync.jobs.lock import InstanceLock
    from sheets_sync.jobs.service import render_status, run_watch
    from sheets_sync.jobs.status import StatusFile, WorkbookStatus, read_status
    from sheets_sync.jobs.watcher import Watcher

STATE_DIR_ENV = "SHEETS_SYNC_STATE_DIR"
"""The variable naming the state folder, where a manual ``sync`` records its run."""

_HOMES = {
    "AlreadyRunning": "sheets_sync.errors",
    "Backoff": "sheets_sync.jobs.backoff",
    "Clock": "sheets_sync.jobs.clock",
    "ConfigProblems": "sheets_sync.errors",
    "DefaultFingerprinter": "sheets_sync.jobs.fingerprint",
    "DriveVersionFn": "sheets_sync.jobs.fingerprint",
    "InstanceLock": "sheets_sync.jobs.lock",
    "ManualClock": "sheets_sync.jobs.clock",
    "Result": "sheets_sync.jobs.contract",
    "RunOutcome": "sheets_sync.jobs.contract",
    "ScheduleConfig": "sheets_sync.jobs.config",
    "StatusFile": "sheets_sync.jobs.status",
    "SyncFn": "sheets_sync.jobs.contract",
    "SystemClock": "sheets_sync.jobs.clock",
    "WatchConfig": "sheets_sync.jobs.config",
    "Watcher": "sheets_sync.jobs.watcher",
    "WorkbookConfig": "sheets_sync.jobs.config",
    "WorkbookStatus": "sheets_sync.jobs.status",
    "load_config": "sheets_sync.jobs.config",
    "local_fingerprint": "sheets_sync.jobs.fingerprint",
    "read_status": "sheets_sync.jobs.status",
    "render_status": "sheets_sync.jobs.service",
    "resolve_config_path": "sheets_sync.jobs.config",
    "run_watch": "sheets_sync.jobs.service",
}


__getattr__ = lazy_names(__name__, _HOMES)


__all__ = [
    "AlreadyRunning",
    "Backoff",
    "Clock",
    "ConfigProblems",
    "DefaultFingerprinter",
    "DriveVersionFn",
    "InstanceLock",
    "ManualClock",
    "Result",
    "RunOutcome",
    "ScheduleConfig",
    "StatusFile",
    "SyncFn",
    "SystemClock",
    "WatchConfig",
    "Watcher",
    "WorkbookConfig",
    "WorkbookStatus",
    "load_config",
    "local_fingerprint",
    "read_status",
    "render_status",
    "resolve_config_path",
    "run_watch",
]
