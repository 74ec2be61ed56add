"""Time, passed in. The watcher never reads the wall clock or sleeps directly.

Tests hand it a :class:`ManualClock` whose ``sleep`` advances time instead of
waiting, so a month of schedule runs in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol


class Clock(Protocol):
    """A source of the current (timezone-aware) time and a way to wait."""

    def now(self) -> dt.datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock. ``sleep`` returns early when ``wake`` is set (a stop signal)."""

    def __init__(self, wake: threading.Event | None = None) -> None:
        self._wake = wake

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        if self._wake is not None:
            self._wake.wait(seconds)
        else:
            time.sleep(seconds)


class ManualClock:
    """A clock that only moves when told to; ``sleep`` moves it and returns at once."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self._now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self._now += dt.timedelta(seconds=max(seconds, 0.0))
