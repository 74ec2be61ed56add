"""The patcher changes the target cells and nothing else.

Fidelity is checked part by part against the workbook XlsxWriter wrote; the result
is read back with our reader and with openpyxl as an independent one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.backends.protocol import WriteResult
from sheets_sync.backends.xlsx import XlsxBackend, patch_xlsx, read_xlsx
from sheets_sync.backends.xlsx.ooxml import col_letters
from sheets_sync.backends.xlsx.parts import set_full_calc_on_load
from sheets_sync.backends.xlsx.workbook import spread
from sheets_sync.core.cells import CellValue, CellWrite, Formula, SheetGrid
from sheets_sync.core.serials import from_serial
from sheets_sync.errors import WorkbookCorrupt

from .xlsx_workbooks import add_calc_chain, read_cells, rich_workbook, split_sheet, zip_parts

D = dt.date
WRITES = [
    CellWrite("Roadmap", 2, 2, 777),  # existing number, money style kept
    CellWrite("Roadmap", 3, 1, "Renamed  "),  # existing shared string → inline, spaces kept
    CellWrite("Roadmap", 4, 5, "Ольга & <co>"),  # escaping
    CellWrite("Roadmap", 5, 4, 0.5),  # a formula cell becomes a value
    CellWrite("Roadmap", 3, 6, "up"),  # a missing cell inside an existing row
    CellWrite("Roadmap", 2, 8, True),  # a missing cell past the row's last cell
    CellWrite("Roadmap", 6, 9, D(2025, 2, 3)),  # a date into an unstyled cell
    CellWrite("Roadmap", 7, 6, Formula("=B7*2")),  # a formula
    CellWrite("Roadmap", 8, 5, None),  # clearing an unstyled cell
    CellWrite("Roadmap", 9, 2, None),  # clearing a styled cell keeps its style
    CellWrite("Roadmap", 31, 1, "gap row"),  # a new row between existing rows
    CellWrite("Roadmap", 45, 1, "New initiative"),  # new rows beyond the end
    CellWrite("Roadmap", 45, 3, dt.datetime(2025, 6, 30, 9, 30)),
    CellWrite("Roadmap", 46, 2, Formula("=SUM(B2:B30)*2")),
    CellWrite("Hidden", 1, 2, "still hidden"),
]
CHANGED_ROWS = {2, 3, 4, 5, 6, 7, 8, 9}


def expected_after(
    before: list[SheetGrid],
    writes: list[CellWrite],
    date_cells: frozenset[tuple[int, int]] = frozenset(),
) -> dict[str, dict]:
    """Grids as {(row, col): value} with the writes applied.

    A number written into a cell formatted as a date reads back as that date: the
    patcher keeps every cell's style.
    """
    grids: dict[str, dict[tuple[int, int], CellValue]] = {}
    for grid in before:
        cells = grids.setdefault(grid.title, {})
        for r, line in enumerate(grid.rows, 1):
            for c, value in enumerate(line, 1):
                if value is not None:
                    cells[(r, c)] = value
    for w in writes:
        value = w.value
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()
        if (w.row, w.col) in date_cells and type(value) in (int, float):
            value = from_serial(float(value))  # type: ignore[arg-type]
        if value is None or value == "":
            grids[w.sheet].pop((w.row, w.col), None)
        else:
            grids[w.sheet][(w.row, w.col)] = value
    return grids


def as_cells(grids: list[SheetGrid]) -> dict[str, dict]:
    return expected_after(grids, [])


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    path = rich_workbook(tmp_path / "roadmap.xlsx")
    add_calc_chain(path, ["D2", "D3"])
    return path


def test_patch_changes_only_target_cells(rich: Path, tmp_path: Path) -> None:
    before = read_xlsx(rich)
    out = tmp_path / "patched.xlsx"
    with open(out, "wb") as fh:
        result = patch_xlsx(rich, rich.read_bytes(), fh, WRITES)
    assert result.cells == len(WRITES)
    assert result.removed_parts == ["xl/calcChain.xml"]

    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None  # every member inflates with the right CRC
    after = read_xlsx(out)
    assert [g.title for g in after.sheets] == ["Roadmap", "Lists", "Hidden"]
    assert as_cells(after.sheets) == expected_after(before.sheets, WRITES)

    old, new = zip_parts(rich), zip_parts(out)
    rewritten = {
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet3.xml",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    assert set(result.changed_parts) == rewritten
    assert set(new) == set(old) - {"xl/calcChain.xml"}
    with zipfile.ZipFile(rich) as a, zipfile.ZipFile(out) as b:
        assert [i.filename for i in b.infolist()] == [
            i.filename for i in a.infolist() if i.filename != "xl/calcChain.xml"
        ]
    for name in set(new) - rewritten:
        assert new[name] == old[name], f"{name} changed"  # content, method, CRC, packed bytes
    for name in rewritten:
        assert new[name][1] == old[name][1] == zipfile.ZIP_DEFLATED

    # The documented minimal changes, and nothing more.
    assert new["xl/workbook.xml"][0] == old["xl/workbook.xml"][0].replace(
        b'<calcPr calcId="124519"/>', b'<calcPr calcId="124519" fullCalcOnLoad="1"/>'
    )
    assert new["xl/_rels/workbook.xml.rels"][0] == re.sub(
        rb'<Relationship Id="rId99"[^>]*/>', b"", old["xl/_rels/workbook.xml.rels"][0]
    )
    assert new["[Content_Types].xml"][0] == re.sub(
        rb'<Override PartName="/xl/calcChain.xml"[^>]*/>', b"", old["[Content_Types].xml"][0]
    )
    old_styles, new_styles = old["xl/styles.xml"][0], new["xl/styles.xml"][0]
    xfs = re.compile(rb'<cellXfs count="(\d+)">(.*?)</cellXfs>', re.S)
    old_xfs, new_xfs = xfs.search(old_styles), xfs.search(new_styles)
    assert old_xfs and new_xfs
    added = new_xfs.group(2).removeprefix(old_xfs.group(2))
    assert len(re.findall(rb"<xf ", added)) == 2  # a date and a date-time format
    assert b'numFmtId="14"' in added and b'numFmtId="22"' in added
    assert int(new_xfs.group(1)) == int(old_xfs.group(1)) + 2
    assert new_styles[: new_xfs.start()] == old_styles[: old_xfs.start()]
    assert new_styles[new_xfs.end() :] == old_styles[old_xfs.end() :]

    head_a, rows_a, tail_a = split_sheet(old["xl/worksheets/sheet1.xml"][0])
    head_b, rows_b, tail_b = split_sheet(new["xl/worksheets/sheet1.xml"][0])
    assert tail_b == tail_a  # x14 validations, sparklines, data bars, drawing, table parts
    assert re.sub(rb"<dimension[^>]*>", b"", head_b) == re.sub(rb"<dimension[^>]*>", b"", head_a)
    assert b'<dimension ref="A1:I46"/>' in head_b
    new_rows = {31, 45, 46}
    assert set(rows_b) == set(rows_a) | new_rows
    for number, xml in rows_a.items():
        if number not in CHANGED_ROWS:
            assert rows_b[number] == xml, f"row {number} changed"
    assert (
        rows_b[9].count(b'<c r="B9" s="') == 1 and b"<v>" not in rows_b[9].split(b'r="B9"')[1][:20]
    )
    assert b'r="E8"' not in rows_b[8]  # an unstyled cleared cell is gone
    assert b'<c r="F7"><f>B7*2</f></c>' in rows_b[7]  # formula without a cached value


def test_openpyxl_reads_the_patched_values(rich: Path, tmp_path: Path) -> None:
    out = tmp_path / "patched.xlsx"
    with open(out, "wb") as fh:
        patch_xlsx(rich, rich.read_bytes(), fh, WRITES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl drops x14 extensions it does not know
        wb = openpyxl.load_workbook(out)
    ws = wb["Roadmap"]
    assert ws["B2"].value == 777 and ws["B2"].number_format == "#,##0.00"
    assert ws["A3"].value == "Renamed  "
    assert ws["E4"].value == "Ольга & <co>"
    assert ws["D5"].value == 0.5
    assert ws["F3"].value == "up"
    assert ws["H2"].value is True
    assert ws["I6"].value == dt.datetime(2025, 2, 3) and ws["I6"].is_date
    assert ws["F7"].value == "=B7*2"
    assert ws["E8"].value is None
    assert ws["B9"].value is None and ws["B9"].number_format == "#,##0.00"
    assert ws["A31"].value == "gap row"
    assert ws["C45"].value == dt.datetime(2025, 6, 30, 9, 30)
    assert ws["B46"].value == "=SUM(B2:B30)*2"
    assert ws["D3"].value == "=B3/SUM($B$2:$B$30)"  # other formulas untouched
    assert wb["Hidden"].sheet_state == "hidden" and wb["Hidden"]["B1"].value == "still hidden"
    assert ws.freeze_panes == "B2"
    assert ws.protection.sheet
    assert "Budgets" in wb.defined_names
    assert ws["A2"].comment is not None
    assert list(ws.tables) == ["Table1"]
    assert wb.calculation.fullCalcOnLoad


def test_backend_round_trip_with_backups(rich: Path) -> None:
    backend = XlsxBackend(rich, backups=2)
    original = rich.read_bytes()
    first = backend.read()
    assert backend.write(first, WRITES[:3]) == WriteResult(written=3, requests=1)
    assert (rich.parent / "roadmap.xlsx.bak1").read_bytes() == original
    second = backend.read()
    assert second.version != first.version
    assert second.sheet("Roadmap").cell(2, 2) == 777  # type: ignore[union-attr]
    middle = rich.read_bytes()
    assert backend.write(second, [CellWrite("Roadmap", 2, 2, 778)]) == WriteResult(
        written=1, requests=1
    )
    assert (rich.parent / "roadmap.xlsx.bak1").read_bytes() == middle
    assert (rich.parent / "roadmap.xlsx.bak2").read_bytes() == original
    assert backend.write(backend.read(), []) == WriteResult()
    assert not list(rich.parent.glob(".*.tmp"))


def test_number_into_a_date_cell_reads_back_as_that_date(rich: Path) -> None:
    """The patcher keeps the user's date format; the write check must accept that."""
    backend = XlsxBackend(rich)
    assert backend.write(backend.read(), [CellWrite("Roadmap", 2, 3, 45000)]) == WriteResult(
        written=1, requests=1
    )
    assert backend.read().sheet("Roadmap").cell(2, 3) == D(2023, 3, 15)  # type: ignore[union-attr]
    big = 2**60 + 1  # beyond a double's precision: stored rounded, still accepted
    assert backend.write(backend.read(), [CellWrite("Roadmap", 2, 2, big)]) == WriteResult(
        written=1, requests=1
    )
    assert backend.read().sheet("Roadmap").cell(2, 2) == float(big)  # type: ignore[union-attr]


def test_a_damaged_new_file_is_never_swapped_in(
    rich: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte flipped in the rewritten sheet's compressed data fails the CRC check."""
    import sheets_sync.backends.xlsx.workbook as backend_module

    real = backend_module.patch_xlsx

    def damaging(
        path: Path, source: bytes, out: io.BufferedWriter, writes: list, plain: object
    ) -> object:
        result = real(path, source, out, writes, plain)
        out.flush()
        data = bytearray(Path(out.name).read_bytes())
        at = data.index(b"xl/worksheets/sheet1.xml") + 200  # inside the new deflate stream
        data[at] ^= 0xFF
        out.seek(0)
        out.write(bytes(data))
        return result

    monkeypatch.setattr(backend_module, "patch_xlsx", damaging)
    original = rich.read_bytes()
    backend = XlsxBackend(rich)
    with pytest.raises(WorkbookCorrupt, match="could not be read back"):
        backend.write(backend.read(), WRITES)
    assert rich.read_bytes() == original
    assert not list(rich.parent.glob(".*.tmp"))


def test_a_value_that_reads_back_otherwise_is_never_swapped_in(
    rich: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An encoder slip (here: every number off by one) is caught before the swap."""
    import sheets_sync.backends.xlsx.patch as patch_module

    real = patch_module.encode_value

    def off_by_one(ref: str, style: int | None, value: CellValue, *rest: object) -> bytes:
        if isinstance(value, int) and not isinstance(value, bool):
            value += 1
        return real(ref, style, value, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(patch_module, "encode_value", off_by_one)
    original = rich.read_bytes()
    backend = XlsxBackend(rich)
    with pytest.raises(WorkbookCorrupt, match="did not read back as written"):
        backend.write(backend.read(), [CellWrite("Roadmap", 2, 2, 777)])
    assert rich.read_bytes() == original


def test_spread_keeps_the_ends_and_the_count() -> None:
    assert spread(list(range(10)), 64) == list(range(10))
    picked = spread(list(range(1000)), 64)
    assert len(picked) == 64 == len(set(picked))
    assert picked[0] == 0 and picked[-1] == 999
    assert picked == sorted(picked)


def test_no_backups_when_disabled(rich: Path) -> None:
    backend = XlsxBackend(rich, backups=0)
    backend.write(backend.read(), [CellWrite("Roadmap", 2, 2, 1)])
    assert not list(rich.parent.glob("*.bak*"))


def test_shared_formula_master_overwrite_keeps_dependents(tmp_path: Path) -> None:
    """Excel fills formulas down as shared formulas; overwriting the master must not orphan them."""
    path = rich_workbook(tmp_path / "shared.xlsx", rows=6)
    sheet = "xl/worksheets/sheet1.xml"

    def to_shared(data: bytes) -> bytes:
        data = data.replace(
            b"<f>B2/SUM($B$2:$B$6)</f>", b'<f t="shared" ref="D2:E6" si="0">B2/SUM($B$2:$B$6)</f>'
        )
        # a dependent in the master's own row, right of it
        data = re.sub(
            rb'<c r="E2" t="s"><v>\d+</v></c>',
            b'<c r="E2"><f t="shared" si="0"/><v>0</v></c>',
            data,
        )
        for r in range(3, 7):
            data = data.replace(b"<f>B%d/SUM($B$2:$B$6)</f>" % r, b'<f t="shared" si="0"/>')
        return data

    from .xlsx_workbooks import rewrite_zip

    rewrite_zip(path, lambda name, data: to_shared(data) if name == sheet else data)
    before = read_xlsx(path).sheet("Roadmap")
    assert before is not None and before.cell(4, 4) == Formula("=B4/SUM($B$2:$B$6)")
    out = tmp_path / "out.xlsx"
    with open(out, "wb") as fh:
        patch_xlsx(path, path.read_bytes(), fh, [CellWrite("Roadmap", 2, 4, "n/a")])
    after = read_xlsx(out).sheet("Roadmap")
    assert after is not None
    assert after.cell(2, 4) == "n/a"
    assert after.cell(2, 5) == Formula("=C2/SUM($B$2:$B$6)")
    for r in range(3, 7):
        assert after.cell(r, 4) == Formula(f"=B{r}/SUM($B$2:$B$6)")
    assert b'si="0"/>' not in zipfile.ZipFile(out).read(sheet)


def test_full_calc_on_load_is_added_where_the_schema_wants_it() -> None:
    views = b"<bookViews><workbookView><extLst/></workbookView></bookViews>"
    wb = b"<workbook>" + views + b"<sheets/><definedNames/><extLst/></workbook>"
    assert set_full_calc_on_load(wb) == (
        b"<workbook>" + views + b'<sheets/><definedNames/><calcPr fullCalcOnLoad="1"/>'
        b"<extLst/></workbook>"
    )
    assert set_full_calc_on_load(
        b'<workbook><calcPr calcId="1" fullCalcOnLoad="0"/></workbook>'
    ) == (b'<workbook><calcPr calcId="1" fullCalcOnLoad="1"/></workbook>')


def test_rows_and_cells_without_r_are_numbered(tmp_path: Path) -> None:
    """Some writers omit r; inserting before such rows and cells must not shift them."""
    path = rich_workbook(tmp_path / "nor.xlsx", rows=4)
    sheet = "xl/worksheets/sheet2.xml"  # Lists: A1..A3

    def strip(data: bytes) -> bytes:
        data = re.sub(rb'<row r="[23]"', b"<row", data)
        return re.sub(rb'<c r="A[23]"', b"<c", data)

    from .xlsx_workbooks import rewrite_zip

    rewrite_zip(path, lambda name, data: strip(data) if name == sheet else data)
    assert read_xlsx(path).sheet("Lists").rows == [["carry on"], ["adjust"], ["scrap"]]  # type: ignore[union-attr]
    out = tmp_path / "out.xlsx"
    with open(out, "wb") as fh:
        patch_xlsx(path, path.read_bytes(), fh, [CellWrite("Lists", 2, 2, "x")])
    assert read_xlsx(out).sheet("Lists").rows == [  # type: ignore[union-attr]
        ["carry on"],
        ["adjust", "x"],
        ["scrap"],
    ]


# --- property: random writes read back exactly --------------------------------------

ROWS, COLS = 60, 15
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
    max_size=12,
)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    texts,
    st.dates(min_value=D(1900, 3, 1), max_value=D(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
    ),
    st.sampled_from(["=A1+1", "=SUM(A1:B3)", '=IF(A1>0,"yes","no")', '=A1&"<x>"']).map(Formula),
)
writes_strategy = st.lists(
    st.builds(
        lambda r, c, v: CellWrite("Roadmap", r, c, v),
        st.integers(1, ROWS),
        st.integers(1, COLS),
        values,
    ),
    max_size=40,
)


class Base(tuple):  # type: ignore[type-arg]
    """The property test's workbook: (bytes, date-formatted cells), with a short repr."""

    def __repr__(self) -> str:
        return "<base workbook>"


@pytest.fixture(scope="module")
def base_workbook(tmp_path_factory: pytest.TempPathFactory) -> Base:
    path = rich_workbook(tmp_path_factory.mktemp("prop") / "base.xlsx", rows=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(path)["Roadmap"]
    date_cells = frozenset(
        (cell.row, cell.column) for row in sheet.iter_rows() for cell in row if cell.is_date
    )
    return Base((path.read_bytes(), date_cells))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=writes_strategy)
def test_random_writes_read_back(
    base_workbook: tuple[bytes, frozenset], writes: list[CellWrite]
) -> None:
    data, date_cells = base_workbook
    before = read_from_bytes(data)
    out = io.BytesIO()
    patch_xlsx(Path("base.xlsx"), data, out, writes)
    after = read_from_bytes(out.getvalue())
    expected = expected_after(before, writes, date_cells)
    got = as_cells(after)
    for key in expected:
        want, have = expected[key], got[key]
        assert set(have) == set(want), key
        for rc in want:
            assert same(have[rc], want[rc]), (key, rc, want[rc], have[rc])


def read_from_bytes(data: bytes) -> list[SheetGrid]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.xlsx"
        path.write_bytes(data)
        snapshot = read_xlsx(path)
        if snapshot.sheets:
            # the targeted reader must agree with the bulk reader on every cell
            grid = snapshot.sheets[0]
            coords = [(r, c) for r in range(1, ROWS + 1) for c in range(1, COLS + 1)]
            cells = read_cells(path, {grid.title: coords})
            for r, c in coords:
                assert same(cells[(grid.title, r, c)], grid.cell(r, c)), (r, c)
    return snapshot.sheets


def same(a: CellValue, b: CellValue) -> bool:
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return abs(a - b) <= dt.timedelta(milliseconds=1)
    if isinstance(a, float) or isinstance(b, float):
        return type(a) in (int, float) and type(b) in (int, float) and a == b
    return type(a) is type(b) and a == b


def test_column_letters() -> None:
    assert [col_letters(n) for n in (1, 26, 27, 52, 703, 16384)] == [
        "A", "Z", "AA", "AZ", "AAA", "XFD",
    ]  # fmt: skip


# --- LibreOffice recalculates what depends on written cells ---------------------------


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_recalculates_dependants(tmp_path: Path) -> None:
    from .libreoffice import recalculated_sheets, soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    path = tmp_path / "roadmap.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Roadmap")
    ws.write_row(0, 0, ["Initiative", "Budget", "Due", "Double", "Decision"])
    for r in range(1, 6):
        ws.write_row(r, 0, [f"Initiative {r}", 10 * r])
        ws.write_datetime(r, 2, dt.datetime(2025, 7, r), date)
        ws.write_formula(r, 3, f"=B{r + 1}*2", None, 20 * r)
        ws.write_string(r, 4, "carry on")
    summary = wb.add_worksheet("Summary")
    summary.write_formula(0, 0, "=SUM(Roadmap!B2:B10)", None, 150)
    summary.write_formula(1, 0, '=COUNTIF(Roadmap!E2:E10,"adjust")', None, 0)
    summary.write_formula(2, 0, "=MAX(Roadmap!C2:C10)-DATE(2025,1,1)", None, 185)
    wb.close()

    backend = XlsxBackend(path)
    written = backend.write(
        backend.read(),
        [
            CellWrite("Roadmap", 2, 2, 100),
            CellWrite("Roadmap", 3, 2, 200.5),
            CellWrite("Roadmap", 4, 2, None),
            CellWrite("Roadmap", 3, 3, D(2025, 9, 30)),
            CellWrite("Roadmap", 2, 5, "adjust"),
            CellWrite("Roadmap", 5, 5, "adjust"),
            CellWrite("Roadmap", 2, 6, Formula("=B2+B3")),
            CellWrite("Roadmap", 10, 1, "New"),
            CellWrite("Roadmap", 10, 2, 1000),
            CellWrite("Roadmap", 10, 4, Formula("=B10*2")),
        ],
    )
    assert written == WriteResult(written=10, requests=1)
    sheets = recalculated_sheets(path)
    roadmap, totals = sheets["Roadmap"], sheets["Summary"]
    assert [row[3] for row in roadmap[1:6]] == ["200", "401", "0", "80", "100"]
    assert roadmap[1][5] == "300.5"
    assert roadmap[9][:4] == ["New", "1000", "", "2000"]
    assert float(totals[0][0]) == 100 + 200.5 + 40 + 50 + 1000
    assert float(totals[1][0]) == 2
    assert float(totals[2][0]) == (D(2025, 9, 30) - D(2025, 1, 1)).days


def test_empty_sheet_and_prefixed_sheet_xml(tmp_path: Path) -> None:
    """<sheetData/> grows rows; sheets written with an x: prefix (OpenXML SDK) are patched too."""
    path = tmp_path / "odd.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Empty")
    other = wb.add_worksheet("Prefixed")
    other.write_row(0, 0, ["a", 1, True])
    other.write_formula(1, 0, "=B1*2", None, 2)
    wb.close()

    def prefix(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet2.xml":
            return data
        data = re.sub(rb"<(/?)([A-Za-z]+)([ >/])", rb"<\1x:\2\3", data)
        return data.replace(b"xmlns=", b"xmlns:x=")

    from .xlsx_workbooks import rewrite_zip

    rewrite_zip(path, prefix)
    assert b"<x:sheetData>" in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    backend = XlsxBackend(path)
    writes = [
        CellWrite("Empty", 2, 2, "first"),
        CellWrite("Empty", 1, 1, 1.5),
        CellWrite("Prefixed", 1, 2, 5),
        CellWrite("Prefixed", 3, 1, "new"),
        CellWrite("Prefixed", 2, 2, Formula("=A2+1")),
    ]
    assert backend.write(backend.read(), writes) == WriteResult(written=5, requests=1)
    after = read_xlsx(path)
    assert after.sheet("Empty").rows == [[1.5], [None, "first"]]  # type: ignore[union-attr]
    assert after.sheet("Prefixed").rows == [  # type: ignore[union-attr]
        ["a", 5, True],
        [Formula("=B1*2"), Formula("=A2+1")],
        ["new"],
    ]
    sheet1 = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:B2"/>' in sheet1


def test_bad_targets_are_refused(tmp_path: Path) -> None:
    path = rich_workbook(tmp_path / "r.xlsx", rows=4)
    for bad in (
        CellWrite("Roadmap", 0, 1, 1),
        CellWrite("Roadmap", 1_048_577, 1, 1),
        CellWrite("Roadmap", 1, 16_385, 1),
        CellWrite("Nope", 1, 1, 1),
        CellWrite("Roadmap", 1, 1, float("nan")),
    ):
        with pytest.raises(ValueError):
            patch_xlsx(path, path.read_bytes(), io.BytesIO(), [bad])
