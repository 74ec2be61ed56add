"""Streaming, regex-level access to worksheet XML.

Sheets can hold a million cells; building a tree (or even firing SAX callbacks) for
each is too slow at that size. These helpers cut the decompressed stream into
pieces that end on a row boundary and find rows and cells with compiled regexes,
touching Python only for the rows that matter. The same cell decoder serves the
targeted reader and the write verification, so both agree with the patcher's
encoder.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sheets_sync.backends.xlsx.ooxml import (
    col_number,
    ooxml_unescape_text,
    xml_unescape,
)
from sheets_sync.core.cells import CellValue, Formula
from sheets_sync.core.serials import from_serial

PREFIX_PROBE = 4096  # the root element and its namespaces are within the first bytes

ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
_T_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_V = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?(?:/>|>(.*?)</(?:\w+:)?v>)", re.S)
_F = re.compile(rb"<(?:\w+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)


@dataclass(frozen=True)
class SheetPatterns:
    """Row and cell regexes for one namespace prefix (usually none)."""

    prefix: bytes
    row_start: re.Pattern[bytes]
    row_end: bytes
    row_mark: bytes  # how a row with its number begins: <row r="
    row_number: re.Pattern[bytes]
    cell: re.Pattern[bytes]
    cell_start: re.Pattern[bytes]
    fast_cell: re.Pattern[bytes]  # r, s, t in Excel's order; common contents whole
    sheet_data: re.Pattern[bytes]
    sheet_data_end: bytes
    unplain: re.Pattern[bytes]  # a cell that does not start <c r="


_PATTERNS: dict[bytes, SheetPatterns] = {}
# Everything up to a start tag's ">" or "/>", in a group: what a lazy ``([^>]*?)``
# followed by ``/?>`` captures, without backtracking.
_INSIDE = rb"((?:[^>/]++|/(?!>))*+)"


def patterns(prefix: bytes = b"") -> SheetPatterns:
    found = _PATTERNS.get(prefix)
    if found is None:
        p = re.escape(prefix)
        found = SheetPatterns(
            prefix=prefix,
            # A start tag's inside, then "/" if it closes itself. Possessive runs, not a
            # lazy one: LibreOffice writes seven attributes on every row, and a lazy
            # match steps through them a character at a time.
            row_start=re.compile(rb"<" + p + rb"row\b" + _INSIDE + rb"(/?)>"),
            row_end=b"</" + prefix + b"row>",
            row_mark=b"<" + prefix + b'row r="',
            cell=re.compile(
                rb"<"
                + p
                + rb'c\b(?:(?= r="([A-Z]{1,3})[0-9]))?'
                + _INSIDE
                + rb"(?:/>|>((?:[^<]++|<(?!/"
                + p
                + rb"c>))*+)</"
                + p
                + rb"c>)",
            ),
            row_number=re.compile(rb"<" + p + rb'row(?: r="([0-9]+)")?[\s/>]'),
            cell_start=re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})[0-9]'),
            fast_cell=fast_cells(prefix),
            sheet_data=re.compile(rb"<" + p + rb"sheetData\b[^>]*?(/?)>"),
            sheet_data_end=b"</" + prefix + b"sheetData>",
            unplain=re.compile(rb"<" + p + rb'c(?:[>/]|\s(?!r="))'),
        )
        _PATTERNS[prefix] = found
    return found


def fast_cells(prefix: bytes, letters: Iterable[bytes] | None = None) -> re.Pattern[bytes]:
    """Cells in the shapes Excel, LibreOffice, openpyxl and XlsxWriter write.

    Each common content (a value, one plain inline run, a formula and the <v> of its
    calculated value) is matched whole into its own group; any other content lands in
    the last group. Possessive runs
    keep the engine from backtracking. With ``letters``, only cells of those columns
    match: the engine passes over the others without building anything for them,
    and a cell that does not start ``<c r="`` matches with every group empty, so the
    one pass that finds the chosen cells also tells whether any cell is shaped
    otherwise.
    """
    p = re.escape(prefix)
    columns = rb"[A-Z]{1,3}" if letters is None else b"|".join(sorted(letters))
    usual = (
        rb' r="(' + columns + rb')([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?'
        rb'((?:[^>/"]++|"[^"]*+")*+)(?:/>|>(?:'
        rb"<" + p + rb"v>([^<]*+)</" + p + rb"v>"
        rb"|<" + p + rb"is><" + p + rb"t>([^<]*+)</" + p + rb"t></" + p + rb"is>"
        rb"|<" + p + rb"f>([^<]++)</" + p + rb"f>(<" + p + rb"v>[^<]*+</" + p + rb"v>)?"
        rb"|((?:[^<]++|<(?!/" + p + rb"c>))*+))</" + p + rb"c>)"
    )  # fmt: skip
    other = b"" if letters is None else rb'|(?=[>/]|\s(?!r="))'
    return re.compile(rb"<" + p + rb"c(?:" + usual + other + rb")")


_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")


def element_prefix(head: bytes) -> bytes:
    """The namespace prefix sheet elements carry (b"" for the usual default namespace)."""
    m = _PREFIX.search(head)
    return (m.group(1) or b"") if m else b""


def attrs_of(raw: bytes) -> dict[bytes, bytes]:
    """Attributes of a start tag's inside, values still XML-escaped."""
    return {m[1]: m[2] if m[3] is None else m[3] for m in ATTR.finditer(raw)}


def set_attr(attrs: bytes, name: bytes, value: bytes) -> bytes:
    """A start tag's attribute text with ``name`` set to ``value`` (added or replaced)."""
    pattern = re.compile(rb"(\s" + re.escape(name) + rb"\s*=\s*)(\"[^\"]*\"|'[^']*')")
    if pattern.search(attrs):
        return pattern.sub(lambda m: m.group(1) + b'"' + value + b'"', attrs, count=1)
    return attrs + b" " + name + b'="' + value + b'"'


def row_number(raw_attrs: bytes, previous: int) -> int:
    """A row's ``r``; rows without one follow the previous row."""
    m = R_ATTR.search(raw_attrs)
    return int(m.group(1)) if m else previous + 1


def cut_rows(blocks: Iterable[bytes], row_end: bytes) -> Iterator[bytes]:
    """Blocks regrouped into pieces that each end right after a ``</row>``.

    Each piece is one copy: what was left of the block before, joined to the block
    up to its last ``</row>``.
    """
    pending: list[bytes] = []  # a row longer than a block, in parts: joined once
    held = 0
    for block in blocks:
        cut = block.rfind(row_end)
        if cut < 0:  # a row longer than a block
            pending.append(block)
            held += len(block)
            if held > MAX_ROW_BYTES:
                raise ValueError(
                    f"a row runs past {MAX_ROW_BYTES >> 20} MB of XML, more than any "
                    "spreadsheet writes"
                )
            continue
        cut += len(row_end)
        yield b"".join((*pending, memoryview(block)[:cut])) if pending else block[:cut]
        pending = [block[cut:]]
        held = len(pending[0])
    if held:
        yield b"".join(pending)


# A row's XML beyond this is refused while it streams: 16,384 cells of ordinary text
# take a few megabytes, and a longer row would have to be held whole to be parsed.
MAX_ROW_BYTES = 16 << 20


def sheet_pieces(blocks: Iterator[bytes]) -> tuple[SheetPatterns, Iterator[bytes]]:
    """A sheet's patterns, from its first bytes, and its content cut on row ends."""
    head = b""
    for block in blocks:
        head += block
        if len(head) >= PREFIX_PROBE:
            break
    pats = patterns(element_prefix(head[:PREFIX_PROBE]))
    return pats, cut_rows(itertools.chain((head,), blocks), pats.row_end)


@dataclass
class RawCell:
    """One <c> element as found: its column, where it sits, and its parts."""

    col: int
    start: int
    end: int
    attrs: bytes
    inner: bytes | None


def cells_of_row(row_xml: bytes, pats: SheetPatterns, offset: int = 0) -> list[RawCell]:
    """The cells of one <row> element, with columns (cells without ``r`` follow the last)."""
    out: list[RawCell] = []
    col = 0
    for m in pats.cell.finditer(row_xml, offset):
        letters, raw = m.group(1), m.group(2)
        if letters:
            col = _column(letters)
        else:
            ref = R_ATTR.search(raw)
            col = column_of(ref.group(1)) if ref else col + 1
        out.append(RawCell(col, m.start(), m.end(), raw, m.group(3)))
    return out


def cell_spans(row_xml: bytes, pats: SheetPatterns, offset: int = 0) -> list[RawCell] | None:
    """Cells of a row found by their ``<c r="`` openings alone (the usual shape).

    Each cell runs to the next one's start, so only cells that are read or replaced
    need a regex match (:func:`full_cell`). ``None`` when some cell has another shape.
    """
    p = pats.prefix
    opened = row_xml.count(b"<" + p + b"c ", offset) + row_xml.count(b"<" + p + b"c>", offset)
    found = [(m.start(), m.group(1)) for m in pats.cell_start.finditer(row_xml, offset)]
    if len(found) != opened:
        return None
    out = []
    for i, (start, letters) in enumerate(found):
        if i + 1 < len(found):
            end = found[i + 1][0]
        else:
            m = pats.cell.match(row_xml, start)
            if m is None:
                return None
            end = m.end()
        out.append(RawCell(_column(letters), start, end, b"", None))
    return out


def full_cell(row_xml: bytes, pats: SheetPatterns, cell: RawCell) -> RawCell:
    """A cell from :func:`cell_spans` with its attributes and content parsed."""
    m = pats.cell.match(row_xml, cell.start)
    if m is None:
        raise ValueError(f"no cell at {cell.start}")
    return RawCell(cell.col, cell.start, m.end(), m.group(2), m.group(3))


def row_numbers(segment: bytes, pats: SheetPatterns) -> list[int] | None:
    """The numbers of the rows in a piece, when each starts ``<row r="N"`` (the norm).

    ``None`` means some row is shaped otherwise and the caller must walk the rows.
    """
    numbers = pats.row_number.findall(segment)
    if b"" in numbers:
        return None
    return list(map(int, numbers))


def find_cell(row_xml: bytes, pats: SheetPatterns, ref: bytes, offset: int = 0) -> RawCell | None:
    """The cell ``ref`` (b"T12") of a row whose cells all start ``<c r="``, or None.

    Callers check the row's shape first (:func:`plain_cells`).
    """
    at = row_xml.find(b"<" + pats.prefix + b'c r="' + ref + b'"', offset)
    if at < 0:
        return None
    m = pats.cell.match(row_xml, at)
    if m is None:
        return None
    return RawCell(column_of(ref), at, m.end(), m.group(2), m.group(3))


def plain_cells(row_xml: bytes, pats: SheetPatterns, offset: int = 0) -> bool:
    """Whether every cell of the row starts ``<c r="``, so cells can be found by reference."""
    return pats.unplain.search(row_xml, offset) is None


def find_row(segment: bytes, pats: SheetPatterns, number: int, start: int = 0) -> int:
    """Where ``<row r="number"`` begins (callers know from :func:`row_numbers` it is there)."""
    return segment.index(pats.row_mark + b'%d"' % number, start)


def plain_rows(segment: bytes, pats: SheetPatterns) -> bool:
    """Whether every row of a piece starts ``<row r="N"``, so rows can be found by number.

    "<row" also starts "<rowBreaks" (after the rows): a piece holding it is not plain.
    """
    return segment.count(b"<" + pats.prefix + b"row") == segment.count(pats.row_mark)


def numbered_end(segment: bytes, pats: SheetPatterns) -> int | None:
    """The number of a piece's last row, when it starts ``<row r="N"`` and is the last.

    A row found by its ``<row r="N"`` is row N whatever its neighbours look like, so
    the rows of a piece need checking (:func:`plain_rows`) only when a wanted row is
    not found; but a row after the last numbered one would count on from it unseen,
    so such a piece gives None and is walked row by row.
    """
    found = _last_numbered(segment, pats)
    if found is None or pats.row_start.search(segment, found[1]) is not None:
        return None
    return found[0]


def last_row(segment: bytes, pats: SheetPatterns) -> int | None:
    """The number of the last ``<row r="N"`` in a piece, None when it has none."""
    found = _last_numbered(segment, pats)
    return None if found is None else found[0]


def _last_numbered(segment: bytes, pats: SheetPatterns) -> tuple[int, int] | None:
    """The last ``<row r="N"`` of a piece: N and where its closing quote stands."""
    mark = pats.row_mark
    at = segment.rfind(mark)
    if at < 0:
        return None
    at += len(mark)
    end = segment.index(b'"', at)
    return int(segment[at:end]), end


@functools.lru_cache(maxsize=4096)
def _column(letters: bytes) -> int:
    return col_number(letters)


def column_of(ref: bytes) -> int:
    """The column of a cell reference such as b"AB12" (cached: sheets reuse few)."""
    return _column(ref.rstrip(b"0123456789$").lstrip(b"$").upper())


def inline_text(inner: bytes) -> str:
    """Text of an <is> or <si>: all runs concatenated, phonetic guides left out."""
    if b"<rPh" in inner or b":rPh" in inner:
        inner = _PHONETIC.sub(b"", inner)
    parts = [m.group(1) or b"" for m in _T_TEXT.finditer(inner)]
    return ooxml_unescape_text(xml_unescape(b"".join(parts).decode("utf-8")))


def formula_text(raw: bytes) -> str:
    """<f> character data → the formula as typed, with its leading "="."""
    return "=" + xml_unescape(raw.decode("utf-8"))


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def decode_cell(
    cell: RawCell,
    shared_string: Callable[[int], str],
    date_styles: frozenset[int],
    date1904: bool,
) -> CellValue:
    """The plain value of one cell, under the same rules as :func:`read_xlsx`."""
    inner = cell.inner
    if not inner:
        return None
    f = _F.search(inner)
    if f and f.group(2):
        return calculated(
            Formula(formula_text(f.group(2))), cell, shared_string, date_styles, date1904
        )
    attrs = attrs_of(cell.attrs)
    kind = attrs.get(b"t", b"n")
    if kind == b"inlineStr":
        return inline_text(inner) or None
    v = _V.search(inner)
    if v is None or v.group(1) is None:
        return None
    text = xml_unescape(v.group(1).decode("utf-8"))
    if kind == b"s":
        return shared_string(int(text)) or None
    if kind == b"b":
        return text.strip() in ("1", "true")
    if kind in (b"str", b"e"):
        return ooxml_unescape_text(text) or None
    if kind == b"d":
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return text  # no date Python can hold: the row's check quotes it
        return parsed.date() if parsed.time() == dt.time() else parsed
    number = _number(text)
    style = attrs.get(b"s")
    if style is not None and int(style) in date_styles:
        return from_serial(number, date1904)
    return number


def calculated(
    formula: Formula,
    cell: RawCell,
    shared_string: Callable[[int], str],
    date_styles: frozenset[int],
    date1904: bool,
) -> Formula:
    """``formula`` with the value its cell last calculated, when the cell holds one."""
    inner = cell.inner or b""
    f = _F.search(inner)
    rest = inner[f.end() :] if f else inner
    v = _V.search(rest)
    if v is None:
        return formula
    value = decode_cell(
        RawCell(cell.col, 0, 0, cell.attrs, rest), shared_string, date_styles, date1904
    )
    object.__setattr__(formula, "value", value)
    object.__setattr__(formula, "calculated", True)
    return formula


_TOKENS: dict[str, list[tuple[str, str, str]]] = {}


def shift_formula(master: tuple[str, int, int], row: int, col: int) -> str:
    """A shared formula as it reads in a dependent cell: references moved by the offset.

    openpyxl (a dependency anyway) tokenizes the formula; it is imported only here
    because importing it takes time and memory, and most sheets share no formulas.
    """
    from openpyxl.formula.tokenizer import Token, Tokenizer
    from openpyxl.formula.translate import Translator

    formula, master_row, master_col = master
    tokens = _TOKENS.get(formula)
    if tokens is None:
        tokens = [(t.value, t.type, t.subtype) for t in Tokenizer(formula).items]
        _TOKENS[formula] = tokens
    out = ["="]
    for value, kind, subtype in tokens:
        if kind == Token.OPERAND and subtype == Token.RANGE:
            out.append(Translator.translate_range(value, row - master_row, col - master_col))
        else:
            out.append(value)
    return "".join(out)
