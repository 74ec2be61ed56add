"""The library API the CLI is a thin shell over: generate, sync, layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .backend import Backend
from .errors import FileExists, SheetsSyncError
from .layout import Lang, load_layout
from .openpyxl_backend import OpenpyxlBackend
from .plan import Options, WorkbookPlan, build_plan
from .report import SyncReport
from .sync import sync
from .xlsx_render import render_xlsx


def open_backend(target: str | Path) -> Backend:
    """The backend for a local path (``roadmap.xlsx``)."""
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


def sync_workbook(
    target: str | Path | Backend, *, as_of: dt.date, dry_run: bool = False
) -> SyncReport:
    """Sync one workbook: a path, or a backend you built yourself."""
    backend = open_backend(target) if isinstance(target, str | Path) else target
    return sync(backend, as_of=as_of, dry_run=dry_run)


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
