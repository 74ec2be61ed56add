"""The whole roadmap in Google Sheets: generate and sync through the real gspread and
google-auth code, against the local fake of the Sheets API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.api import generate_google
from sheets_sync.backends.google import GoogleSheetsBackend
from sheets_sync.backends.google.spreadsheet import WAIT_FOR_TAG
from sheets_sync.backends.protocol import WriteResult
from sheets_sync.backends.target import GoogleSheet
from sheets_sync.core.layout import load_layout
from sheets_sync.sync.report import render_text
from sheets_sync.sync.run import sync

from .conftest import AS_OF, options
from .fakes.google_env import google_env


def _column(book, title: str, key: str) -> int:  # type: ignore[no-untyped-def]
    sheet = book.sheet_by_title(title)
    for col in range(1, 40):
        if book.value(title, 1, col) == key:
            return col
    raise AssertionError(f"{key} not in {sheet.title}")


def test_generate_and_sync_a_google_roadmap(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        client = env.client()
        sheet_id, plan = generate_google(
            options(lang="ru"), as_of=AS_OF, client=client, share=["lead@example.com"]
        )
        book = env.fake.books[sheet_id]
        assert [s.title for s in book.sheets] == [s.title for s in plan.sheets]
        assert {"QuarterBudget", "AnnualBudget"} <= set(book.named_ranges)
        creates = [c.name for c in env.fake.api_calls()]
        assert creates == ["spreadsheets.create", "spreadsheets.batchUpdate", "permissions.create"]

        backend = GoogleSheetsBackend(sheet_id, client)
        env.fake.log.clear()
        first = sync(backend, as_of=AS_OF)
        assert first.rows_invalid == 0, first.problems
        assert first.cells_written == 0, first.changes[:5]
        assert [c.name for c in env.fake.api_calls()] == ["spreadsheets.get"]

        later = AS_OF + dt.timedelta(days=40)
        title = plan.sheets[2].title  # Initiatives
        planned = _column(book, title, "initiatives.planned")
        check = _column(book, title, "initiatives.check")
        book.set_cell(title, 4, planned, "много денег")
        env.fake.log.clear()
        report = sync(backend, as_of=later)
        assert report.cells_written > 0
        assert len(env.fake.api_calls()) == 2  # one read, one write
        assert book.value(title, 4, check).startswith("Плановый бюджет: «много денег» — не сумма")
        assert book.value(title, 4, planned) == "много денег"  # the person's cell is theirs
        assert sync(backend, as_of=later).cells_written == 0


def test_drive_version_tells_an_unchanged_spreadsheet(tmp_path: Path) -> None:
    from sheets_sync.backends.google.drive import file_version

    with google_env(tmp_path) as env:
        client = env.client()
        sheet_id, _ = generate_google(options(), as_of=AS_OF, client=client)
        backend = GoogleSheetsBackend(sheet_id, client)
        before = file_version(client, sheet_id)
        assert sync(backend, as_of=AS_OF).cells_written == 0
        assert (
            file_version(client, f"https://docs.google.com/spreadsheets/d/{sheet_id}/edit")
            == before
        )
        assert sync(backend, as_of=AS_OF + dt.timedelta(days=45)).cells_written > 0
        assert file_version(client, sheet_id) != before


def test_next_quarter_from_a_google_roadmap_into_a_new_one(tmp_path: Path) -> None:
    from sheets_sync.api import next_quarter
    from sheets_sync.backends.google.render import GoogleOutput
    from sheets_sync.core.budget import BudgetChoice

    with google_env(tmp_path) as env:
        client = env.client()
        sheet_id, plan = generate_google(options(), as_of=AS_OF, client=client)
        book = env.fake.books[sheet_id]
        review = next(s.title for s in plan.sheets if s.key == "review")
        decision = _column(book, review, "review.final_decision")
        area = _column(book, review, "review.focus_area")
        decided = {}
        for row, choice in zip(
            range(3, 7), ["Continue", "Scrap", "Adjust", "Complete"], strict=True
        ):
            book.set_cell(review, row, decision, choice)
            decided[book.value(review, row, area)] = choice
        output = GoogleOutput(client)
        report = next_quarter(
            GoogleSheetsBackend(sheet_id, client),
            output,
            budget=BudgetChoice(quarter_budget=50000.0),
            as_of=dt.date(2027, 3, 20),
        )
        assert output.created is not None and output.created != sheet_id
        new = env.fake.books[output.created]
        focus = next(s.title for s in plan.sheets if s.key == "focus_areas")
        name = _column(new, focus, "focus_areas.name")
        kept = {new.value(focus, r, name) for r in range(3, 10)} - {None}
        assert kept == {a for a, c in decided.items() if c in ("Continue", "Adjust")}
        assert report.out == f"https://docs.google.com/spreadsheets/d/{output.created}"
        again = sync(GoogleSheetsBackend(output.created, client), as_of=dt.date(2027, 3, 20))
        assert again.cells_written == 0 and again.quarter == "2027-Q2"


def test_generate_into_an_existing_spreadsheet_leaves_its_sheets_alone(tmp_path: Path) -> None:
    from .fakes.google_env import EMAIL
    from .fakes.sheets_model import Sheet

    with google_env(tmp_path) as env:
        client = env.client()
        book = env.fake.add_book(EMAIL, "Team plan", [Sheet(0, "Budget notes")])
        book.set_cell("Budget notes", 1, 1, "keep me")
        sheet_id, plan = generate_google(
            options(lang="zh"), as_of=AS_OF, client=client, spreadsheet=book.spreadsheet_id
        )
        assert sheet_id == book.spreadsheet_id
        assert [s.title for s in book.sheets] == ["Budget notes", *(s.title for s in plan.sheets)]
        assert book.value("Budget notes", 1, 1) == "keep me"
        report = sync(GoogleSheetsBackend(sheet_id, client), as_of=AS_OF)
        assert report.cells_written == 0 and report.lang == "zh"


def test_a_row_people_added_is_tagged_first_and_the_report_says_so(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        client = env.client()
        sheet_id, plan = generate_google(options(), as_of=AS_OF, client=client)
        book = env.fake.books[sheet_id]
        title = plan.sheets[2].title  # Initiatives
        row = len(book.sheet_by_title(title).rows) + 1
        for key, value in (("id", "IN-900"), ("title", "Pop-up store"), ("planned", "9000")):
            book.set_cell(title, row, _column(book, title, f"initiatives.{key}"), value)
        backend = GoogleSheetsBackend(GoogleSheet(sheet_id), client)
        env.fake.log.clear()

        first = sync(backend, as_of=AS_OF)

        assert first.write == WriteResult(
            tagged=1, deferred=len(first.changes), requests=1, why=WAIT_FOR_TAG
        )
        assert first.changes and first.cells_written == 0
        assert [c.name for c in env.fake.api_calls()] == [
            "spreadsheets.get",
            "spreadsheets.batchUpdate",
        ]
        text = render_text(first, load_layout()).splitlines()
        assert text[-2:] == [
            "Wrote 0 cell(s).",
            "Tagged 1 new row(s); their flags come on the next sync.",
        ]
        assert first.as_json()["write"] == {
            "written": 0,
            "tagged": 1,
            "deferred": len(first.changes),
            "dropped": 0,
            "requests": 1,
            "why": WAIT_FOR_TAG,
        }

        second = sync(backend, as_of=AS_OF)

        assert second.write == WriteResult(written=len(second.changes), requests=1)
        assert second.changes == first.changes
        assert render_text(second, load_layout()).splitlines()[-1] == (
            f"Wrote {len(second.changes)} cell(s)."
        )
        assert sync(backend, as_of=AS_OF).write == WriteResult()


def test_next_quarter_from_gsheet_into_a_google_destination(tmp_path: Path) -> None:
    from sheets_sync.api import GoogleDestination, generate, next_quarter
    from sheets_sync.core.budget import BudgetChoice

    with google_env(tmp_path) as env:
        client = env.client()
        url, plan = generate(options(), GoogleDestination(), as_of=AS_OF, client=client)
        (sheet_id,) = env.fake.books
        assert url == f"https://docs.google.com/spreadsheets/d/{sheet_id}"
        review = next(s.title for s in plan.sheets if s.key == "review")
        book = env.fake.books[sheet_id]
        decision = _column(book, review, "review.final_decision")
        for row in range(3, 7):
            book.set_cell(review, row, decision, "Continue")
        env.fake.log.clear()

        report = next_quarter(
            f"gsheet:{sheet_id}",
            GoogleDestination(share=("lead@example.com",)),
            budget=BudgetChoice(quarter_budget=50000.0),
            as_of=dt.date(2027, 3, 20),
            client=client,
        )

        (new_id,) = set(env.fake.books) - {sheet_id}
        assert report.out == f"https://docs.google.com/spreadsheets/d/{new_id}"
        assert [c.name for c in env.fake.api_calls()] == [
            "spreadsheets.get",
            "spreadsheets.create",
            "spreadsheets.batchUpdate",
            "permissions.create",
        ]


def _row(book, title: str, key: str) -> int:  # type: ignore[no-untyped-def]
    for row in range(1, len(book.sheet_by_title(title).rows) + 1):
        if book.value(title, row, 1) == key:
            return row
    raise AssertionError(f"{key} not in {title}")


def _one_column(source: dict[str, int]) -> tuple[int, int, int]:
    """A chart's GridRange over one column: (1-based col, first row, last row)."""
    assert source["endColumnIndex"] == source["startColumnIndex"] + 1
    return source["endColumnIndex"], source["startRowIndex"] + 1, source["endRowIndex"]


@pytest.mark.parametrize(
    ("lang", "series", "axis"),
    [
        ("en", ["Planned", "Spent", "Cap"], "Focus area"),
        ("zh", ["计划", "实际支出", "上限"], "重点领域"),
        ("ru", ["План", "Потрачено", "Лимит"], "Направление"),
    ],
)
def test_the_dashboard_charts_its_budget_table_and_a_sync_leaves_the_chart_be(
    tmp_path: Path, lang: str, series: list[str], axis: str
) -> None:
    with google_env(tmp_path) as env:
        client = env.client()
        sheet_id, plan = generate_google(options(lang=lang), as_of=AS_OF, client=client)
        book = env.fake.books[sheet_id]
        dashboard = next(s.title for s in plan.sheets if s.key == "dashboard")
        assert [c.name for c in env.fake.api_calls()][:2] == [
            "spreadsheets.create",
            "spreadsheets.batchUpdate",
        ]
        fields = {"fields": "sheets(properties(sheetId,title),charts)"}
        sheets = client.http_client.spreadsheets_get(sheet_id, params=fields)["sheets"]
        charts = {s["properties"]["title"]: s.get("charts", []) for s in sheets}
        assert {title: len(found) for title, found in charts.items() if found} == {dashboard: 1}
        (chart,) = charts[dashboard]
        basic = chart["spec"]["basicChart"]
        heading = _row(book, dashboard, "budget_heading")
        table = (heading, _row(book, dashboard, "area.8"))
        assert chart["spec"]["title"] == book.value(dashboard, heading, 2)
        assert (basic["chartType"], basic["stackedType"], basic["headerCount"]) == (
            "COLUMN",
            "NOT_STACKED",
            1,
        )
        assert basic["axis"] == [{"position": "BOTTOM_AXIS", "title": axis}]
        ((domain,),) = [d["domain"]["sourceRange"]["sources"] for d in basic["domains"]]
        assert _one_column(domain) == (_column(book, dashboard, "dashboard.item"), *table)
        ranges = [s["series"]["sourceRange"]["sources"] for s in basic["series"]]
        columns = [
            _column(book, dashboard, f"dashboard.{key}") for key in ("planned", "spent", "cap")
        ]
        assert [_one_column(r) for (r,) in ranges] == [(col, *table) for col in columns]
        assert [book.value(dashboard, heading, col) for col in columns] == series
        dashboard_id = next(s.sheet_id for s in book.sheets if s.title == dashboard)
        assert {r["sheetId"] for r in (domain, *(r for (r,) in ranges))} == {dashboard_id}
        assert chart["position"]["overlayPosition"]["anchorCell"]["sheetId"] == dashboard_id

        # A sync rewrites the table's cells; the chart reads them, so it is left alone.
        title = plan.sheets[2].title  # Initiatives
        book.set_cell(title, 3, _column(book, title, "initiatives.planned"), "123456")
        backend = GoogleSheetsBackend(sheet_id, client)
        env.fake.log.clear()
        report = sync(backend, as_of=AS_OF)
        rewritten = {(c.row, c.col) for c in report.changes if c.sheet == dashboard}
        assert any(table[0] < row <= table[1] and col == columns[0] for row, col in rewritten)
        assert report.cells_written == len(report.changes)
        assert sync(backend, as_of=AS_OF).cells_written == 0
        assert [c.name for c in env.fake.api_calls()] == [
            "spreadsheets.get",
            "spreadsheets.values.batchUpdateByDataFilter",
            "spreadsheets.get",
        ]  # values only: no request touches the chart
        after = client.http_client.spreadsheets_get(sheet_id, params=fields)["sheets"]
        assert {s["properties"]["title"]: s.get("charts", []) for s in after} == charts
