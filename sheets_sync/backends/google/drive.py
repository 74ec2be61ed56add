"""Drive lookups: the cheap "has this spreadsheet changed?" question, and the
spreadsheets a folder holds (for a config entry that names a Drive folder).

The version is an optimisation only. A lookup that fails (Drive cannot see the file
under the scopes the credentials carry, a network hiccup, an answer without a
version) says "unknown", and the caller syncs the spreadsheet in full, which
reports any real problem in the Sheets API's own words.
"""

from __future__ import annotations

import gspread
import requests
from gspread.http_client import ParamsType

from sheets_sync.backends.google.create import DRIVE_FILES_URL, SPREADSHEET_MIME
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


PAGE_SIZE = 1000  # Drive's largest page: a folder of hundreds of roadmaps in one request


def folder_spreadsheets(client: gspread.Client, folder_id: str) -> list[tuple[str, str]]:
    """``(id, name)`` of every spreadsheet in the Drive folder, trashed ones left out.

    One files.list request per page of 1,000, following ``nextPageToken``. A folder
    the account cannot see lists nothing in Drive's eyes, so an empty answer is not
    an error; Google's own refusals raise :class:`SheetsSyncError`.
    """
    query = f"'{folder_id}' in parents and mimeType='{SPREADSHEET_MIME}' and trashed=false"
    found: list[tuple[str, str]] = []
    token: str | None = None
    while True:
        params: ParamsType = {
            "q": query,
            "fields": "nextPageToken,files(id,name)",
            "pageSize": PAGE_SIZE,
            "supportsAllDrives": True,
            "includeItemsFromAllDrives": True,
        }
        if token:
            params["pageToken"] = token
        page = client.http_client.request("get", DRIVE_FILES_URL, params=params).json()
        found += [(str(f["id"]), str(f["name"])) for f in page.get("files", [])]
        token = page.get("nextPageToken")
        if not token:
            return found
