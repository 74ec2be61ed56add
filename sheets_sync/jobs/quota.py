"""The ``[quota]`` table: how many Google requests each account may send, and where
the count is kept so every watcher, shard and machine draws from the same budget.

Without the table no quota is kept (each request still retries a 429 with
backoff). With it, each Google workbook's client takes a token per request from
:class:`~sheets_sync.backends.google.quota.SharedQuota`: a SQLite file on this
machine by default (in the state directory, or ``sqlite = PATH`` to share it
between configs), or Redis (``redis = "redis://host:6379/0"``) when watchers run
on several machines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sheets_sync.jobs.fields import parse_duration

if TYPE_CHECKING:  # the Google backend loads gspread: only a Google sync needs it
    from collections.abc import Callable

    from sheets_sync.backends.google.quota import Limits, SharedQuota

QUOTA_FILE = "quota.sqlite"


class AccountLimits(BaseModel):
    """One account's own limits, overriding the table's."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sheets_reads_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    sheets_writes_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    drive_per_minute: int | None = Field(default=None, ge=1, le=100_000)


class QuotaConfig(BaseModel):
    """Requests a minute per account (below Google's 60 reads and 60 writes by
    default), how long a sync may wait for a token, and where the count lives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sheets_reads_per_minute: int = Field(default=50, ge=1, le=100_000)
    sheets_writes_per_minute: int = Field(default=50, ge=1, le=100_000)
    drive_per_minute: int = Field(default=300, ge=1, le=100_000)
    max_wait: str = "2 minutes"
    sqlite: Path | None = None
    redis: str | None = None
    accounts: dict[str, AccountLimits] = {}

    @field_validator("max_wait")
    @classmethod
    def _check_max_wait(cls, value: str) -> str:
        parse_duration(value, maximum=dt.timedelta(hours=1))
        return value

    @field_validator("redis")
    @classmethod
    def _check_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"expected a Redis URL such as 'redis://host:6379/0', got {value!r}")
        return value

    def limits(self, account: str) -> Limits:
        from sheets_sync.backends.google.quota import Limits

        own = self.accounts.get(account, AccountLimits())
        return Limits(
            sheets_read=own.sheets_reads_per_minute or self.sheets_reads_per_minute,
            sheets_write=own.sheets_writes_per_minute or self.sheets_writes_per_minute,
            drive=own.drive_per_minute or self.drive_per_minute,
        )

    @property
    def max_wait_seconds(self) -> float:
        return parse_duration(self.max_wait).total_seconds()

    def resolved(self, base: Path, state_dir: Path) -> QuotaConfig:
        """With the SQLite file made absolute (default: in the state directory)."""
        path = (base / self.sqlite.expanduser()).resolve() if self.sqlite else None
        return self.model_copy(update={"sqlite": path or state_dir / QUOTA_FILE})


def open_quota(
    config: QuotaConfig,
    account: str,
    *,
    sleep: Callable[[float], None] | None = None,
) -> SharedQuota:
    """The shared quota of ``account`` as ``config`` describes it."""
    from sheets_sync.backends.google.quota import SharedQuota, redis_buckets, sqlite_buckets

    if config.redis is not None:
        buckets = redis_buckets(config.redis, account)
    else:
        assert config.sqlite is not None, "resolve the config first"
        buckets = sqlite_buckets(config.sqlite, account)
    quota = SharedQuota(account, config.limits(account), buckets, config.max_wait_seconds)
    if sleep is not None:
        quota.sleep = sleep
    return quota
