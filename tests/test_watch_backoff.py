"""A failing workbook backs off exponentially, and recovers by itself."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from sheets_sync.errors import WorkbookLocked
from sheets_sync.jobs import Backoff, Result, RunOutcome, Watcher, WorkbookConfig, load_config
from sheets_sync.jobs.backoff import spread

from .watch_support import START, FakeSync, StoppingClock, make_xlsx, no_jitter, write_config


def test_delay_doubles_up_to_the_cap() -> None:
    backoff = Backoff(dt.timedelta(seconds=30), dt.timedelta(minutes=5), no_jitter)
    delays = [backoff.delay(n).total_seconds() for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 300, 300, 300]


def test_delay_survives_months_of_failures() -> None:
    backoff = Backoff(dt.timedelta(minutes=1), dt.timedelta(hours=1), no_jitter)
    assert backoff.delay(100_000) == dt.timedelta(hours=1)


@pytest.mark.parametrize("failures", [1, 5, 20])
def test_default_jitter_only_shortens_the_delay(failures: int) -> None:
    backoff = Backoff(jitter=spread)
    plain = Backoff(jitter=no_jitter).delay(failures)
    for _ in range(50):
        assert 0.8 * plain <= backoff.delay(failures) <= plain


def test_backoff_grows_then_resets_after_a_success(tmp_path: Path) -> None:
    make_xlsx(tmp_path / "held.xlsx")
    config = load_config(
        write_config(
            tmp_path,
            [{"name": "held", "path": "held.xlsx"}],
            schedule='every = "15 minutes"\nretry_initial = "1 minute"\nretry_max = "10 minutes"',
        )
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(hours=2))

    def behaviour(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        """Open in Excel except between minutes 30 and 60."""
        closed = START + dt.timedelta(minutes=30) <= clock.now() < START + dt.timedelta(hours=1)
        if closed:
            return RunOutcome(rows_read=5, invalid_rows=0, cells_written=1)
        raise WorkbookLocked("held.xlsx is open in Excel.")

    fake = FakeSync(clock, behaviours={"held": behaviour})
    watcher = Watcher(config, sync_fn=fake, clock=clock, jitter=no_jitter, stop=stop)

    assert watcher.run_forever() == 0

    minutes = [int((t - START).total_seconds() // 60) for t in fake.times("held")]
    # Locked: retried after 1, 2, 4, 8, then 10 (the cap) minutes. At 35 it is closed
    # and synced, so back on the 15-minute schedule (50). Locked again at 65: the
    # delay starts over at 1 minute.
    assert minutes == [0, 1, 3, 7, 15, 25, 35, 50, 65, 66, 68, 72, 80, 90, 100, 110, 120]
    status = watcher.status.workbooks["held"]
    assert (status.result, status.consecutive_failures) == (Result.LOCKED, 9)
