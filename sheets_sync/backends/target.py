"""Where a workbook lives: a local file or a Google spreadsheet, parsed once.

Every way in (the CLI's arguments, the library API, the watcher's config file and
the Google backend) reads a workbook's place through this module, so one rule
says what a spreadsheet ID is. It imports nothing heavy: the CLI parses its
arguments before gspread or google-auth is loaded, and only if a Google target
was given.

Google documents a spreadsheet ID as "letters, numbers, and some special
characters", derived from the sheet's URL with ``/spreadsheets/d/([a-zA-Z0-9-_]+)``;
real IDs are 44 such characters. A shorter run of 20 is still accepted (older
spreadsheets), anything shorter is a typo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sheets_sync.errors import WorkbookNotFound

GSHEET_PREFIX = "gsheet:"
SHEETS_URL_PREFIX = "https://docs.google.com/spreadsheets/"

_ID = r"[A-Za-z0-9_-]{20,}"
_BARE_ID = re.compile(rf"^{_ID}$")
_SHEET_URL = re.compile(rf"^https://docs\.google\.com/spreadsheets/d/({_ID})(?:[/?#].*)?$")


@dataclass(frozen=True)
class LocalFile:
    """A workbook in a local .xlsx file."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class GoogleSheet:
    """A Google spreadsheet, by its ID."""

    spreadsheet_id: str

    @property
    def url(self) -> str:
        """The address a person opens: ``https://docs.google.com/spreadsheets/d/ID``."""
        return f"{SHEETS_URL_PREFIX}d/{self.spreadsheet_id}"

    def __str__(self) -> str:
        return f"{GSHEET_PREFIX}{self.spreadsheet_id}"


Target = LocalFile | GoogleSheet


def spreadsheet_id(id_or_url: str) -> str:
    """The ID in a spreadsheet ID or its docs.google.com URL; surrounding spaces ignored.

    Raises :class:`ValueError` for anything else.
    """
    text = id_or_url.strip()
    url = _SHEET_URL.match(text)
    if url:
        return url.group(1)
    if _BARE_ID.match(text):
        return text
    raise ValueError(f"{id_or_url!r} is not a Google spreadsheet ID or URL")


def google_sheet(text: str | GoogleSheet) -> GoogleSheet:
    """A spreadsheet from its ID, ``gsheet:ID`` or URL; :class:`WorkbookNotFound` if none."""
    if isinstance(text, GoogleSheet):
        return text
    try:
        return GoogleSheet(spreadsheet_id(text.strip().removeprefix(GSHEET_PREFIX)))
    except ValueError:
        raise WorkbookNotFound(
            f"{text!r} is not a Google spreadsheet ID or URL.",
            "Use the ID from the address bar: docs.google.com/spreadsheets/d/<ID>/edit.",
        ) from None


def is_google(target: str | Path | Target) -> bool:
    """Whether ``target`` names a Google spreadsheet (``gsheet:…`` or a Sheets URL)."""
    if isinstance(target, GoogleSheet):
        return True
    return isinstance(target, str) and target.startswith((GSHEET_PREFIX, SHEETS_URL_PREFIX))


def parse_target(target: str | Path | Target) -> Target:
    """A path, ``gsheet:ID`` or a Sheets URL as a typed place; typed places pass through.

    A string that names Google but holds no valid ID raises
    :class:`~sheets_sync.errors.WorkbookNotFound`; any other string is a path.
    """
    if isinstance(target, LocalFile | GoogleSheet):
        return target
    if isinstance(target, str) and is_google(target):
        return google_sheet(target)
    return LocalFile(Path(target))
