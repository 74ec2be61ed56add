"""``watch --once`` for cron: every workbook once, a non-zero exit when any failed."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.errors import CredentialsError, QuotaExceeded, WorkbookLocked
from sheets_sync.jobs import Result, read_status, run_watch
from sheets_sync.jobs.commands import status_command, watch_command

from .watch_support import START, FakeSync, StoppingClock, make_xlsx, raising, write_config

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def _run(
    tmp_path: Path, behaviours: dict[str, Exception], content: bytes = b"v1", **kwargs: object
) -> tuple[int, str]:
    make_xlsx(tmp_path / "a.xlsx", content)
    make_xlsx(tmp_path / "b.xlsx", content)
    config_path = write_config(
        tmp_path,
        [
            {"name": "a", "path": "a.xlsx"},
            {"name": "b", "path": "b.xlsx"},
            {"name": "cloud", "spreadsheet": SHEET_ID},
        ],
    )
    clock = StoppingClock(START, threading.Event(), until=START)
    fake = FakeSync(clock, behaviours={k: raising(v) for k, v in behaviours.items()})
    logs = io.StringIO()
    code = run_watch(config_path, sync_fn=fake, once=True, clock=clock, log_stream=logs, **kwargs)  # type: ignore[arg-type]
    assert sorted(name for name, _, _ in fake.calls) == ["a", "b", "cloud"]
    return code, logs.getvalue()


@pytest.mark.parametrize(
    ("errors", "code"),
    [
        ({}, 0),
        ({"cloud": CredentialsError("credentials rejected.")}, 1),
        ({"a": WorkbookLocked("a.xlsx is open.")}, 75),
        ({"a": WorkbookLocked("a.xlsx is open."), "cloud": QuotaExceeded("quota.")}, 75),
        ({"a": WorkbookLocked("a.xlsx is open."), "b": ValueError("bug")}, 1),
    ],
)
def test_exit_code(tmp_path: Path, errors: dict[str, Exception], code: int) -> None:
    assert _run(tmp_path, errors)[0] == code


def test_once_runs_every_workbook_even_when_backing_off(tmp_path: Path) -> None:
    _run(tmp_path, {"a": WorkbookLocked("a.xlsx is open.")})
    # Same state dir: "a" has one failure on record; both files were edited since.
    code, _ = _run(tmp_path, {}, content=b"v2")
    assert code == 0
    status = read_status(tmp_path / "state", tmp_path / "sheets_sync.toml").workbooks
    assert status["a"].result == Result.OK
    assert status["a"].consecutive_failures == 0
    assert status["a"].next_run is None  # cron decides when the next run is


def test_json_logs_carry_counts_durations_and_cells(tmp_path: Path) -> None:
    _, output = _run(
        tmp_path, {"cloud": CredentialsError("credentials rejected.")}, log_format="json"
    )
    events = [json.loads(line) for line in output.splitlines()]
    runs = {e["workbook"]: e for e in events if e.get("event") == "workbook_run"}
    assert runs["a"]["result"] == "ok"
    assert runs["a"]["rows_read"] == 10
    assert runs["a"]["invalid_rows"] == 1
    assert runs["a"]["cells_written"] == 2
    assert runs["a"]["duration_s"] == 0.0
    assert runs["cloud"]["level"] == "warning"
    assert runs["cloud"]["error"] == "credentials rejected."
    summary = events[-1]
    assert summary["event"] == "summary"
    assert {k: summary[k] for k in ("runs", "ok", "failed", "cells_written", "invalid_rows")} == {
        "runs": 3,
        "ok": 2,
        "failed": 1,
        "cells_written": 4,
        "invalid_rows": 2,
    }


def test_text_logs_are_one_line_per_run(tmp_path: Path) -> None:
    _, output = _run(tmp_path, {})
    lines = output.splitlines()
    assert len(lines) == 4
    assert lines[0].split(" ", 1)[1] == (
        "INFO a: ok event=workbook_run workbook=a result=ok duration_s=0.0 cells_written=2"
        " full_sync=True rows_read=10 invalid_rows=1"
    )


def test_bad_config_exits_1_with_the_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[workbooks]]\nname = "x"\n', encoding="utf-8")
    logs = io.StringIO()
    code = run_watch(
        path,
        sync_fn=FakeSync(StoppingClock(START, threading.Event(), START)),
        once=True,
        log_stream=logs,
    )
    assert code == 1
    assert logs.getvalue().splitlines()[1:] == [
        "  workbooks[0] (line 1): give path (a local .xlsx) or spreadsheet"
        " (a Google spreadsheet ID) event=error error=ConfigProblems"
    ]


def test_cli_watch_once_and_status(tmp_path: Path) -> None:
    make_xlsx(tmp_path / "a.xlsx")
    config_path = write_config(
        tmp_path, [{"name": "a", "path": "a.xlsx"}, {"name": "gone", "path": "gone.xlsx"}]
    )
    clock = StoppingClock(START, threading.Event(), until=START)
    runner = CliRunner()

    result = runner.invoke(watch_command(FakeSync(clock)), ["--once", "--config", str(config_path)])
    assert result.exit_code == 1

    shown = runner.invoke(status_command, ["--config", str(config_path), "--json"])
    assert shown.exit_code == 0
    data = json.loads(shown.output)
    assert data["watcher_pid"] is None
    assert data["workbooks"]["a"]["result"] == "ok"
    assert data["workbooks"]["gone"]["result"] == "failed"
    assert data["workbooks"]["gone"]["consecutive_failures"] == 1

    table = runner.invoke(status_command, ["--config", str(config_path)])
    assert table.exit_code == 0
    assert "watcher: not running" in table.output
    assert "gone      failed" in table.output


def test_commands_have_help() -> None:
    for command in (
        watch_command(FakeSync(StoppingClock(START, threading.Event(), START))),
        status_command,
    ):
        assert command.help
        for param in command.params:
            assert getattr(param, "help", None), f"{command.name} {param.name} lacks help"
