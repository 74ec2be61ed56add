"""The reader's contract: plain values, formulas as Formula, dates as dates, tab order."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.backends.xlsx import read_xlsx
from sheets_sync.backends.xlsx.ooxml import is_date_format
from sheets_sync.backends.xlsx.sheetxml import patterns
from sheets_sync.core.cells import Formula

from .xlsx_workbooks import read_cells, rewrite_zip


def build(path: Path, options: dict[str, object] | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path), options or {})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("Values")
    ws.write_number(0, 0, 5)
    ws.write_number(0, 1, 5.25)
    ws.write_boolean(0, 2, True)
    ws.write_string(0, 3, "=not a formula")
    ws.write_string(0, 4, "Анна 张伟")
    ws.write_formula(1, 0, "=A1*2", None, 10)
    ws.write_formula(1, 1, '=IF(A1>1,"big","small")', None, "big")
    ws.write_rich_string(2, 0, "plain ", bold, "bold", " tail")
    ws.write_number(3, 5, 1)  # a lone cell far right: earlier cells None
    ws.write_blank(4, 0, None, bold)  # styled but empty: not a value
    dates = wb.add_worksheet("Dates")
    for col, fmt in enumerate(
        [14, 15, 16, 17, 22, "dd.mm.yyyy", 'yyyy"年"m"月"d"日"', "[$-F800]dddd"]
    ):
        dates.write_number(0, col, 45000, wb.add_format({"num_format": fmt}))
    dates.write_number(1, 0, 45000.5, wb.add_format({"num_format": 22}))
    dates.write_number(1, 1, 0.25, wb.add_format({"num_format": 20}))  # h:mm
    dates.write_number(1, 2, 1.5, wb.add_format({"num_format": 46}))  # [h]:mm:ss
    dates.write_number(1, 3, 45000, wb.add_format({"num_format": "0.00%"}))  # not a date
    dates.write_number(1, 4, 45000, wb.add_format({"num_format": '"d" 0'}))  # quoted d
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=Last!$A$1:$A$3"})
    wb.add_chartsheet("Chart").set_chart(chart)
    wb.add_worksheet("Last").write_column(0, 0, [1, 2, 3])
    ws.activate()
    wb.close()
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return build(tmp_path / "values.xlsx")


def test_values(workbook: Path) -> None:
    snapshot = read_xlsx(workbook)
    assert [g.title for g in snapshot.sheets] == ["Values", "Dates", "Last"]  # no chartsheet
    values = snapshot.sheets[0].rows
    assert values[0] == [5, 5.25, True, "=not a formula", "Анна 张伟"]
    assert type(values[0][0]) is int and type(values[0][2]) is bool
    assert values[1] == [Formula("=A1*2"), Formula('=IF(A1>1,"big","small")')]
    assert values[2] == ["plain bold tail"]
    assert values[3] == [None, None, None, None, None, 1]
    assert len(values) == 4  # the styled empty row 5 is not data


def test_dates(workbook: Path) -> None:
    rows = read_xlsx(workbook).sheets[1].rows
    day = dt.date(2023, 3, 15)
    assert rows[0] == [day] * 8
    assert rows[1] == [
        dt.datetime(2023, 3, 15, 12, 0),
        dt.datetime(1899, 12, 31, 6, 0),  # a time of day is on Excel's day 0
        dt.datetime(1900, 1, 1, 12, 0),  # a duration counts from there too
        45000,
        45000,
    ]


def test_inline_strings(workbook: Path) -> None:
    inline = (
        b'<c r="D1" t="inlineStr"><is><t>=inline</t></is></c>'
        b'<c r="E1" t="inlineStr"><is><r><t>\xd0\x90\xd0\xbd</t></r>'
        b'<r><rPr><b/></rPr><t xml:space="preserve">\xd0\xbd\xd0\xb0 </t></r>'
        b'<rPh sb="0" eb="1"><t>\xe3\x83\x95\xe3\x83\xaa</t></rPh></is></c>'
        b'<c r="F1" t="inlineStr"><is><t>a_x000D_b &amp; _x005F_x0041_</t></is></c>'
    )

    def inline_cells(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return re.sub(rb'<c r="D1".*?</c><c r="E1".*?</c>', inline, data)

    rewrite_zip(workbook, inline_cells)
    row = read_xlsx(workbook).sheets[0].rows[0]
    assert row[3:] == ["=inline", "Анна ", "a\rb & _x0041_"]
    got = read_cells(workbook, {"Values": [(1, 4), (1, 5), (1, 6)]})
    assert list(got.values()) == row[3:]


def test_sheet_order_follows_workbook_xml(workbook: Path) -> None:
    def swap(name: str, data: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return data
        sheets = re.findall(rb"<sheet [^>]*/>", data)
        return (
            data.replace(sheets[0], b"@@").replace(sheets[1], sheets[0]).replace(b"@@", sheets[1])
        )

    rewrite_zip(workbook, swap)
    assert [g.title for g in read_xlsx(workbook).sheets] == ["Dates", "Values", "Last"]


def test_version_tracks_content(workbook: Path) -> None:
    first = read_xlsx(workbook).version
    assert first == read_xlsx(workbook).version
    data = workbook.read_bytes()
    workbook.write_bytes(data)
    assert read_xlsx(workbook).version != first  # same bytes, new mtime: a new version
    size, _, digest = read_xlsx(workbook).version.split(":")  # type: ignore[union-attr]
    assert int(size) == len(data) and len(digest) == 64


def test_read_cells_agrees(workbook: Path) -> None:
    got = read_cells(workbook, {"Values": [(1, 1), (1, 4), (2, 1), (3, 1), (9, 9)]})
    assert got == {
        ("Values", 1, 1): 5,
        ("Values", 1, 4): "=not a formula",
        ("Values", 2, 1): Formula("=A1*2"),
        ("Values", 3, 1): "plain bold tail",
        ("Values", 9, 9): None,
    }


def test_date1904(tmp_path: Path) -> None:
    path = tmp_path / "mac.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = wb.add_worksheet("S")
    ws.write_datetime(0, 0, dt.datetime(2024, 5, 1), wb.add_format({"num_format": 14}))
    wb.close()
    assert read_xlsx(path).sheets[0].rows == [[dt.date(2024, 5, 1)]]


@pytest.mark.parametrize(
    ("code", "is_date"),
    [
        ("yyyy-mm-dd", True),
        ("h:mm AM/PM", True),
        ("[h]:mm:ss", True),
        ("0.00%", False),
        ('"days" 0', False),
        ("[Red]#,##0", False),
        ("#,##0 \\d", False),
        ("General", False),
        ('yyyy"年"m"月"', True),
    ],
)
def test_date_format_codes(code: str, is_date: bool) -> None:
    assert is_date_format(code) is is_date


@pytest.mark.parametrize("noise", [b"", b"<si><t>a &amp; b_x000D_</t></si>"])
def test_shared_string_table(noise: bytes) -> None:
    from sheets_sync.backends.xlsx.reader import _parse_shared_strings

    table = (
        b'<sst xmlns="x" count="4"><si><t>plain</t></si><si><t xml:space="preserve"> pad </t></si>'
        b"<si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r><rPh><t>skip</t></rPh></si>"
        b"<si><t/></si>" + noise + b"</sst>"
    )
    expected = ["plain", " pad ", "rich", ""] + (["a & b\r"] if noise else [])
    assert _parse_shared_strings(table) == expected


def test_chosen_columns_only_below_the_header_rows(tmp_path: Path) -> None:
    """Keys in row 1 pick the columns; the header rows and unkeyed sheets stay whole."""
    path = tmp_path / "chosen.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ours = wb.add_worksheet("Ours")
    ours.write_row(0, 0, ["t.a", "mine", "t.b"])
    ours.write_row(1, 0, ["A", "Mine", "B"])
    for row in range(2, 6):
        ours.write_row(row, 0, [row, f"own {row}", f"b {row}"])
    ours.write_rich_string(6, 1, "rich ", wb.add_format({"bold": True}), "own")  # general path
    ours.write_string(6, 2, "kept")
    wb.add_worksheet("Theirs").write_row(0, 0, ["x", "y"])
    wb.close()

    def choose(key_row: list[object]) -> set[int] | None:
        found = {i for i, v in enumerate(key_row, start=1) if v in ("t.a", "t.b")}
        return found or None

    chosen = read_xlsx(path, choose)
    rows = chosen.sheets[0].rows
    assert rows[:2] == [["t.a", "mine", "t.b"], ["A", "Mine", "B"]]
    assert rows[2:6] == [[row, None, f"b {row}"] for row in range(2, 6)]
    assert rows[6] == [None, None, "kept"]
    assert chosen.sheets[1].rows == [["x", "y"]]
    assert read_xlsx(path).sheets[0].rows[2] == [2, "own 2", "b 2"]


def test_chosen_columns_past_the_first_piece_match_a_full_read(tmp_path: Path) -> None:
    """Big enough for the chosen-columns pattern to take over after the first piece."""
    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Ours")
    keys = ["t.a", "mine", "t.b", "other", "t.c"]
    ws.write_row(0, 0, keys)
    ws.write_row(1, 0, [k.upper() for k in keys])
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for row in range(2, 8000):
        ws.write_string(row, 0, f"item {row} " + "x" * (row % 40))
        ws.write_number(row, 1, row)
        ws.write_formula(row, 2, f"=B{row + 1}*2", None, row * 2)
        ws.write_string(row, 3, f"note {row}")
        ws.write_datetime(row, 4, dt.datetime(2027, 1, 1) + dt.timedelta(days=row % 90), day)
    ws.write_rich_string(7000, 0, "rich ", bold, "text")  # another shape, late in the sheet
    ws.write_rich_string(7001, 3, "rich ", bold, "own")
    wb.close()
    chosen = {1, 3, 5}
    full = read_xlsx(path).sheets[0].rows
    got = read_xlsx(path, lambda key_row: chosen).sheets[0].rows
    expected = full[:2] + [
        [v if i in chosen else None for i, v in enumerate(line, start=1)] for line in full[2:]
    ]
    for line in expected:
        while line and line[-1] is None:
            line.pop()
    assert got == expected
    assert got[7000][0] == "rich text" and got[7001] == [
        f"item 7001 {'x' * (7001 % 40)}",
        None,
        Formula("=B7002*2"),
        None,
        dt.date(2027, 1, 1) + dt.timedelta(days=7001 % 90),
    ]


def test_a_libreoffice_saved_workbook_reads_as_its_cells_decode_one_by_one() -> None:
    """LibreOffice (like Excel) saves text as shared strings, which the whole-sheet read
    takes a short way for; every cell must still read as the write check decodes it."""
    from .reference.make_references import LIBREOFFICE_INPUT

    snapshot = read_xlsx(LIBREOFFICE_INPUT)
    wanted = {
        grid.title: [(r, c) for r in range(1, len(grid.rows) + 2) for c in range(1, 40)]
        for grid in snapshot.sheets
    }
    one_by_one = read_cells(LIBREOFFICE_INPUT, wanted)
    whole = {
        (grid.title, r, c): grid.cell(r, c)
        for grid in snapshot.sheets
        for r, c in wanted[grid.title]
    }
    with zipfile.ZipFile(LIBREOFFICE_INPUT) as package:
        assert b't="s"' in package.read("xl/worksheets/sheet2.xml")  # shared strings
    assert whole == one_by_one


# Pieces of sheet XML, well formed or not: the row and cell patterns must cut any of them
# as the plain lazy patterns they replace do (those step through a tag a character at a
# time; LibreOffice writes seven attributes on every row).
_XML_BITS = st.sampled_from(
    [b"<", b">", b"/", b"/>", b" ", b"\n", b'"', b"'", b"c", b"row", b"<c", b"</c>", b"<row",
     b"</row>", b' r="A1"', b' r="B12"', b' s="3"', b' t="s"', b"<v>7</v>", b"<f>A1</f>",
     b"x", b"<is><t>a</t></is>"]
)  # fmt: skip


@settings(max_examples=3000)
@given(st.lists(_XML_BITS, max_size=16).map(b"".join), st.sampled_from([b"", b"x:"]))
def test_the_row_and_cell_patterns_cut_as_the_lazy_ones_did(xml: bytes, prefix: bytes) -> None:
    pats = patterns(prefix)
    p = re.escape(prefix)
    lazy_row = re.compile(rb"<" + p + rb"row\b([^>]*?)(/?)>")
    lazy_cell = re.compile(
        rb"<" + p + rb'c\b(?:(?= r="([A-Z]{1,3})[0-9]))?([^>]*?)(?:/>|>(.*?)</' + p + rb"c>)",
        re.S,
    )
    xml = xml.replace(b"<c", b"<" + prefix + b"c").replace(b"row", prefix + b"row")
    for ours, lazy in ((pats.row_start, lazy_row), (pats.cell, lazy_cell)):
        for start in range(len(xml)):
            a, b = ours.match(xml, start), lazy.match(xml, start)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
