"""The SQLite file behind the run history and the reminders' ledger.

Several processes open it at once (the watcher, a manual ``sync``, ``remind``
from cron), so it runs in WAL mode with a busy timeout: readers never wait,
writers queue. Every write is one ``BEGIN IMMEDIATE`` transaction, so a process
killed half-way leaves nothing half-written. The schema's version is SQLite's
``user_version``; a file written by a newer sheets-sync is refused, not guessed at.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sheets_sync.core.cells import CellChange, CellValue, Formula
from sheets_sync.errors import HistoryError

HISTORY_FILE = "history.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    workbook TEXT NOT NULL,
    target TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT NOT NULL,
    result TEXT NOT NULL,
    rows_read INTEGER,
    rows_invalid INTEGER,
    cells_written INTEGER NOT NULL,
    version_before TEXT,
    version_after TEXT,
    error TEXT
);
CREATE INDEX runs_by_workbook ON runs (workbook, started);
CREATE INDEX runs_by_start ON runs (started);
CREATE TABLE cells (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,
    row_id TEXT,
    column_key TEXT NOT NULL,
    old TEXT,
    new TEXT,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE notices (
    workbook TEXT NOT NULL,
    row_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    digest_date TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent')),
    attempts INTEGER NOT NULL DEFAULT 0,
    updated TEXT NOT NULL,
    error TEXT,
    PRIMARY KEY (workbook, row_id, kind, due, digest_date, channel)
);
"""


@dataclass(frozen=True)
class RunRecord:
    """One sync run of one workbook. Times are timezone-aware (stored in UTC)."""

    workbook: str
    target: str
    started: dt.datetime
    ended: dt.datetime
    result: str
    rows_read: int | None
    rows_invalid: int | None
    cells_written: int
    version_before: str | None = None
    version_after: str | None = None
    error: str | None = None
    id: int | None = None

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["started"] = self.started.isoformat()
        data["ended"] = self.ended.isoformat()
        return data


@dataclass(frozen=True)
class CellRecord:
    """One cell a run wrote; ``old`` and ``new`` as JSON values (dates as ISO text)."""

    sheet: str
    row: int
    row_id: str | None
    column: str
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class NoticeKey:
    """What makes a reminder the same reminder: never sent twice on one channel
    (``email``, or a configured chat webhook's name)."""

    workbook: str
    row_id: str
    kind: str
    due: dt.date
    digest_date: dt.date
    channel: str = "email"


def history_path(state_dir: Path) -> Path:
    return state_dir / HISTORY_FILE


def json_value(value: CellValue) -> Any:
    """A cell value as JSON can hold it: dates as ISO text, formulas as their text."""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history times must be timezone-aware")
    return moment.astimezone(dt.UTC).isoformat()


class HistoryStore:
    """An open history file. Use as a context manager; one per thread."""

    def __init__(self, path: Path, *, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError(f"cannot open the run history {path}: {exc}.") from None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that takes the write lock at once (no upgrade deadlock)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"the run history {self.path} has schema {version}; this sheets-sync "
                    f"knows up to {SCHEMA_VERSION}.",
                    "Upgrade sheets-sync, or point it at another state folder.",
                )
            if version == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # --- runs ------------------------------------------------------------------------

    def record_run(
        self, run: RunRecord, changes: Sequence[CellChange] = (), *, keep_since: dt.datetime | None
    ) -> int:
        """Store a run and its cells in one transaction; drop runs that started before
        ``keep_since`` (the retention). Returns the new run's ID."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO runs (workbook, target, started, ended, result, rows_read,"
                " rows_invalid, cells_written, version_before, version_after, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.workbook,
                    run.target,
                    _utc(run.started),
                    _utc(run.ended),
                    run.result,
                    run.rows_read,
                    run.rows_invalid,
                    run.cells_written,
                    run.version_before,
                    run.version_after,
                    run.error,
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT INTO cells (run_id, seq, sheet, row, row_id, column_key, old, new)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        seq,
                        c.sheet,
                        c.row,
                        c.row_id,
                        c.column,
                        json.dumps(json_value(c.old), ensure_ascii=False),
                        json.dumps(json_value(c.new), ensure_ascii=False),
                    )
                    for seq, c in enumerate(changes)
                ],
            )
            if keep_since is not None:
                db.execute("DELETE FROM runs WHERE started < ?", (_utc(keep_since),))
        return run_id

    def runs(
        self,
        workbook: str | None = None,
        since: dt.datetime | None = None,
        *,
        target: str | None = None,
    ) -> list[RunRecord]:
        """Runs oldest first; ``workbook`` matches a configured name, or ``target`` a target."""
        query = "SELECT * FROM runs WHERE 1 = 1"
        params: list[str] = []
        if workbook is not None:
            query += " AND (workbook = ? OR target = ?)"
            params += [workbook, target or workbook]
        if since is not None:
            query += " AND started >= ?"
            params.append(_utc(since))
        rows = self._db.execute(query + " ORDER BY started, id", params).fetchall()
        return [_run(row) for row in rows]

    def last_run(self, workbook: str) -> RunRecord | None:
        row = self._db.execute(
            "SELECT * FROM runs WHERE workbook = ? ORDER BY started DESC, id DESC LIMIT 1",
            (workbook,),
        ).fetchone()
        return _run(row) if row else None

    def cells(self, run_id: int) -> list[CellRecord]:
        rows = self._db.execute(
            "SELECT sheet, row, row_id, column_key, old, new FROM cells"
            " WHERE run_id = ? ORDER BY seq",
            (run_id,),
        ).fetchall()
        return [
            CellRecord(sheet, row, row_id, column, json.loads(old), json.loads(new))
            for sheet, row, row_id, column, old, new in rows
        ]

    def check(self) -> str:
        """SQLite's own integrity check: ``"ok"`` when the file is sound."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    # --- the reminders' ledger -------------------------------------------------------

    def sent(self, keys: Sequence[NoticeKey]) -> set[NoticeKey]:
        """Those of ``keys`` already recorded as sent."""
        found = set()
        for key in keys:
            row = self._db.execute(
                "SELECT state FROM notices WHERE workbook = ? AND row_id = ? AND kind = ?"
                " AND due = ? AND digest_date = ? AND channel = ?",
                _key(key),
            ).fetchone()
            if row and row[0] == "sent":
                found.add(key)
        return found

    def claim(
        self, keys: Sequence[NoticeKey], recipient: str, message_id: str, now: dt.datetime
    ) -> None:
        """Record notices as about to be sent (``pending``); a sent one stays sent."""
        with self._write() as db:
            db.executemany(
                "INSERT INTO notices (workbook, row_id, kind, due, digest_date, channel,"
                " recipient, message_id, state, attempts, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending',"
                " 1, ?) ON CONFLICT DO UPDATE SET attempts = attempts + 1,"
                " message_id = excluded.message_id, updated = excluded.updated"
                " WHERE state = 'pending'",
                [(*_key(k), recipient, message_id, _utc(now)) for k in keys],
            )

    def settle(
        self, keys: Sequence[NoticeKey], now: dt.datetime, *, error: str | None = None
    ) -> None:
        """Mark claimed notices sent, or keep them pending with the error that stopped them."""
        state = "pending" if error else "sent"
        with self._write() as db:
            db.executemany(
                "UPDATE notices SET state = ?, updated = ?, error = ? WHERE workbook = ?"
                " AND row_id = ? AND kind = ? AND due = ? AND digest_date = ? AND channel = ?",
                [(state, _utc(now), error, *_key(k)) for k in keys],
            )

    def notices(self, workbook: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM notices" + (" WHERE workbook = ?" if workbook else "")
        cursor = self._db.execute(query + " ORDER BY updated", (workbook,) if workbook else ())
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _key(key: NoticeKey) -> tuple[str, str, str, str, str, str]:
    return (
        key.workbook,
        key.row_id,
        key.kind,
        key.due.isoformat(),
        key.digest_date.isoformat(),
        key.channel,
    )


def _run(row: tuple[Any, ...]) -> RunRecord:
    (
        rid,
        workbook,
        target,
        started,
        ended,
        result,
        read,
        invalid,
        written,
        before,
        after,
        error,
    ) = row
    return RunRecord(
        workbook,
        target,
        dt.datetime.fromisoformat(started),
        dt.datetime.fromisoformat(ended),
        result,
        read,
        invalid,
        written,
        before,
        after,
        error,
        rid,
    )
