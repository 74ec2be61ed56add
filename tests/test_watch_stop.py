"""SIGTERM or SIGINT during a sync: the write in flight finishes, then the watcher exits 0."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from pathlib import Path

import pytest

from sheets_sync.jobs import (
    RunOutcome,
    SystemClock,
    Watcher,
    WorkbookConfig,
    load_config,
    run_watch,
)

from .watch_support import START, Behaviour, FakeSync, StoppingClock, make_xlsx, write_config

STEPS = [f"row {i}\n" for i in range(1, 6)]


def _writes_in_steps(signum: int) -> Behaviour:
    def behaviour(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        assert workbook.path is not None
        out = workbook.path.with_suffix(".out")
        with out.open("w", encoding="utf-8") as handle:
            for number, line in enumerate(STEPS, 1):
                handle.write(line)
                handle.flush()
                if number == 2:
                    os.kill(os.getpid(), signum)  # the operator stops the service mid-write
        return RunOutcome(rows_read=len(STEPS), invalid_rows=0, cells_written=len(STEPS))

    return behaviour


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_lets_the_sync_in_flight_finish(tmp_path: Path, signum: int) -> None:
    make_xlsx(tmp_path / "first.xlsx")
    make_xlsx(tmp_path / "second.xlsx")
    config = load_config(
        write_config(
            tmp_path,
            [{"name": "first", "path": "first.xlsx"}, {"name": "second", "path": "second.xlsx"}],
        )
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(days=1))
    fake = FakeSync(clock, behaviours={"first": _writes_in_steps(signum)})
    handler_before = signal.getsignal(signum)

    code = Watcher(config, sync_fn=fake, clock=clock, stop=stop).run_forever()

    assert code == 0
    assert (tmp_path / "first.out").read_text(encoding="utf-8") == "".join(STEPS)
    assert [name for name, _, _ in fake.calls] == ["first"]  # nothing started after the signal
    assert clock.slept == []  # it stopped at once instead of waiting for the next run
    assert signal.getsignal(signum) is handler_before


def test_stop_signal_during_once_skips_the_remaining_workbooks(tmp_path: Path) -> None:
    make_xlsx(tmp_path / "first.xlsx")
    make_xlsx(tmp_path / "second.xlsx")
    config_path = write_config(
        tmp_path,
        [{"name": "first", "path": "first.xlsx"}, {"name": "second", "path": "second.xlsx"}],
    )
    clock = StoppingClock(START, threading.Event(), until=START)
    fake = FakeSync(clock, behaviours={"first": _writes_in_steps(signal.SIGTERM)})

    code = run_watch(config_path, sync_fn=fake, once=True, clock=clock)

    assert code == 0
    assert (tmp_path / "first.out").read_text(encoding="utf-8") == "".join(STEPS)
    assert [name for name, _, _ in fake.calls] == ["first"]


class _CountingEvent(threading.Event):
    """A stop event that counts the waits handed to it and never blocks on one."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        return self.is_set()


def test_the_real_clock_waits_on_the_stop_event_so_a_stop_wakes_it() -> None:
    stop = _CountingEvent()
    clock = SystemClock(wake=stop)
    clock.sleep(0)
    clock.sleep(-5)
    assert stop.waits == []  # nothing to wait for
    stop.set()
    clock.sleep(3600)
    assert stop.waits == [3600]  # the whole wait is the event's: setting it ends the wait
    assert clock.now().tzinfo is not None
