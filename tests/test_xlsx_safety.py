"""What the xlsx backend refuses, with which error, and what it tells the user to do."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from sheets_sync.backends.xlsx import XlsxBackend, read_xlsx, reader
from sheets_sync.backends.xlsx.archive.members import member_blocks as archive_blocks
from sheets_sync.backends.xlsx.safety import PROLOG_PROBE
from sheets_sync.core.cells import CellWrite
from sheets_sync.errors import (
    WorkbookChanged,
    WorkbookCorrupt,
    WorkbookLocked,
    WorkbookNotFound,
)

from .xlsx_workbooks import rewrite_zip


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "roadmap.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Roadmap")
    ws.write_row(0, 0, ["Initiative", "Budget"])
    ws.write_row(1, 0, ["Webinars", 5000])
    wb.close()
    return path


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Bytes inflated per member while the test runs, by zipfile or the reader's inflater."""
    counts: dict[str, int] = {}
    zip_read = zipfile.ZipExtFile.read

    def read(self: zipfile.ZipExtFile, n: int | None = -1) -> bytes:
        data = zip_read(self, n)
        counts[self.name] = counts.get(self.name, 0) + len(data)
        return data

    blocks = archive_blocks

    def member_blocks(package: Any, source: Any, info: zipfile.ZipInfo) -> Iterator[bytes]:
        for block in blocks(package, source, info):
            counts[info.filename] = counts.get(info.filename, 0) + len(block)
            yield block

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    monkeypatch.setattr(reader, "member_blocks", member_blocks)
    return counts


def peak_allocated(work: Callable[[], object]) -> int:
    """The most memory Python held for ``work`` at any moment, in bytes."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkbookNotFound) as err:
        read_xlsx(tmp_path / "nope.xlsx")
    assert "does not exist" in str(err.value) and "sheets-sync generate" in err.value.todo


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("Initiative,Budget\nWebinars,5000\n")
    (tmp_path / "fake.xlsx.bak1").write_bytes(b"the previous version")
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(path)
    assert "not an .xlsx workbook" in err.value.what
    assert "save it again as Excel Workbook (.xlsx)" in err.value.todo
    assert "fake.xlsx.bak1" in err.value.todo


def test_a_backup_is_named_only_when_it_exists(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("Initiative,Budget\nWebinars,5000\n")
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(path)
    assert err.value.todo == (
        "Open it in Excel or LibreOffice and save it again as Excel Workbook (.xlsx)."
    )


def test_password_protected_or_xls(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(path)
    assert "password-protected" in err.value.what and "Remove the password" in err.value.todo


def test_zip_without_workbook(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(WorkbookCorrupt, match="not a spreadsheet"):
        read_xlsx(path)


def test_zip_bomb_is_refused_before_inflating(book: Path, inflated: dict[str, int]) -> None:
    # 64 MB of zeros packs to ~64 KB (ratio ~1000): refused from the headers alone.
    bomb = book.with_name("bomb.xlsx")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        with out.open("xl/media/zeros.bin", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(64):
                member.write(block)
    inflated.clear()
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(bomb)
    assert inflated == {}
    assert "zip bomb" in err.value.what and "xl/media/zeros.bin" in err.value.what
    assert "Otherwise delete it" in err.value.todo


def test_total_size_limit(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets_sync.backends.xlsx import safety

    monkeypatch.setattr(safety, "MAX_TOTAL_UNPACKED", 1000)
    with pytest.raises(WorkbookCorrupt, match="would unpack to"):
        read_xlsx(book)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


@pytest.mark.parametrize(
    "part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml"]
)
def test_entity_declarations_are_refused(book: Path, part: str, inflated: dict[str, int]) -> None:
    def poison(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        body = data.split(b"?>", 1)[1]
        return BILLION_LAUGHS + body.replace(b"Webinars", b"&lol9;")

    rewrite_zip(book, poison)
    inflated.clear()
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(book)
    # Refused on the first bytes of the XML parts, each read once up to the probe:
    # nothing is parsed, so nothing is expanded.
    with zipfile.ZipFile(book) as package:
        probes = {i.filename: min(i.file_size, PROLOG_PROBE) for i in package.infolist()}
    assert part in inflated
    assert inflated == {name: probes[name] for name in inflated}
    assert "DOCTYPE or entity declaration" in err.value.what and part in err.value.what
    assert "save it again" in err.value.todo


@pytest.mark.parametrize(
    ("lock", "app"),
    [
        ("~$roadmap.xlsx", "Excel"),
        ("~$admap.xlsx", "Excel"),  # Excel's owner file for long names drops two letters
        (".~lock.roadmap.xlsx#", "LibreOffice"),
    ],
)
def test_lock_files(book: Path, lock: str, app: str) -> None:
    backend = XlsxBackend(book)
    snapshot = backend.read()
    (book.parent / lock).write_bytes(b"owner")
    for action in (backend.read, lambda: backend.write(snapshot, [CellWrite("Roadmap", 2, 2, 1)])):
        with pytest.raises(WorkbookLocked) as err:
            action()
        assert f"is open in {app}" in err.value.what
        assert err.value.todo.startswith("Close it there and the next sync will write")
        assert lock in err.value.todo
    assert WorkbookLocked.exit_code == 75


def test_changed_on_disk_is_not_overwritten(book: Path) -> None:
    backend = XlsxBackend(book)
    snapshot = backend.read()
    wb = xlsxwriter.Workbook(str(book))  # someone saves the workbook meanwhile
    wb.add_worksheet("Roadmap").write_row(0, 0, ["Initiative", "Budget", "Mine"])
    wb.close()
    saved = book.read_bytes()
    with pytest.raises(WorkbookChanged) as err:
        backend.write(snapshot, [CellWrite("Roadmap", 2, 2, 1)])
    assert "changed on disk" in err.value.what and "next sync" in err.value.todo
    assert book.read_bytes() == saved
    assert not list(book.parent.glob("*.bak*"))


def test_change_during_write_is_detected(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that lands between our read-back check and the swap is not overwritten."""
    from sheets_sync.backends.xlsx import workbook as backend_module

    backend = XlsxBackend(book)
    snapshot = backend.read()
    real = backend_module.cells_of

    def read_cells_then_user_saves(*args, **kwargs):  # type: ignore[no-untyped-def]
        got = real(*args, **kwargs)
        book.write_bytes(book.read_bytes() + b"")  # same bytes, new mtime
        import os

        os.utime(book, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
        return got

    monkeypatch.setattr(backend_module, "cells_of", read_cells_then_user_saves)
    with pytest.raises(WorkbookChanged):
        backend.write(snapshot, [CellWrite("Roadmap", 2, 2, 1)])
    assert read_xlsx(book).sheet("Roadmap").cell(2, 2) == 5000  # type: ignore[union-attr]
    assert not list(book.parent.glob(".*.tmp"))


def test_styled_empty_cell_at_the_last_row_costs_nothing(book: Path) -> None:
    """A <dimension> of A1:XFD1048576 and a styled cell at row 1,048,576 cost nothing."""

    def stretch(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        data = data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
        return data.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
        )

    rewrite_zip(book, stretch)
    snapshots = []
    # a row of a million empty rows alone would take tens of megabytes
    assert peak_allocated(lambda: snapshots.append(read_xlsx(book))) < 2 << 20
    assert snapshots[0].sheets[0].rows == [["Initiative", "Budget"], ["Webinars", 5000]]
    # and writing next to it stays cheap too
    backend = XlsxBackend(book)
    write = [CellWrite("Roadmap", 3, 1, "Events")]
    assert peak_allocated(lambda: backend.write(backend.read(), write)) < 2 << 20
    assert read_xlsx(book).sheets[0].rows[2] == ["Events"]
