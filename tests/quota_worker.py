"""One process of the shared-quota tests: take tokens, write down when each was granted.

Run as ``python -m tests.quota_worker STORE ACCOUNT LIMIT WINDOW_MS COUNT OUT`` where
STORE is a SQLite path or a ``redis://``/``unix://`` URL. The times written are the
limiter's own: the timestamp of the item each successful take put in the bucket.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sheets_sync.backends.google.quota import Limits, SharedQuota, redis_buckets, sqlite_buckets


def main(store: str, account: str, limit: int, window_ms: int, count: int, out: Path) -> None:
    if "://" in store:
        buckets = redis_buckets(store, account)
    else:
        buckets = sqlite_buckets(Path(store), account)
    limits = Limits(sheets_read=limit, sheets_write=limit, drive=limit, window=window_ms / 1000)
    quota = SharedQuota(account, limits, buckets, max_wait=30.0)
    granted = []
    for _ in range(count):
        quota.take("sheets-read")
        granted.append(quota.granted_at)
    quota.close()
    out.write_text(json.dumps(granted), encoding="utf-8")


if __name__ == "__main__":
    store, account, limit, window, count, out = sys.argv[1:]
    main(store, account, int(limit), int(window), int(count), Path(out))
