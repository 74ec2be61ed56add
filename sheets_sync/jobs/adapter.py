"""The real sync behind the watcher: the library's sync of one configured workbook."""

from __future__ import annotations

import datetime as dt

from sheets_sync.api import google_client, sync_workbook
from sheets_sync.backends.target import GoogleSheet
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.jobs.contract import RunOutcome
from sheets_sync.sync.compute import Overrides


def sync_configured(workbook: WorkbookConfig, as_of: dt.date, /) -> RunOutcome:
    """Sync ``workbook`` with its configured thresholds; errors propagate to the watcher."""
    report = sync_workbook(
        workbook.location,
        as_of=as_of,
        credentials=workbook.credentials,
        overrides=Overrides(
            scope_threshold=workbook.scope_threshold,
            due_soon_days=workbook.due_soon_days,
            language=workbook.language,
        ),
    )
    return RunOutcome(
        report.rows_read,
        report.rows_invalid,
        report.cells_written,
        changes=tuple(report.cell_changes),
    )


def drive_version(workbook: WorkbookConfig) -> str | None:
    """The spreadsheet's Drive version, for skipping unchanged ones cheaply (None: unknown)."""
    from sheets_sync.backends.google.drive import file_version

    sheet = workbook.location
    assert isinstance(sheet, GoogleSheet), "only a Google spreadsheet has a Drive version"
    return file_version(google_client(workbook.credentials), sheet)
