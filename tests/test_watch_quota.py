"""``[quota]`` in the config, and a sync the shared quota defers: not a failure, and said so."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.backends.google.quota import Limits
from sheets_sync.errors import ConfigProblems, QuotaDeferred
from sheets_sync.jobs import Result, load_config, read_status, run_watch
from sheets_sync.jobs.commands import status_command

from .watch_support import START, FakeSync, StoppingClock, make_xlsx, raising, write_config

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
ACCOUNT = "sync@proj.iam.gserviceaccount.com"


def test_no_quota_table_no_quota(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [{"spreadsheet": SHEET_ID}]))
    assert config.workbooks[0].quota is None


def test_the_quota_table_with_its_defaults(tmp_path: Path) -> None:
    path = write_config(tmp_path, [{"spreadsheet": SHEET_ID}], extra="[quota]")
    quota = load_config(path).workbooks[0].quota
    assert quota is not None
    assert quota.limits(ACCOUNT) == Limits(sheets_read=50, sheets_write=50, drive=300)
    assert quota.max_wait_seconds == 120.0
    assert quota.sqlite == tmp_path / "state" / "quota.sqlite"  # shared by the shards
    assert quota.redis is None


def test_limits_per_account(tmp_path: Path) -> None:
    extra = "\n".join(
        [
            "[quota]",
            "sheets_reads_per_minute = 40",
            'max_wait = "30 seconds"',
            'sqlite = "shared/quota.sqlite"',
            f'[quota.accounts."{ACCOUNT}"]',
            "sheets_writes_per_minute = 20",
        ]
    )
    quota = (
        load_config(write_config(tmp_path, [{"spreadsheet": SHEET_ID}], extra=extra))
        .workbooks[0]
        .quota
    )
    assert quota is not None
    assert quota.limits(ACCOUNT) == Limits(sheets_read=40, sheets_write=20, drive=300)
    assert quota.limits("other@proj.iam.gserviceaccount.com") == Limits(40, 50, 300)
    assert quota.max_wait_seconds == 30.0
    assert quota.sqlite == tmp_path / "shared" / "quota.sqlite"


def test_bad_quota_settings_are_reported_together(tmp_path: Path) -> None:
    extra = "\n".join(
        [
            "[quota]",
            "sheets_reads_per_minute = 0",
            'redis = "localhost:6379"',
            'max_wait = "2 hours"',
            "drive_per_mintue = 10",
        ]
    )
    with pytest.raises(ConfigProblems) as caught:
        load_config(write_config(tmp_path, [{"spreadsheet": SHEET_ID}], extra=extra))
    assert caught.value.problems == [
        "quota.sheets_reads_per_minute (line 3):"
        " Input should be greater than or equal to 1 (got 0)",
        "quota.redis (line 4):"
        " expected a Redis URL such as 'redis://host:6379/0', got 'localhost:6379'",
        "quota.max_wait (line 5): must be at most 1 hour, got '2 hours'",
        "quota.drive_per_mintue (line 6): unknown key; did you mean 'drive_per_minute'?",
    ]


def _deferred_run(tmp_path: Path, *, once: bool) -> tuple[int, FakeSync]:
    make_xlsx(tmp_path / "a.xlsx")
    config_path = write_config(
        tmp_path, [{"name": "a", "path": "a.xlsx"}, {"name": "cloud", "spreadsheet": SHEET_ID}]
    )
    stop = threading.Event()
    clock = StoppingClock(
        START, stop, until=START + (dt_minutes(20) if not once else dt_minutes(0))
    )
    message = f"The sheets-read quota of {ACCOUNT} is spent."
    fake = FakeSync(clock, behaviours={"cloud": raising(QuotaDeferred(message, "Next round."))})
    code = run_watch(
        config_path, sync_fn=fake, once=once, clock=clock, stop=stop, log_stream=io.StringIO()
    )
    return code, fake


def dt_minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def test_a_deferred_workbook_waits_for_the_next_round_without_backing_off(tmp_path: Path) -> None:
    code, fake = _deferred_run(tmp_path, once=False)
    assert code == 0
    # Tried at start and again at the next regular run, not after a retry delay.
    assert fake.times("cloud") == [START, START + dt_minutes(15)]
    status = read_status(tmp_path / "state", tmp_path / "sheets_sync.toml").workbooks["cloud"]
    assert status.result == Result.DEFERRED
    assert status.consecutive_failures == 0
    assert status.next_run == START + dt_minutes(30)
    assert status.error == f"The sheets-read quota of {ACCOUNT} is spent. Next round."


def test_once_exits_75_and_status_says_deferred(tmp_path: Path) -> None:
    code, _ = _deferred_run(tmp_path, once=True)
    assert code == 75
    config = str(tmp_path / "sheets_sync.toml")
    shown = json.loads(CliRunner().invoke(status_command, ["--config", config, "--json"]).output)
    assert shown["workbooks"]["cloud"]["result"] == "deferred"
    table = CliRunner().invoke(status_command, ["--config", config]).output
    row = next(line for line in table.splitlines() if line.startswith("cloud"))
    assert "deferred" in row and f"The sheets-read quota of {ACCOUNT} is spent." in row
