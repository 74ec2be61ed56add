"""Read every sheet of an .xlsx into plain values, fast and in little memory.

The sheet XML that Excel, LibreOffice, openpyxl and XlsxWriter write is regular
enough that one compiled regex (``findall`` per piece, cut on ``</row>``) splits
almost every cell into reference, style, type and its value, plain inline text or
formula in C; Python only converts. Cells of any other shape (rich strings, shared
formulas, extra attributes, other attribute orders, rows or cells without ``r``)
take a general path with the same rules, also used by :func:`cells_of`.

Why not a library: python-calamine (Rust) parses faster but returns a formula's
cached result and never the formula, so formulas would need a second pass over the
XML, and it holds a full copy of the sheet while Python objects are built, more
memory than a sync may take. An XML parser calls Python for every element, which is
slower than this whole reader even with handlers that do nothing; openpyxl's
read-only mode is slower still. ``benchmarks/bench_read.py`` compares them.

Given a column chooser (see :func:`sheets_sync.sync.locate.our_columns`), rows below the
header keep only the chosen columns, and once a sheet's key row has been read the
pattern itself names those columns: the engine passes over the others (a
marketer's own columns, say) without building anything for them. Repeated inline
text and numbers are kept as one object (numbers decoded once), so a status or
owner typed on every row is one string, as it would be in a shared string table.

It reads cells, never ``<dimension>``, and skips cells without a value, so a styled
empty cell at row 1,048,576 costs nothing. Everything parsed here has passed
:mod:`.safety` first.
"""

from __future__ import annotations

import bisect
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from sheets_sync.backends.xlsx.archive.members import member_blocks
from sheets_sync.backends.xlsx.archive.source import FileSource, Source, open_source
from sheets_sync.backends.xlsx.ooxml import (
    cell_ref,
    col_letters,
    col_number,
    ooxml_unescape_text,
    split_ref,
    xml_unescape,
)
from sheets_sync.backends.xlsx.package import PackageMap, map_package
from sheets_sync.backends.xlsx.safety import check_exists, open_package
from sheets_sync.backends.xlsx.sheetxml import (
    R_ATTR,
    RawCell,
    SheetPatterns,
    attrs_of,
    calculated,
    cells_of_row,
    decode_cell,
    fast_cells,
    find_cell,
    formula_text,
    inline_text,
    last_row,
    numbered_end,
    plain_cells,
    plain_rows,
    row_number,
    sheet_pieces,
    shift_formula,
)
from sheets_sync.core.cells import CellValue, ColumnChooser, Formula, SheetGrid, WorkbookSnapshot
from sheets_sync.core.gc_pause import gc_paused
from sheets_sync.core.serials import from_serial
from sheets_sync.errors import WorkbookCorrupt

_SI_ANY = re.compile(
    rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>'
    rb"|<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)",
    re.S,
)
_F_ATTRS = re.compile(rb"<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)")


def open_workbook(path: Path) -> FileSource:
    """The workbook file, open, with the version of what it holds (see :mod:`.source`)."""
    check_exists(path)
    return open_source(path)


def read_xlsx(
    path: str | os.PathLike[str],
    columns: ColumnChooser | None = None,
    plain: set[str] | None = None,
) -> WorkbookSnapshot:
    """Every worksheet as plain values, formulas as :class:`Formula`, in tab order.

    Chart sheets and other non-worksheets are left out: they hold no cells. With
    ``columns``, rows below the two header rows keep only the columns it chooses
    from each sheet's first row. ``plain`` receives the parts of the sheets whose
    every cell starts ``<c r="``, which a patch of the same bytes need not check.
    """
    path = Path(path)
    with open_workbook(path) as source:
        package = open_package(path, source.stream())
        mapping = map_package(path, package)
        strings = SharedStrings(package, mapping)
        with gc_paused():
            grids = _read_sheets(path, package, source, mapping, strings, columns, plain)
    return WorkbookSnapshot(str(path), grids, source.version)


def _read_sheets(
    path: Path,
    package: zipfile.ZipFile,
    source: Source,
    mapping: PackageMap,
    strings: SharedStrings,
    columns: ColumnChooser | None,
    plain: set[str] | None = None,
) -> list[SheetGrid]:
    grids = []
    for entry in mapping.sheets:
        if entry.kind != "worksheet":
            continue
        info = package.getinfo(entry.part)
        try:
            pats, pieces = sheet_pieces(member_blocks(package, source, info))
            sheet = SheetReader(pats, strings, mapping.date_styles, mapping.date1904, columns)
            for segment in pieces:
                sheet.feed(segment)
        except (ValueError, IndexError, zipfile.BadZipFile, EOFError) as exc:
            raise WorkbookCorrupt(
                f"{path}: sheet {entry.title!r} cannot be read ({exc}).",
                "Open it in Excel or LibreOffice and save it again, or restore a backup.",
            ) from None
        grids.append(SheetGrid(entry.title, sheet.finish()))
        if plain is not None and sheet.plain:
            plain.add(entry.part)
    return grids


_new = object.__new__
_set = object.__setattr__


def _formula(text: str) -> Formula:
    """Formula(text) without re-checking the "=" we just put there (a hot path)."""
    formula = _new(Formula)
    _set(formula, "text", text)
    return formula


class SharedStrings:
    """The shared string table, parsed on first use."""

    def __init__(self, package: zipfile.ZipFile, mapping: PackageMap) -> None:
        self.package = package
        self.part = mapping.shared_strings_part
        self._items: list[str] | None = None

    @property
    def items(self) -> list[str]:
        if self._items is None:
            self._items = []
            if self.part and self.part in self.package.NameToInfo:
                self._items = _parse_shared_strings(self.package.read(self.part))
        return self._items

    def __call__(self, index: int) -> str:
        return self.items[index]


def _parse_shared_strings(data: bytes) -> list[str]:
    """Plain <si><t>text</t></si> items decode in bulk; rich or escaped ones one by one."""
    found = _SI_ANY.findall(data)
    if b"&" not in data and b"_x" not in data:  # no entities or escapes anywhere
        return [inline_text(other) if other else plain.decode("utf-8") for plain, other in found]
    out = []
    for plain, other in found:
        if other or plain.find(b"&") >= 0 or plain.find(b"_x") >= 0:  # see _feed_fast
            out.append(inline_text(other or b"<t>" + plain + b"</t>"))
        else:
            out.append(plain.decode("utf-8"))
    return out


def _number(v: bytes) -> int | float:
    """A <v>'s number, whole numbers as int."""
    number = float(v)
    return int(number) if number.is_integer() else number


class _OtherShape(Exception):
    """A piece holds a cell the fast pattern does not read."""


class SheetReader:
    """Turns one sheet's XML, fed piece by piece, into rows of plain values.

    :meth:`_feed_fast` is the hottest loop of a sync. Per cell it does only what the
    commonest cells need (plain inline text as we write it, shared text as Excel and
    LibreOffice save it, numbers and dates seen before, placing the value) and calls
    out once per row and for what is rare: a new number or column, booleans and other
    types, cells of another shape. A call
    per cell for the common cases would cost more than the split is worth.
    """

    def __init__(
        self,
        pats: SheetPatterns,
        strings: SharedStrings,
        date_styles: frozenset[int],
        date1904: bool,
        choose: ColumnChooser | None = None,
        header_rows: int = 2,
    ) -> None:
        self.pats = pats
        self.strings = strings
        self.choose = choose
        self.header_rows = header_rows
        self._keep: set[int] | None = None
        self._chosen = choose is None
        self._chosen_cells: re.Pattern[bytes] | None = None
        self.date_styles = date_styles
        self.date_style_text = frozenset(str(s).encode() for s in date_styles)
        self.date1904 = date1904
        self.rows: list[list[CellValue]] = []
        # A row past the last one built, and its values: built once a value lands in
        # it, so a styled empty cell at row 1,048,576 builds no rows.
        self._pending: list[CellValue] = []
        self._pending_row = 0
        self.row = 0  # the last row number seen, for rows that omit r
        self.masters: dict[bytes, tuple[str, int, int]] = {}
        # Repeated values as one object: dates and numbers by their XML text (decoded
        # once), text by itself. They live as long as the reader, one sheet; the grid
        # keeps what it uses.
        self._dates: dict[bytes, CellValue] = {}
        self._numbers: dict[bytes, CellValue] = {}
        self._texts: dict[str, str] = {}
        self._shared: list[str] = []  # the shared string table, once a cell uses it
        self._columns: dict[bytes, int] = {}
        p = pats.prefix
        self._cell_marks = (b"<" + p + b"c ", b"<" + p + b"c>")
        self.plain = True  # every cell so far starts <c r="

    def feed(self, segment: bytes) -> None:
        """Read the cells of one piece that ends on a row boundary."""
        if self._chosen_cells is None and self._keep is not None:
            # Compiled once a sheet turns out to have more than one piece: most
            # sheets of a roadmap are one, and read as they are.
            self._chosen_cells = fast_cells(
                self.pats.prefix, [col_letters(col).encode() for col in self._keep]
            )
        if self._chosen_cells is not None:
            # While every cell starts <c r=", the chosen columns' cells are all found
            # by their pattern, so the others need not be matched at all; a cell of
            # another shape matches it too, empty, and sends the piece the general way.
            found = self._chosen_cells.findall(segment)
        else:
            if self.pats.unplain.search(segment) is not None:
                self.plain = False
            found = self.pats.fast_cell.findall(segment)
            c1, c2 = self._cell_marks
            if len(found) != segment.count(c1) + segment.count(c2):
                self._feed_general(segment)  # some cell has another shape
                return
        if found:
            try:
                self._feed_fast(found)
            except _OtherShape:
                self.plain = False
                self._pending = []
                self._feed_general(segment)  # places again what the fast pass placed
                return
        last = last_row(segment, self.pats)
        if last is not None:
            self.row = last

    def _keep_for(self, row: int) -> set[int] | None:
        """The columns to read in ``row``: all in the header rows, then the chosen ones."""
        if row <= self.header_rows:
            return None
        if not self._chosen and self.choose is not None:
            self._chosen = True
            self._keep = self.choose(self.rows[0] if self.rows else [])
        return self._keep

    def _feed_fast(self, found: list[tuple[bytes, ...]]) -> None:
        """Place the cells the fast pattern split (the hottest loop: see the class)."""
        columns = self._columns
        date_style_text = self.date_style_text
        dates = self._dates
        numbers = self._numbers
        texts = self._texts
        shared = self._shared
        current: bytes | None = None
        line: list[CellValue] = []
        number = 0
        keep: set[int] | None = None
        restricted = self._chosen_cells is not None  # found holds chosen columns only
        for letters, row_text, style, kind, rest, v, text, f, fv, other in found:
            if row_text != current:
                if not row_text:  # a cell that does not start <c r=" (see fast_cells)
                    raise _OtherShape
                current = row_text
                number, line, keep = self._start_row(row_text, restricted)
            col = columns.get(letters) or self._column(letters)
            if keep is not None and col not in keep:
                continue
            if (rest and not rest.isspace()) or other or (text and kind != b"inlineStr"):
                # attributes beyond r, s and t, or content of another shape
                raw = self._rebuild((letters, row_text, style, kind, rest, v, text, f, fv, other))
                value = self._general(number, col, raw)
                if value is None:
                    continue
            elif text:  # the commonest cell: plain inline text
                # One object per distinct text, as a shared string table gives. (Tested
                # on the str: ``in`` on bytes first tries its operand as an int.)
                value = text.decode()
                if "&" in value or "_x" in value:
                    value = ooxml_unescape_text(xml_unescape(value))
                value = texts.setdefault(value, value)
            elif v and (not kind or kind == b"n"):
                if style and style in date_style_text:
                    value = dates.get(v)
                    if value is None:
                        value = dates[v] = from_serial(float(v), self.date1904)
                else:
                    value = numbers.get(v)
                    if value is None:
                        value = numbers[v] = _number(v)
            elif kind == b"s" and v:  # shared text, as Excel and LibreOffice save it
                if not shared:
                    shared = self._shared_items()
                value = shared[int(v)]
                if not value:
                    continue
            elif v:
                value = self._typed((letters, row_text, style, kind, rest, v, text, f, fv, other))
                if value is None:
                    continue
            elif f:
                formula = f.decode()
                value = _formula("=" + (xml_unescape(formula) if "&" in formula else formula))
                if fv:
                    cell = (letters, row_text, style, kind, rest, v, text, f, fv, other)
                    value = self._calculated(value, cell)
            else:
                continue
            if len(line) == col - 1:
                line.append(value)
            elif len(line) < col:  # empty cells before it
                line.extend([None] * (col - 1 - len(line)))
                line.append(value)
            else:
                line[col - 1] = value
        self._build_pending()

    def _start_row(
        self, row_text: bytes, restricted: bool
    ) -> tuple[int, list[CellValue], set[int] | None]:
        """A row's number, its list of values, and the columns it keeps.

        A row not built yet gets a list of its own, added to the rows (with the empty
        ones before it) when the next row starts, if a value has landed in it.
        """
        rows = self.rows
        if self._pending:  # the row before got values
            if self._pending_row > len(rows) + 1:
                rows.extend([[] for _ in range(self._pending_row - 1 - len(rows))])
            rows.append(self._pending)
        number = int(row_text)
        if number <= len(rows):
            line = rows[number - 1]
            self._pending = []
        else:
            line = self._pending = []
            self._pending_row = number
        return number, line, None if restricted else self._keep_for(number)

    def _shared_items(self) -> list[str]:
        """The shared string table, decoded when the first cell of the sheet uses it."""
        self._shared = self.strings.items
        return self._shared

    def _build_pending(self) -> None:
        """The last row of a piece, if a value has landed in it (see :meth:`_start_row`)."""
        if not self._pending:
            return
        rows = self.rows
        if self._pending_row > len(rows) + 1:
            rows.extend([[] for _ in range(self._pending_row - 1 - len(rows))])
        rows.append(self._pending)
        self._pending = []

    def _column(self, letters: bytes) -> int:
        """A column's number from its letters, remembered for the rest of the sheet."""
        col = self._columns[letters] = col_number(letters)
        return col

    def _typed(self, cell: tuple[bytes, ...]) -> CellValue:
        """A value cell of a type other than a number: shared text, a boolean, others."""
        kind, v = cell[3], cell[5]
        if kind == b"s":
            return self.strings.items[int(v)] or None
        if kind == b"b":
            return v == b"1" or v == b"true"
        return decode_cell(self._rebuild(cell), self.strings, self.date_styles, self.date1904)

    def _calculated(self, formula: Formula, cell: tuple[bytes, ...]) -> Formula:
        """A formula cell's calculated value, read under the general rules (rare)."""
        raw = self._rebuild(cell)
        return calculated(formula, raw, self.strings, self.date_styles, self.date1904)

    def _rebuild(self, cell: tuple[bytes, ...]) -> RawCell:
        """The cell as the general path sees it, from the fast regex's pieces."""
        letters, row, style, kind, rest, v, text, f, fv, other = cell
        p = self.pats.prefix
        attrs = b' r="' + letters + row + b'"'
        if style:
            attrs += b' s="' + style + b'"'
        if kind:
            attrs += b' t="' + kind + b'"'
        if f:
            body = b"<" + p + b"f>" + f + b"</" + p + b"f>" + fv
        elif v:
            body = b"<" + p + b"v>" + v + b"</" + p + b"v>"
        elif text:
            body = b"<" + p + b"is><" + p + b"t>" + text + b"</" + p + b"t></" + p + b"is>"
        else:
            body = other
        col = self._columns.get(letters) or col_number(letters)
        return RawCell(col, 0, 0, attrs + rest, body)

    def _feed_general(self, segment: bytes) -> None:
        """Any shape of sheet XML: rows and cells found one by one."""
        pats = self.pats
        for m in pats.row_start.finditer(segment):
            self.row = row_number(m.group(1), self.row)
            if m.group(2):
                continue
            end = segment.find(pats.row_end, m.end())
            for cell in cells_of_row(segment[:end], pats, m.end()):
                ref = R_ATTR.search(cell.attrs)
                row = split_ref(ref.group(1))[0] if ref else self.row
                keep = self._keep_for(row)
                if keep is not None and cell.col not in keep:
                    continue
                value = self._general(row, cell.col, cell)
                if value is not None:
                    while len(self.rows) < row:
                        self.rows.append([])
                    self._place(self.rows[row - 1], cell.col, value)

    def _general(self, row: int, col: int, cell: RawCell) -> CellValue:
        """One cell by the general rules, expanding shared formulas."""
        inner = cell.inner or b""
        if inner.find(b"shared") >= 0:
            m = _F_ATTRS.search(inner)
            if m:
                fa = attrs_of(m.group(1))
                si = fa.get(b"si")
                if fa.get(b"t") == b"shared" and si is not None:
                    if m.group(2):
                        self.masters[si] = (formula_text(m.group(2)), row, col)
                    elif si in self.masters:
                        formula = Formula(shift_formula(self.masters[si], row, col))
                        return calculated(
                            formula, cell, self.strings, self.date_styles, self.date1904
                        )
        return decode_cell(cell, self.strings, self.date_styles, self.date1904)

    @staticmethod
    def _place(line: list[CellValue], col: int, value: CellValue) -> None:
        if len(line) >= col:
            line[col - 1] = value
            return
        line.extend([None] * (col - 1 - len(line)))
        line.append(value)

    def finish(self) -> list[list[CellValue]]:
        """The rows, trailing empty cells and rows trimmed."""
        rows = self.rows
        for line in rows:
            while line and line[-1] is None:
                line.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows


# --- targeted reads (write verification) --------------------------------------------


def cells_of(
    path: Path,
    package: zipfile.ZipFile,
    source: Source,
    wanted: Mapping[str, Iterable[tuple[int, int]]],
) -> dict[tuple[str, int, int], CellValue]:
    """The values of a few cells of a package open on ``source``, sheets not decoded whole.

    Used to check a freshly written file before it replaces the workbook; decodes with
    the same rules as :func:`read_xlsx`. Each sheet asked about is inflated in full,
    so a damaged one raises :class:`zipfile.BadZipFile` (its CRC-32 is checked).
    """
    mapping = map_package(path, package)
    strings = SharedStrings(package, mapping)
    out: dict[tuple[str, int, int], CellValue] = {}
    for title, coords in wanted.items():
        entry = mapping.sheet_entry(title)
        if entry is None:
            raise WorkbookCorrupt(f"{path} has no sheet {title!r}.", "")
        by_row: dict[int, set[int]] = {}
        for r, c in coords:
            by_row.setdefault(r, set()).add(c)
            out[(title, r, c)] = None
        pats, pieces = sheet_pieces(member_blocks(package, source, package.getinfo(entry.part)))
        for row, row_xml, offset in _rows_wanted(pieces, pats, by_row):
            if plain_cells(row_xml, pats, offset):
                refs = [cell_ref(row, col).encode() for col in by_row[row]]
                found = [find_cell(row_xml, pats, ref, offset) for ref in refs]
                cells = [cell for cell in found if cell is not None]
            else:
                cells = cells_of_row(row_xml, pats, offset)
            for cell in cells:
                if cell.col in by_row[row]:
                    out[(title, row, cell.col)] = decode_cell(
                        cell, strings, mapping.date_styles, mapping.date1904
                    )
    return out


def _rows_wanted(
    pieces: Iterable[bytes], pats: SheetPatterns, wanted: Mapping[int, object]
) -> Iterator[tuple[int, bytes, int]]:
    """(number, XML, where its cells start) for the wanted rows that exist.

    Every piece is read to the end, so that the member's CRC-32 is checked. The
    wanted rows are searched for as ``<row r="N"`` (the norm); a piece where one is
    not found, or whose rows are shaped otherwise, is walked row by row.
    """
    order = sorted(wanted)
    at = 0  # the next wanted row
    row = 0  # the last row number seen
    for segment in pieces:
        if at == len(order):
            continue
        last = numbered_end(segment, pats)
        if last is not None:
            spots: list[tuple[int, int]] = []
            plain = False  # whether every row of the piece is known to carry its number
            for number in order[at : bisect.bisect_right(order, last, at)]:
                found = segment.find(pats.row_mark + b'%d"' % number)
                if found < 0 and not (plain or (plain := plain_rows(segment, pats))):
                    break  # it may be a row without its number: walk the piece
                spots.append((number, found))
            else:
                for number, found in spots:
                    m = pats.row_start.match(segment, found) if found >= 0 else None
                    if m and not m.group(2):
                        yield number, segment[: segment.find(pats.row_end, m.end())], m.end()
                at, row = at + len(spots), last
                continue
        for m in pats.row_start.finditer(segment):
            row = row_number(m.group(1), row)
            while at < len(order) and order[at] < row:
                at += 1
            if at < len(order) and order[at] == row:
                at += 1
                if not m.group(2):
                    end = segment.find(pats.row_end, m.end())
                    yield row, segment[:end], m.end()
