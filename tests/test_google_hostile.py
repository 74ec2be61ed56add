"""Google Sheets as it behaves where people and Google's documentation leave room: formulas
typed into input cells, rows moved between a sync's read and its write, a spreadsheet
shared by email. Run through the real gspread code against the local fake."""

from __future__ import annotations

from pathlib import Path

from sheets_sync.api import generate_google
from sheets_sync.backends.google import GoogleSheetsBackend
from sheets_sync.backends.google.auth import SCOPES, load_credentials
from sheets_sync.backends.google.drive import file_version
from sheets_sync.backends.google.http import make_client
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.jobs.fingerprint import DefaultFingerprinter
from sheets_sync.sync.run import sync

from .conftest import AS_OF, options
from .fakes.google_env import EMAIL, google_env


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
