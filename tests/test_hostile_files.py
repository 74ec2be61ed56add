"""Workbooks the sync must not write, or must write differently: each ends with one true
sentence and the right exit code, and a file that is refused is left byte for byte."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import click.testing
import pytest
from click.testing import CliRunner

from sheets_sync.backends.xlsx import workbook
from sheets_sync.cli import main

from .xlsx_workbooks import put_cell, read_cells, text_cell

LATER = "2027-03-20"  # a day on which the example roadmap's flags change


def sync(path: Path, *args: str) -> click.testing.Result:
    return CliRunner().invoke(main, ["sync", str(path), "--as-of", LATER, *args])


def one_line(result: click.testing.Result) -> str:
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.fixture
def book(example_template, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    return path


def test_a_copied_key_cell_stops_the_sync_before_any_write(book: Path) -> None:
    put_cell(book, "Initiatives", "Q1", text_cell("Q1", "initiatives.check"))
    for row in range(3, 11):
        put_cell(book, "Initiatives", f"Q{row}", text_cell(f"Q{row}", "OK last week"))
    before = book.read_bytes()
    result = sync(book)
    assert result.exit_code == 1
    assert one_line(result) == (
        f"sheets-sync: {book}: “Initiatives” has the column key initiatives.check in "
        "columns O and Q of row 1, so the sync cannot tell which column is its own; "
        "nothing was written. Clear that key from row 1 of the copied column, then sync again."
    )
    assert book.read_bytes() == before


@pytest.fixture
def read_only_folder(book: Path) -> Iterator[Path]:
    folder = book.parent
    mode = stat.S_IMODE(folder.stat().st_mode)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(mode)


def test_a_read_only_workbook_is_refused(book: Path) -> None:
    book.chmod(0o444)
    before = book.read_bytes()
    result = sync(book)
    assert result.exit_code == 1
    assert one_line(result) == (
        f"sheets-sync: {book} is read-only, so the sync did not write it; nothing was "
        "changed. Make it writable (or sync a copy) and sync again; --dry-run shows what "
        "would change."
    )
    assert book.read_bytes() == before
    assert sync(book, "--dry-run").exit_code == 0  # reading it is fine


def test_a_workbook_in_a_read_only_folder_is_refused(book: Path, read_only_folder: Path) -> None:
    before = book.read_bytes()
    result = sync(book)
    assert result.exit_code == 1
    assert one_line(result) == (
        f"sheets-sync: The folder {read_only_folder} is read-only, so the new version of "
        "roadmap.xlsx cannot be saved beside it; nothing was changed. Make the folder "
        "writable (or sync a copy elsewhere) and sync again."
    )
    assert book.read_bytes() == before
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["roadmap.xlsx"]


def test_a_full_disk_leaves_the_workbook_as_it_was(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill_the_disk(path: Path, source: object, out: BinaryIO, *rest: object) -> None:
        out.write(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(workbook, "patch_xlsx", fill_the_disk)
    before = book.read_bytes()
    result = sync(book)
    assert result.exit_code == 1
    assert one_line(result) == (
        f"sheets-sync: The disk holding {book} is full, so its new version could not be "
        "saved; the workbook was left as it was. Free some space and sync again."
    )
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == ["roadmap.xlsx"]  # no temp left


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB file system (tmpfs), mounted for the test and unmounted after."""
    mount = shutil.which("mount")
    folder = tmp_path / "small"
    folder.mkdir()
    tried = subprocess.run(
        [mount or "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mount is None or tried.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root: the faked ENOSPC test stands in")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_really_full_disk_leaves_the_workbook_as_it_was(book: Path, small_disk: Path) -> None:
    """No fake: the new version is written on a file system with no room left for it."""
    target = small_disk / "roadmap.xlsx"
    shutil.copy(book, target)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(free - 4096, 0))  # room for a few blocks, not a workbook
    before = target.read_bytes()
    result = sync(target)
    assert result.exit_code == 1, result.output
    assert one_line(result) == (
        f"sheets-sync: The disk holding {target} is full, so its new version could not be "
        "saved; the workbook was left as it was. Free some space and sync again."
    )
    assert target.read_bytes() == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "roadmap.xlsx"]


def test_a_symlink_is_followed_and_kept(book: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "q1.xlsx"
    book.rename(target)
    link = tmp_path / "mine" / "roadmap.xlsx"
    link.parent.mkdir()
    link.symlink_to(target)
    before = target.read_bytes()

    result = sync(link)

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != before  # the file the link names was updated
    assert (shared / "q1.xlsx.bak1").read_bytes() == before  # its backup beside it
    assert sorted(p.name for p in link.parent.iterdir()) == ["roadmap.xlsx"]
    assert read_cells(link, {"Initiatives": [(3, 15)]}) == {("Initiatives", 3, 15): "OK"}
    assert sync(link).output.endswith("Wrote 0 cell(s).\n")


def test_a_workbook_open_elsewhere_is_busy(book: Path) -> None:
    (book.parent / ".~lock.roadmap.xlsx#").write_text("someone")
    before = book.read_bytes()
    result = sync(book)
    assert result.exit_code == 75
    assert book.read_bytes() == before


def test_a_title_row_typed_above_the_header_is_found(book: Path) -> None:
    from openpyxl import load_workbook

    edited = load_workbook(book)
    for title, text in (("Initiatives", "Q1 initiatives — marketing"), ("Overview", "Plan")):
        edited[title].insert_rows(1)
        edited[title]["A1"] = text
    edited.save(book)

    result = sync(book)

    assert result.exit_code == 0, result.output
    cells = read_cells(book, {"Initiatives": [(1, 1), (5, 1), (5, 12), (5, 15)]})
    assert list(cells.values()) == ["Q1 initiatives — marketing", "IN-002", "Overdue", "OK"]
    assert sync(book).output.endswith("Wrote 0 cell(s).\n")
