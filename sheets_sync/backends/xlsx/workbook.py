"""The local .xlsx backend: the reader, the patcher and the atomic swap behind one protocol."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

from sheets_sync.backends.protocol import WriteResult
from sheets_sync.backends.xlsx.archive.copy import check_members
from sheets_sync.backends.xlsx.archive.source import FileSource, current_version, open_source
from sheets_sync.backends.xlsx.atomic import check_writable, replace_atomically
from sheets_sync.backends.xlsx.patch import PatchResult, group_writes, patch_xlsx
from sheets_sync.backends.xlsx.reader import cells_of, open_workbook, read_xlsx
from sheets_sync.backends.xlsx.safety import check_not_locked, open_package
from sheets_sync.core.cells import CellValue, CellWrite, ColumnChooser, Formula, WorkbookSnapshot
from sheets_sync.core.serials import to_serial
from sheets_sync.errors import WorkbookChanged, WorkbookCorrupt

T = TypeVar("T")


class XlsxBackend:
    """A workbook in a local .xlsx file.

    ``backups`` previous versions are kept next to it as ``name.xlsx.bak1`` (newest)
    to ``.bakN``; 0 keeps none. ``columns`` picks, from each sheet's first row, the
    columns worth reading below the header rows (see
    :func:`~sheets_sync.sync.locate.our_columns`); by default every column is read.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        backups: int = 1,
        *,
        columns: ColumnChooser | None = None,
    ) -> None:
        if backups < 0:
            raise ValueError("backups must be 0 or more")
        self.path = Path(path)
        self.backups = backups
        self.columns = columns
        # What the last read saw of the bytes it read: sheets whose cells are all plain.
        self._plain: tuple[str | None, frozenset[str]] = (None, frozenset())

    @property
    def target(self) -> Path:
        """The file a new version replaces: behind a symbolic link, the file it names,
        so the link stays and the file it points to is the one updated."""
        return Path(os.path.realpath(self.path))

    def read(self) -> WorkbookSnapshot:
        """Every worksheet's values; refuses a workbook that Excel or LibreOffice has open."""
        check_not_locked(self.path)
        plain: set[str] = set()
        snapshot = read_xlsx(self.path, self.columns, plain)
        self._plain = (snapshot.version, frozenset(plain))
        return snapshot

    def write(self, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]) -> WriteResult:
        """Patch ``writes`` into the file atomically; every cell is written, in one request."""
        if not writes:
            return WriteResult()
        check_not_locked(self.path)
        check_writable(self.target)
        source = open_workbook(self.path)  # read by the patch, closed before the check
        try:
            return WriteResult(written=self._write(source, snapshot, writes), requests=1)
        finally:
            source.close()

    def _write(
        self, source: FileSource, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]
    ) -> int:
        version = source.version
        if snapshot.version is not None and snapshot.version != version:
            raise WorkbookChanged(
                f"{self.path} changed on disk after it was read; nothing was written.",
                "The next sync will read it again and write then.",
            )
        seen = os.fstat(source.handle.fileno())  # the file whose bytes are patched
        plan = group_writes(writes)
        count = sum(map(len, plan.values()))

        built: list[PatchResult] = []

        seen_version, plain = self._plain
        if seen_version != version:
            plain = frozenset()

        def build(out: BinaryIO) -> None:
            built.append(patch_xlsx(self.path, source, out, writes, plain))
            source.close()

        def verify(tmp: Path) -> None:
            self._verify(tmp, built[0], plan)

        def unchanged() -> bool:
            now = os.stat(self.path)
            if (now.st_size, now.st_mtime_ns, now.st_ino) != (
                seen.st_size,
                seen.st_mtime_ns,
                seen.st_ino,
            ):
                return False
            return current_version(self.path) == version

        replace_atomically(self.target, build, verify, unchanged, self.backups)
        return count

    def _verify(self, tmp: Path, built: PatchResult, plan: dict[str, list[CellWrite]]) -> None:
        """The new file opens, holds every part as built, and written cells read back.

        Every member's CRC-32 and size must be those the patch produced, and every
        changed member is inflated in full, so the file holds exactly the bytes that
        were built. Values are decoded back with the reader's rules for a spread of
        up to :data:`READ_BACK` cells per sheet, first and last included: the encoder
        agrees with the reader on every value (tested), so reading all of them back
        would cost half the write and prove nothing more about this file.
        """
        sample = {sheet: spread(cells, READ_BACK) for sheet, cells in plan.items()}
        sheets = {entry for entry in built.changed_parts if "worksheets/" in entry}
        try:
            with open_source(tmp, versioned=False) as data:
                package = open_package(tmp, data.stream())
                check_members(package, data, built.members, set(built.changed_parts) - sheets)
                coords = {sheet: [(w.row, w.col) for w in cells] for sheet, cells in sample.items()}
                got = cells_of(tmp, package, data, coords)
        except (zipfile.BadZipFile, WorkbookCorrupt, OSError, ValueError) as exc:
            raise WorkbookCorrupt(
                f"The new version of {self.path} could not be read back ({exc}); "
                "the workbook was left as it was.",
                "Check the disk (space, errors) and sync again.",
            ) from None
        for sheet, cells in sample.items():
            for w in cells:
                row, col, value = w.row, w.col, w.value
                if not same_value(got[(sheet, row, col)], value):
                    raise WorkbookCorrupt(
                        f"The new version of {self.path} did not read back as written "
                        f"({sheet} row {row} column {col}: wrote {value!r}, "
                        f"read {got[(sheet, row, col)]!r}); the workbook was left as it was.",
                        "Please report this with a copy of the workbook.",
                    )


READ_BACK = 64


def spread(items: list[T], most: int) -> list[T]:
    """Up to ``most`` of ``items``, evenly spaced, the first and the last included."""
    if len(items) <= most:
        return items
    step = (len(items) - 1) / (most - 1)
    return [items[round(i * step)] for i in range(most)]


def same_value(read: CellValue, wrote: CellValue) -> bool:
    """Whether a value read back is the value written, under the reader's rules."""
    if wrote == "" or wrote is None:
        return read is None
    if isinstance(wrote, bool) or isinstance(read, bool):
        return type(read) is type(wrote) and read == wrote
    if isinstance(wrote, dt.datetime):
        if not isinstance(read, dt.date):
            return False
        if not isinstance(read, dt.datetime):
            read = dt.datetime.combine(read, dt.time())
        return abs(read - wrote.replace(tzinfo=None)) <= dt.timedelta(milliseconds=1)
    if isinstance(wrote, dt.date):
        return type(read) is dt.date and read == wrote
    if isinstance(wrote, Formula | str):
        return type(read) is type(wrote) and read == wrote
    if isinstance(read, dt.date):  # a number in a cell the user formatted as a date
        return any(abs(to_serial(read, epoch) - wrote) < 1e-8 for epoch in (False, True))
    # spreadsheets store doubles: an int beyond 2**53 comes back rounded
    return isinstance(read, int | float) and float(read) == float(wrote)
