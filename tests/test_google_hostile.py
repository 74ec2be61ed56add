"""Google Sheets as it behaves where people and Google's documentation leave room: formulas
typed into input cells, rows moved between a sync's read and its write, a spreadsheet
shared by email. Run through the real gspread code against the local fake."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.api import generate_google
from sheets_sync.backends.google import GoogleSheetsBackend
from sheets_sync.backends.google.auth import SCOPES, load_credentials
from sheets_sync.backends.google.drive import file_version
from sheets_sync.backends.google.http import make_client
from sheets_sync.backends.google.spreadsheet import ROW_DELETED, ROWS_SORTED
from sheets_sync.backends.protocol import WriteResult
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.jobs.fingerprint import DefaultFingerprinter
from sheets_sync.sync.run import sync

from .conftest import AS_OF, options
from .fakes.google_env import EMAIL, FLAG_COL, flag_for, flags_by_id, google_env, mini_sync


def column(book, title: str, key: str) -> int:  # type: ignore[no-untyped-def]
    for col in range(1, 40):
        if book.value(title, 1, col) == key:
            return col
    raise AssertionError(f"{key} not in {title}")


def test_a_typed_formula_reads_as_its_result(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        client = env.client()
        sheet_id, plan = generate_google(options(), as_of=AS_OF, client=client)
        book = env.fake.books[sheet_id]
        title = plan.sheets[2].title  # Initiatives
        planned = column(book, title, "initiatives.planned")
        check = column(book, title, "initiatives.check")
        sheet = book.sheet_by_title(title)
        # Google calculated =1500+1000; its result is the cell's effectiveValue
        sheet.row(3).set(planned - 1, {"formulaValue": "=1500+1000", "cached": 2500})
        # a formula whose result is empty: Google sends no effectiveValue at all
        sheet.row(4).set(planned - 1, {"formulaValue": '=IF(FALSE,1,"")'})

        report = sync(GoogleSheetsBackend(sheet_id, client), as_of=AS_OF)

        assert book.value(title, 4, check) == "OK"
        assert book.value(title, 5, check) == "Planned budget is empty: fill it in"
        website = next(r for r in report.rollup if r.focus_area == "Website appeal")
        assert website.planned == 7000 + 2500
        assert book.value(title, 4, planned) == "=1500+1000"  # the person's formula stays


# --- the Drive version of a spreadsheet shared by email ---------------------------------


def shared_with_us(env) -> str:  # type: ignore[no-untyped-def]
    """A spreadsheet a colleague owns and shared with the service account by email, as
    the README's setup has it (the account did not create it)."""
    book = env.fake.add_book("lead@example.com", "Q1 roadmap")
    book.readers.add(EMAIL)
    return str(book.spreadsheet_id)


def test_the_drive_version_of_a_spreadsheet_shared_by_email(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        book_id = shared_with_us(env)
        version = file_version(env.client(), book_id)
        assert version == env.fake.books[book_id].content_version()


def test_a_drive_lookup_that_fails_means_a_full_sync(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        book_id = shared_with_us(env)
        # credentials minted before the metadata scope was asked for: drive.file only,
        # which does not see a file shared by email (Drive answers 404)
        auth = load_credentials(env.key_file, env={})
        narrow = auth.credentials.with_scopes(  # type: ignore[attr-defined]
            [s for s in SCOPES if not s.endswith("drive.metadata.readonly")]
        )
        client = make_client(narrow, account=auth.account, adapter=env.fake.adapter())
        assert file_version(client, book_id) is None
        assert [(c.name, c.status) for c in env.fake.api_calls()][-1] == ("files.get", 404)

        workbook = WorkbookConfig(name="q1", spreadsheet=book_id)
        fingerprint = DefaultFingerprinter(lambda _: file_version(client, book_id))
        assert fingerprint(workbook, "drive:41") is None  # no fingerprint: synced in full


# --- rows moved between the read and the write, under both readings of a sort ---------

EDITS = {
    "sort": lambda b: b.sort_rows("Initiatives", 3, 4, descending=True),
    "sort-by-owner": lambda b: b.sort_rows("Initiatives", 3, 3),
    "insert": lambda b: b.insert_rows("Initiatives", 5, 2),
    "delete": lambda b: b.delete_rows("Initiatives", 5, 2),
    "delete-insert-sort": lambda b: (
        b.delete_rows("Initiatives", 3, 1),
        b.insert_rows("Initiatives", 4, 3),
        b.sort_rows("Initiatives", 3, 1, descending=True),
    ),
}


def assert_every_flag_on_its_row(book) -> None:  # type: ignore[no-untyped-def]
    for row in range(3, len(book.sheet_by_title("Initiatives").rows) + 1):
        ident = book.value("Initiatives", row, 1)
        flag = book.value("Initiatives", row, FLAG_COL)
        if ident is None:
            assert flag is None, row  # inserted rows got nothing
        else:
            assert flag is None or flag.startswith(f"{ident}: "), row  # its own flag, if any


def every_flag_right(book) -> bool:  # type: ignore[no-untyped-def]
    rows = range(3, len(book.sheet_by_title("Initiatives").rows) + 1)
    return all(
        book.value("Initiatives", row, FLAG_COL)
        == flag_for(book.value("Initiatives", row, 1), book.value("Initiatives", row, 4))
        for row in rows
        if book.value("Initiatives", row, 1) is not None
    )


@pytest.mark.parametrize("moves", [True, False], ids=["sort-moves-tags", "sort-keeps-tags"])
@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_no_row_gets_another_rows_flags(tmp_path: Path, edit: str, moves: bool) -> None:
    with google_env(tmp_path) as env:
        book = env.roadmap(8)
        book.sort_moves_metadata = moves
        ids_before = set(flags_by_id(book))

        report = mini_sync(env.backend(book, ["Initiatives"]), between=lambda: EDITS[edit](book))

        assert_every_flag_on_its_row(book)
        deleted = ids_before - set(flags_by_id(book))
        # a row sorted onto a row without a tag waits: the next sync tags it first
        assert report.written + report.deferred == 8 - len(deleted)
        assert report.dropped == len(deleted)
        assert report.deferred == 0 or not moves
        later = [mini_sync(env.backend(book, ["Initiatives"])) for _ in range(3)]
        assert_every_flag_on_its_row(book)
        assert later[-1] == WriteResult()
        assert every_flag_right(book)


def test_a_row_sorted_under_an_unwritten_tag_waits_for_the_next_sync(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        book = env.roadmap(8)
        book.sort_moves_metadata = False
        mini_sync(env.backend(book, ["Initiatives"]))  # every flag in place
        book.set_cell("Initiatives", 3, 4, "9000")  # IN-001 goes over budget

        # IN-001 is sorted to the bottom: its tag now sits on another row
        report = mini_sync(
            env.backend(book, ["Initiatives"]),
            between=lambda: book.sort_rows("Initiatives", 3, 1, descending=True),
        )

        assert report == WriteResult(deferred=1, requests=2, why=ROWS_SORTED)
        assert_every_flag_on_its_row(book)
        assert flags_by_id(book)["IN-001"] == "IN-001: ok"  # not yet updated, not misplaced
        assert mini_sync(env.backend(book, ["Initiatives"])) == WriteResult(written=1, requests=1)
        assert flags_by_id(book)["IN-001"] == "IN-001: over budget"


@pytest.mark.parametrize("reading", ["drop", "reject"])
def test_a_filter_matching_no_row_drops_only_that_row(tmp_path: Path, reading: str) -> None:
    with google_env(tmp_path) as env:
        env.fake.unmatched_filter = reading
        book = env.roadmap(8)

        report = mini_sync(
            env.backend(book, ["Initiatives"]),
            between=lambda: book.delete_rows("Initiatives", 4, 2),
        )

        assert (report.written, report.dropped, report.why) == (6, 2, ROW_DELETED)
        assert_every_flag_on_its_row(book)
        assert all(flags_by_id(book).values())
