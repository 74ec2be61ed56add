"""The shared Google quota: a token per request, per account and service, waited for
on the injected clock, and never more than the configured rate across processes."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pyrate_limiter import AbstractBucket, InMemoryBucket, Rate, RateItem

from sheets_sync.backends.google.quota import Limits, Service, SharedQuota, service_of
from sheets_sync.errors import QuotaDeferred

from .fakes.google_env import EMAIL, GoogleEnv, google_env, mini_sync

REPO = Path(__file__).resolve().parent.parent
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets/abc"


@pytest.mark.parametrize(
    ("method", "endpoint", "service"),
    [
        ("get", SHEETS, "sheets-read"),
        ("get", SHEETS + "/values:batchGet?ranges=A1", "sheets-read"),
        ("post", SHEETS + "/values:batchGetByDataFilter", "sheets-read"),
        ("post", SHEETS + ":getByDataFilter", "sheets-read"),
        ("post", SHEETS + "/developerMetadata:search", "sheets-read"),
        ("post", SHEETS + "/values:batchUpdate", "sheets-write"),
        ("post", SHEETS + ":batchUpdate", "sheets-write"),
        ("post", "https://sheets.googleapis.com/v4/spreadsheets", "sheets-write"),
        ("get", "https://www.googleapis.com/drive/v3/files/abc?fields=version", "drive"),
        ("post", "https://www.googleapis.com/drive/v3/files", "drive"),
        ("post", "https://oauth2.googleapis.com/token", None),
    ],
)
def test_each_request_spends_the_quota_google_counts_it_in(
    method: str, endpoint: str, service: Service | None
) -> None:
    assert service_of(method, endpoint) == service


@dataclass
class ManualTime:
    """Milliseconds that move only when the quota sleeps."""

    ms: int = 1_000_000
    slept: list[float] = field(default_factory=list)

    def now(self) -> int:
        return self.ms

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.ms += round(seconds * 1000)


def _memory(service: Service, limit: int, window_ms: int) -> AbstractBucket:
    return InMemoryBucket([Rate(limit, window_ms)])


def _quota(time: ManualTime, *, max_wait: float = 120.0) -> SharedQuota:
    limits = Limits(sheets_read=10, sheets_write=2, drive=5, window=2.0)
    return SharedQuota(
        "sync@proj.iam.gserviceaccount.com", limits, _memory, max_wait, time.sleep, time.now
    )


def test_a_full_window_waits_on_the_injected_clock_for_the_oldest_token() -> None:
    time = ManualTime()
    quota = _quota(time)
    for _ in range(10):
        quota.take("sheets-read")
    assert time.slept == []
    quota.take("sheets-read")
    assert time.slept == [2.001]  # the first token leaves the 2-second window
    assert quota.waited == 2.001


def test_reads_writes_and_drive_are_counted_apart() -> None:
    time = ManualTime()
    quota = _quota(time)
    for _ in range(10):
        quota.take("sheets-read")
    quota.take("sheets-write")
    quota.take("sheets-write")
    for _ in range(5):
        quota.take("drive")
    assert time.slept == []
    quota.take("sheets-write")
    assert time.slept == [2.001]


def test_a_wait_longer_than_allowed_defers_the_sync() -> None:
    time = ManualTime()
    quota = _quota(time, max_wait=1.0)
    quota.take("sheets-write")
    quota.take("sheets-write")
    with pytest.raises(QuotaDeferred) as caught:
        quota.take("sheets-write")
    assert str(caught.value) == (
        "The sheets-write quota of sync@proj.iam.gserviceaccount.com is spent: the next"
        " request could go in 2s, more than the 1s a sync may wait. "
        "The workbook is synced in the next round. With many workbooks, set"
        " [schedule] spread = true, or add service accounts."
    )
    assert time.slept == []  # deferred at once, not after waiting in vain
    assert caught.value.exit_code == 75


@dataclass
class CountingQuota:
    taken: list[Service] = field(default_factory=list)

    def take(self, service: Service) -> None:
        self.taken.append(service)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GoogleEnv]:
    with google_env(tmp_path) as value:
        yield value


def test_every_google_request_takes_a_token_first(env: GoogleEnv) -> None:
    from sheets_sync.backends.google.auth import load_credentials
    from sheets_sync.backends.google.http import Hooks, make_client
    from sheets_sync.backends.google.spreadsheet import GoogleSheetsBackend

    book = env.roadmap(4)
    quota = CountingQuota()
    auth = load_credentials(env.key_file, env={})
    hooks = Hooks(sleep=env.clock.sleep, clock=env.clock.clock, rand=env.rand)
    client = make_client(
        auth.credentials, account=auth.account, hooks=hooks, adapter=env.fake.adapter(), quota=quota
    )
    mini_sync(GoogleSheetsBackend(book.spreadsheet_id, client))
    calls = env.fake.api_calls()
    # One token per API call the fake saw (the token exchange spends none), in order.
    hosts = {"sheets": "https://sheets.googleapis.com", "drive": "https://www.googleapis.com"}
    assert [c.name for c in calls] == [
        "spreadsheets.get",
        "spreadsheets.values.batchUpdateByDataFilter",
    ]
    assert quota.taken == [service_of(c.method, hosts[c.host] + c.path) for c in calls]
    assert quota.taken == ["sheets-read", "sheets-write"]


# --- several processes, one budget ---------------------------------------------------

PROCESSES = 4
PER_PROCESS = 5
LIMIT, WINDOW_MS = 10, 2000  # 10 requests per 2 seconds keeps the test to a few seconds


def _run_workers(store: str, tmp_path: Path) -> list[int]:
    """Start the workers together, wait for all; every grant's limiter timestamp."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    outs = [tmp_path / f"worker-{i}.json" for i in range(PROCESSES)]
    account = "sync@proj.iam.gserviceaccount.com"
    args = [store, account, str(LIMIT), str(WINDOW_MS), str(PER_PROCESS)]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.quota_worker", *args, str(out)], env=env, cwd=REPO
        )
        for out in outs
    ]
    for worker in workers:
        assert worker.wait(timeout=60) == 0
    stamps = [stamp for out in outs for stamp in json.loads(out.read_text(encoding="utf-8"))]
    assert len(stamps) == PROCESSES * PER_PROCESS  # every process got every token it asked for
    return sorted(stamps)


def _assert_never_over_the_rate(stamps: list[int]) -> None:
    for first in stamps:
        in_window = [s for s in stamps if first <= s < first + WINDOW_MS]
        assert len(in_window) <= LIMIT, (first, in_window)
    # 20 tokens at 10 per 2 s: the limit was binding, so the test measured something.
    assert stamps[-1] - stamps[0] >= WINDOW_MS


def test_processes_sharing_the_sqlite_bucket_never_exceed_the_rate(tmp_path: Path) -> None:
    stamps = _run_workers(str(tmp_path / "quota.sqlite"), tmp_path)
    _assert_never_over_the_rate(stamps)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private redis-server for this test, on a Unix socket, stopped afterwards."""
    server = shutil.which("redis-server")
    missing = (
        "redis-server is not installed (apt-get install redis-server)"
        if server is None
        else "the redis package is not installed (pip install 'sheets-sync[redis]')"
        if importlib.util.find_spec("redis") is None
        else None
    )
    if missing is not None:
        if os.environ.get("SHEETS_SYNC_REQUIRE_REDIS") == "1":
            pytest.fail(f"SHEETS_SYNC_REQUIRE_REDIS=1 but {missing}")
        pytest.skip(missing)
    assert server is not None
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:  # blocks until the server says it is ready, or exits
            if "ready to accept connections" in line.lower():
                break
        else:
            pytest.fail(f"redis-server exited with {process.wait()} before it was ready")
        yield f"unix://{socket}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_processes_sharing_a_redis_bucket_never_exceed_the_rate(
    redis_url: str, tmp_path: Path
) -> None:
    stamps = _run_workers(redis_url, tmp_path)
    _assert_never_over_the_rate(stamps)


def test_a_redis_store_without_the_redis_package_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sheets_sync.backends.google.quota import redis_buckets
    from sheets_sync.errors import SheetsSyncError

    monkeypatch.setitem(sys.modules, "redis", None)  # as if it were not installed
    with pytest.raises(SheetsSyncError) as caught:
        redis_buckets("redis://localhost:6379/0", "sync@proj.iam.gserviceaccount.com")
    assert str(caught.value) == (
        "A Redis quota store needs the redis package, which is not installed. "
        "Install it with: pip install 'sheets-sync[redis]'"
    )


def test_a_configured_workbook_draws_from_its_accounts_shared_quota(
    env: GoogleEnv, tmp_path: Path
) -> None:
    from sheets_sync.jobs.adapter import client_for
    from sheets_sync.jobs.config import WorkbookConfig
    from sheets_sync.jobs.quota import QuotaConfig

    quota = QuotaConfig().resolved(tmp_path, tmp_path / "state")
    workbook = WorkbookConfig(
        name="a", spreadsheet="1AbCdEfGhIjKlMnOpQrStUvWxYz0", credentials=env.key_file, quota=quota
    )
    first, second = client_for(workbook), client_for(workbook)
    bound = first.http_client.quota  # type: ignore[attr-defined]
    assert isinstance(bound, SharedQuota)
    assert bound.account == EMAIL
    assert bound.limits == Limits(sheets_read=50, sheets_write=50, drive=300)
    assert second.http_client.quota is bound  # type: ignore[attr-defined]
    bound.take("drive")
    assert (tmp_path / "state" / "quota.sqlite").exists()


class BrokenBucket(InMemoryBucket):
    def put(self, item: RateItem) -> bool:
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")


def test_a_store_that_cannot_count_defers_the_sync_rather_than_send_uncounted() -> None:
    time = ManualTime()
    limits = Limits()

    def broken(service: Service, limit: int, window_ms: int) -> AbstractBucket:
        return BrokenBucket([Rate(limit, window_ms)])

    quota = SharedQuota(EMAIL, limits, broken, 120.0, time.sleep, time.now)
    with pytest.raises(QuotaDeferred) as caught:
        quota.take("sheets-read")
    assert str(caught.value) == (
        f"The quota of {EMAIL} cannot be counted: ConnectionError: Error 111 connecting to"
        " redis:6379. Connection refused. Check the [quota] store (its file or its Redis);"
        " the workbook is synced in the next round."
    )
