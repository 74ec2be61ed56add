"""The fake answers with the Sheets API's value semantics (so the other tests mean something)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from google.auth.transport.requests import AuthorizedSession, Request

from sheets_sync.backends.google.auth import load_credentials
from sheets_sync.errors import GoogleRequestRejected

from .fakes.google_api import Fault
from .fakes.google_env import EMAIL, GoogleEnv, google_env


@pytest.fixture
def env(tmp_path: Path) -> Iterator[GoogleEnv]:
    with google_env(tmp_path) as value:
        yield value


@pytest.fixture
def book_id(env: GoogleEnv) -> str:
    book = env.fake.add_book(EMAIL, "Values")
    return book.spreadsheet_id


def test_raw_keeps_text_user_entered_parses_it(env: GoogleEnv, book_id: str) -> None:
    http = env.client().http_client
    line = ["=1+2", "'007", "1,5", "TRUE", 7, None]
    http.values_batch_update(
        book_id, {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [line]}]}
    )
    http.values_batch_update(
        book_id,
        {"valueInputOption": "USER_ENTERED", "data": [{"range": "Sheet1!A2", "values": [line]}]},
    )
    book = env.fake.books[book_id]
    assert [book.cell("Sheet1", 1, c) for c in range(1, 7)] == [
        {"stringValue": "=1+2"},
        {"stringValue": "'007"},
        {"stringValue": "1,5"},
        {"stringValue": "TRUE"},
        {"numberValue": 7},
        None,
    ]
    assert [book.cell("Sheet1", 2, c) for c in range(1, 7)] == [
        {"formulaValue": "=1+2"},
        {"stringValue": "007"},
        {"numberValue": 15},
        {"boolValue": True},
        {"numberValue": 7},
        None,
    ]


def test_empty_string_clears_and_null_skips(env: GoogleEnv, book_id: str) -> None:
    http = env.client().http_client
    body = {
        "valueInputOption": "RAW",
        "data": [{"range": "Sheet1!A1", "values": [["a", "b", "c"]]}],
    }
    http.values_batch_update(book_id, body)
    body["data"][0]["values"] = [[None, "", "C"]]
    http.values_batch_update(book_id, body)
    book = env.fake.books[book_id]
    assert [book.value("Sheet1", 1, c) for c in (1, 2, 3)] == ["a", None, "C"]


def test_batch_get_unformatted_serial_and_trimmed(env: GoogleEnv, book_id: str) -> None:
    book = env.fake.books[book_id]
    book.set_cell("Sheet1", 1, 1, "IN-1")
    book.sheet_by_title("Sheet1").row(0).set(1, {"numberValue": 46022})  # 2025-12-31
    book.sheet_by_title("Sheet1").row(0).set(2, {"formulaValue": "=B1+1", "cached": 46023})
    book.set_cell("Sheet1", 2, 1, "x")
    book.set_cell("Sheet1", 2, 4, "")  # empty: trailing, left out
    http = env.client().http_client

    unformatted = http.values_batch_get(
        book_id,
        ["Sheet1"],
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"},
    )
    formula = http.values_batch_get(
        book_id, ["Sheet1!A1:D9"], params={"valueRenderOption": "FORMULA"}
    )

    assert unformatted["valueRanges"][0]["values"] == [["IN-1", 46022, 46023], ["x"]]
    assert formula["valueRanges"][0]["values"] == [["IN-1", 46022, "=B1+1"], ["x"]]


def test_429_answers_like_google(env: GoogleEnv, book_id: str) -> None:
    # Plain gspread, to see Google's own error rather than ours.
    auth = load_credentials(env.key_file, env={})
    token_session = requests.Session()
    token_session.mount("https://", env.fake.adapter())
    session = AuthorizedSession(auth.credentials, auth_request=Request(token_session))
    session.mount("https://", env.fake.adapter())
    client = gspread.Client(auth=auth.credentials, session=session)
    env.fake.fail(Fault(429))

    with pytest.raises(gspread.exceptions.APIError) as caught:
        client.http_client.spreadsheets_get(book_id)

    assert caught.value.code == 429
    assert caught.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert caught.value.error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"


def test_requests_without_a_valid_token_are_refused(env: GoogleEnv, book_id: str) -> None:
    env.fake.tokens.clear()  # e.g. expired; google-auth refreshes on 401 and retries
    http = env.client().http_client
    assert http.spreadsheets_get(book_id)["spreadsheetId"] == book_id
    statuses = [e.status for e in env.fake.log if e.name != "allowedLocations"]
    assert statuses[-1] == 200


def test_field_masks_are_checked_and_applied(env: GoogleEnv, book_id: str) -> None:
    http = env.client().http_client
    got = http.spreadsheets_get(book_id, params={"fields": "sheets(properties(title))"})
    assert got == {"sheets": [{"properties": {"title": "Sheet1"}}]}
    with pytest.raises(GoogleRequestRejected, match=r"Invalid field selection sheets\.titel"):
        http.spreadsheets_get(book_id, params={"fields": "sheets(titel)"})


def _column_chart(sheet_id: int, rows: tuple[int, int], cols: list[int]) -> dict[str, Any]:
    """An addChart request as Google's reference shows one: categories in cols[0]."""

    def data(col: int) -> dict[str, Any]:
        source = {
            "sheetId": sheet_id,
            "startRowIndex": rows[0],
            "endRowIndex": rows[1],
            "startColumnIndex": col,
            "endColumnIndex": col + 1,
        }
        return {"sourceRange": {"sources": [source]}}

    return {
        "addChart": {
            "chart": {
                "spec": {
                    "title": "Budget",
                    "basicChart": {
                        "chartType": "COLUMN",
                        "headerCount": 1,
                        "domains": [{"domain": data(cols[0])}],
                        "series": [{"series": data(col)} for col in cols[1:]],
                    },
                },
                "position": {
                    "overlayPosition": {"anchorCell": {"sheetId": sheet_id, "columnIndex": 5}}
                },
            }
        }
    }


def test_a_chart_is_stored_and_read_back_under_its_field_mask(env: GoogleEnv, book_id: str) -> None:
    http = env.client().http_client
    reply = http.batch_update(book_id, {"requests": [_column_chart(0, (0, 9), [0, 1, 2])]})

    (added,) = reply["replies"]
    chart = added["addChart"]["chart"]
    assert chart["position"]["overlayPosition"] == {
        "anchorCell": {"sheetId": 0, "columnIndex": 5},
        "widthPixels": 600,  # Google's defaults
        "heightPixels": 371,
    }
    got = http.spreadsheets_get(book_id, params={"fields": "sheets(charts(chartId,spec.title))"})
    assert got == {
        "sheets": [{"charts": [{"chartId": chart["chartId"], "spec": {"title": "Budget"}}]}]
    }
    plain = http.spreadsheets_get(book_id, params={"fields": "sheets(properties(title))"})
    assert plain == {"sheets": [{"properties": {"title": "Sheet1"}}]}
    again = _column_chart(0, (0, 9), [0, 1])
    again["addChart"]["chart"]["chartId"] = chart["chartId"]
    with pytest.raises(
        GoogleRequestRejected, match=f"An object with ID {chart['chartId']} already"
    ):
        http.batch_update(book_id, {"requests": [again]})


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    request = _column_chart(0, (0, 9), [0, 1, 2])
    change(request["addChart"]["chart"])
    return request


def _basic(chart: dict[str, Any]) -> dict[str, Any]:
    basic: dict[str, Any] = chart["spec"]["basicChart"]
    return basic


def _source(chart: dict[str, Any], kind: str, index: int) -> dict[str, Any]:
    """The first source range of a chart's series ``index`` (kind "series")."""
    source: dict[str, Any] = _basic(chart)[kind][index][kind]["sourceRange"]["sources"][0]
    return source


CHART = "Invalid requests[1].addChart: "


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["spec"]["basicChart"].update(chartKind="COLUMN"),
            'Invalid JSON payload received. Unknown name "chartKind" at '
            "'requests[1].addChart.chart.spec.basicChart': Cannot find field.",
        ),
        (lambda c: c.pop("spec"), CHART + "Exactly one chart type must be set in the chart spec."),
        (
            lambda c: c["spec"].update(pieChart={}),
            CHART + "Exactly one chart type must be set in the chart spec.",
        ),
        (
            lambda c: c["spec"]["basicChart"].pop("chartType"),
            CHART + "BasicChartSpec.chartType is required.",
        ),
        (
            lambda c: c["spec"]["basicChart"].update(series=[]),
            CHART + "A basic chart needs at least one series.",
        ),
        (
            lambda c: c["spec"]["basicChart"].update(domains=_basic(c)["domains"] * 2),
            CHART + "Only a single domain is supported.",
        ),
        (
            lambda c: _source(c, "series", 0).update(endRowIndex=1001),
            CHART
            + "Range ('Sheet1'!B1:B1001) exceeds grid limits. Max rows: 1000, max columns: 26",
        ),
        (
            lambda c: _source(c, "series", 1).update(endColumnIndex=5),
            CHART + "Exactly one dimension of a source range must have length 1.",
        ),
        (
            lambda c: _basic(c)["domains"][0]["domain"]["sourceRange"]["sources"].append(
                {"sheetId": 0, "startRowIndex": 20, "endRowIndex": 29, "endColumnIndex": 1}
            ),
            CHART + "The domain and all series must have the same number of source ranges.",
        ),
        (
            lambda c: c.pop("position"),
            CHART + "The chart's position must set exactly one location.",
        ),
        (
            lambda c: c["position"]["overlayPosition"]["anchorCell"].update(columnIndex=26),
            CHART + "Range ('Sheet1'!AA1:AA1) exceeds grid limits. Max rows: 1000, max columns: 26",
        ),
        (
            lambda c: c["position"]["overlayPosition"]["anchorCell"].update(sheetId=7),
            "No grid with id: 7",
        ),
    ],
)
def test_a_chart_google_would_refuse_is_refused_and_nothing_is_applied(
    env: GoogleEnv, book_id: str, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    http = env.client().http_client
    cell = {
        "updateCells": {
            "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "Area"}}]}],
            "fields": "userEnteredValue",
        }
    }
    with pytest.raises(GoogleRequestRejected) as caught:
        http.batch_update(book_id, {"requests": [cell, _broken(change)]})
    assert str(caught.value).endswith(f": INVALID_ARGUMENT {message}")
    book = env.fake.books[book_id]
    assert book.value("Sheet1", 1, 1) is None and not book.sheets[0].charts
