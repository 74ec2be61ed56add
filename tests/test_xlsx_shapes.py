"""Sheet XML in the other shapes the format allows syncs exactly as the usual shape.

Excel writes every row as ``<row r="N"`` and every cell as ``<c r="A1"``, and the
read, the patch and the write check find rows and cells by those marks. Other
writers leave ``r`` out (a row or cell then follows the one before) or put it
after other attributes. Whatever rows are reshaped so, a sync must read the same
values, write the same cells and leave the same workbook as on the usual shape,
and a second sync must write nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.api import sync_workbook
from sheets_sync.backends.xlsx.archive.members import BLOCK
from sheets_sync.backends.xlsx.ooxml import col_number
from sheets_sync.backends.xlsx.reader import read_xlsx

from .xlsx_workbooks import rewrite_zip

SYNC_ON = dt.date(2027, 3, 20)  # later than the example was made: flags move
KINDS = ("row_bare", "row_late", "cells_bare", "cells_late")
ROW = re.compile(rb'<row r="(\d+)"([^>]*?)(?:(/)>|>(.*?)</row>)', re.S)
CELL = re.compile(rb'<c r="([A-Z]+)\d+"([^>]*?)(/?>)')


def reshape_row(match: re.Match[bytes], kind: str, numbers: set[int]) -> bytes:
    number, attrs, empty, body = int(match[1]), match[2], match[3], match[4] or b""
    ref = b' r="%d"' % number
    if kind == "row_bare" and number - 1 in numbers:  # it follows the row before
        head = b"<row" + attrs
    elif kind == "row_late":  # r after an attribute that says nothing new
        head = b'<row customFormat="0"' + ref + attrs
    else:
        head = b"<row" + ref + attrs
    if kind in ("cells_bare", "cells_late"):
        body = reshape_cells(body, kind)
    if empty:
        return head + b"/>"
    return head + b">" + body + b"</row>"


def reshape_cells(body: bytes, kind: str) -> bytes:
    previous = 0

    def one(m: re.Match[bytes]) -> bytes:
        nonlocal previous
        col = col_number(m[1])
        follows = col == previous + 1
        previous = col
        if kind == "cells_bare" and follows:
            return b"<c" + m[2] + m[3]
        if kind == "cells_late" and m[2]:
            return b"<c" + m[2] + b' r="' + m[0][6 : m[0].index(b'"', 6)] + b'"' + m[3]
        return m[0]

    return CELL.sub(one, body)


def reshape(data: bytes, kinds: dict[int, str]) -> bytes:
    numbers = {int(m[1]) for m in ROW.finditer(data)}
    return ROW.sub(
        lambda m: reshape_row(m, kinds[int(m[1])], numbers) if int(m[1]) in kinds else m[0],
        data,
    )


ROWS = 400  # initiatives: the sheet spans several of the pieces the XML is read in


def many_rows(path: Path) -> None:
    """The example roadmap with :data:`ROWS` initiatives."""
    from sheets_sync.backends.xlsx.render import render_xlsx
    from sheets_sync.core.layout import load_layout
    from sheets_sync.quarter.example import example_content, with_initiatives
    from sheets_sync.quarter.new_plan import build_plan

    from .conftest import AS_OF, options

    opts = options()
    content = with_initiatives(example_content(opts, load_layout()), ROWS)
    render_xlsx(build_plan(opts, AS_OF, content=content), path)


@pytest.fixture(scope="module")
def usual(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A roadmap, and what a sync of it leaves and writes."""
    folder = tmp_path_factory.mktemp("usual")
    source = folder / "source.xlsx"
    many_rows(source)
    with zipfile.ZipFile(source) as z:
        assert max(i.file_size for i in z.infolist()) > 4 * BLOCK
    synced = folder / "synced.xlsx"
    shutil.copy(source, synced)
    report = sync_workbook(synced, as_of=SYNC_ON)
    assert report.cells_written > ROWS // 2
    return source, report.cells_written, read_xlsx(synced).sheets


def assert_well_formed_rows(path: Path) -> None:
    """Rows and cells strictly ascending, counting those without ``r`` as the format does."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if "worksheets/" not in name or not name.endswith(".xml"):
                continue
            row = 0
            for m in ANY_ROW.finditer(z.read(name)):
                ref = R.search(m[1])
                number = int(ref[1]) if ref else row + 1
                assert number > row, (name, number, row)
                row = number
                col = 0
                for c in ANY_CELL.finditer(m[2] or b""):
                    ref = R.search(c[1])
                    at = col_number(ref[1].rstrip(b"0123456789")) if ref else col + 1
                    assert at > col, (name, row, at, col)
                    col = at


ANY_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
ANY_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
R = re.compile(rb'\sr="([^"]+)"')


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    kinds=st.dictionaries(
        st.one_of(st.integers(1, 12), st.integers(3, ROWS + 2)),
        st.sampled_from(KINDS),
        min_size=1,
        max_size=40,
    )
)
def test_any_row_shape_syncs_as_the_usual_one(usual, tmp_path: Path, kinds: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
    source, written, expected = usual
    path = tmp_path / f"shaped-{abs(hash(frozenset(kinds.items())))}.xlsx"
    shutil.copy(source, path)
    rewrite_zip(path, lambda name, data: reshape(data, kinds) if "worksheets/" in name else data)
    assert read_xlsx(path).sheets == read_xlsx(source).sheets  # the same content, reshaped

    assert sync_workbook(path, as_of=SYNC_ON).cells_written == written
    assert read_xlsx(path).sheets == expected
    assert_well_formed_rows(path)
    assert sync_workbook(path, as_of=SYNC_ON).cells_written == 0


def test_the_reshaping_really_reshapes(usual) -> None:  # type: ignore[no-untyped-def]
    """Each kind changes the XML (a reshape that did nothing would prove nothing)."""
    source = usual[0]
    with zipfile.ZipFile(source) as z:
        sheet = next(z.read(n) for n in z.namelist() if b"initiatives.id" in z.read(n))
    for kind in KINDS:
        shaped = reshape(sheet, {4: kind, 5: kind})
        assert shaped != sheet, kind
        if kind == "row_bare":
            assert b'<row r="4"' not in shaped
        if kind == "cells_bare":
            assert b'<c r="B4"' not in shaped
        if kind == "cells_late":
            assert re.search(rb'<c s="\d+" t="inlineStr" r="A4">', shaped)
