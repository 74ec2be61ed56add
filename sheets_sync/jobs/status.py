"""The status file: what each workbook's last run did and when the next one is due.

It is the watcher's memory across restarts (fingerprints, failure counts, the
day of the last full sync) and what an operator or a health check reads. It is
replaced atomically, so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from sheets_sync.jobs.contract import Result

STATUS_FILE = "status.json"
LOCK_FILE = "watch.lock"


class ReviewReportState(BaseModel):
    """The review reports of a workbook's quarter: its review days, and which were written.

    Taken from the workbook's Overview at each sync; a new quarter starts afresh.
    """

    model_config = ConfigDict(extra="ignore")

    quarter: str  # 2027-Q1
    mid_review: dt.date
    final_review: dt.date
    written: dict[str, str] = {}  # mid / final → the file written (or found there)
    errors: dict[str, str] = {}  # mid / final → why its last attempt failed, until one works


class WorkbookStatus(BaseModel):
    """One workbook's last run. Counts are those of the last sync that ran."""

    model_config = ConfigDict(extra="ignore")

    name: str
    target: str
    result: Result | None = None
    last_start: dt.datetime | None = None
    last_end: dt.datetime | None = None
    duration_s: float | None = None
    rows_read: int | None = None
    invalid_rows: int | None = None
    cells_written: int | None = None
    error: str | None = None
    consecutive_failures: int = 0
    next_run: dt.datetime | None = None
    last_success: dt.datetime | None = None
    last_full_sync_on: dt.date | None = None
    fingerprint: str | None = None
    reviews: ReviewReportState | None = None  # only when the workbook has report settings


class StatusFile(BaseModel):
    """The whole file. ``heartbeat`` moves at least once a minute while a watcher runs."""

    model_config = ConfigDict(extra="ignore")

    format: int = 1
    config: str
    pid: int | None = None
    mode: str | None = None
    heartbeat: dt.datetime | None = None
    workbooks: dict[str, WorkbookStatus] = {}


def status_path(state_dir: Path) -> Path:
    return state_dir / STATUS_FILE


def read_status(state_dir: Path, config: Path) -> StatusFile:
    """The saved status, or an empty one when there is none (or it is unreadable)."""
    path = status_path(state_dir)
    try:
        return StatusFile.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return StatusFile(config=str(config))
    except (OSError, ValidationError, ValueError):
        # A damaged status file costs one full sync per workbook, never a stopped watcher.
        return StatusFile(config=str(config))


def write_status(state_dir: Path, status: StatusFile) -> None:
    """Write to a temporary file in the same directory, fsync, then rename over the old one."""
    state_dir.mkdir(parents=True, exist_ok=True)
    data = json.dumps(status.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".status-", suffix=".tmp", dir=state_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, status_path(state_dir))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
