"""What ``status`` shows from the history: runs the watcher did not make, reminders not sent.

Read only, and only when the file exists: a status never creates a history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_sync.errors import HistoryError
from sheets_sync.jobs.history.store import HistoryStore, RunRecord, history_path


@dataclass(frozen=True)
class PendingReminders:
    """Notices to one recipient on one channel that are recorded but not yet sent."""

    workbook: str
    channel: str
    recipient: str
    notices: int
    error: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class HistorySummary:
    last_runs: dict[str, RunRecord] = field(default_factory=dict)
    pending: list[PendingReminders] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "last_runs": {name: run.as_json() for name, run in self.last_runs.items()},
            "reminders_pending": [p.as_json() for p in self.pending],
        }


def summarise(state_dir: Path, workbooks: Iterable[str]) -> HistorySummary:
    """Each workbook's last recorded run and the reminders still pending; empty when
    there is no history (or it cannot be read: a status must always show)."""
    path = history_path(state_dir)
    summary = HistorySummary()
    if not path.exists():
        return summary
    try:
        with HistoryStore(path) as store:
            for name in workbooks:
                run = store.last_run(name)
                if run is not None:
                    summary.last_runs[name] = run
            summary.pending = _pending(store.notices())
    except (HistoryError, sqlite3.Error):
        return HistorySummary()
    return summary


def _pending(notices: list[dict[str, Any]]) -> list[PendingReminders]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for notice in notices:  # oldest first: the last error is the latest
        if notice["state"] == "pending":
            key = (notice["workbook"], notice["channel"], notice["recipient"])
            groups.setdefault(key, []).append(notice)
    return [PendingReminders(*key, len(group), group[-1]["error"]) for key, group in groups.items()]
