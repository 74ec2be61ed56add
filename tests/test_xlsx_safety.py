"""What the xlsx backend refuses, with which error, and what it tells the user to do."""

from __future__ import annotations

import base64
import random
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from sheets_sync.backends.xlsx import XlsxBackend, read_xlsx, reader, sheetxml
from sheets_sync.backends.xlsx.archive.members import BLOCK, RATIO_MIN_SIZE
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


# --- limits checked while a part streams, whatever its headers claim -------------------


def hand_zip(path: Path, members: list[tuple[str, bytes, bytes, int, int]]) -> None:
    """A zip written byte by byte: (name, stored payload, method, CRC, size claimed).

    The headers say what the test wants them to say, true or not; zipfile's writer
    would always tell the truth.
    """
    out = bytearray()
    central = bytearray()
    for name, payload, method, crc, size in members:
        method_code = {b"deflate": 8, b"store": 0}[method]
        raw_name = name.encode()
        offset = len(out)
        fields = (20, 0, method_code, 0, 0x21, crc, len(payload), size, len(raw_name), 0)
        out += b"PK\x03\x04" + struct.pack("<5H3I2H", *fields) + raw_name + payload
        central += (
            b"PK\x01\x02"
            + struct.pack(
                "<6H3I5H2I",
                20,
                20,
                0,
                method_code,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw_name
        )
    end = struct.pack("<4H2IH", 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + b"PK\x05\x06" + end))


def deflated(chunks: Iterable[bytes]) -> bytes:
    engine = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return b"".join(engine.compress(chunk) for chunk in chunks) + engine.flush()


def with_sheet(book: Path, sheet: bytes, claimed: int, padding: bytes = b"") -> Path:
    """``book`` with its sheet's packed payload replaced (``padding`` appended to it)."""
    with zipfile.ZipFile(book) as src:
        members = [
            (i.filename, deflated([src.read(i)]), b"deflate", i.CRC, i.file_size)
            for i in src.infolist()
        ]
    out = book.with_name("hostile.xlsx")
    members = [
        (name, sheet + padding, b"deflate", zlib.crc32(b""), claimed)
        if name == "xl/worksheets/sheet1.xml"
        else (name, payload, method, crc, size)
        for name, payload, method, crc, size in members
    ]
    hand_zip(out, members)
    return out


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)


def spaces(megabytes: int) -> Iterator[bytes]:
    yield SHEET_HEAD
    for _ in range(megabytes):
        yield b" " * (1 << 20)


def test_a_part_whose_headers_lie_is_refused_one_block_past_its_claim(
    book: Path, inflated: dict[str, int]
) -> None:
    # 64 MB inflate from ~64 KB; the headers claim 1 MB (16x: nothing to see there)
    bomb = with_sheet(book, deflated(spaces(64)), claimed=1 << 20)
    inflated.clear()
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(bomb)
    assert err.value.what == (
        f"{bomb}: sheet 'Roadmap' cannot be read (part xl/worksheets/sheet1.xml unpacks to "
        "more than the 1,048,576 bytes its headers record, which looks like a zip bomb)."
    )
    assert inflated["xl/worksheets/sheet1.xml"] <= (1 << 20) + BLOCK


def test_a_part_packed_like_a_bomb_is_refused_while_it_inflates(
    book: Path, inflated: dict[str, int]
) -> None:
    # 64 MB from ~64 KB, padded to ~460 KB so the headers claim a ratio of ~140
    packed = deflated(spaces(64))
    bomb = with_sheet(book, packed, claimed=64 << 20, padding=bytes(400 << 10))
    inflated.clear()
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(bomb)
    assert err.value.what == (
        f"{bomb}: sheet 'Roadmap' cannot be read (part xl/worksheets/sheet1.xml unpacks "
        "more than 200x its packed size, which looks like a zip bomb)."
    )
    assert inflated["xl/worksheets/sheet1.xml"] <= RATIO_MIN_SIZE + BLOCK


def test_a_row_too_long_to_hold_is_refused_while_it_streams(
    book: Path, inflated: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheetxml, "MAX_ROW_BYTES", 1 << 20)
    noise = base64.b64encode(random.Random(13).randbytes(3 << 20))  # packs ~1.3x
    xml = SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + noise
    sheet = deflated([xml, b"</t></is></c></row></sheetData></worksheet>"])
    long_row = with_sheet(book, sheet, claimed=len(xml) + 44)
    inflated.clear()
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(long_row)
    assert err.value.what == (
        f"{long_row}: sheet 'Roadmap' cannot be read (a row runs past 1 MB of XML, more "
        "than any spreadsheet writes)."
    )
    assert inflated["xl/worksheets/sheet1.xml"] <= (1 << 20) + 2 * BLOCK


DOCTYPE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>'


@pytest.mark.parametrize(
    "encoded",
    [
        DOCTYPE.encode("utf-16-le"),  # no byte order mark
        DOCTYPE.encode("utf-16-be"),
        DOCTYPE.encode("utf-16"),
        DOCTYPE.encode("utf-32-le"),
        DOCTYPE.encode("utf-32-be"),
        b"\xef\xbb\xbf" + DOCTYPE.encode(),
        b'<?xml version="1.0" encoding="UTF-7"?>'
        + '<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>'.encode("utf-7"),
    ],
    ids=["utf16le", "utf16be", "utf16bom", "utf32le", "utf32be", "utf8bom", "utf7"],
)
def test_entity_declarations_are_refused_in_any_encoding(book: Path, encoded: bytes) -> None:
    rewrite_zip(book, lambda name, data: data, extra={"xl/custom.xml": encoded})
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(book)
    assert "part xl/custom.xml carries a DOCTYPE or entity declaration" in err.value.what


@pytest.mark.parametrize("name", ["xl/CUSTOM.XML", "xl/custom.Rels", "customXml/item1.bin"])
def test_entity_declarations_are_refused_whatever_the_part_is_called(book: Path, name: str) -> None:
    rewrite_zip(book, lambda n, data: data, extra={name: DOCTYPE.encode()})
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(book)
    assert f"part {name} carries a DOCTYPE or entity declaration" in err.value.what


def test_an_encoding_nothing_here_reads_is_refused(book: Path) -> None:
    part = b'<?xml version="1.0" encoding="x-made-up"?><workbook/>'
    rewrite_zip(book, lambda name, data: data, extra={"xl/custom.xml": part})
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(book)
    assert err.value.what == (
        f"{book} refuses to be read safely: part xl/custom.xml declares the encoding "
        "'x-made-up', which Excel never writes."
    )


@pytest.mark.parametrize("second", ["xl/worksheets/sheet1.xml", "XL/Worksheets/Sheet1.xml"])
def test_two_parts_of_one_name_are_a_corrupt_file(book: Path, second: str) -> None:
    with zipfile.ZipFile(book) as src:
        sheet = src.read("xl/worksheets/sheet1.xml")
    with pytest.warns(UserWarning, match="Duplicate name") if second.islower() else nullcontext():
        rewrite_zip(book, lambda name, data: data, extra={second: sheet.replace(b"5000", b"1")})
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(book)
    assert err.value.what == f"{book} is damaged: it holds two parts named {second}."
