"""One HTTP request to an analytics API, retried the way its quotas ask.

429 and 5xx answers, dropped connections and timeouts are retried with exponential
backoff and full jitter; a 429 (or 503) that says ``Retry-After: N`` waits N
seconds instead. The number of tries, each wait and the total time are capped, so
a source that stays down costs a bounded delay and becomes a
:class:`~sheets_sync.errors.MetricUnavailable` for its goals. Sleep, clock and
dice are injected: tests never wait.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from sheets_sync.errors import MetricUnavailable

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one metric: a sync waits at most ``max_elapsed`` seconds for it."""

    max_tries: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0  # no wait is longer, Retry-After included
    max_elapsed: float = 90.0
    timeout: tuple[float, float] = (10.0, 60.0)  # (connect, read) seconds

    def backoff(self, attempt: int, rand: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return rand() * min(self.max_delay, self.base_delay * float(2**attempt))


@dataclass(frozen=True)
class Hooks:
    """What tests replace: the passing of time and the dice."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = random.random


def retry_after(response: requests.Response) -> float | None:
    """The seconds a ``Retry-After`` header asks for (its delay-seconds form)."""
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    service: str,
    policy: RetryPolicy,
    hooks: Hooks,
    **kwargs: Any,
) -> requests.Response:
    """The first answer that is not worth retrying (success or not), within the caps."""
    start = hooks.clock()
    attempt = 0
    while True:
        response: requests.Response | None
        try:
            response = session.request(method, url, timeout=policy.timeout, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            response, failure = None, f"cannot reach {service} ({type(exc).__name__})"
        else:
            if response.status_code not in RETRY_STATUSES:
                return response
            failure = f"HTTP {response.status_code} from {service}"
        asked = retry_after(response) if response is not None else None
        delay = asked if asked is not None else policy.backoff(attempt, hooks.rand)
        attempt += 1
        elapsed = hooks.clock() - start
        if asked is not None and asked > policy.max_delay:
            raise MetricUnavailable(f"{failure}, which asks to wait {asked:g} s")
        if attempt >= policy.max_tries or elapsed + delay > policy.max_elapsed:
            raise MetricUnavailable(f"{failure} after {attempt} tries")
        hooks.sleep(delay)
