"""The schedule: one ``schedule`` job per workbook, with due-ness decided by our clock.

Why not ``Scheduler.run_pending()``: the schedule library reads
``datetime.datetime.now()`` inside ``Job.should_run``, ``Job.run`` and
``Job._schedule_next_run``, and has no clock parameter. Driving it would tie the
watcher to the wall clock, and a test could control time only by patching
``datetime`` globally. Its ``.at(time, tz)`` also needs pytz, which we do not
otherwise use. So the cadence is declared with schedule's own API (each
workbook is a ``schedule.Job`` on a private ``schedule.Scheduler``, tagged with
the workbook's name) but we never ask those jobs what time it is: :class:`Plan`
keeps each job's due time as an aware datetime from the injected clock, computes
the next regular run from the job's ``unit``/``interval``/``at_time`` with
``zoneinfo`` (so "daily at 08:00" stays 08:00 across DST changes), and calls
``job.job_func`` itself. ``job.next_run`` is kept in step, in schedule's naive
local-time convention, for anyone who inspects the jobs.

With ``spread = true`` an ``every`` schedule puts each workbook on its own grid,
offset within the interval by a stable hash (:mod:`sheets_sync.jobs.spread`):
the first run is the workbook's first slot, not the watcher's start.

Like schedule, missed runs collapse into one: a watcher that was suspended for
an hour runs each overdue workbook once, not four times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

import schedule

from sheets_sync.jobs.config import ScheduleConfig
from sheets_sync.jobs.spread import next_slot


def _declare(scheduler: schedule.Scheduler, config: ScheduleConfig) -> schedule.Job:
    at_time = config.at_time
    if at_time is not None:
        daily: schedule.Job = scheduler.every().day.at(at_time.strftime("%H:%M"))
        return daily
    interval = config.interval
    assert interval is not None
    seconds = int(interval.total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds % size == 0:
            job: schedule.Job = getattr(scheduler.every(seconds // size), unit)
            return job
    job = scheduler.every(seconds).seconds
    return job


def next_regular_run(job: schedule.Job, after: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The first regular run of ``job`` strictly after ``after`` (aware, UTC)."""
    if job.at_time is not None and job.unit == "days":
        local = after.astimezone(tz)
        for days in range(3):
            day = local.date() + dt.timedelta(days=days)
            # fold=0: in the repeated hour of autumn, run at the first 08:00.
            # A wall time in the spring gap resolves to the instant just after it.
            candidate = dt.datetime.combine(day, job.at_time, tzinfo=tz).astimezone(dt.UTC)
            if candidate > after:
                return candidate
        raise AssertionError("a daily time recurs within three days")
    period = dt.timedelta(**{str(job.unit): int(job.interval)})
    return (after + period).astimezone(dt.UTC)


class Plan:
    """Which workbook runs next, and when. All times are aware UTC datetimes."""

    def __init__(
        self,
        config: ScheduleConfig,
        names: Iterable[str],
        run: Callable[[str], object],
        keys: Mapping[str, str] | None = None,
    ) -> None:
        """``keys`` maps a name to the stable identity its offset is hashed from
        (the name itself when absent); used only when the schedule spreads."""
        self.scheduler = schedule.Scheduler()
        self.tz = config.tz
        self._spread = config.interval if config.spread else None
        self._keys = dict(keys or {})
        self._due: dict[str, dt.datetime] = {}
        self._jobs: dict[str, schedule.Job] = {}
        self._config, self._run = config, run
        for name in names:
            self.add(name)

    def add(self, name: str, key: str | None = None) -> None:
        """Schedule one more workbook (one found in a folder); not due until set_due."""
        if key is not None:
            self._keys[name] = key
        job = _declare(self.scheduler, self._config)
        self._jobs[name] = job.do(self._run, name).tag(name)

    def remove(self, name: str) -> None:
        """Forget a workbook (gone from its folder): it is never due again."""
        job = self._jobs.pop(name, None)
        if job is not None:
            self.scheduler.cancel_job(job)
        self._due.pop(name, None)
        self._keys.pop(name, None)

    def set_due(self, name: str, when: dt.datetime) -> None:
        self._due[name] = when.astimezone(dt.UTC)
        self._jobs[name].next_run = when.astimezone().replace(tzinfo=None)

    def next_regular(self, name: str, after: dt.datetime) -> dt.datetime:
        if self._spread is not None:
            return next_slot(self._key(name), self._spread, after, inclusive=False)
        return next_regular_run(self._jobs[name], after, self.tz)

    def first_run(self, name: str, start: dt.datetime) -> dt.datetime:
        """When a watcher started at ``start`` first runs ``name``: at once, or at its slot."""
        if self._spread is not None:
            return next_slot(self._key(name), self._spread, start, inclusive=True)
        return start

    def _key(self, name: str) -> str:
        return self._keys.get(name, name)

    def due(self, now: dt.datetime) -> list[str]:
        """Names of the workbooks due at ``now``, most overdue first, then in config order."""
        order = {name: index for index, name in enumerate(self._jobs)}
        ready = [(when, order[name], name) for name, when in self._due.items() if when <= now]
        return [name for _, _, name in sorted(ready)]

    def next_due(self) -> dt.datetime | None:
        return min(self._due.values(), default=None)

    def run(self, name: str) -> None:
        """Run a workbook's job function: the guarded run the watcher registered."""
        self._jobs[name].job_func()  # type: ignore[misc]
