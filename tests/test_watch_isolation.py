"""Several workbooks, one missing, one with bad credentials, one locked: the rest keep syncing."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from sheets_sync.errors import CredentialsError, WorkbookLocked
from sheets_sync.jobs import Result, Watcher, load_config, read_status

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


def _setup(tmp_path: Path) -> tuple[Watcher, FakeSync, threading.Event]:
    make_xlsx(tmp_path / "emea.xlsx")
    make_xlsx(tmp_path / "apac.xlsx")
    make_xlsx(tmp_path / "held.xlsx")
    config_path = write_config(
        tmp_path,
        [
            {"name": "emea", "path": "emea.xlsx"},
            {"name": "gone", "path": "gone.xlsx"},
            {"name": "cloud", "spreadsheet": SHEET_ID},
            {"name": "held", "path": "held.xlsx"},
            {"name": "apac", "path": "apac.xlsx", "language": "zh"},
        ],
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(hours=1))
    fake = FakeSync(
        clock,
        behaviours={
            "cloud": raising(CredentialsError("credentials key.json were rejected.")),
            "held": raising(WorkbookLocked("held.xlsx is open in another program.")),
        },
    )
    config = load_config(config_path)
    watcher = Watcher(config, sync_fn=fake, clock=clock, jitter=no_jitter, stop=stop)
    return watcher, fake, stop


def test_failing_workbooks_do_not_stop_the_others(tmp_path: Path) -> None:
    watcher, fake, _ = _setup(tmp_path)

    assert watcher.run_forever() == 0

    quarter_hours = [START + dt.timedelta(minutes=15 * i) for i in range(5)]
    assert fake.times("emea") == quarter_hours
    assert fake.times("apac") == quarter_hours
    status = read_status(watcher.config.state_dir, watcher.config.source).workbooks
    assert status["emea"].result == Result.OK
    assert status["apac"].result == Result.OK
    assert status["gone"].result == Result.FAILED
    assert status["gone"].error is not None and "gone.xlsx does not exist" in status["gone"].error
    assert status["cloud"].result == Result.FAILED
    assert status["cloud"].error == "credentials key.json were rejected."
    assert status["held"].result == Result.LOCKED
    assert status["held"].error == "held.xlsx is open in another program."


def test_broken_workbooks_are_retried_with_growing_delays(tmp_path: Path) -> None:
    watcher, fake, _ = _setup(tmp_path)

    watcher.run_forever()

    # 1, 2, 4, 8, 16, 32 minutes, capped at the default retry_max of one hour.
    offsets = [0, 1, 3, 7, 15, 31]
    expected = [START + dt.timedelta(minutes=m) for m in offsets]
    assert fake.times("held") == expected
    assert fake.times("cloud") == expected
    status = read_status(watcher.config.state_dir, watcher.config.source).workbooks
    assert status["held"].consecutive_failures == 6
    assert status["held"].next_run == START + dt.timedelta(minutes=31 + 32)


def test_an_unexpected_exception_in_the_sync_is_isolated(tmp_path: Path) -> None:
    watcher, fake, _ = _setup(tmp_path)
    fake.behaviours["emea"] = raising(ZeroDivisionError("division by zero"))

    assert watcher.run_forever() == 0

    status = read_status(watcher.config.state_dir, watcher.config.source).workbooks
    assert status["emea"].result == Result.FAILED
    assert status["emea"].error == "unexpected error: ZeroDivisionError: division by zero"
    assert fake.times("apac")[-1] == START + dt.timedelta(minutes=60)


def test_the_loop_survives_an_error_outside_any_workbook(tmp_path: Path) -> None:
    watcher, fake, _ = _setup(tmp_path)
    original = watcher.plan.due
    failures = iter([True, False, False])

    def flaky_due(now: dt.datetime) -> list[str]:
        if next(failures, False):
            raise RuntimeError("status disk hiccup")
        return original(now)

    watcher.plan.due = flaky_due  # type: ignore[method-assign]

    assert watcher.run_forever() == 0
    assert fake.times("emea")[0] == START + dt.timedelta(seconds=60)


def test_disabled_workbooks_are_not_run(tmp_path: Path) -> None:
    make_xlsx(tmp_path / "a.xlsx")
    make_xlsx(tmp_path / "b.xlsx")
    config = load_config(
        write_config(
            tmp_path,
            [
                {"name": "a", "path": "a.xlsx"},
                {"name": "b", "path": "b.xlsx", "enabled": False},
            ],
        )
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(minutes=30))
    fake = FakeSync(clock)

    Watcher(config, sync_fn=fake, clock=clock, stop=stop).run_forever()

    assert {name for name, _, _ in fake.calls} == {"a"}
