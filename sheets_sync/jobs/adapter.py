"""The real sync behind the watcher: the library's sync of one configured workbook.

A Google workbook's client draws from the shared quota when ``[quota]`` is set;
one quota per account is kept for the life of the process.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.api import (
    google_client,
    open_backend,
    review_workbook,
    sync_workbook,
    write_review,
)
from sheets_sync.backends.protocol import Backend
from sheets_sync.backends.target import GoogleSheet, Target
from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs.config import FolderSource, WorkbookConfig
from sheets_sync.jobs.contract import RunOutcome
from sheets_sync.jobs.metrics import measured_for
from sheets_sync.sync.compute import Overrides

if TYPE_CHECKING:
    import gspread

    from sheets_sync.backends.google.quota import SharedQuota
    from sheets_sync.jobs.folders import DriveFile
    from sheets_sync.review.model import Kind

_QUOTAS: dict[tuple[str, str], SharedQuota] = {}


def sync_configured(workbook: WorkbookConfig, as_of: dt.date, /) -> RunOutcome:
    """Sync ``workbook`` with its configured thresholds; errors propagate to the watcher.

    Its goals get the config's metrics; a metric that fails marks its goals only. A
    Google spreadsheet under a shared quota is read and written through a client
    that takes a token per request.
    """
    report = sync_workbook(
        _backend(workbook),
        as_of=as_of,
        credentials=workbook.credentials,
        overrides=Overrides(
            scope_threshold=workbook.scope_threshold,
            due_soon_days=workbook.due_soon_days,
            stale_after_days=workbook.stale_after_days,
            language=workbook.language,
        ),
        measured=measured_for(workbook, as_of),
    )
    return RunOutcome(
        report.rows_read,
        report.rows_invalid,
        report.cells_written,
        changes=tuple(report.cell_changes),
        quarter=report.period,
    )


def write_configured_review(
    workbook: WorkbookConfig, as_of: dt.date, kind: Kind, out: Path, /
) -> Path:
    """Write ``workbook``'s ``kind`` review as of ``as_of`` to ``out``, its folder made if
    missing; errors propagate to the watcher, which notes them."""
    review = review_workbook(
        _backend(workbook), as_of=as_of, kind=kind, credentials=workbook.credentials
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SheetsSyncError(
            f"the folder {out.parent} for review reports could not be made: "
            f"{error.strerror or error}.",
            "Check report.dir in the config, and that the watcher may write there.",
        ) from error
    return write_review(review, out)


def _backend(workbook: WorkbookConfig) -> Backend | Target:
    """The workbook's place, or a backend whose client draws from the shared quota."""
    place = workbook.location
    if workbook.quota is not None and isinstance(place, GoogleSheet):
        return open_backend(place, client=client_for(workbook))
    return place


def drive_version(workbook: WorkbookConfig) -> str | None:
    """The spreadsheet's Drive version, for skipping unchanged ones cheaply (None: unknown)."""
    from sheets_sync.backends.google.drive import file_version

    sheet = workbook.location
    assert isinstance(sheet, GoogleSheet), "only a Google spreadsheet has a Drive version"
    return file_version(client_for(workbook), sheet)


def list_folder(source: FolderSource) -> list[DriveFile]:
    """The spreadsheets of a ``drive_folder`` entry, listed with its account and quota."""
    from sheets_sync.backends.google.drive import folder_spreadsheets
    from sheets_sync.jobs.folders import DriveFile

    assert source.drive_folder is not None, "only a drive_folder entry lists Drive"
    client = client_for(source.template)
    return [DriveFile(id, name) for id, name in folder_spreadsheets(client, source.drive_folder)]


def client_for(workbook: WorkbookConfig) -> gspread.Client:
    """A client for the workbook's account, drawing from its shared quota if any."""
    if workbook.quota is None:
        return google_client(workbook.credentials)
    from sheets_sync.backends.google import load_credentials, make_client
    from sheets_sync.jobs.quota import open_quota

    auth = load_credentials(workbook.credentials)
    key = (auth.account, workbook.quota.model_dump_json())
    if key not in _QUOTAS:
        _QUOTAS[key] = open_quota(workbook.quota, auth.account)
    return make_client(auth.credentials, account=auth.account, quota=_QUOTAS[key])
