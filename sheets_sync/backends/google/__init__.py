"""The roadmap in Google Sheets: credentials, a retrying gspread client, the backend,
and the builders that create the spreadsheet.

Row identity, the one-read/one-write budget and the RAW write rules are explained in
:mod:`sheets_sync.backends.google.spreadsheet`.
"""

from sheets_sync.backends.google.auth import GoogleAuth, load_credentials
from sheets_sync.backends.google.create import (
    FlagColour,
    NamedRange,
    SheetSpec,
    Validation,
    add_to_spreadsheet,
    create_spreadsheet,
    layout_requests,
    share_with,
)
from sheets_sync.backends.google.http import (
    Hooks,
    RetryPolicy,
    make_client,
)
from sheets_sync.backends.google.spreadsheet import GoogleSheetsBackend
from sheets_sync.errors import GoogleRequestRejected, GoogleUnavailable

__all__ = [
    "FlagColour",
    "GoogleAuth",
    "GoogleRequestRejected",
    "GoogleSheetsBackend",
    "GoogleUnavailable",
    "Hooks",
    "NamedRange",
    "RetryPolicy",
    "SheetSpec",
    "Validation",
    "add_to_spreadsheet",
    "create_spreadsheet",
    "layout_requests",
    "load_credentials",
    "make_client",
    "share_with",
]
