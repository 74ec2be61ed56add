"""The cell formats of styles.xml: which show dates, and new ones when a date needs one.

Works on the raw bytes so that, when a format must be added, styles.xml changes by
exactly one ``<xf>`` and the ``count`` of ``cellXfs``; everything else stays as the
application wrote it.
"""

from __future__ import annotations

import re

from sheets_sync.backends.xlsx.ooxml import BUILTIN_DATE_FORMATS, is_date_format, xml_unescape
from sheets_sync.backends.xlsx.sheetxml import attrs_of, set_attr

SHORT_DATE = 14  # built-in "m/d/yyyy", shown in the reader's locale
DATE_TIME = 22  # built-in "m/d/yyyy h:mm"

_CELL_XFS = re.compile(rb"<((?:\w+:)?)cellXfs\b([^>]*?)(/?)>")
_XF = re.compile(rb"<(?:\w+:)?xf\b[^>]*?(?:/>|>.*?</(?:\w+:)?xf>)", re.S)
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*?)/?>")


class StyleBook:
    """The ``cellXfs`` list (a cell's ``s`` indexes it) and the date formats in it."""

    def __init__(self, styles: bytes | None) -> None:
        self.source = styles
        self.xfs: list[bytes] = []
        self.date_styles: set[int] = set()
        self.added: list[bytes] = []
        self._made: dict[tuple[int, int], int] = {}
        self._span = (0, 0, 0)
        if styles is None:
            return
        m = _CELL_XFS.search(styles)
        if m is None or m.group(3):
            return
        close = styles.find(b"</" + m.group(1) + b"cellXfs>", m.end())
        if close < 0:
            return
        self._span = (m.start(), m.end(), close)
        self.xfs = [x.group(0) for x in _XF.finditer(styles, m.end(), close)]
        custom: dict[int, str] = {}
        for fmt in _NUM_FMT.finditer(styles):
            a = attrs_of(fmt.group(1))
            try:
                fmt_code = xml_unescape(a.get(b"formatCode", b"").decode("utf-8"))
                custom[int(a.get(b"numFmtId", b"-1"))] = fmt_code
            except ValueError:
                continue
        for index, xf in enumerate(self.xfs):
            try:
                fmt_id = int(attrs_of(xf[: xf.find(b">")]).get(b"numFmtId", b"0"))
            except ValueError:
                continue
            code = custom.get(fmt_id)
            if (code is not None and is_date_format(code)) or (
                code is None and fmt_id in BUILTIN_DATE_FORMATS
            ):
                self.date_styles.add(index)

    def date_style(self, style: int | None, with_time: bool) -> int | None:
        """A style that shows dates and otherwise looks like ``style``.

        An existing date style is kept as it is (the user chose how dates look);
        otherwise the cell's format is copied with a built-in date format. Without a
        usable styles.xml the style is returned unchanged.
        """
        base = style or 0
        if base in self.date_styles or base >= len(self.xfs):
            return style
        key = (base, DATE_TIME if with_time else SHORT_DATE)
        if key not in self._made:
            made = _with_format(self.xfs[base], key[1])
            if made in self.xfs:
                self._made[key] = self.xfs.index(made)
            else:
                self.added.append(made)
                self._made[key] = len(self.xfs) + len(self.added) - 1
        return self._made[key]

    def patched(self) -> bytes:
        """styles.xml with the new formats appended to cellXfs and its count updated."""
        if self.source is None or not self.added:
            raise ValueError("no formats were added")
        start, open_end, close = self._span
        m = _CELL_XFS.match(self.source, start)
        assert m is not None
        count = str(len(self.xfs) + len(self.added)).encode()
        tag = b"<" + m.group(1) + b"cellXfs" + set_attr(m.group(2), b"count", count) + b">"
        added = b"".join(self.added)
        return self.source[:start] + tag + self.source[open_end:close] + added + self.source[close:]


def _with_format(xf: bytes, fmt_id: int) -> bytes:
    """A copy of an ``<xf>`` element with another number format applied."""
    tag_end = xf.find(b">")
    self_closing = xf[tag_end - 1 : tag_end] == b"/"
    name_end = xf.find(b"xf") + 2
    attrs = xf[name_end : tag_end - 1 if self_closing else tag_end]
    attrs = set_attr(attrs, b"numFmtId", str(fmt_id).encode())
    attrs = set_attr(attrs, b"applyNumberFormat", b"1")
    return xf[:name_end] + attrs + (b"/>" if self_closing else b">") + xf[tag_end + 1 :]
