"""Unchanged workbooks are skipped cheaply; a full sync still runs once per calendar day."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from pathlib import Path

import pytest

from sheets_sync.errors import WorkbookNotFound
from sheets_sync.jobs import (
    DefaultFingerprinter,
    Result,
    RunOutcome,
    Watcher,
    WorkbookConfig,
    load_config,
    local_fingerprint,
)
from sheets_sync.jobs.fingerprint import same_content

from .watch_support import START, FakeSync, StoppingClock, make_xlsx, no_jitter, write_config

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def test_local_fingerprint_is_size_mtime_and_hash(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", b"hello")
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    digest = hashlib.sha256(b"hello").hexdigest()
    assert local_fingerprint(path) == f"5:1700000000000000000:{digest}"


def test_same_size_and_mtime_skip_the_hash(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", b"hello")
    stat = path.stat()
    # A stale hash is returned as is: proof that the file was not read.
    previous = f"{stat.st_size}:{stat.st_mtime_ns}:not-a-real-hash"
    assert local_fingerprint(path, previous) == previous


def test_a_touched_but_identical_file_hashes_to_the_same_content(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", b"hello")
    first = local_fingerprint(path)
    os.utime(path, ns=(1, 1))
    second = local_fingerprint(path, first)
    assert second != first
    assert second.split(":")[2] == first.split(":")[2]


def test_same_content_compares_size_and_hash_not_mtime() -> None:
    assert same_content("5:100:abc", "5:200:abc")
    assert same_content("5:100:abc|measured:m1", "5:200:abc|measured:m1")
    assert not same_content("5:100:abc", "6:100:abc")
    assert not same_content("5:100:abc", "5:100:abd")
    assert not same_content("5:100:abc|measured:m1", "5:200:abc|measured:m2")
    assert same_content("drive:7", "drive:7")
    assert not same_content("drive:7", "drive:8")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookNotFound) as caught:
        local_fingerprint(tmp_path / "nope.xlsx")
    assert str(caught.value) == (
        f"workbook file {tmp_path / 'nope.xlsx'} does not exist."
        " Check its path in the config, or generate it first."
    )


def _watch(
    tmp_path: Path,
    hours: float,
    *,
    edits: dict[int, bytes] | None = None,
    drive_versions: list[str] | None = None,
) -> tuple[FakeSync, Watcher]:
    """Watch a Google and a local workbook every 6 hours (Moscow time) for ``hours``.

    The Google one runs first, so its version lookup is where a person's edit of
    the local file is simulated.
    """
    make_xlsx(tmp_path / "roadmap.xlsx", b"v1")
    config = load_config(
        write_config(
            tmp_path,
            [
                {"name": "cloud", "spreadsheet": SHEET_ID},
                {"name": "local", "path": "roadmap.xlsx"},
            ],
            schedule='every = "6 hours"\ntimezone = "Europe/Moscow"',
        )
    )
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(hours=hours))
    pending_edits = dict(edits or {})

    def sync_local(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        return RunOutcome(rows_read=3, invalid_rows=0, cells_written=0)

    fake = FakeSync(clock, behaviours={"local": sync_local})
    versions = iter(drive_versions or [])
    version_calls: list[str] = []

    def drive_version(workbook: WorkbookConfig) -> str:
        # Edits are made "by a person" just before the run they should be seen by.
        elapsed = int((clock.now() - START).total_seconds() // 3600)
        if elapsed in pending_edits:
            (tmp_path / "roadmap.xlsx").write_bytes(pending_edits.pop(elapsed))
        version_calls.append(workbook.name)
        return next(versions, "7")

    watcher = Watcher(
        config,
        sync_fn=fake,
        clock=clock,
        jitter=no_jitter,
        stop=stop,
        fingerprint=DefaultFingerprinter(drive_version),
    )
    watcher.run_forever()
    return fake, watcher


def _hours(fake: FakeSync, name: str) -> list[int]:
    return [int((t - START).total_seconds() // 3600) for t in fake.times(name)]


def test_unchanged_workbooks_are_skipped_until_the_date_changes(tmp_path: Path) -> None:
    # START is 08:00 in Moscow; runs at 08:00, 14:00, 20:00, 02:00 (next day), 08:00.
    fake, watcher = _watch(tmp_path, hours=24)

    assert _hours(fake, "local") == [0, 18]
    assert _hours(fake, "cloud") == [0, 18]
    assert [as_of for name, _, as_of in fake.calls if name == "local"] == [
        dt.date(2025, 5, 1),
        dt.date(2025, 5, 2),
    ]
    local = watcher.status.workbooks["local"]
    assert local.result == Result.SKIPPED_UNCHANGED
    assert (local.rows_read, local.invalid_rows, local.cells_written) == (3, 0, 0)
    assert local.last_full_sync_on == dt.date(2025, 5, 2)


def test_a_changed_file_is_synced(tmp_path: Path) -> None:
    fake, _ = _watch(tmp_path, hours=12, edits={6: b"v2 edited by a marketer"})
    assert _hours(fake, "local") == [0, 6]


def test_a_touched_but_unchanged_file_is_skipped(tmp_path: Path) -> None:
    # Rewritten with the same bytes at hour 6: its mtime moved, its content did not.
    fake, watcher = _watch(tmp_path, hours=12, edits={6: b"v1"})
    assert _hours(fake, "local") == [0]
    local = watcher.status.workbooks["local"]
    assert local.result == Result.SKIPPED_UNCHANGED
    assert local.fingerprint == local_fingerprint(tmp_path / "roadmap.xlsx")


def test_a_new_drive_version_is_synced(tmp_path: Path) -> None:
    # Hour 0: looked up before and after the sync (it wrote cells); 6: same; 12: new.
    fake, _ = _watch(tmp_path, hours=12, drive_versions=["6", "7", "7", "8"])
    assert _hours(fake, "cloud") == [0, 12]


def test_after_a_failure_an_unchanged_workbook_is_synced_again(tmp_path: Path) -> None:
    make_xlsx(tmp_path / "roadmap.xlsx")
    config = load_config(write_config(tmp_path, [{"name": "wb", "path": "roadmap.xlsx"}]))
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(minutes=20))
    outcomes = iter([RuntimeError("flaky"), None, None])

    def behaviour(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        error = next(outcomes)
        if error is not None:
            raise error
        return RunOutcome(rows_read=1, invalid_rows=0, cells_written=0)

    fake = FakeSync(clock, behaviours={"wb": behaviour})
    watcher = Watcher(
        config,
        sync_fn=fake,
        clock=clock,
        jitter=no_jitter,
        stop=stop,
        fingerprint=DefaultFingerprinter(),
    )
    watcher.run_forever()
    # Failed at 0, retried (same file) at 1 minute, then skipped at 16.
    assert [int((t - START).total_seconds() // 60) for t in fake.times("wb")] == [0, 1]
    assert watcher.status.workbooks["wb"].result == Result.SKIPPED_UNCHANGED


def test_our_own_write_does_not_count_as_a_change(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "roadmap.xlsx", b"before")
    config = load_config(write_config(tmp_path, [{"name": "wb", "path": "roadmap.xlsx"}]))
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(minutes=45))

    def writes_flags(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        path.write_bytes(b"after: flags written")
        return RunOutcome(rows_read=4, invalid_rows=1, cells_written=6)

    fake = FakeSync(clock, behaviours={"wb": writes_flags})
    watcher = Watcher(
        config, sync_fn=fake, clock=clock, stop=stop, fingerprint=DefaultFingerprinter()
    )
    watcher.run_forever()

    assert fake.times("wb") == [START]
    status = watcher.status.workbooks["wb"]
    assert status.fingerprint == local_fingerprint(path)
    assert (status.result, status.invalid_rows, status.cells_written) == (
        Result.SKIPPED_UNCHANGED,
        1,
        0,
    )


def test_google_workbooks_without_a_version_lookup_are_always_synced(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [{"name": "cloud", "spreadsheet": SHEET_ID}]))
    stop = threading.Event()
    clock = StoppingClock(START, stop, until=START + dt.timedelta(minutes=30))
    fake = FakeSync(clock)
    watcher = Watcher(
        config, sync_fn=fake, clock=clock, stop=stop, fingerprint=DefaultFingerprinter()
    )
    watcher.run_forever()
    assert len(fake.times("cloud")) == 3
