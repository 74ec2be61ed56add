"""The roadmap in Google Sheets: credentials, a retrying gspread client, the backend,
and the builders that create the spreadsheet.

Row identity, the one-read/one-write budget and the RAW write rules are explained in
:mod:`sheets_sync.google.backend`.
"""

from .auth import GoogleAuth, load_credentials
from .backend import GoogleSheetsBackend, WriteReport, spreadsheet_id
from .create import (
    FlagColour,
    NamedRange,
    SheetSpec,
    Validation,
    add_to_spreadsheet,
    create_spreadsheet,
    layout_requests,
    share_with,
)
from .http import GoogleRequestRejected, GoogleUnavailable, Hooks, RetryPolicy, make_client

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
    "WriteReport",
    "add_to_spreadsheet",
    "create_spreadsheet",
    "layout_requests",
    "load_credentials",
    "make_client",
    "share_with",
    "spreadsheet_id",
]
