"""Workbooks found in a folder: a ``glob`` of local .xlsx files or a Google Drive folder.

A config entry with ``glob`` or ``drive_folder`` stands for every roadmap in that
place, found again on each pass, so a roadmap dropped into the folder is synced
on the next round and one taken out leaves the round (and the status file).

Each workbook found inherits the entry's options and is named ``PREFIX/STEM``:
the entry's name (else the glob's folder, else the folder ID), then the file's
path below the glob's folder without ``.xlsx``, or the spreadsheet's title.
Names stay the same from round to round, so status, history, shard and offset
do too (the last two hash a Google spreadsheet's ID, never its name). When two
workbooks would share a name, each found one among them gets `` [KEY]`` appended:
its spreadsheet ID, or its path relative to the config file; a workbook listed
by itself keeps its name. A workbook listed by itself and found in a folder too
is synced once, as listed.

A Drive folder that cannot be listed (no access, Google unavailable) keeps the
workbooks of its last listing for the round, with an error in the log: a hiccup
never empties the round.
"""

from __future__ import annotations

import datetime as dt
import glob as globbing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs.config import FolderSource, WatchConfig, WorkbookConfig, account_for
from sheets_sync.jobs.fields import glob_root
from sheets_sync.jobs.logs import log
from sheets_sync.jobs.spread import identity


@dataclass(frozen=True)
class DriveFile:
    """One spreadsheet of a Drive folder, as files.list returns it."""

    id: str
    name: str


DriveLister = Callable[[FolderSource], list[DriveFile]]
"""Lists a Drive folder's spreadsheets (raises :class:`SheetsSyncError` if it cannot)."""

_SKIPPED = ("~$", ".~lock")  # the owner files Excel and LibreOffice keep beside an open one


def local_files(source: FolderSource) -> list[Path]:
    """The .xlsx files the glob matches now, sorted; lock files and folders left out."""
    assert source.glob is not None and source.base is not None
    pattern = str(Path(source.glob).expanduser())
    # root_dir, not base joined into the pattern: a [ or * in the config's own path
    # must not be taken for a wildcard.
    matches = globbing.glob(pattern, root_dir=source.base, recursive=True)
    found = (source.base / match for match in matches)
    return sorted(p for p in found if p.is_file() and not p.name.startswith(_SKIPPED))


def local_workbooks(source: FolderSource) -> list[tuple[WorkbookConfig, str]]:
    """``(workbook, key)`` per file: named PREFIX/relative path without .xlsx."""
    assert source.glob is not None and source.base is not None
    root = source.base / Path(glob_root(source.glob)).expanduser()
    out = []
    for path in local_files(source):
        stem = path.relative_to(root).with_suffix("").as_posix()
        workbook = source.template.model_copy(
            update={"name": f"{source.name}/{stem}", "path": path.resolve()}
        )
        out.append((workbook, path.relative_to(root).as_posix()))
    return out


def drive_workbooks(
    source: FolderSource, files: Iterable[DriveFile]
) -> list[tuple[WorkbookConfig, str]]:
    """``(workbook, key)`` per spreadsheet: named PREFIX/title, or PREFIX/title [ID]
    when the folder holds several spreadsheets of that title."""
    files = sorted(files, key=lambda f: (f.name, f.id))
    titles = [f.name for f in files]
    out = []
    for file in files:
        title = file.name if titles.count(file.name) == 1 else f"{file.name} [{file.id}]"
        credentials = source.template.credentials
        if source.accounts:
            credentials = account_for(list(source.accounts), f"gsheet:{file.id}")
        workbook = source.template.model_copy(
            update={
                "name": f"{source.name}/{title}",
                "spreadsheet": file.id,
                "credentials": credentials,
            }
        )
        out.append((workbook, file.id))
    return out


class FolderExpander:
    """The config's workbooks with its folders expanded; Drive listings kept ``max_age``."""

    def __init__(
        self,
        config: WatchConfig,
        list_drive: DriveLister | None,
        max_age: dt.timedelta = dt.timedelta(minutes=15),
    ) -> None:
        self.config = config
        self.list_drive = list_drive
        self.max_age = max_age
        self._listed: dict[int, tuple[dt.datetime, list[DriveFile]]] = {}
        self.unlisted: set[str] = set()  # folders never listed yet: their workbooks unknown

    def found_in_folder(self, name: str) -> bool:
        """Whether ``name`` is a workbook found in a folder (``PREFIX/...``) that has been
        listed, so that its absence means it is gone."""
        return any(
            name.startswith(f"{source.name}/") and source.name not in self.unlisted
            for source in self.config.folders
        )

    def workbooks(self, now: dt.datetime) -> list[WorkbookConfig]:
        """Listed workbooks first, then each folder's, in config order; shard applied."""
        taken = {wb.target for wb in self.config.workbooks}
        names = {wb.name for wb in self.config.workbooks}
        out = list(self.config.workbooks)
        for index, source in enumerate(self.config.folders):
            for workbook, key in self._found(index, source, now):
                if workbook.target in taken:
                    continue
                if workbook.name in names:
                    workbook = workbook.model_copy(update={"name": f"{workbook.name} [{key}]"})
                if workbook.name in names:
                    continue  # the same file twice under one name: once is enough
                taken.add(workbook.target)
                names.add(workbook.name)
                out.append(workbook)
        shard = self.config.shard
        listed = {wb.name for wb in self.config.workbooks}  # already sharded at load
        return [wb for wb in out if wb.name in listed or shard is None or shard.holds(identity(wb))]

    def _found(
        self, index: int, source: FolderSource, now: dt.datetime
    ) -> list[tuple[WorkbookConfig, str]]:
        if source.glob is not None:
            return local_workbooks(source)
        return drive_workbooks(source, self._drive_files(index, source, now))

    def _drive_files(self, index: int, source: FolderSource, now: dt.datetime) -> list[DriveFile]:
        cached = self._listed.get(index)
        if cached is not None and now - cached[0] < self.max_age:
            return cached[1]
        try:
            if self.list_drive is None:
                raise SheetsSyncError("no Google client to list Drive folders with")
            files = self.list_drive(source)
        except Exception as exc:  # one folder's trouble must not stop the round
            kept = [] if cached is None else cached[1]
            if cached is None:
                self.unlisted.add(source.name)
            log.error(
                "cannot list %s (%s): %s; keeping its last %d workbook(s) this round",
                source.describe(),
                source.name,
                exc,
                len(kept),
                extra={"fields": {"event": "folder_error", "folder": source.name}},
                exc_info=not isinstance(exc, SheetsSyncError),  # a bug: keep its traceback
            )
            return kept
        self._listed[index] = (now, files)
        self.unlisted.discard(source.name)
        return files
