"""Small SpreadsheetML facts shared by the reader and the patcher.

Cell references, XML text escaping (including OOXML's ``_xHHHH_`` escapes), the
text of a number and which number formats show dates (the serials themselves are
:mod:`sheets_sync.core.serials`). Pure functions, no I/O, so both sides of the round
trip agree on every conversion.
"""

from __future__ import annotations

import functools
import math
import re

MAX_ROW = 1_048_576
MAX_COL = 16_384

_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})$")


@functools.lru_cache(maxsize=1024)
def col_letters(col: int) -> str:
    """1 → "A", 28 → "AB"."""
    if not 1 <= col <= MAX_COL:
        raise ValueError(f"column {col} is outside 1..{MAX_COL}")
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_number(letters: str | bytes) -> int:
    """ "A" → 1, "AB" → 28 (case-insensitive)."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def split_ref(ref: str | bytes) -> tuple[int, int]:
    """ "B7" → (7, 2): row, column."""
    if isinstance(ref, bytes):
        ref = ref.decode("ascii")
    m = _REF.match(ref.replace("$", ""))
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), col_number(m.group(1))


def cell_ref(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


# --- XML text -----------------------------------------------------------------

_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] == "#":
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        # no character XML allows: a surrogate or beyond Unicode reads as U+FFFD
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _NAMED[name]


def xml_unescape(text: str) -> str:
    """Undo XML character and predefined entity references (no DTD entities exist)."""
    return _ENTITY.sub(_entity, text) if "&" in text else text


def xml_escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;")
    return text


# ST_Xstring: characters XML 1.0 cannot carry are written as _xHHHH_, and a literal
# "_xHHHH_" in the text is protected by escaping its underscore as _x005F_.
_XESC = re.compile(r"_x[0-9A-Fa-f]{4}_")
# Carriage returns too: XML parsers turn a literal CR into LF.
_BAD_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def ooxml_escape_text(text: str) -> str:
    """Plain text → XML character data for a <t> element."""
    text = _XESC.sub(lambda m: "_x005F" + m.group(0), text)
    text = _BAD_XML.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return xml_escape(text)


def ooxml_unescape_text(text: str) -> str:
    """Decoded <t> character data → plain text (undoes ``_xHHHH_``).

    The escapes are UTF-16 code units: a surrogate pair (``_xD83D__xDE00_``) is one
    character, and a surrogate left alone, which no text can hold, reads as U+FFFD.
    """
    if "_x" not in text:
        return text
    text = _XESC.sub(lambda m: chr(int(m.group(0)[2:6], 16)), text)
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE_PAIR.sub(_pair_or_replacement, text)


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")


def _pair_or_replacement(m: re.Match[str]) -> str:
    units = m.group(0)
    if len(units) == 2:
        return chr(0x10000 + ((ord(units[0]) - 0xD800) << 10) + (ord(units[1]) - 0xDC00))
    return "\ufffd"


def needs_preserve(text: str) -> bool:
    """Whether a <t> needs xml:space="preserve" so readers keep its whitespace."""
    return text != text.strip(" \t\r\n") or "\n" in text or "\t" in text or "  " in text


# --- numbers and date formats ------------------------------------------------------------


def format_number(value: int | float) -> str:
    """The text of a <v> for a number; ``repr`` round-trips floats exactly."""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be stored in a spreadsheet cell")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# Built-in number formats Excel shows as dates or times (ECMA-376 18.8.30, plus the
# East Asian built-ins 27-36 and 50-58 that Excel writes in zh/ja/ko locales).
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])

_FMT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hHmMsS]+\])[^\]]*\]')


def is_date_format(code: str) -> bool:
    """Whether a custom number format code displays a date or time.

    Quoted literals, escaped characters, padding and bracketed colours/conditions are
    ignored; "[h]" style elapsed-time brackets count. Only the first section matters.
    """
    section = _FMT_NOISE.sub("", code).split(";")[0]
    return any(ch in section for ch in "dmyhsDMYHS")
