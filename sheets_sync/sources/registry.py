"""Each metric fetched once per run, and the last good value kept when a fetch fails.

:class:`Registry` is one run's view of the metrics: the first :meth:`~Registry.measure`
reads every configured metric (a source's file or URL once, however many metrics
it holds) and later calls, from other workbooks of the same run, get the same
values. A metric that fails gets its reason and the last good value with its
day, kept in ``<state_dir>/metrics.json`` (the watcher's state folder); a metric
that fails never stops the others. :class:`Refreshing` gives the watcher a new
run when the last one is older than its refresh interval.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

import requests

from sheets_sync.core.measured import Measurement
from sheets_sync.errors import MetricUnavailable
from sheets_sync.sources.config import MetricConfig, MetricsConfig, SourceConfig
from sheets_sync.sources.ga4 import GA4Reader
from sheets_sync.sources.hubspot import HubSpotReader
from sheets_sync.sources.tabular import TabularReader

log = logging.getLogger("sheets_sync.sources")

STATE_FILE = "metrics.json"


class Reader(Protocol):
    """Reads one metric's current value; raises :class:`MetricUnavailable` with why not."""

    def value(self, metric: MetricConfig, source: SourceConfig, today: dt.date) -> float: ...


class LastGood:
    """The last value each metric was read at, and its day: ``<state_dir>/metrics.json``."""

    def __init__(self, state_dir: Path | None) -> None:
        self.path = None if state_dir is None else state_dir / STATE_FILE

    def load(self) -> dict[str, Measurement]:
        if self.path is None:
            return {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable %s: %s", self.path, exc)
            return {}
        kept: dict[str, Measurement] = {}
        for name, entry in raw.items() if isinstance(raw, dict) else ():
            try:
                kept[name] = Measurement(float(entry["value"]), dt.date.fromisoformat(entry["on"]))
            except (KeyError, TypeError, ValueError):
                continue
        return kept

    def save(self, values: Mapping[str, Measurement]) -> None:
        if self.path is None:
            return
        data = {
            name: {"value": m.value, "on": m.on.isoformat()}
            for name, m in values.items()
            if m.value is not None and m.on is not None
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".metrics-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
        os.replace(temp, self.path)


class Registry:
    """One run's metrics: read once, shared by every workbook synced in the run."""

    def __init__(
        self,
        config: MetricsConfig,
        *,
        readers: Mapping[str, Reader] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.config = config
        tabular = TabularReader(config, session)
        self.readers: Mapping[str, Reader] = readers or {
            "csv": tabular,
            "json": tabular,
            "hubspot": HubSpotReader(session=session),
            "ga4": GA4Reader(config),
        }
        self.last_good = LastGood(config.state_dir)
        self._measured: dict[str, Measurement] | None = None

    def measure(self, today: dt.date) -> dict[str, Measurement]:
        """Every metric by name, measured on ``today`` or failed with its last good value."""
        if self._measured is None:
            self._measured = self._read_all(today)
        return self._measured

    def _read_all(self, today: dt.date) -> dict[str, Measurement]:
        kept = self.last_good.load()
        measured: dict[str, Measurement] = {}
        for metric in self.config.metrics:
            measured[metric.name] = self._read(metric, today, kept.get(metric.name))
        good = {**kept, **{n: m for n, m in measured.items() if m.error is None}}
        if good != kept:
            self.last_good.save(good)
        return measured

    def _read(self, metric: MetricConfig, today: dt.date, kept: Measurement | None) -> Measurement:
        source = self.config.sources[metric.source]
        try:
            value = self.readers[source.type].value(metric, source, today)
        except MetricUnavailable as exc:
            log.warning("metric %s (%s) not updated: %s", metric.name, metric.source, exc)
            last = kept or Measurement(None, None)
            return Measurement(last.value, last.on, error=str(exc))
        return Measurement(value, today)


class Refreshing:
    """The watcher's metrics: a new :class:`Registry` when the last run is ``every`` old.

    Workbooks synced within ``every`` of the first of a run share its values; a
    new day always starts a new run.
    """

    def __init__(
        self,
        config: MetricsConfig,
        every: dt.timedelta,
        *,
        clock: Callable[[], float] = time.monotonic,
        make: Callable[[MetricsConfig], Registry] = Registry,
    ) -> None:
        self.config, self.every, self.clock, self.make = config, every, clock, make
        self._run: tuple[float, dt.date, Registry] | None = None

    def measure(self, today: dt.date) -> dict[str, Measurement]:
        now = self.clock()
        run = self._run
        if run is None or run[1] != today or now - run[0] >= self.every.total_seconds():
            run = self._run = (now, today, self.make(self.config))
        return run[2].measure(today)
