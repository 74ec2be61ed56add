"""Drive lookups: the cheap "has this spreadsheet changed?" question.

The answer is an optimisation only. A lookup that fails (Drive cannot see the file
under the scopes the credentials carry, a network hiccup, an answer without a
version) says "unknown", and the caller syncs the spreadsheet in full, which
reports any real problem in the Sheets API's own words.
"""

from __future__ import annotations

import gspread
import requests

from sheets_sync.backends.google.create import DRIVE_FILES_URL
from sheets_sync.backends.target import GoogleSheet, google_sheet
from sheets_sync.errors import SheetsSyncError


def file_version(client: gspread.Client, spreadsheet: str | GoogleSheet) -> str | None:
    """Drive's ``version`` of the spreadsheet (it grows with every change), or None when
    Drive does not tell. One request."""
    file_id = google_sheet(spreadsheet).spreadsheet_id
    try:
        response = client.http_client.request(
            "get",
            f"{DRIVE_FILES_URL}/{file_id}",
            params={"fields": "version", "supportsAllDrives": True},
        )
        version = response.json()["version"]
    except (SheetsSyncError, gspread.exceptions.APIError, requests.RequestException):
        return None
    except (KeyError, TypeError, ValueError):  # no JSON, or no version in it
        return None
    return str(version)
