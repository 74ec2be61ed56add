"""The scheduled sync job: ``sheets-sync watch`` and ``sheets-sync status``.

Library first: :func:`run_watch` and :func:`render_status` do the work; the click
commands in :mod:`sheets_sync.jobs.commands` only parse and print.
"""

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
