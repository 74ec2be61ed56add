"""Where a workbook is: one parser for paths, ``gsheet:ID`` and Sheets URLs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.api import open_backend
from sheets_sync.backends.target import (
    GoogleSheet,
    LocalFile,
    google_sheet,
    is_google,
    parse_target,
    spreadsheet_id,
)
from sheets_sync.errors import WorkbookNotFound

REAL_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"  # 44 characters, as Google makes them
ID_CHARS = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@pytest.mark.parametrize(
    "text",
    [
        REAL_ID,
        f"  {REAL_ID}\n",
        f"https://docs.google.com/spreadsheets/d/{REAL_ID}",
        f"https://docs.google.com/spreadsheets/d/{REAL_ID}/",
        f"https://docs.google.com/spreadsheets/d/{REAL_ID}/edit",
        f"https://docs.google.com/spreadsheets/d/{REAL_ID}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/d/{REAL_ID}/edit?gid=123#gid=123",
    ],
)
def test_an_id_or_its_url_gives_the_id(text: str) -> None:
    assert spreadsheet_id(text) == REAL_ID


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not an id",
        "1BxiMVs0XRA5nFMdKvB",  # 19: too short
        "1BxiMVs0XRA5nFMd KvBdBZjgmUUqptlbs74OgvE2upms",  # a space inside
        "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms!",
        f"http://docs.google.com/spreadsheets/d/{REAL_ID}/edit",  # not https
        f"https://example.com/spreadsheets/d/{REAL_ID}/edit",  # not Google
        f"https://docs.google.com/document/d/{REAL_ID}/edit",  # a Doc, not a Sheet
        f"https://docs.google.com/spreadsheets/d/{REAL_ID[:19]}/edit",  # too short
        f"gsheet:{REAL_ID}",  # the prefix is for the CLI and the API, not for an ID field
    ],
)
def test_anything_else_is_not_a_spreadsheet_id(text: str) -> None:
    with pytest.raises(ValueError, match="is not a Google spreadsheet ID or URL"):
        spreadsheet_id(text)


def test_twenty_characters_is_the_shortest_id() -> None:
    assert spreadsheet_id(REAL_ID[:20]) == REAL_ID[:20]


@given(st.text(ID_CHARS, min_size=20, max_size=60))
def test_every_id_of_the_documented_characters_round_trips(key: str) -> None:
    sheet = GoogleSheet(key)
    assert google_sheet(key) == sheet
    assert google_sheet(str(sheet)) == sheet
    assert google_sheet(sheet.url + "/edit#gid=0") == sheet
    assert parse_target(str(sheet)) == sheet
    assert parse_target(sheet.url) == sheet


def test_targets_are_typed_once() -> None:
    assert parse_target(f"gsheet:{REAL_ID}") == GoogleSheet(REAL_ID)
    assert str(GoogleSheet(REAL_ID)) == f"gsheet:{REAL_ID}"
    assert GoogleSheet(REAL_ID).url == f"https://docs.google.com/spreadsheets/d/{REAL_ID}"
    assert parse_target("roadmap.xlsx") == LocalFile(Path("roadmap.xlsx"))
    assert parse_target(Path("q3/roadmap.xlsx")) == LocalFile(Path("q3/roadmap.xlsx"))
    # A path that merely looks like an ID is still a path: only the prefixes mean Google.
    assert parse_target(REAL_ID) == LocalFile(Path(REAL_ID))
    place = GoogleSheet(REAL_ID)
    assert parse_target(place) is place
    assert [is_google(t) for t in (f"gsheet:{REAL_ID}", place, "a.xlsx", Path("gsheet:x"))] == [
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    "text",
    ["gsheet:", "gsheet:short", f"gsheet:{REAL_ID} x", "https://docs.google.com/spreadsheets/"],
)
def test_a_google_target_without_a_valid_id_is_refused_before_any_client(text: str) -> None:
    with pytest.raises(WorkbookNotFound) as caught:
        open_backend(text)  # no credentials exist here: the parse fails first
    assert str(caught.value) == (
        f"{text!r} is not a Google spreadsheet ID or URL. "
        "Use the ID from the address bar: docs.google.com/spreadsheets/d/<ID>/edit."
    )


def test_parsing_a_target_loads_no_google_library() -> None:
    code = (
        "import sys; from sheets_sync.backends.target import parse_target; "
        f"parse_target('gsheet:{REAL_ID}'); "
        "print(sorted(m for m in sys.modules if m.startswith(('gspread', 'google'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
