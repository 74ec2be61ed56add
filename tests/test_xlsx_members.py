"""Members inflated straight from the archive bytes agree with zipfile, and refuse damage."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from sheets_sync.backends.protocol import WriteResult
from sheets_sync.backends.xlsx import read_xlsx
from sheets_sync.backends.xlsx.archive.members import member_blocks
from sheets_sync.backends.xlsx.sheetxml import cut_rows
from sheets_sync.errors import WorkbookCorrupt

ROW_END = b"</row>"


def archive(method: int, content: bytes, *, name: str = "part.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as z:
        z.writestr(name, content)
    return out.getvalue()


def sheet_xml(rows: int) -> bytes:
    rng = random.Random(rows)
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>%s</t></is></c></row>'
        % (n, n, rng.randrange(10**9), n, bytes(rng.choices(b"abcdefgh ", k=rng.randrange(80))))
        for n in range(1, rows + 1)
    )
    return b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>"


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("block", [7, 4096, 1 << 16])
def test_blocks_are_the_member(method: int, block: int) -> None:
    content = sheet_xml(3000)
    data = archive(method, content)
    package = zipfile.ZipFile(io.BytesIO(data))
    blocks = list(member_blocks(package, data, package.getinfo("part.xml"), block))
    assert b"".join(blocks) == content == package.read("part.xml")
    assert all(0 < len(b) <= block for b in blocks)


def test_without_the_bytes_zipfile_reads_it() -> None:
    content = sheet_xml(50)
    data = archive(zipfile.ZIP_DEFLATED, content)
    package = zipfile.ZipFile(io.BytesIO(data))
    assert b"".join(member_blocks(package, None, package.getinfo("part.xml"))) == content


def test_damaged_data_is_refused() -> None:
    content = sheet_xml(3000)
    data = bytearray(archive(zipfile.ZIP_DEFLATED, content))
    package = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = package.getinfo("part.xml")
    data[info.header_offset + 30 + len("part.xml") + info.compress_size // 2] ^= 0x55
    with pytest.raises(zipfile.BadZipFile):
        for _ in member_blocks(package, bytes(data), info):
            pass


def test_a_wrong_crc_is_refused() -> None:
    data = archive(zipfile.ZIP_DEFLATED, sheet_xml(100))
    package = zipfile.ZipFile(io.BytesIO(data))
    info = package.getinfo("part.xml")
    info.CRC ^= 1
    with pytest.raises(zipfile.BadZipFile, match="CRC"):
        for _ in member_blocks(package, data, info):
            pass


def test_truncated_data_is_refused() -> None:
    data = archive(zipfile.ZIP_DEFLATED, sheet_xml(3000))
    package = zipfile.ZipFile(io.BytesIO(data))
    info = package.getinfo("part.xml")
    info.compress_size //= 2  # the stream ends before its final block
    with pytest.raises(zipfile.BadZipFile):
        for _ in member_blocks(package, data, info):
            pass


@pytest.mark.parametrize("block", [5, 64, 1000])
def test_pieces_end_on_rows_and_keep_every_byte(block: int) -> None:
    content = sheet_xml(400)
    blocks = [content[i : i + block] for i in range(0, len(content), block)]
    pieces = list(cut_rows(blocks, ROW_END))
    assert b"".join(pieces) == content
    assert all(piece.endswith(ROW_END) for piece in pieces[:-1])


def test_a_sheet_that_cannot_be_inflated_is_a_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Roadmap")
    for row in range(2000):
        ws.write_row(row, 0, [f"Initiative {row}", row * 10, "On track"])
    wb.close()
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookCorrupt) as err:
        read_xlsx(path)
    assert "cannot be read" in str(err.value) or "damaged" in str(err.value)


def two_sheets(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    for title in ("Plain", "Bare"):
        ws = wb.add_worksheet(title)
        for row in range(300):
            ws.write_row(row, 0, [f"{title} {row}", row, "On track"])
    wb.close()
    return path


def test_a_patch_skips_only_the_checks_the_read_made(tmp_path: Path) -> None:
    """Cells without a reference are seen by the read, and the patch then checks that sheet."""
    from sheets_sync.backends.xlsx import XlsxBackend
    from sheets_sync.core.cells import CellWrite

    from .xlsx_workbooks import rewrite_zip

    path = two_sheets(tmp_path / "roadmap.xlsx")

    def drop_refs(name: str, data: bytes) -> bytes:  # row 100 of "Bare": cells without r
        if name != "xl/worksheets/sheet2.xml":
            return data
        return data.replace(b'<c r="B100"', b"<c").replace(b'<c r="C100"', b"<c")

    rewrite_zip(path, drop_refs)
    backend = XlsxBackend(path)
    snapshot = backend.read()
    assert backend._plain == (snapshot.version, frozenset({"xl/worksheets/sheet1.xml"}))
    writes = [CellWrite(title, row, 3, f"{title} flag {row}") for title in ("Plain", "Bare")
              for row in (2, 100, 250)]  # fmt: skip
    assert backend.write(snapshot, writes) == WriteResult(written=len(writes), requests=1)
    after = read_xlsx(path)
    for w in writes:
        assert after.sheet(w.sheet).cell(w.row, w.col) == w.value  # type: ignore[union-attr]
    assert after.sheet("Bare").cell(100, 2) == 99  # type: ignore[union-attr]
    assert after.sheet("Plain").cell(100, 2) == 99  # type: ignore[union-attr]


def test_an_open_workbook_keeps_reading_what_it_hashed(tmp_path: Path) -> None:
    """A save (new file renamed over the old) while the file is open changes nothing read."""
    import os

    from sheets_sync.backends.xlsx.archive.source import BytesSource, current_version, open_source

    old, new = sheet_xml(2000), sheet_xml(10)
    path, other = tmp_path / "book.xlsx", tmp_path / "saved.xlsx"
    path.write_bytes(archive(zipfile.ZIP_DEFLATED, old))
    other.write_bytes(archive(zipfile.ZIP_DEFLATED, new))
    with open_source(path) as source:
        version = source.version
        os.replace(other, path)  # what Excel and LibreOffice do on save
        package = zipfile.ZipFile(source.stream())
        info = package.getinfo("part.xml")
        assert b"".join(member_blocks(package, source, info, 4096)) == old
        assert current_version(path) != version
    data = path.read_bytes()
    in_memory = BytesSource(data)
    package = zipfile.ZipFile(in_memory.stream())
    assert b"".join(member_blocks(package, in_memory, package.getinfo("part.xml"))) == new
