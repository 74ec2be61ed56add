"""The fake answers with the Sheets API's value semantics (so the other tests mean something)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
