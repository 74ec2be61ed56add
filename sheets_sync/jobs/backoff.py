"""How long a failing workbook waits before its next attempt.

Doubling from ``initial`` up to ``maximum``, so a workbook that is locked for a
minute is retried quickly and one that is broken for a week costs one attempt
per ``maximum``. Jitter is injected so tests are exact; by default it spreads
retries of many workbooks that failed together (e.g. a Google outage).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

Jitter = Callable[[float], float]


def spread(seconds: float) -> float:
    """Default jitter: anywhere from 80 % to 100 % of the delay."""
    return seconds * random.uniform(0.8, 1.0)


@dataclass(frozen=True)
class Backoff:
    initial: dt.timedelta = dt.timedelta(minutes=1)
    maximum: dt.timedelta = dt.timedelta(hours=1)
    jitter: Jitter = field(default=spread)

    def delay(self, consecutive_failures: int) -> dt.timedelta:
        """The wait after the ``consecutive_failures``-th failure in a row (1-based)."""
        exponent = min(max(consecutive_failures, 1) - 1, 32)
        seconds = min(self.initial.total_seconds() * 2**exponent, self.maximum.total_seconds())
        return dt.timedelta(seconds=self.jitter(seconds))
