"""The run history: every sync run and each cell it changed, kept in SQLite in the state folder."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.cli import main
from sheets_sync.core.cells import CellChange
from sheets_sync.errors import HistoryError, WorkbookLocked, WorkbookNotFound
from sheets_sync.jobs import ManualClock, RunOutcome, WorkbookConfig, load_config
from sheets_sync.jobs.history import HistoryStore, RunRecord, history_path
from sheets_sync.jobs.history.record import RunHistory
from sheets_sync.jobs.watcher import Watcher
from tests.conftest import cli_output, generated_example
from tests.watch_support import START, FakeSync, make_xlsx, no_jitter, raising, write_config

T0 = dt.datetime(2027, 2, 1, 8, 0, tzinfo=dt.UTC)
REPO = Path(__file__).resolve().parent.parent


def _run(workbook: str = "q1", *, at: dt.datetime = T0, **fields: object) -> RunRecord:
    values: dict[str, object] = {
        "workbook": workbook,
        "target": f"/data/{workbook}.xlsx",
        "started": at,
        "ended": at + dt.timedelta(seconds=2),
        "result": "ok",
        "rows_read": 40,
        "rows_invalid": 1,
        "cells_written": 2,
    }
    values.update(fields)
    return RunRecord(**values)  # type: ignore[arg-type]


CHANGES = (
    CellChange("Initiatives", 3, "IN-001", "schedule", "On track", "Due soon"),
    CellChange("Checklist", 5, "CL-003", "due", None, dt.date(2027, 2, 14)),
)


def test_a_run_and_its_cells_read_back_old_to_new(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        run_id = store.record_run(_run(), CHANGES, keep_since=None)
        [run] = store.runs()
        assert run == _run(id=run_id)
        cells = store.cells(run_id)
    assert [c.as_json() for c in cells] == [
        {
            "sheet": "Initiatives",
            "row": 3,
            "row_id": "IN-001",
            "column": "schedule",
            "old": "On track",
            "new": "Due soon",
        },
        {
            "sheet": "Checklist",
            "row": 5,
            "row_id": "CL-003",
            "column": "due",
            "old": None,
            "new": "2027-02-14",
        },
    ]


def test_the_file_is_in_wal_mode_with_its_schema_version(tmp_path: Path) -> None:
    HistoryStore(tmp_path / "h.sqlite3").close()
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    db.close()


def test_a_history_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 7")
    db.close()
    with pytest.raises(HistoryError, match="has schema 7; this sheets-sync knows up to 1"):
        HistoryStore(path)


def test_runs_filter_by_workbook_name_or_target_and_since(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        for day, name in ((0, "q1"), (1, "q2"), (2, "q1")):
            store.record_run(_run(name, at=T0 + dt.timedelta(days=day)), keep_since=None)
        assert [r.started.day for r in store.runs("q1")] == [1, 3]
        assert [r.workbook for r in store.runs("/data/q2.xlsx")] == ["q2"]
        since = T0 + dt.timedelta(days=1)
        assert [(r.workbook, r.started.day) for r in store.runs(since=since)] == [
            ("q2", 2),
            ("q1", 3),
        ]
        assert store.last_run("q1") == store.runs("q1")[-1]


def test_retention_drops_old_runs_and_their_cells(tmp_path: Path) -> None:
    history = RunHistory(tmp_path / "h.sqlite3", keep=dt.timedelta(days=90))
    first = history.record(_run(at=T0), CHANGES)
    history.record(_run(at=T0 + dt.timedelta(days=90)), CHANGES)  # exactly 90 days: kept
    assert first is not None
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert len(store.runs()) == 2
    history.record(_run(at=T0 + dt.timedelta(days=91)))
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert [r.started for r in store.runs()] == [
            T0 + dt.timedelta(days=90),
            T0 + dt.timedelta(days=91),
        ]
        assert store.cells(first) == []


def test_an_unwritable_history_costs_a_warning_not_the_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert RunHistory(blocker / "h.sqlite3").record(_run()) is None
    assert "q1: run not recorded in" in caplog.text


# --- two processes, and a killed one ----------------------------------------------------

_WRITER = """
import datetime as dt, sys
from pathlib import Path
from sheets_sync.core.cells import CellChange
from sheets_sync.jobs.history import HistoryStore, RunRecord

path, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
t0 = dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
with HistoryStore(path) as store:
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(count):
        at = t0 + dt.timedelta(minutes=i)
        run = RunRecord(name, name, at, at, "ok", 10, 0, 1)
        change = CellChange("Initiatives", i + 2, f"IN-{i:03d}", "schedule", "a", "b")
        store.record_run(run, [change], keep_since=None)
"""


def _python(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    writers = [_python(_WRITER, str(path), name, "150") for name in ("watcher", "manual")]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:  # both released together: their transactions interleave
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        writer.communicate(timeout=120)  # closes the pipes
    assert [writer.returncode for writer in writers] == [0, 0]
    with HistoryStore(path) as store:
        assert store.check() == "ok"
        for name in ("watcher", "manual"):
            runs = store.runs(name)
            assert len(runs) == 150
            assert sum(len(store.cells(r.id or 0)) for r in runs) == 150


_KILLED = """
import datetime as dt, sys
from pathlib import Path
from sheets_sync.jobs.history import HistoryStore, RunRecord

at = dt.datetime(2027, 2, 2, tzinfo=dt.UTC)
store = HistoryStore(Path(sys.argv[1]))
db = store._db
db.execute("BEGIN IMMEDIATE")
db.execute(
    "INSERT INTO runs (workbook, target, started, ended, result, cells_written)"
    " VALUES ('q1', 'q1', ?, ?, 'ok', 3)", (at.isoformat(), at.isoformat())
)
print("inside", flush=True)
sys.stdin.readline()
"""


def test_a_run_killed_while_writing_leaves_the_store_consistent(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        store.record_run(_run(), CHANGES, keep_since=None)
    victim = _python(_KILLED, str(path))
    assert victim.stdout is not None and victim.stdout.readline() == "inside\n"
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    with HistoryStore(path) as store:
        assert store.check() == "ok"
        assert store.runs() == [_run(id=1)]
        store.record_run(_run(at=T0 + dt.timedelta(hours=1)), keep_since=None)  # writable
        assert len(store.runs()) == 2


# --- the watcher and the CLI record runs ------------------------------------------------


def test_the_watcher_records_each_sync_and_failure(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    config = load_config(
        write_config(
            tmp_path,
            [{"name": "good", "path": good}, {"name": "gone", "path": tmp_path / "gone.xlsx"}],
        )
    )
    clock = ManualClock(START)
    fake = FakeSync(clock, seconds_per_sync=3)

    def with_changes(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        return RunOutcome(rows_read=12, invalid_rows=0, cells_written=2, changes=CHANGES)

    fake.behaviours["good"] = with_changes
    versions = iter(["v1", "v2"])

    def fingerprint(workbook: WorkbookConfig, previous: str | None) -> str:
        if workbook.name == "gone":
            raise WorkbookNotFound(f"workbook file {workbook.path} does not exist.")
        return next(versions)

    watcher = Watcher(
        config,
        sync_fn=fake,
        clock=clock,
        stop=threading.Event(),
        jitter=no_jitter,
        fingerprint=fingerprint,
    )
    assert watcher.run_once() == 1
    with HistoryStore(history_path(config.state_dir)) as store:
        [ok] = store.runs("good")
        [failed] = store.runs("gone")
        assert (ok.result, ok.rows_read, ok.cells_written, ok.error) == ("ok", 12, 2, None)
        assert ok.started == START and ok.ended == START + dt.timedelta(seconds=3)
        assert (ok.version_before, ok.version_after) == ("v1", "v2")
        assert [(c.row_id, c.old, c.new) for c in store.cells(ok.id or 0)] == [
            ("IN-001", "On track", "Due soon"),
            ("CL-003", None, "2027-02-14"),
        ]
        assert failed.result == "failed" and failed.rows_read is None
        assert failed.error is not None and "does not exist" in failed.error


def test_a_skipped_unchanged_run_is_not_recorded(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "good.xlsx")
    config = load_config(write_config(tmp_path, [{"name": "good", "path": good}]))
    clock = ManualClock(START)
    fake = FakeSync(clock)

    def same(workbook: WorkbookConfig, previous: str | None) -> str:
        return "v1"

    for _ in range(2):
        Watcher(config, sync_fn=fake, clock=clock, jitter=no_jitter, fingerprint=same).run_once()
        clock.advance(600)
    assert len(fake.calls) == 1
    with HistoryStore(history_path(config.state_dir)) as store:
        assert len(store.runs("good")) == 1


def test_a_locked_workbook_is_recorded_as_locked(tmp_path: Path) -> None:
    book = make_xlsx(tmp_path / "held.xlsx")
    config = load_config(write_config(tmp_path, [{"name": "held", "path": book}]))
    clock = ManualClock(START)
    fake = FakeSync(clock, {"held": raising(WorkbookLocked("held.xlsx is open in Excel."))})
    assert Watcher(config, sync_fn=fake, clock=clock, jitter=no_jitter).run_once() == 75
    with HistoryStore(history_path(config.state_dir)) as store:
        assert [(r.result, r.error) for r in store.runs()] == [
            ("locked", "held.xlsx is open in Excel.")
        ]


def test_a_manual_sync_records_into_the_state_folder_and_history_shows_old_to_new(
    tmp_path: Path,
) -> None:
    book = tmp_path / "q.xlsx"
    generated_example(book)
    state = tmp_path / "state"
    cli_output("sync", str(book), "--as-of", "2027-02-20", "--state-dir", str(state))
    cli_output("sync", str(book), "--as-of", "2027-02-20", "--dry-run", "--state-dir", str(state))
    text = cli_output("history", "--state-dir", str(state)).splitlines()
    assert len([line for line in text if not line.startswith("    ")]) == 1  # no dry run
    assert f"  {book}  ok, 54 rows, 151 cell(s) written  [" in text[0]  # 134 of them on the panels
    assert '    Initiatives IN-004 schedule: "Not started" → "Overdue"' in text
    assert '    Checklist CL-001 due_status: "Open" → "Overdue"' in text
    [run] = json.loads(cli_output("history", str(book), "--state-dir", str(state), "--json"))
    assert run["target"] == str(book) and run["cells_written"] == 151 == len(run["cells"])
    lines = cli_output("history", "--state-dir", str(state), "--format", "jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1]
    assert cli_output("history", "other", "--state-dir", str(state)) == "No runs recorded.\n"
    assert (
        cli_output("history", "--state-dir", str(state), "--since", "2999-01-01", "--json")
        == "[]\n"
    )


def test_a_manual_sync_with_a_config_records_under_the_configured_name(tmp_path: Path) -> None:
    book = tmp_path / "q.xlsx"
    generated_example(book)
    config = write_config(tmp_path, [{"name": "roadmap", "path": book}])
    cli_output("sync", str(book), "--as-of", "2027-02-20", "--config", str(config))
    [run] = json.loads(cli_output("history", "roadmap", "--config", str(config), "--json"))
    assert (run["workbook"], run["target"], run["cells_written"]) == ("roadmap", str(book), 151)


def test_a_manual_sync_that_fails_is_recorded_with_its_error(tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = CliRunner().invoke(
        main, ["sync", str(tmp_path / "none.xlsx"), "--state-dir", str(state)]
    )
    assert result.exit_code != 0
    [run] = json.loads(cli_output("history", "--state-dir", str(state), "--json"))
    assert run["result"] == "failed" and run["cells"] == []
    assert "does not exist" in run["error"]


def test_without_a_state_folder_a_manual_sync_records_nothing(tmp_path: Path) -> None:
    book = tmp_path / "q.xlsx"
    generated_example(book)
    cli_output("sync", str(book), "--as-of", "2027-02-20")
    assert not list(tmp_path.rglob("*.sqlite3"))


def test_history_keep_is_validated(tmp_path: Path) -> None:
    path = write_config(tmp_path, [{"path": tmp_path / "a.xlsx"}], extra="")
    path.write_text(path.read_text() + '\n[history]\nkeep = "2 hours"\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"history.keep \(line \d+\): must be at least 1 day"):
        load_config(path)


def test_status_shows_a_run_recorded_by_a_manual_sync(tmp_path: Path) -> None:
    book = tmp_path / "q.xlsx"
    generated_example(book)
    config = write_config(tmp_path, [{"name": "roadmap", "path": book}])
    before = cli_output("status", "--config", str(config)).splitlines()
    assert before[-1].split() == ["roadmap", "never", "run"]
    cli_output("sync", str(book), "--as-of", "2027-02-20", "--config", str(config))
    row = cli_output("status", "--config", str(config)).splitlines()[-1].split()
    assert row[:2] == ["roadmap", "ok"] and row[-2:] == ["0", "151"]  # invalid, cells
    data = json.loads(cli_output("status", "--config", str(config), "--json"))
    assert data["history"]["last_runs"]["roadmap"]["cells_written"] == 151
    assert data["history"]["reminders_pending"] == []
