"""A goal's measured value: what a metric source said, and which value progress uses.

The sync does not fetch anything: the values measured for a run (by
:mod:`sheets_sync.sources`) come in as plain :class:`Measurement` data, by metric
name. A goal names its metric in its ``data_source`` cell; the marketer's own
``current`` cell is never overwritten, and progress and health use whichever of
the two values is newer (:func:`chosen_current`). Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sheets_sync.core.parsing import match_key


@dataclass(frozen=True)
class Measurement:
    """One metric's value as of a day, or why it could not be read this run.

    On a failure ``error`` says why, and ``value``/``on`` hold the last good value
    and its day when there was one.
    """

    value: float | None
    on: dt.date | None
    error: str | None = None


Measurements = Mapping[str, Measurement]  # by metric name as configured


def find_measurement(measured: Measurements, name: str) -> Measurement | None:
    """The measurement of the metric a goal names, its spelling and case aside."""
    wanted = match_key(name)
    for metric, measurement in measured.items():
        if match_key(metric) == wanted:
            return measurement
    return None


def chosen_current(
    typed: float | None, typed_on: dt.date | None, measured: Measurement | None
) -> tuple[float | None, str | None]:
    """The value progress and health use, and which it is: ``typed`` or ``measured``.

    The measured value is used when there is one and it is newer than the typed
    one: the typed value wins only when its "as of" date is on or after the day
    the metric was measured. Without a value at all, neither (None, None).
    """
    if measured is None or measured.value is None or measured.on is None:
        return typed, None if typed is None else "typed"
    if typed is not None and typed_on is not None and typed_on >= measured.on:
        return typed, "typed"
    return measured.value, "measured"
