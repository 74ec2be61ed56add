"""Write cells into an .xlsx by patching the sheet XML in place.

Only the ``<row>`` elements that receive a value are rebuilt; every other byte of
the sheet streams through untouched, and every other zip member is copied as it is
(see :mod:`.archive.copy`). Charts, sparklines, x14 validations, drawings, comments,
tables, defined names and anything a future Excel adds survive because nothing
re-serializes them.

Beyond the patched sheets, a write may change, minimally and only when needed:

* ``xl/workbook.xml``: ``<calcPr fullCalcOnLoad="1">`` so Excel and LibreOffice
  recalculate formulas that depend on written cells when the file is opened;
* ``xl/calcChain.xml`` is dropped with its relationship and content-type override
  (Excel rebuilds it; a stale chain can make Excel report the file as damaged);
* ``xl/styles.xml``: one ``<xf>`` appended to ``cellXfs`` per (style, date kind)
  when a date lands in a cell whose style does not show dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sheets_sync.backends.xlsx.archive.copy import Deflated, ZipRewriter, deflate
from sheets_sync.backends.xlsx.archive.members import member_blocks
from sheets_sync.backends.xlsx.archive.source import Source, as_source
from sheets_sync.backends.xlsx.ooxml import (
    MAX_COL,
    MAX_ROW,
    cell_ref,
    col_letters,
    format_number,
    needs_preserve,
    ooxml_escape_text,
    split_ref,
    xml_escape,
    xml_unescape,
)
from sheets_sync.backends.xlsx.package import PackageMap, map_package
from sheets_sync.backends.xlsx.parts import drop_override, drop_relationship, set_full_calc_on_load
from sheets_sync.backends.xlsx.safety import open_package
from sheets_sync.backends.xlsx.sheetxml import (
    R_ATTR,
    RawCell,
    SheetPatterns,
    attrs_of,
    cell_spans,
    cells_of_row,
    find_row,
    full_cell,
    numbered_end,
    plain_rows,
    row_number,
    row_numbers,
    set_attr,
    sheet_pieces,
    shift_formula,
)
from sheets_sync.backends.xlsx.styles import StyleBook
from sheets_sync.core.cells import CellValue, CellWrite, Formula
from sheets_sync.core.serials import to_serial


@dataclass
class PatchResult:
    """What a patch changed beyond the target cells, for the caller's records."""

    cells: int
    changed_parts: list[str] = field(default_factory=list)
    removed_parts: list[str] = field(default_factory=list)
    # Every member of the new archive: (CRC-32, size) of its uncompressed content.
    members: dict[str, tuple[int, int]] = field(default_factory=dict)


def group_writes(writes: Sequence[CellWrite]) -> dict[str, list[CellWrite]]:
    """Writes by sheet, each sheet's in row and column order; a later write to a cell wins.

    The sync hands them over in that order already, so usually nothing is sorted and
    no structure beyond the lists is built: a patch walks them as it walks the rows.
    """
    by_sheet: dict[str, list[CellWrite]] = {}
    for w in writes:
        if not (1 <= w.row <= MAX_ROW and 1 <= w.col <= MAX_COL):
            raise ValueError(f"cell {w.sheet}!R{w.row}C{w.col} is outside the sheet")
        by_sheet.setdefault(w.sheet, []).append(w)
    for sheet, cells in by_sheet.items():
        if any(
            a.row > b.row or (a.row == b.row and a.col >= b.col)
            for a, b in itertools.pairwise(cells)
        ):
            cells.sort(key=lambda w: (w.row, w.col))  # stable: later writes stay later
            kept: list[CellWrite] = []
            for w in cells:
                if kept and kept[-1].row == w.row and kept[-1].col == w.col:
                    kept[-1] = w
                else:
                    kept.append(w)
            by_sheet[sheet] = kept
    return by_sheet


def patch_xlsx(
    path: Path,
    source: bytes | Source,
    out: BinaryIO,
    writes: Sequence[CellWrite],
    plain: Collection[str] = (),
) -> PatchResult:
    """Write a patched copy of the workbook ``source`` (read from ``path``) to ``out``.

    ``plain`` names sheet parts a read of these very bytes found with every cell
    starting ``<c r="`` (see :func:`~sheets_sync.backends.xlsx.reader.read_xlsx`): they are
    not checked again.

    Members keep their order. Each patched sheet is streamed into ``out`` (which must
    be seekable) as it is patched, except when the styles part comes first in the
    archive: the sheets after it are patched into memory before it is written, since
    a date written into a cell may add a style.
    """
    source = as_source(source)
    package = open_package(path, source.stream())
    mapping = map_package(path, package)
    plan = group_writes(writes)
    # A styles part the package names but lacks is read as none, as the reader does.
    part = mapping.styles_part
    styles = StyleBook(package.read(part) if part and part in package.NameToInfo else None)
    sheets = _sheet_parts(mapping, plan)

    def patched(part: str) -> Iterator[bytes]:
        blocks = member_blocks(package, source, package.getinfo(part))
        pats, pieces = sheet_pieces(blocks)
        patcher = SheetPatcher(sheets[part], styles, mapping.date1904, pats, part in plain)
        return patcher.run(pieces)

    small = _other_parts(package, mapping)
    removed = {mapping.calc_chain_part} if mapping.calc_chain_part in package.NameToInfo else set()
    result = PatchResult(cells=sum(len(cells) for cells in plan.values()))
    writer = ZipRewriter(source, package, out)
    buffered: dict[str, Deflated] = {}
    for info in package.infolist():
        name = info.filename
        if name in removed:
            continue
        if name == mapping.styles_part:
            for part in sheets.keys() - buffered.keys() - result.members.keys():
                buffered[part] = deflate(patched(part))  # their new styles come first
            if styles.added:
                small[name] = styles.patched()
        if name in sheets and name not in buffered:
            result.members[name] = writer.stream(name, patched(name))
        else:
            built = buffered.pop(name, None) or (deflate([small[name]]) if name in small else None)
            result.members[name] = _replace_or_copy(writer, info, built)
    writer.close()
    result.changed_parts = sorted(sheets.keys() | small.keys())
    result.removed_parts = sorted(removed)
    return result


def _sheet_parts(
    mapping: PackageMap, plan: dict[str, list[CellWrite]]
) -> dict[str, list[CellWrite]]:
    """Each sheet's writes by the part that holds the sheet; a title with no worksheet is
    a ValueError (the sync only writes sheets it read)."""
    sheets: dict[str, list[CellWrite]] = {}
    for title, cells in plan.items():
        entry = mapping.sheet_entry(title)
        if entry is None or entry.kind != "worksheet":
            raise ValueError(f"the workbook has no worksheet named {title!r}")
        sheets[entry.part] = cells
    return sheets


def _replace_or_copy(
    writer: ZipRewriter, info: zipfile.ZipInfo, built: Deflated | None
) -> tuple[int, int]:
    """Write the member's new content when there is one, else copy it as it was; its
    CRC-32 and size as they now stand in the archive."""
    if built is None:
        writer.copy(info.filename)
        return info.CRC, info.file_size
    writer.replace(info.filename, built)
    return built.crc, built.size


def _other_parts(package: zipfile.ZipFile, mapping: PackageMap) -> dict[str, bytes]:
    """The new content of the small parts a write changes: calc settings, the calc chain."""
    small: dict[str, bytes] = {}
    workbook = package.read(mapping.workbook_part)
    patched_workbook = set_full_calc_on_load(workbook)
    if patched_workbook != workbook:
        small[mapping.workbook_part] = patched_workbook
    if mapping.calc_chain_part and mapping.calc_chain_part in package.NameToInfo:
        rels = package.read(mapping.workbook_rels_part)
        small[mapping.workbook_rels_part] = drop_relationship(rels, "calcChain")
        types = package.read("[Content_Types].xml")
        small["[Content_Types].xml"] = drop_override(types, "/" + mapping.calc_chain_part)
    return small


# --- sheets --------------------------------------------------------------------------

_DIMENSION = re.compile(rb"<((?:\w+:)?)dimension\b([^>]*?)/>")
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_SPANS = re.compile(rb"""(\sspans\s*=\s*)(["'])([^"']*)\2""")


@functools.lru_cache(maxsize=4096)
def _inline_text(value: str, p: bytes) -> bytes:
    """An inline-text cell's type and content, from the type attribute on (labels repeat)."""
    space = b' xml:space="preserve"' if needs_preserve(value) else b""
    text = ooxml_escape_text(value).encode()
    return b' t="inlineStr"><%bis><%bt%b>%b</%bt></%bis></%bc>' % (p, p, space, text, p, p, p)


def encode_value(
    ref: str, style: int | None, value: CellValue, styles: StyleBook, date1904: bool, p: bytes
) -> bytes:
    """One <c> element holding ``value``; ``b""`` for an empty cell without a style."""
    if isinstance(value, dt.date):
        with_time = isinstance(value, dt.datetime) and value.time() != dt.time()
        style = styles.date_style(style, with_time)
    s = b"" if style is None else b' s="%d"' % style
    r = ref.encode()
    if type(value) is str:  # most writes: a label or a message
        return b'<%bc r="%b"%b%b' % (p, r, s, _inline_text(value, p))
    if value is None:
        return b'<%bc r="%b"%b/>' % (p, r, s) if style is not None else b""
    if isinstance(value, bool):
        return b'<%bc r="%b"%b t="b"><%bv>%b</%bv></%bc>' % (
            p,
            r,
            s,
            p,
            b"1" if value else b"0",
            p,
            p,
        )
    if isinstance(value, int | float):
        number = format_number(value).encode()
    elif isinstance(value, dt.date):
        number = format_number(to_serial(value, date1904)).encode()
    elif isinstance(value, Formula):
        text = xml_escape(value.text[1:]).encode()
        return b'<%bc r="%b"%b><%bf>%b</%bf></%bc>' % (p, r, s, p, text, p, p)
    elif isinstance(value, str):
        return encode_value(ref, style, str(value), styles, date1904, p)  # a str subclass
    else:
        raise TypeError(f"cannot write {type(value).__name__} into cell {ref}")
    return b'<%bc r="%b"%b><%bv>%b</%bv></%bc>' % (p, r, s, p, number, p, p)


@dataclass
class _Shared:
    """A shared formula whose master cell is being overwritten."""

    formula: str
    row: int
    col: int
    last_row: int


class SheetPatcher:
    """Streams one sheet's XML, rebuilding only the rows that receive values."""

    def __init__(
        self,
        cells: Sequence[CellWrite],
        styles: StyleBook,
        date1904: bool,
        pats: SheetPatterns,
        plain: bool = False,
    ) -> None:
        self.styles = styles
        self.date1904 = date1904
        self.pats = pats
        self.p = pats.prefix
        self.cells = cells  # in row and column order, one per cell (see group_writes)
        self.plain = plain  # every cell is known to start <c r="
        self.next = 0  # where the next row to patch starts in cells
        self.col_styles: list[tuple[int, int, int]] = []
        self.orphans: dict[bytes, _Shared] = {}
        self.row = 0
        filled = [w for w in cells if w.value is not None]
        self.bbox = (
            (min(w.row for w in filled), min(w.col for w in filled),
             max(w.row for w in filled), max(w.col for w in filled))
            if filled else None
        )  # fmt: skip

    def _peek(self) -> int | None:
        """The number of the next row that receives values, None when all are done."""
        return self.cells[self.next].row if self.next < len(self.cells) else None

    def _take(self) -> dict[int, CellValue]:
        """The next row's values by column, and move past them."""
        cells = self.cells
        at = self.next
        row = cells[at].row
        targets: dict[int, CellValue] = {}
        while at < len(cells) and cells[at].row == row:
            targets[cells[at].col] = cells[at].value
            at += 1
        self.next = at
        return targets

    def run(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """The patched sheet XML, from its XML in pieces cut on row ends (see ``cut_rows``)."""
        state = "header"
        for segment in pieces:
            if state == "done":
                yield segment
                continue
            out: list[bytes] = []
            pos = scan_from = 0
            if state == "header":
                m = self.pats.sheet_data.search(segment)
                if m is None:  # a sheet without sheetData is broken; leave it be
                    yield segment
                    continue
                out.append(self._header(segment[: m.start()]))
                if m.group(1):  # <sheetData/>: no rows at all yet
                    tag = b"<" + self.p + b"sheetData>"
                    rows = self._new_rows(None)
                    out += [tag, rows, self.pats.sheet_data_end, segment[m.end() :]]
                    yield b"".join(out)
                    state = "done"
                    continue
                pos, scan_from, state = m.start(), m.end(), "rows"
            pos = self._rows(segment, scan_from, pos, out)
            close = segment.find(self.pats.sheet_data_end, pos)
            if close >= 0:
                out += [segment[pos:close], self._new_rows(None)]
                pos = close
                state = "done"
            out.append(segment[pos:])
            yield b"".join(out)

    def _rows(self, segment: bytes, scan_from: int, pos: int, out: list[bytes]) -> int:
        """Patch the rows of one segment into ``out``; returns how far it got.

        The target rows are found by searching for ``<row r="N"`` (what Excel
        writes); when one is not there, or the rows are shaped otherwise, each row is
        looked at in turn.
        """
        last = None if self.orphans else numbered_end(segment, self.pats)
        if last is None:
            return self._rows_one_by_one(segment, scan_from, pos, out)
        plain = self.plain or self.pats.unplain.search(segment, pos) is None
        numbers: list[int] | None = None  # every row's number, once a row must be created
        while (wanted := self._peek()) is not None and wanted <= last:
            at = segment.find(self.pats.row_mark + b'%d"' % wanted, pos)
            if at < 0:  # rows to create in front of the first existing one after them
                if numbers is None and not plain_rows(segment, self.pats):
                    # a row without its number may be the one: walk the rest
                    return self._rows_one_by_one(segment, max(scan_from, pos), pos, out)
                numbers = numbers or row_numbers(segment, self.pats) or []
                if numbers != sorted(numbers):
                    return self._rows_one_by_one(segment, pos, pos, out)
                found = numbers[bisect.bisect_left(numbers, wanted)]
                at = find_row(segment, self.pats, found, pos)
                out += [segment[pos:at], self._new_rows(found)]
                pos = at
                continue
            targets = self._take()
            self.row = wanted  # a walk of the rest counts on from here
            m = self.pats.row_start.match(segment, at)
            assert m is not None
            if not m.group(2):  # the usual row: cells replaced in place
                end = segment.find(self.pats.row_end, m.end())
                spots = self._in_place(segment, m.end(), end, wanted, targets, plain)
                if spots is not None:
                    for start, stop, cell in spots:
                        out += [segment[pos:start], cell]
                        pos = stop
                    continue
            pos = self._patch_at(segment, m, wanted, targets, pos, out)
            if self.orphans:  # a shared formula lost its master: walk the rest
                return self._rows_one_by_one(segment, pos, pos, out)
        self.row = last
        return pos

    def _rows_one_by_one(self, segment: bytes, scan_from: int, pos: int, out: list[bytes]) -> int:
        for m in self.pats.row_start.finditer(segment, scan_from):
            number = row_number(m.group(1), self.row)
            self.row = number
            new_rows = self._new_rows(number)
            if new_rows:
                out += [segment[pos : m.start()], new_rows]
                pos = m.start()
            targets = self._take() if self._peek() == number else None
            # A row without "r" counts from the one before: new rows in front of it
            # would renumber it, so it gets its "r" written out.
            renumbered = bool(new_rows) and R_ATTR.search(m.group(1)) is None
            if targets is None and not renumbered and not self._orphan_row(number):
                continue
            pos = self._patch_at(segment, m, number, targets or {}, pos, out)
        return pos

    def _patch_at(
        self,
        segment: bytes,
        m: re.Match[bytes],
        number: int,
        targets: Mapping[int, CellValue],
        pos: int,
        out: list[bytes],
    ) -> int:
        """Emit everything up to the row at ``m`` and the patched row; returns its end."""
        if m.group(2):
            end = m.end()
        else:
            end = segment.find(self.pats.row_end, m.end()) + len(self.pats.row_end)
        row_xml = segment[m.start() : end]
        out += [segment[pos : m.start()], self._patch_row(row_xml, m, number, targets)]
        return end

    # - header: dimension and column styles

    def _header(self, header: bytes) -> bytes:
        """Note column styles (new cells take them) and widen <dimension> to the writes."""
        for col in _COL.finditer(header):
            a = attrs_of(col.group(1))
            if b"style" in a:
                try:
                    self.col_styles.append((int(a[b"min"]), int(a[b"max"]), int(a[b"style"])))
                except (KeyError, ValueError):
                    continue
        m = _DIMENSION.search(header)
        if m is None or self.bbox is None:
            return header
        ref = attrs_of(m.group(2)).get(b"ref", b"A1").decode()
        try:
            first, _, last = ref.partition(":")
            r1, c1 = split_ref(first)
            r2, c2 = split_ref(last or first)
        except ValueError:
            return header
        top, left, bottom, right = self.bbox
        if r1 == r2 == c1 == c2 == 1 and not last:  # "A1" marks an empty sheet
            r1, c1, r2, c2 = top, left, bottom, right
        new = f"{cell_ref(min(r1, top), min(c1, left))}:{cell_ref(max(r2, bottom), max(c2, right))}"
        if new == ref:
            return header
        tag = b"<" + m.group(1) + b"dimension" + set_attr(m.group(2), b"ref", new.encode()) + b"/>"
        return header[: m.start()] + tag + header[m.end() :]

    def _column_style(self, col: int) -> int | None:
        for low, high, style in self.col_styles:
            if low <= col <= high:
                return style
        return None

    # - rows

    def _new_rows(self, before: int | None) -> bytes:
        """Rows that do not exist yet, numbered below ``before`` (all when None)."""
        out: list[bytes] = []
        while (number := self._peek()) is not None and (before is None or number < before):
            cells = self._take()
            body = b"".join(
                self._encode(number, col, self._column_style(col), cells[col])
                for col in sorted(cells)
            )
            if body:
                out.append(b"<" + self.p + b'row r="%d">' % number + body + self.pats.row_end)
        return b"".join(out)

    def _orphan_row(self, number: int) -> bool:
        """Whether the row may hold dependents of an overwritten shared formula."""
        if self.orphans:
            for si in [si for si, g in self.orphans.items() if g.last_row < number]:
                del self.orphans[si]
        return any(group.row <= number for group in self.orphans.values())

    def _patch_row(
        self, row_xml: bytes, start: re.Match[bytes], number: int, targets: Mapping[int, CellValue]
    ) -> bytes:
        """The row rebuilt with ``targets`` written in; other cells kept byte for byte."""
        head_len = start.end() - start.start()
        if not start.group(2) and not self.orphans:
            quick = self._patch_in_place(row_xml, number, targets, head_len)
            if quick is not None:
                return quick
        attrs = start.group(1)
        row_attrs = attrs_of(attrs)
        if R_ATTR.search(attrs) is None:
            attrs = set_attr(attrs, b"r", str(number).encode())
        row_style = None
        if row_attrs.get(b"customFormat") in (b"1", b"true") and b"s" in row_attrs:
            row_style = int(row_attrs[b"s"])
        spans = None
        if not start.group(2) and not self.orphans:
            spans = cell_spans(row_xml, self.pats, head_len)
        if spans is not None:
            cells = spans
            needs_refs = False
        else:
            cells = [] if start.group(2) else cells_of_row(row_xml, self.pats, head_len)
            needs_refs = any(R_ATTR.search(c.attrs) is None for c in cells)
        existing = {c.col: c for c in cells}
        pieces: list[tuple[int, bytes]] = []
        for cell in cells:
            if cell.col in targets:
                if spans is not None:
                    cell = full_cell(row_xml, self.pats, cell)
                s = attrs_of(cell.attrs).get(b"s")
                self._orphan_master(cell, number)
                value = targets[cell.col]
                style = int(s) if s else None
                pieces.append((cell.col, self._encode(number, cell.col, style, value)))
            else:
                if spans is not None and self.orphans:  # may depend on a master just replaced
                    cell = full_cell(row_xml, self.pats, cell)
                pieces.append((cell.col, self._keep(cell, row_xml, number, needs_refs)))
        for col, value in targets.items():
            if col not in existing:
                style = row_style if row_style is not None else self._column_style(col)
                pieces.append((col, self._encode(number, col, style, value)))
        return self._assemble_row(row_xml, start, attrs, pieces, cells[-1].end if cells else None)

    def _assemble_row(
        self,
        row_xml: bytes,
        start: re.Match[bytes],
        attrs: bytes,
        pieces: list[tuple[int, bytes]],
        cells_end: int | None,
    ) -> bytes:
        """The row's XML from its cells in column order, its ``spans`` widened to them,
        and whatever followed the last cell kept as it was."""
        pieces.sort(key=lambda piece: piece[0])
        body = b"".join(piece for _, piece in pieces)
        cols = [col for col, piece in pieces if piece]
        if cols:
            attrs = _SPANS.sub(
                lambda m: m.group(1) + m.group(2) + _widen(m.group(3), cols) + m.group(2), attrs
            )
        head = b"<" + self.p + b"row" + attrs
        if not body and start.group(2):
            return head + b"/>"
        if cells_end is not None:
            tail = row_xml[cells_end:]
        elif start.group(2):
            tail = self.pats.row_end
        else:
            tail = row_xml[start.end() - start.start() :]
        return head + b">" + body + tail

    def _patch_in_place(
        self, row_xml: bytes, number: int, targets: Mapping[int, CellValue], offset: int
    ) -> bytes | None:
        """The row with its target cells replaced where they stand, or None (see below)."""
        spots = self._in_place(row_xml, offset, len(row_xml), number, targets)
        if spots is None:
            return None
        out = []
        pos = 0
        for start, stop, cell in spots:
            out += [row_xml[pos:start], cell]
            pos = stop
        out.append(row_xml[pos:])
        return b"".join(out)

    def _in_place(
        self,
        xml: bytes,
        start: int,
        end: int,
        number: int,
        targets: Mapping[int, CellValue],
        plain: bool = False,
    ) -> list[tuple[int, int, bytes]] | None:
        """Where each target cell stands in ``xml[start:end]`` and what replaces it.

        The usual case of every sync (a few status cells in an existing row): each
        cell is found by its reference and nothing else is touched. None when a cell
        must be created, some cell lacks a reference, or a target is a shared
        formula's master: the careful path takes those. ``plain`` says the caller
        has seen that every cell around starts ``<c r="``.
        """
        if not plain and self.pats.unplain.search(xml, start, end) is not None:
            return None
        opening = b"<" + self.p + b'c r="'
        tail = b'%d"' % number
        match = self.pats.cell.match
        spots = []
        for col, value in targets.items():
            at = xml.find(opening + _letters(col) + tail, start, end)
            m = match(xml, at) if at >= 0 else None
            if m is None:
                return None
            inner = m.group(3)
            if inner and inner.find(b"shared") >= 0:  # (find: ``in`` on bytes is slow)
                return None
            s = _STYLE.search(m.group(2))
            spots.append((at, m.end(), self._encode(number, col, int(s[1]) if s else None, value)))
        if len(spots) > 1:
            spots.sort(key=lambda spot: spot[0])
        return spots

    def _encode(self, row: int, col: int, style: int | None, value: CellValue) -> bytes:
        return encode_value(cell_ref(row, col), style, value, self.styles, self.date1904, self.p)

    def _keep(self, cell: RawCell, row_xml: bytes, number: int, needs_ref: bool) -> bytes:
        """An untouched cell, except for a dependent of an overwritten shared formula."""
        raw = row_xml[cell.start : cell.end]
        if needs_ref and R_ATTR.search(cell.attrs) is None:
            ref = cell_ref(number, cell.col).encode()
            raw = b"<" + self.p + b'c r="' + ref + b'"' + raw[len(self.p) + 2 :]
        if self.orphans and cell.inner and b"shared" in cell.inner:
            raw = self._explicit_shared(raw, number, cell.col)
        return raw

    _F_SHARED = re.compile(rb"<((?:\w+:)?)f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)")

    def _orphan_master(self, cell: RawCell, number: int) -> None:
        """Remember a shared formula whose master is about to be overwritten."""
        if not cell.inner or b"shared" not in cell.inner:
            return
        m = self._F_SHARED.search(cell.inner)
        if m is None or not m.group(3):
            return
        fa = attrs_of(m.group(2))
        if fa.get(b"t") != b"shared" or b"si" not in fa:
            return
        last_row = number
        if b"ref" in fa:
            last = fa[b"ref"].decode().partition(":")[2] or fa[b"ref"].decode()
            last_row = split_ref(last)[0]
        text = xml_unescape(m.group(3).decode("utf-8"))
        self.orphans[fa[b"si"]] = _Shared("=" + text, number, cell.col, last_row)

    def _explicit_shared(self, raw: bytes, row: int, col: int) -> bytes:
        """Turn ``<f t="shared" si="n"/>`` into the formula it stands for."""
        found = self._F_SHARED.search(raw)
        if found is None or found.group(3):
            return raw
        m = found
        si = attrs_of(m.group(2)).get(b"si")
        group = self.orphans.get(si) if si is not None else None
        if group is None:
            return raw
        formula = shift_formula((group.formula, group.row, group.col), row, col)[1:]
        f = b"<" + m.group(1) + b"f>" + xml_escape(formula).encode() + b"</" + m.group(1) + b"f>"
        return raw[: m.start()] + f + raw[m.end() :]


_STYLE = re.compile(rb"""(?:^|\s)s\s*=\s*["']([0-9]+)["']""")


@functools.lru_cache(maxsize=1024)
def _letters(col: int) -> bytes:
    return col_letters(col).encode()


def _widen(spans: bytes, cols: list[int]) -> bytes:
    numbers = [int(n) for n in re.findall(rb"\d+", spans)] + cols
    return b"%d:%d" % (min(numbers), max(numbers))
