"""Spread runs: each workbook at its own stable minute of the interval, not all at :00."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.errors import ConfigProblems
from sheets_sync.jobs import ScheduleConfig, Watcher, load_config
from sheets_sync.jobs.spread import EPOCH, next_slot, offset, stable_hash

from .watch_support import START, FakeSync, StoppingClock, make_xlsx, no_jitter, write_config

QUARTER = dt.timedelta(minutes=15)
SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def test_the_hash_is_the_same_in_every_process() -> None:
    # Python's hash() is salted per process; ours must not be.
    assert stable_hash("gsheet:" + SHEET_ID) == 0x01D69545B035C5B4  # b2sum -l 64
    code = (
        f"from sheets_sync.jobs.spread import stable_hash; print(stable_hash('gsheet:{SHEET_ID}'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert int(out.stdout) == stable_hash("gsheet:" + SHEET_ID)


@given(
    key=st.text(max_size=40),
    minutes=st.integers(min_value=1, max_value=1440),
    after=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    inclusive=st.booleans(),
)
def test_slots_sit_on_the_workbooks_grid(
    key: str, minutes: int, after: dt.datetime, inclusive: bool
) -> None:
    interval = dt.timedelta(minutes=minutes)
    slot = next_slot(key, interval, after, inclusive=inclusive)
    assert dt.timedelta(0) <= offset(key, interval) < interval
    assert (slot - EPOCH - offset(key, interval)) % interval == dt.timedelta(0)
    assert (after <= slot) if inclusive else (after < slot)
    assert slot - after <= (interval - dt.timedelta(microseconds=1) if inclusive else interval)


def test_spread_is_only_for_every_schedules() -> None:
    with pytest.raises(ValueError, match="spread applies to an every schedule, not to daily_at"):
        ScheduleConfig(daily_at="08:00", spread=True)


def test_spread_with_daily_at_in_a_file_is_reported(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        [{"name": "a", "path": "a.xlsx"}],
        schedule='daily_at = "08:00"\nspread = true',
    )
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    assert caught.value.problems == [
        "schedule (line 4): spread applies to an every schedule, not to daily_at"
    ]


def _spread_watcher(tmp_path: Path, count: int, until: dt.timedelta) -> tuple[Watcher, FakeSync]:
    entries = []
    for i in range(count):
        make_xlsx(tmp_path / f"team{i:03}.xlsx")
        entries.append({"name": f"team{i:03}", "path": f"team{i:03}.xlsx"})
    config = load_config(
        write_config(tmp_path, entries, schedule='every = "15 minutes"\nspread = true')
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + until)
    fake = FakeSync(clock)
    watcher = Watcher(config, sync_fn=fake, clock=clock, jitter=no_jitter, stop=stop)
    return watcher, fake


def test_many_workbooks_start_evenly_over_the_interval(tmp_path: Path) -> None:
    watcher, fake = _spread_watcher(tmp_path, count=90, until=QUARTER - dt.timedelta(seconds=1))

    assert watcher.run_forever() == 0

    per_minute = Counter(int((when - START).total_seconds() // 60) for _, when, _ in fake.calls)
    assert sorted(name for name, _, _ in fake.calls) == [f"team{i:03}" for i in range(90)]
    assert sorted(per_minute) == list(range(15))  # every minute has some, none waits for :00
    assert max(per_minute.values()) <= 12  # 6 a minute on average, never a bunch


def test_each_workbook_keeps_its_minute(tmp_path: Path) -> None:
    watcher, fake = _spread_watcher(tmp_path, count=20, until=4 * QUARTER)

    assert watcher.run_forever() == 0

    for i in range(20):
        times = fake.times(f"team{i:03}")
        assert len(times) == 4
        assert times[0] - START < QUARTER
        # The watcher naps at most a minute, so a run starts within a minute of its slot,
        # and the slots stay a quarter hour apart.
        slot = next_slot(f"name:team{i:03}", QUARTER, START, inclusive=True)
        for k, when in enumerate(times):
            assert dt.timedelta(0) <= when - (slot + k * QUARTER) < dt.timedelta(minutes=1)


def test_without_spread_everything_still_runs_at_start(tmp_path: Path) -> None:
    make_xlsx(tmp_path / "a.xlsx")
    make_xlsx(tmp_path / "b.xlsx")
    config = load_config(
        write_config(tmp_path, [{"name": "a", "path": "a.xlsx"}, {"name": "b", "path": "b.xlsx"}])
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(minutes=1))
    fake = FakeSync(clock)
    Watcher(config, sync_fn=fake, clock=clock, jitter=no_jitter, stop=stop).run_forever()
    assert fake.times("a") == fake.times("b") == [START]
