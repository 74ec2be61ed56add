"""The library API the CLI is a thin shell over: generate, sync, layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gspread

from .backend import Backend
from .compute import Overrides
from .errors import FileExists, SheetsSyncError
from .layout import Lang, load_layout
from .openpyxl_backend import OpenpyxlBackend
from .plan import Options, WorkbookPlan, build_plan
from .report import SyncReport
from .sync import sync
from .xlsx_render import render_xlsx

GOOGLE_PREFIXES = ("gsheet:", "https://docs.google.com/spreadsheets/")


def is_google(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(GOOGLE_PREFIXES)


def google_client(credentials: str | Path | None = None) -> gspread.Client:
    """A retrying gspread client from a key file, the environment, or ADC."""
    from .google import load_credentials, make_client

    auth = load_credentials(credentials)
    return make_client(auth.credentials, account=auth.account)


def open_backend(
    target: str | Path,
    *,
    credentials: str | Path | None = None,
    client: gspread.Client | None = None,
) -> Backend:
    """The backend for a local path (``roadmap.xlsx``) or ``gsheet:ID`` / a sheet's URL."""
    if is_google(target):
        from .google import GoogleSheetsBackend

        return GoogleSheetsBackend(str(target), client or google_client(credentials))
    path = Path(target)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SheetsSyncError(
            f"{path} is not an .xlsx file.", "Give the path of a roadmap workbook ending in .xlsx."
        )
    return OpenpyxlBackend(path)


def generate_xlsx(
    out: str | Path, options: Options, *, as_of: dt.date, force: bool = False
) -> WorkbookPlan:
    """Write a new roadmap workbook to ``out``; refuses to overwrite unless ``force``."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise SheetsSyncError(f"{path} does not end in .xlsx.", "Name the output FILE.xlsx.")
    if path.exists() and not force:
        raise FileExists(
            f"{path} already exists; nothing was written.",
            "Choose another --out, or add --force to replace it.",
        )
    if not path.parent.is_dir():
        raise SheetsSyncError(
            f"the folder {path.parent} does not exist.", "Create it first or choose another --out."
        )
    plan = build_plan(options, as_of)
    render_xlsx(plan, path)
    return plan


def generate_google(
    options: Options,
    *,
    as_of: dt.date,
    client: gspread.Client,
    title: str | None = None,
    spreadsheet: str | None = None,
    folder_id: str | None = None,
    share: Sequence[str] = (),
) -> tuple[str, WorkbookPlan]:
    """Create the roadmap as a Google spreadsheet (or add it to ``spreadsheet``)."""
    from .google.render import render_google

    plan = build_plan(options, as_of)
    name = title or f"Marketing roadmap {options.quarter.name} ({options.business.upper()})"
    new_id = render_google(
        plan, client, title=name, spreadsheet=spreadsheet, folder_id=folder_id, share=share
    )
    return new_id, plan


def sync_workbook(
    target: str | Path | Backend,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    credentials: str | Path | None = None,
    overrides: Overrides | None = None,
) -> SyncReport:
    """Sync one workbook: a path, ``gsheet:ID``, or a backend you built yourself."""
    backend = (
        open_backend(target, credentials=credentials) if isinstance(target, str | Path) else target
    )
    return sync(backend, as_of=as_of, dry_run=dry_run, overrides=overrides)


def layout_description(lang: Lang = "en") -> dict[str, Any]:
    """The layout as plain data: sheets, columns, keys, labels, types, roles, values."""
    layout = load_layout()

    def column(c: Any) -> dict[str, Any]:
        return {
            "key": c.key,
            "label": c.label.get(lang),
            "type": c.type,
            "required": c.required,
            "role": c.role,
            "key_cell": None,
            "allowed": (
                [layout.choice_label(c.choices, k, lang) for k in layout.choice_keys(c.choices)]
                if c.choices
                else None
            ),
            "allowed_keys": layout.choice_keys(c.choices) if c.choices else None,
            "ref": c.ref,
        }

    sheets = []
    for sheet in layout.sheets:
        columns = []
        for c in sheet.columns:
            entry = column(c)
            entry["key_cell"] = sheet.key_cell(c.key)
            columns.append(entry)
        item: dict[str, Any] = {
            "key": sheet.key,
            "kind": sheet.kind,
            "title": sheet.title.get(lang),
            "columns": columns,
        }
        if sheet.fields:
            item["fields"] = [column(f) for f in sheet.fields]
        sheets.append(item)
    return {
        "version": layout.version,
        "language": lang,
        "key_row": 1,
        "header_row": 2,
        "first_data_row": 3,
        "sheets": sheets,
    }
