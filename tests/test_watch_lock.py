"""Only one watcher runs per config; a second one refuses with a clear message."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sheets_sync.jobs import AlreadyRunning, InstanceLock, load_config, run_watch
from sheets_sync.jobs.lock import holder

from .watch_support import START, FakeSync, StoppingClock, make_xlsx, write_config


def _config(tmp_path: Path) -> Path:
    make_xlsx(tmp_path / "a.xlsx")
    return write_config(tmp_path, [{"name": "a", "path": "a.xlsx"}])


def test_a_second_lock_on_the_same_config_is_refused(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path))
    lock_path = config.state_dir / "watch.lock"
    with InstanceLock(lock_path, config.source):
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(lock_path, config.source).acquire()
        assert holder(lock_path) == os.getpid()
    assert str(caught.value) == (
        f"another watcher (pid {os.getpid()}) is already running for {config.source}."
        " Stop it first; only one watcher may run per config."
    )
    assert caught.value.exit_code == 75
    assert holder(lock_path) is None
    with InstanceLock(lock_path, config.source):  # free again once released
        pass


def test_a_second_watcher_process_refuses(tmp_path: Path) -> None:
    config_path = _config(tmp_path)
    config = load_config(config_path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sheets_sync.jobs import InstanceLock\n"
        f"lock = InstanceLock(Path({str(config.state_dir / 'watch.lock')!r}), Path('x'))\n"
        "lock.acquire()\n"
        "print('locked', flush=True)\n"
        "sys.stdin.read()\n"
    )
    first = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    try:
        assert first.stdout is not None and first.stdout.readline() == "locked\n"
        logs = io.StringIO()
        clock = StoppingClock(START, threading.Event(), until=START)
        fake = FakeSync(clock)

        code = run_watch(config_path, sync_fn=fake, once=True, clock=clock, log_stream=logs)

        assert code == 75
        assert fake.calls == []
        line = logs.getvalue().strip()
        assert line.endswith(
            f"ERROR another watcher (pid {first.pid}) is already running for {config.source}."
            " Stop it first; only one watcher may run per config. event=error"
            " error=AlreadyRunning"
        )
    finally:
        assert first.stdin is not None
        first.stdin.close()
        first.wait(timeout=10)
        assert first.stdout is not None
        first.stdout.close()
    # The first process is gone, so the lock is free: the kernel released it.
    code = run_watch(config_path, sync_fn=fake, once=True, clock=clock, log_stream=io.StringIO())
    assert code == 0


def test_different_configs_do_not_share_a_lock(tmp_path: Path) -> None:
    one = tmp_path / "one"
    two = tmp_path / "two"
    one.mkdir()
    two.mkdir()
    first, second = load_config(_config(one)), load_config(_config(two))
    one_lock, two_lock = first.state_dir / "watch.lock", second.state_dir / "watch.lock"
    assert one_lock != two_lock
    with InstanceLock(one_lock, first.source), InstanceLock(two_lock, second.source):
        assert (holder(one_lock), holder(two_lock)) == (os.getpid(), os.getpid())
        with pytest.raises(AlreadyRunning):
            InstanceLock(two_lock, second.source).acquire()  # each is held on its own
    assert (holder(one_lock), holder(two_lock)) == (None, None)
