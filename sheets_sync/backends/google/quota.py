"""The quota every Google request draws from: a token per request, per account and service.

Google allows each user (a service account is one) 60 Sheets reads and 60 Sheets
writes a minute, and counts Drive on its own. Several watchers, shards or
machines syncing for the same account spend the same quota, so the count lives
where all of them see it: a SQLite file on one machine, Redis across machines.
pyrate-limiter keeps the count (a sliding window log); its SQLite bucket is
guarded by a file lock, its Redis bucket by a Lua script, so no two processes
ever take the last token together.

A request that finds the window full waits until a token frees up, with the
injected sleep and clock; if that would take longer than ``max_wait`` the sync
stops with :class:`QuotaDeferred` and the workbook waits for the next round.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pyrate_limiter import AbstractBucket, Rate, RateItem, RedisBucket, SQLiteBucket

from sheets_sync.errors import QuotaDeferred, SheetsSyncError

LEAK_EVERY = 200
"""Tokens taken between two clean-ups of expired ones."""

Service = Literal["sheets-read", "sheets-write", "drive"]
SERVICES: tuple[Service, ...] = ("sheets-read", "sheets-write", "drive")


_READS_BY_POST = (":batchGetByDataFilter", ":getByDataFilter", "/developerMetadata:search")


def service_of(method: str, endpoint: str) -> Service | None:
    """Which quota a request spends; ``None`` for token refreshes, which spend none.

    Google counts by method, not by verb: the data-filter lookups are POSTs that
    read, so they are reads here too.
    """
    host = endpoint.split("://", 1)[-1].split("/", 1)[0]
    if host == "sheets.googleapis.com":
        path = endpoint.split("?", 1)[0]
        reads = method.lower() == "get" or path.endswith(_READS_BY_POST)
        return "sheets-read" if reads else "sheets-write"
    if host == "www.googleapis.com" and "/drive/" in endpoint:
        return "drive"
    return None


@dataclass(frozen=True)
class Limits:
    """Requests allowed per ``window`` seconds, per service. Defaults stay below
    Google's published 60 a minute per user for Sheets reads and writes."""

    sheets_read: int = 50
    sheets_write: int = 50
    drive: int = 300
    window: float = 60.0

    def of(self, service: Service) -> int:
        return {"sheets-read": self.sheets_read, "sheets-write": self.sheets_write}.get(
            service, self.drive
        )


class Quota(Protocol):
    """What the HTTP client asks before each request."""

    def take(self, service: Service) -> None: ...


@dataclass
class SharedQuota:
    """One account's quota, in buckets that other processes share.

    ``now_ms`` must be wall-clock milliseconds when processes on several machines
    share the buckets; tests pass their own clock and sleep.
    """

    account: str
    limits: Limits
    buckets: Callable[[Service, int, int], AbstractBucket]
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    now_ms: Callable[[], int] = field(default=lambda: time.time_ns() // 1_000_000)
    _open: dict[Service, AbstractBucket] = field(default_factory=dict)
    waited: float = 0.0
    granted_at: int | None = None  # the limiter's timestamp of the last token taken
    _taken: int = 0

    def take(self, service: Service) -> None:
        """Take one token, waiting for it if need be; :class:`QuotaDeferred` if the
        wait would pass ``max_wait``, or if the store of the count cannot be used
        (a sync that cannot count its requests is not sent)."""
        try:
            bucket = self._bucket(service)
            waited = 0.0
            while (delay := self._try(bucket, service)) is not None:
                if waited + delay > self.max_wait:
                    raise QuotaDeferred(
                        f"The {service} quota of {self.account} is spent: the next request"
                        f" could go in {delay:.0f}s, more than the {self.max_wait:.0f}s a"
                        " sync may wait.",
                        "The workbook is synced in the next round. With many workbooks,"
                        " set [schedule] spread = true, or add service accounts.",
                    )
                self.sleep(delay)
                waited += delay
            self.waited += waited
        except QuotaDeferred:
            raise
        except Exception as exc:  # a Redis that is down, a SQLite file we cannot write
            raise QuotaDeferred(
                f"The quota of {self.account} cannot be counted:"
                f" {type(exc).__name__}: {_first_line(exc)}",
                "Check the [quota] store (its file or its Redis); the workbook is synced"
                " in the next round.",
            ) from exc

    def _try(self, bucket: AbstractBucket, service: Service) -> float | None:
        """Take a token now (``None``), or the seconds until one frees up (inf: never)."""
        item = RateItem(service, self.now_ms())
        if bucket.put(item):
            self.granted_at = item.timestamp  # the bucket may have set it
            self._taken += 1
            if self._taken % LEAK_EVERY == 0:
                self._leak(bucket)
            return None
        delay_ms = bucket.waiting(item)
        assert isinstance(delay_ms, int)
        return float("inf") if delay_ms < 0 else max(delay_ms, 1) / 1000

    def _bucket(self, service: Service) -> AbstractBucket:
        if service not in self._open:
            window_ms = int(self.limits.window * 1000)
            self._open[service] = self.buckets(service, self.limits.of(service), window_ms)
            self._leak(self._open[service])
        return self._open[service]

    def _leak(self, bucket: AbstractBucket) -> None:
        """Drop tokens older than the window; no background thread does it for us."""
        bucket.leak(self.now_ms())

    def close(self) -> None:
        for bucket in self._open.values():
            bucket.close()
        self._open.clear()


def _first_line(exc: Exception) -> str:
    lines = str(exc).splitlines()
    return lines[0][:200] if lines else ""


def account_key(account: str) -> str:
    """A short, stable, file- and key-safe name for an account."""
    return hashlib.sha256(account.encode("utf-8")).hexdigest()[:16]


def sqlite_buckets(path: Path, account: str) -> Callable[[Service, int, int], AbstractBucket]:
    """Buckets in one SQLite file, shared by every process on this machine."""

    def open_bucket(service: Service, limit: int, window_ms: int) -> AbstractBucket:
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteBucket.init_from_file(
            [Rate(limit, window_ms)],
            table=f"{service}-{account_key(account)}",
            db_path=str(path),
            use_file_lock=True,
        )

    return open_bucket


def redis_buckets(url: str, account: str) -> Callable[[Service, int, int], AbstractBucket]:
    """Buckets in Redis, shared by every process on every machine that reaches it."""
    try:
        from redis import Redis
    except ImportError:
        raise SheetsSyncError(
            "A Redis quota store needs the redis package, which is not installed.",
            "Install it with: pip install 'sheets-sync[redis]'",
        ) from None
    client = Redis.from_url(url)

    def open_bucket(service: Service, limit: int, window_ms: int) -> AbstractBucket:
        key = f"sheets-sync:quota:{account_key(account)}:{service}"
        bucket = SerialRedisBucket.init([Rate(limit, window_ms)], client, key)
        assert isinstance(bucket, AbstractBucket)  # a sync client gives a sync bucket
        return bucket

    return open_bucket


class SerialRedisBucket(RedisBucket):
    """pyrate-limiter's Redis bucket, with the clock read and the put made one step.

    Its Lua script counts the items up to the new item's own timestamp. Two
    processes that read their clocks in one order and reach Redis in the other
    would each see the window one short, and together exceed it. Here every put
    holds a Redis lock, and takes its timestamp from the Redis server inside it:
    one clock, one order, on every machine.
    """

    def now(self) -> int:
        seconds, micros = self.redis.time()  # type: ignore[misc]
        return int(seconds) * 1000 + int(micros) // 1000

    def put(self, item: RateItem) -> bool:
        lock = self.redis.lock(f"{self.bucket_key}:lock", timeout=10, blocking_timeout=60)
        with lock:  # type: ignore[union-attr]
            item.timestamp = self.now()
            granted = super().put(item)
        assert isinstance(granted, bool)
        return granted
