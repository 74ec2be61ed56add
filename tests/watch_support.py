"""Fakes shared by the test_watch_* modules: a clock that stops the watcher, a scripted sync."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_sync.errors import WorkbookNotFound
from sheets_sync.jobs import ManualClock, RunOutcome, WorkbookConfig

START = dt.datetime(2025, 5, 1, 5, 0, tzinfo=dt.UTC)  # 08:00 in Moscow


def no_jitter(seconds: float) -> float:
    """Backoff without jitter, so a test knows each wait exactly."""
    return seconds


class StoppingClock(ManualClock):
    """A manual clock that requests a stop once time reaches ``until``."""

    def __init__(self, start: dt.datetime, stop: threading.Event, until: dt.datetime) -> None:
        super().__init__(start)
        self.stop = stop
        self.until = until

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if self.now() > self.until:
            self.stop.set()


Behaviour = Callable[[WorkbookConfig, dt.date], RunOutcome]


@dataclass
class FakeSync:
    """Records every call; each workbook does what ``behaviours[name]`` says (default: ok)."""

    clock: ManualClock
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    calls: list[tuple[str, dt.datetime, dt.date]] = field(default_factory=list)
    seconds_per_sync: float = 0.0

    def __call__(self, workbook: WorkbookConfig, as_of: dt.date, /) -> RunOutcome:
        self.calls.append((workbook.name, self.clock.now(), as_of))
        self.clock.advance(self.seconds_per_sync)
        if workbook.path is not None and not workbook.path.exists():
            raise WorkbookNotFound(f"workbook file {workbook.path} does not exist.")
        behaviour = self.behaviours.get(workbook.name)
        if behaviour is not None:
            return behaviour(workbook, as_of)
        return RunOutcome(rows_read=10, invalid_rows=1, cells_written=2)

    def times(self, name: str) -> list[dt.datetime]:
        return [when for who, when, _ in self.calls if who == name]


def raising(exc: Exception) -> Behaviour:
    def behaviour(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        raise type(exc)(*exc.args)  # a fresh instance: re-raising one grows its traceback

    return behaviour


def write_config(
    directory: Path,
    workbooks: list[dict[str, Any]],
    *,
    schedule: str = 'every = "15 minutes"\ntimezone = "Europe/Moscow"',
    extra: str = "",
) -> Path:
    """Write a config whose state dir lives under ``directory``; return its path."""
    lines = [f'state_dir = "{directory / "state"}"', extra, "", "[schedule]", schedule]
    for entry in workbooks:
        lines += ["", "[[workbooks]]"]
        lines += [f"{key} = {_toml(value)}" for key, value in entry.items()]
    path = directory / "sheets_sync.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | Path):
        return f'"{value}"'
    return str(value)


def make_xlsx(path: Path, content: bytes = b"PK fake workbook") -> Path:
    path.write_bytes(content)
    return path
