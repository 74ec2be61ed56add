"""A local .xlsx read and written with openpyxl's full load and save.

Correct but slow, and a load+save drops parts openpyxl does not model
(sparklines, x14 validations, text boxes, cached values). It stays as the simple
reference implementation of :class:`~sheets_sync.backend.Backend` that the
lossless backend is measured and checked against.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .cells import CellValue, CellWrite, Formula, SheetGrid, WorkbookSnapshot
from .errors import WorkbookChanged, WorkbookCorrupt, WorkbookNotFound


def file_version(path: Path) -> str:
    """Size, mtime and content hash: changes whenever the file does."""
    stat = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{stat.st_size}:{stat.st_mtime_ns}:{digest}"


def _value(cell: object) -> CellValue:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" and isinstance(value, str):
        return Formula(value)
    if isinstance(value, dt.datetime | dt.date | str | int | float | bool) or value is None:
        return value
    return str(value)


class OpenpyxlBackend:
    """Backend over openpyxl: the whole workbook is loaded and saved."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def _load(self) -> Workbook:
        if not self.path.exists():
            raise WorkbookNotFound(
                f"{self.path} does not exist.",
                "Check the path, or create it with `sheets-sync generate`.",
            )
        try:
            return load_workbook(self.path)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            raise WorkbookCorrupt(
                f"{self.path} is not a readable .xlsx workbook ({exc}).",
                "Open it in Excel or LibreOffice and save it as .xlsx.",
            ) from exc

    def read(self) -> WorkbookSnapshot:
        book = self._load()
        sheets = []
        for ws in book.worksheets:
            rows = []
            for line in ws.iter_rows():
                values = [_value(c) for c in line]
                while values and values[-1] is None:
                    values.pop()
                rows.append(values)
            while rows and not rows[-1]:
                rows.pop()
            sheets.append(SheetGrid(ws.title, rows))
        return WorkbookSnapshot(str(self.path), sheets, file_version(self.path))

    def write(self, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]) -> int:
        if not writes:
            return 0
        if file_version(self.path) != snapshot.version:
            raise WorkbookChanged(
                f"{self.path} changed since it was read; nothing was written.",
                "Run the sync again.",
            )
        book = self._load()
        for write in writes:
            value = write.value
            book[write.sheet].cell(write.row, write.col).value = (
                value.text if isinstance(value, Formula) else value
            )
        handle, temp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        os.close(handle)
        try:
            book.save(temp)
            os.replace(temp, self.path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
        return len(writes)
