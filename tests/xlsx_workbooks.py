"""Workbooks for the xlsx tests, built with XlsxWriter (an independent writer).

``rich_workbook`` holds everything a marketer's workbook may carry that the patcher
must leave alone: sparklines, x14 cross-sheet validations, 2010 data bars, a text
box, an image, a chart, rich text, comments, defined names, a table, dynamic-array
and ordinary formulas, frozen panes, a hidden sheet and protection.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import xlsxwriter

from sheets_sync.backends.xlsx.archive.source import open_source
from sheets_sync.backends.xlsx.reader import cells_of
from sheets_sync.backends.xlsx.safety import open_package
from sheets_sync.core.cells import CellValue

X14_VALIDATION_EXT = (
    '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>H2:H40</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext>"
)


def tiny_png() -> bytes:
    """A valid 2x2 red PNG, made by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def rich_workbook(path: Path, rows: int = 30) -> Path:
    """The fidelity workbook: sheet "Roadmap" (data, formulas, extras), "Lists", "Hidden"."""
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True, "bg_color": "#DDEEFF"})
    money = wb.add_format({"num_format": "#,##0.00"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Roadmap")
    lists = wb.add_worksheet("Lists")
    hidden = wb.add_worksheet("Hidden")
    hidden.hide()
    for i, item in enumerate(["carry on", "adjust", "scrap"]):
        lists.write_string(i, 0, item)
    hidden.write_string(0, 0, "secret")

    ws.write_row(0, 0, ["Initiative", "Budget", "Due", "Share", "Owner", "Trend", "Decision"], bold)
    for r in range(1, rows):
        ws.write_string(r, 0, f"Initiative {r}")
        ws.write_number(r, 1, 1000 * r + 0.5, money)
        ws.write_datetime(r, 2, dt.datetime(2025, 1, 1) + dt.timedelta(days=r), date)
        ws.write_formula(r, 3, f"=B{r + 1}/SUM($B$2:$B${rows})", None, round(1 / rows, 6))
        ws.write_string(r, 4, "Анна" if r % 2 else "张伟")
        ws.write_string(r, 6, "adjust")
    ws.add_sparkline(1, 5, {"range": "Roadmap!B2:D2"})
    ws.write_rich_string(rows + 1, 0, "plain ", bold, "bold", " tail")
    ws.write_comment(1, 0, "Check the scope with finance")
    ws.write_formula(rows + 1, 1, f"=SUM(B2:B{rows})", money, 12345.5)
    ws.write_dynamic_array_formula(rows + 2, 1, rows + 2, 1, "=_xlfn.UNIQUE(G2:G5)", None, "adjust")
    ws.conditional_format(1, 1, rows - 1, 1, {"type": "data_bar", "data_bar_2010": True})
    ws.data_validation(1, 6, rows, 6, {"validate": "list", "source": "=Lists!$A$1:$A$3"})
    ws.insert_textbox(2, 8, "Budget is reviewed monthly", {"width": 200, "height": 60})
    ws.insert_image(8, 8, "dot.png", {"image_data": io.BytesIO(tiny_png())})
    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {"values": f"=Roadmap!$B$2:$B${rows}", "categories": f"=Roadmap!$A$2:$A${rows}"}
    )
    ws.insert_chart(12, 8, chart)
    ws.add_table(rows + 5, 0, rows + 8, 2, {"columns": [{"header": h} for h in ("K", "V", "W")]})
    ws.freeze_panes(1, 1)
    ws.protect("", {"format_cells": True})
    wb.define_name("Budgets", f"=Roadmap!$B$2:$B${rows}")
    wb.define_name("Roadmap!LocalName", "=Roadmap!$A$1")
    wb.close()
    add_x14_validation(path, "xl/worksheets/sheet1.xml")
    return path


def add_x14_validation(path: Path, sheet: str) -> None:
    """Add an x14 cross-sheet list validation to the sheet's extLst, as Excel 2010 writes."""

    def edit(name: str, data: bytes) -> bytes:
        if name != sheet:
            return data
        text = data.decode()
        text = text.replace("</extLst>", X14_VALIDATION_EXT + "</extLst>", 1)
        return text.encode()

    rewrite_zip(path, edit)


def add_calc_chain(path: Path, cells: list[str]) -> None:
    """Make the workbook look saved by Excel: a calcChain part, no full recalculation."""
    chain = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f'<c r="{ref}" i="1"/>' for ref in cells)
        + "</calcChain>"
    ).encode()

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":  # Excel leaves full recalculation off
            return data.replace(b' fullCalcOnLoad="1"', b"")
        if name == "xl/_rels/workbook.xml.rels":
            rel = (
                '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/>'
            )
            return data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        if name == "[Content_Types].xml":
            override = (
                '<Override PartName="/xl/calcChain.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/>'
            )
            return data.replace(b"</Types>", override.encode() + b"</Types>")
        return data

    rewrite_zip(path, edit, extra={"xl/calcChain.xml": chain})


def rewrite_zip(path: Path, edit, extra: dict[str, bytes] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Rewrite ``path`` member by member through ``edit(name, data)``."""
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            out.writestr(info, edit(info.filename, data), zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            out.writestr(name, data)


def zip_parts(path: Path) -> dict[str, tuple[bytes, int, int, bytes]]:
    """Each member's content, compression method, CRC and raw compressed bytes."""
    out = {}
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            start = info.header_offset
            name_len, extra_len = struct.unpack_from("<HH", raw, start + 26)
            data_at = start + 30 + name_len + extra_len
            packed = raw[data_at : data_at + info.compress_size]
            out[info.filename] = (z.read(info), info.compress_type, info.CRC, packed)
    return out


ROW = re.compile(rb"<row\b[^>]*?\br=\"(\d+)\"[^>]*?(?:/>|>.*?</row>)", re.S)


def split_sheet(xml: bytes) -> tuple[bytes, dict[int, bytes], bytes]:
    """Sheet XML as (before the rows, rows by number, after the rows)."""
    rows = {int(m.group(1)): m.group(0) for m in ROW.finditer(xml)}
    start = xml.index(b"<sheetData")
    end = xml.index(b"</sheetData>") if b"</sheetData>" in xml else xml.index(b"/>", start) + 2
    return xml[:start], rows, xml[end:]


def read_cells(
    path: Path, wanted: Mapping[str, Iterable[tuple[int, int]]]
) -> dict[tuple[str, int, int], CellValue]:
    """A few cells' values, decoded as the write check decodes them (reader.cells_of)."""
    with open_source(path, versioned=False) as source:
        return cells_of(path, open_package(path, source.stream()), source, wanted)


def put_cell(path: Path, sheet: str, ref: str, cell_xml: str) -> None:
    """Replace (or add) the cell ``ref`` of ``sheet`` with ``cell_xml``, byte for byte.

    Lets a test hold what no writer library would write: escapes of lone surrogates,
    error values, formulas without a cached value, dates out of range.
    """
    from sheets_sync.backends.xlsx.package import map_package

    with open_source(path, versioned=False) as source:
        package = open_package(path, source.stream())
        entry = map_package(path, package).sheet_entry(sheet)
        assert entry is not None, sheet
        part = entry.part
    row = re.match(r"[A-Z]+(\d+)$", ref)
    assert row is not None, ref
    cell = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)

    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        if cell.search(data):
            return cell.sub(lambda _: cell_xml.encode(), data, count=1)
        # a cell right of the row's last one: put it at the row's end
        whole_row = re.compile(
            rb'(<row r="' + row.group(1).encode() + rb'"[^>]*>.*?)(</row>)', re.S
        )
        if whole_row.search(data):
            return whole_row.sub(lambda m: m.group(1) + cell_xml.encode() + m.group(2), data, 1)
        return data.replace(
            b"</sheetData>",
            b'<row r="' + row.group(1).encode() + b'">' + cell_xml.encode() + b"</row></sheetData>",
        )

    rewrite_zip(path, edit)


def text_cell(ref: str, text: str) -> str:
    """An inline-string cell holding ``text`` as written (escapes and all)."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
