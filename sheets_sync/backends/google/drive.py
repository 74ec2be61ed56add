"""Drive lookups: the cheap "has this spreadsheet changed?" question."""

from __future__ import annotations

import gspread

from sheets_sync.backends.google.create import DRIVE_FILES_URL
from sheets_sync.backends.target import GoogleSheet, google_sheet


def file_version(client: gspread.Client, spreadsheet: str | GoogleSheet) -> str:
    """Drive's ``version`` of the spreadsheet: it grows with every change. One request."""
    file_id = google_sheet(spreadsheet).spreadsheet_id
    response = client.http_client.request(
        "get",
        f"{DRIVE_FILES_URL}/{file_id}",
        params={"fields": "version", "supportsAllDrives": True},
    )
    return str(response.json()["version"])
