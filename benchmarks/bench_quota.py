"""Quota simulation: 1,000 Google workbooks, 3 service accounts, every 15 minutes.

Nothing is sent and nothing sleeps: time is a number the simulation moves. The
workbooks come from a real config (``credentials`` listing three keys, so the
accounts are assigned by the watcher's own rule), their start times from the
watcher's own spread (``next_slot``) or, without spread, all at the start of
each round as the plain schedule does. Each sync spends one Drive request (the
change check), one Sheets read and one Sheets write, and takes ``--sync-seconds``
between its first and last request; ``--shards`` watchers run side by side, each
syncing its own workbooks one at a time. Every request takes a token from its
account's quota (pyrate-limiter's in-memory bucket, the same sliding window as
the shared ones), waiting when the window is full, as a real watcher does.

Printed, per mode: the peak requests in any 60-second window per account and
service (Google allows 60 reads and 60 writes a minute per account), and the
lateness of each sync's start behind its due time.

    python benchmarks/bench_quota.py [--workbooks 1000] [--accounts 3] [--shards 4]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import heapq
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyrate_limiter import InMemoryBucket, Rate  # noqa: E402

from sheets_sync.backends.google.quota import Limits, Service, SharedQuota  # noqa: E402
from sheets_sync.jobs.config import WorkbookConfig, load_config  # noqa: E402
from sheets_sync.jobs.spread import Shard, identity, next_slot  # noqa: E402

START = dt.datetime(2026, 3, 2, 9, 0, 7, tzinfo=dt.UTC)
INTERVAL = dt.timedelta(minutes=15)
REQUESTS: tuple[Service, ...] = ("drive", "sheets-read", "sheets-write")


@dataclass
class Timeline:
    """The one clock all simulated watchers share, in milliseconds."""

    ms: int = 0

    def now(self) -> int:
        return self.ms


@dataclass
class Watcher:
    """One shard's watcher: its workbooks, when each is next due, and its own time."""

    workbooks: list[WorkbookConfig]
    due: dict[str, int]
    free_at: int = 0
    late: list[tuple[str, float]] = field(default_factory=list)


def _config(folder: Path, count: int, accounts: int) -> list[WorkbookConfig]:
    keys = ", ".join(f'"keys/sync-{n}.json"' for n in range(accounts))
    lines = [f'state_dir = "{folder / "state"}"', f"credentials = [{keys}]"]
    for i in range(count):
        lines += ["[[workbooks]]", f'spreadsheet = "1Team{i:05d}RoadmapAbCdEfGhIjKl"']
    (folder / "sheets_sync.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(folder / "sheets_sync.toml").workbooks


def _first_due(workbook: WorkbookConfig, spread: bool) -> dt.datetime:
    return next_slot(identity(workbook), INTERVAL, START, inclusive=True) if spread else START


def simulate(
    workbooks: list[WorkbookConfig], shards: int, spread: bool, sync_ms: int, rounds: int
) -> tuple[dict[tuple[str, Service], list[int]], list[tuple[str, float]]]:
    """Every request's time per (account, service), and each sync's account and lateness
    in seconds."""
    clock = Timeline()
    sent: dict[tuple[str, Service], list[int]] = defaultdict(list)
    quotas: dict[str, SharedQuota] = {}

    def quota(account: str) -> SharedQuota:
        if account not in quotas:

            def sleep(seconds: float) -> None:
                clock.ms += round(seconds * 1000)

            def bucket(service: Service, limit: int, window_ms: int) -> InMemoryBucket:
                return InMemoryBucket([Rate(limit, window_ms)])

            quotas[account] = SharedQuota(account, Limits(), bucket, 600.0, sleep, clock.now)
        return quotas[account]

    def at(moment: dt.datetime) -> int:
        return round((moment - START).total_seconds() * 1000)

    watchers = []
    for index in range(shards):
        mine = Shard(index, shards).workbooks(workbooks)
        first = {wb.name: at(_first_due(wb, spread)) for wb in mine}
        watchers.append(Watcher(mine, first))
    end = rounds * int(INTERVAL.total_seconds() * 1000)
    # Always move the watcher that is earliest in time: the buckets see time go forward.
    queue = [(0, index) for index in range(shards)]
    while queue:
        _, index = heapq.heappop(queue)
        watcher = watchers[index]
        if not watcher.due:
            continue
        name, due = min(watcher.due.items(), key=lambda item: item[1])
        if due >= end:
            continue
        start = max(watcher.free_at, due)
        clock.ms = start
        workbook = next(wb for wb in watcher.workbooks if wb.name == name)
        account = str(workbook.credentials.name if workbook.credentials else "adc")
        watcher.late.append((account, (start - due) / 1000))
        for n, service in enumerate(REQUESTS):
            clock.ms = max(clock.ms, start + n * sync_ms // (len(REQUESTS) - 1))
            quota(account).take(service)
            sent[account, service].append(clock.ms)
        watcher.free_at = clock.ms
        slot = START + dt.timedelta(milliseconds=clock.ms)
        following = (
            next_slot(identity(workbook), INTERVAL, slot, inclusive=False)
            if spread
            else START + INTERVAL * (int((slot - START) / INTERVAL) + 1)
        )
        watcher.due[name] = at(following)
        heapq.heappush(queue, (watcher.free_at, index))
    return sent, [late for watcher in watchers for late in watcher.late]


def peak_per_minute(times: list[int]) -> int:
    """The most requests in any 60-second window (sliding, not clock minutes)."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_left(ordered, t + 60_000) - i for i, t in enumerate(ordered)), default=0
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbooks", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--sync-seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workbooks = _config(Path(folder), args.workbooks, args.accounts)
    print(
        f"{args.workbooks} workbooks, {args.accounts} accounts, {args.shards} shards, every 15"
        f" minutes for {args.rounds} rounds; a sync takes {args.sync_seconds:g} s; quota per"
        f" account {Limits().sheets_read} reads, {Limits().sheets_write} writes,"
        f" {Limits().drive} Drive a minute\n"
    )
    print(
        "| mode | account | workbooks | reads/min peak | writes/min peak | Drive/min peak"
        " | late p50 | late p95 | late max |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    per_account: dict[str, int] = defaultdict(int)
    for wb in workbooks:
        per_account[wb.credentials.name if wb.credentials else "adc"] += 1
    for spread in (False, True):
        sent, late = simulate(
            workbooks, args.shards, spread, round(args.sync_seconds * 1000), args.rounds
        )
        mode = "spread" if spread else "all at :00"
        for account in sorted(per_account):
            mine = [seconds for who, seconds in late if who == account]
            p95 = statistics.quantiles(mine, n=20)[18]
            services: tuple[Service, ...] = ("sheets-read", "sheets-write", "drive")
            reads, writes, drive = (peak_per_minute(sent[account, s]) for s in services)
            print(
                f"| {mode} | {account} | {per_account[account]} | {reads} | {writes} | {drive}"
                f" | {statistics.median(mine):.0f} s | {p95:.0f} s | {max(mine):.0f} s |"
            )


if __name__ == "__main__":
    main()
