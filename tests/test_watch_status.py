"""The status file is written atomically and rendered for people and for health checks."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

from sheets_sync.errors import CredentialsError
from sheets_sync.jobs import InstanceLock, load_config, read_status, render_status, run_watch
from sheets_sync.jobs.status import StatusFile, write_status

from .watch_support import (
    START,
    FakeSync,
    StoppingClock,
    make_xlsx,
    no_jitter,
    raising,
    write_config,
)

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def _watched(tmp_path: Path) -> Path:
    make_xlsx(tmp_path / "emea.xlsx")
    config_path = write_config(
        tmp_path,
        [
            {"name": "emea", "path": "emea.xlsx"},
            {"name": "china", "spreadsheet": SHEET_ID, "language": "zh"},
            {"name": "old", "path": "old.xlsx", "enabled": False},
            {"name": "new", "path": "new.xlsx"},
        ],
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(minutes=10))
    fake = FakeSync(
        clock,
        behaviours={"china": raising(CredentialsError("credentials key.json were rejected."))},
        seconds_per_sync=2.5,
    )
    code = run_watch(config_path, sync_fn=fake, clock=clock, stop=stop, jitter=no_jitter)
    assert code == 0
    return config_path


def test_status_table(tmp_path: Path) -> None:
    config_path = _watched(tmp_path)
    assert render_status(config_path).splitlines() == [
        f"config: {config_path}",
        "schedule: every 15 minutes (Europe/Moscow)",
        "watcher: not running",
        "",
        "WORKBOOK  RESULT    LAST RUN              INVALID  CELLS  FAILS  NEXT RUN"
        "              ERROR",
        "emea      ok        2025-05-01 08:00 MSK  1        2      0      2025-05-01 08:15 MSK",
        "china     failed    2025-05-01 08:07 MSK           0      4      2025-05-01 08:15 MSK"
        "  credentials key.json were rejected.",
        "old       disabled",
        "new       failed    2025-05-01 08:07 MSK           0      4      2025-05-01 08:15 MSK"
        f"  workbook file {tmp_path / 'new.xlsx'} does not exist."
        " Check its path in the config, or generate it first.",
    ]


def test_status_shows_a_running_watcher(tmp_path: Path) -> None:
    config_path = _watched(tmp_path)
    config = load_config(config_path)
    with InstanceLock(config.state_dir / "watch.lock", config.source):
        lines = render_status(config_path).splitlines()
    assert lines[2].startswith("watcher: running (pid ")


def test_status_json_for_health_checks(tmp_path: Path) -> None:
    config_path = _watched(tmp_path)
    data = json.loads(render_status(config_path, as_json=True))
    assert data["watcher_pid"] is None
    assert data["mode"] == "watch"
    assert data["heartbeat"] == "2025-05-01T05:10:12.500000Z"
    emea = data["workbooks"]["emea"]
    assert {k: emea[k] for k in ("result", "invalid_rows", "cells_written", "rows_read")} == {
        "result": "ok",
        "invalid_rows": 1,
        "cells_written": 2,
        "rows_read": 10,
    }
    assert emea["duration_s"] == 2.5
    assert emea["next_run"] == "2025-05-01T05:15:02.500000Z"
    assert data["workbooks"]["china"]["consecutive_failures"] == 4
    assert "old" not in data["workbooks"]


def test_status_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    write_status(tmp_path, StatusFile(config="c.toml", pid=1))
    write_status(tmp_path, StatusFile(config="c.toml", pid=2))
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]
    assert read_status(tmp_path, Path("c.toml")).pid == 2


def test_a_damaged_status_file_costs_only_a_full_sync(tmp_path: Path) -> None:
    (tmp_path / "status.json").write_text("{not json", encoding="utf-8")
    assert read_status(tmp_path, Path("c.toml")).workbooks == {}


def test_workbooks_removed_from_the_config_leave_the_status(tmp_path: Path) -> None:
    config_path = _watched(tmp_path)
    config_path.write_text(
        config_path.read_text(encoding="utf-8").split('[[workbooks]]\nname = "china"')[0],
        encoding="utf-8",
    )
    clock = StoppingClock(START, threading.Event(), until=START)
    run_watch(config_path, sync_fn=FakeSync(clock), once=True, clock=clock)
    config = load_config(config_path)
    assert set(read_status(config.state_dir, config.source).workbooks) == {"emea"}
