"""Retries, quota, outages and access errors, through real gspread and google-auth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sheets_sync.backends.google.http import RetryPolicy
from sheets_sync.backends.protocol import WriteResult
from sheets_sync.errors import AccessDenied, GoogleUnavailable, QuotaExceeded, WorkbookNotFound

from .fakes.google_api import Fault
from .fakes.google_env import (
    EMAIL,
    FLAG_COL,
    GoogleEnv,
    flag_for,
    flags_by_id,
    google_env,
    mini_sync,
)

READ = "spreadsheets.get"
WRITE = "spreadsheets.values.batchUpdateByDataFilter"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GoogleEnv]:
    with google_env(tmp_path) as value:
        yield value


def test_every_request_has_a_timeout(env: GoogleEnv) -> None:
    client = env.client(RetryPolicy(timeout=(3.0, 7.0)))
    assert client.http_client.timeout == (3.0, 7.0)
    client.set_timeout(None)  # gspread's "no timeout" restores ours instead
    assert client.http_client.timeout == (3.0, 7.0)


def test_delays_are_exponential_with_full_jitter_and_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    assert [policy.delay(n, lambda: 1.0) for n in range(6)] == [1, 2, 4, 8, 8, 8]
    assert [policy.delay(n, lambda: 0.25) for n in range(4)] == [0.25, 0.5, 1.0, 2.0]
    assert policy.delay(3, lambda: 0.0) == 0.0


def test_a_burst_of_429_then_success(env: GoogleEnv) -> None:
    book = env.roadmap(3)
    env.fake.fail(*[Fault(429, only=WRITE)] * 3)

    report = mini_sync(env.backend(book, ["Initiatives"]))

    assert report.written == 3
    assert env.clock.sleeps == [0.5, 1.0, 2.0]  # rand() == 0.5: half of 1, 2, 4
    statuses = [(e.name, e.status) for e in env.fake.api_calls()]
    assert statuses == [(READ, 200)] + [(WRITE, 429)] * 3 + [(WRITE, 200)]


def test_429_forever_ends_in_quota_exceeded_within_the_time_cap(env: GoogleEnv) -> None:
    book = env.roadmap(3)
    env.fake.fail(*[Fault(429, only=READ)] * 100)
    env.rand = lambda: 1.0
    policy = RetryPolicy(max_tries=50, base_delay=1.0, max_delay=32.0, max_elapsed=60.0)

    with pytest.raises(QuotaExceeded) as caught:
        env.backend(book, ["Initiatives"], policy=policy).read()

    assert env.clock.now <= 60.0
    assert env.clock.sleeps == [1, 2, 4, 8, 16]  # the next 32 s would pass 60 s
    assert str(caught.value) == (
        "Google Sheets quota exceeded; gave up after 6 tries in 31s. The quota is 60 "
        "requests a minute per user: run the sync less often, or let the next scheduled "
        "run retry."
    )
    assert caught.value.exit_code == 75


def test_500s_then_success(env: GoogleEnv) -> None:
    book = env.roadmap(2)
    env.fake.fail(Fault(500, only=READ), Fault(503, only=READ), Fault(502, only=WRITE))
    assert mini_sync(env.backend(book, ["Initiatives"])).written == 2
    assert len(env.clock.sleeps) == 3


def test_5xx_forever_gives_up_after_max_tries(env: GoogleEnv) -> None:
    book = env.roadmap(2)
    env.fake.fail(*[Fault(503, only=READ)] * 10)
    with pytest.raises(GoogleUnavailable, match="gave up after 4 tries"):
        env.backend(book, ["Initiatives"], policy=RetryPolicy(max_tries=4)).read()
    assert len([e for e in env.fake.api_calls() if e.name == READ]) == 4


def test_403_names_the_account_that_needs_access(env: GoogleEnv) -> None:
    book = env.fake.add_book("someone@example.com", "Their roadmap")
    with pytest.raises(AccessDenied) as caught:
        env.backend(book).read()
    assert str(caught.value) == (
        f"{EMAIL} has no access to spreadsheet {book.spreadsheet_id}. "
        f"Share the spreadsheet with {EMAIL} as editor."
    )
    assert "\n" not in str(caught.value)
    assert len(env.fake.api_calls()) == 1  # not retried


def test_404_says_which_spreadsheet(env: GoogleEnv) -> None:
    missing = "1NoSuchSpreadsheet0000000000000000000000000"
    with pytest.raises(WorkbookNotFound) as caught:
        env.backend(missing).read()
    assert str(caught.value) == (
        f"Spreadsheet {missing} was not found. Check the ID or URL, and that it is shared "
        f"with {EMAIL}."
    )


# -- a fault at each request of a sync ----------------------------------------------------

FAULTS = {
    "429": lambda name: [Fault(429, only=name)] * 2,
    "500": lambda name: [Fault(500, only=name)],
    "drop-before": lambda name: [Fault(0, only=name)],
    "drop-after": lambda name: [Fault(0, after=True, only=name)],  # applied, answer lost
}


@pytest.mark.parametrize("kind", list(FAULTS))
@pytest.mark.parametrize("at", [READ, WRITE, "spreadsheets.batchUpdate"])
def test_a_fault_at_each_request_leaves_the_sheet_consistent(
    env: GoogleEnv, kind: str, at: str
) -> None:
    book = env.roadmap(6)
    # One row a person added (untagged, so the first sync tags), and their own notes.
    book.set_cell("Initiatives", 9, 1, "IN-777")
    book.set_cell("Initiatives", 9, 4, 7777)
    for row in range(3, 10):
        book.set_cell("Initiatives", row, 7, f"note {row}")
    user_cells = {
        (r, c): book.cell("Initiatives", r, c) for r in range(1, 10) for c in (1, 2, 3, 4, 6, 7)
    }
    env.fake.fail(*FAULTS[kind](at))
    backend = env.backend(book, ["Initiatives"])

    reports = [mini_sync(backend, between=lambda: book.sort_rows("Initiatives", 3, 4))]
    reports += [mini_sync(backend) for _ in range(3)]

    assert reports[-1] == WriteResult()
    assert not env.fake.faults  # every fault was hit...
    assert env.clock.sleeps  # ...and retried
    sheet = book.sheet_by_title("Initiatives")
    for row in range(3, len(sheet.rows) + 1):
        ident = book.value("Initiatives", row, 1)
        assert book.value("Initiatives", row, FLAG_COL) == flag_for(
            ident, book.value("Initiatives", row, 4)
        )
    # No person's cell changed, wherever the sort put it.
    moved = {
        (book.value("Initiatives", r, 1), c): book.cell("Initiatives", r, c)
        for r in range(1, 10)
        for c in (1, 2, 3, 4, 6, 7)
    }
    before = {(user_cells[(r, 1)] or {}).get("stringValue"): r for r in range(1, 10)}
    for (ident, col), cell in moved.items():
        assert cell == user_cells[(before[ident], col)]
    assert len(flags_by_id(book)) == 7
