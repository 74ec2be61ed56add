"""Google Sheets as it behaves where people and Google's documentation leave room: formulas
typed into input cells, rows moved between a sync's read and its write, a spreadsheet
shared by email. Run through the real gspread code against the local fake."""

from __future__ import annotations

from pathlib import Path

from sheets_sync.api import generate_google
from sheets_sync.backends.google import GoogleSheetsBackend
from sheets_sync.sync.run import sync

from .conftest import AS_OF, options
from .fakes.google_env import google_env


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
