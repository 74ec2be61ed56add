"""Part-by-part comparison of two .xlsx files, for reference-file tests.

A workbook is a zip of parts. Two workbooks are the same here when they hold the
same part names and every part says the same thing: XML parts are compared as
canonical element lines (qualified names, attributes sorted, indentation-only
text dropped), other parts byte for byte. What must differ from run to run is
stripped first (``VOLATILE``: the creation and modification times openpyxl stamps
into docProps/core.xml), and the children of parts whose order carries no meaning
(``UNORDERED``: the .rels files and [Content_Types].xml) are sorted.

A mismatch raises ``AssertionError`` naming the missing, extra and differing
parts, each differing part with a short unified diff of element lines, so a
failure reads like "<c r="C4" t="n"> / <v>120</v> became <v>130</v>" rather than
a wall of bytes.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.etree import ElementTree as ET

DCTERMS = "http://purl.org/dc/terms/"

# part name -> Clark names of the elements whose content differs on every save.
VOLATILE: Mapping[str, frozenset[str]] = {
    "docProps/core.xml": frozenset({f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified"}),
}
XML_SUFFIXES = (".xml", ".rels", ".vml")
DIFF_LINES = 16  # per differing part
PARTS_SHOWN = 6  # differing parts shown with a diff; the rest are only named


def is_unordered(name: str) -> bool:
    """Parts whose children an application may write in any order."""
    return name.endswith(".rels") or name == "[Content_Types].xml"


def read_parts(path: Path) -> dict[str, bytes]:
    """Every member of the zip at ``path``, in the zip's order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _prefixes(*documents: bytes) -> dict[str, str]:
    """Namespace URI -> the prefix the documents bind it to (the first binding wins)."""
    found: dict[str, str] = {}
    for data in documents:
        for _, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
            found.setdefault(uri, prefix)
    return found


def _qualified(name: str, prefixes: Mapping[str, str]) -> str:
    if not name.startswith("{"):
        return name
    uri, local = name[1:].split("}", 1)
    prefix = prefixes.get(uri)
    if prefix is None:
        return name
    return f"{prefix}:{local}" if prefix else local


def _start_tag(element: ET.Element, prefixes: Mapping[str, str]) -> str:
    attrs = sorted((_qualified(k, prefixes), v) for k, v in element.attrib.items())
    rendered = "".join(f' {k}="{v}"' for k, v in attrs)
    return f"<{_qualified(element.tag, prefixes)}{rendered}>"


def _lines(element: ET.Element, prefixes: Mapping[str, str], depth: int = 0) -> list[str]:
    """One line per element (indented by depth), its text kept unless it is indentation."""
    text = element.text or ""
    if len(element) and not text.strip():
        text = ""
    lines = ["  " * depth + _start_tag(element, prefixes) + text]
    for child in element:
        lines.extend(_lines(child, prefixes, depth + 1))
        if child.tail and child.tail.strip():
            lines.append("  " * (depth + 1) + child.tail)
    return lines


def _prepared(name: str, data: bytes) -> ET.Element:
    """The part's root with volatile elements removed and unordered children sorted."""
    root = ET.fromstring(data)
    drop = VOLATILE.get(name, frozenset())
    for child in [c for c in root if c.tag in drop]:
        root.remove(child)
    if is_unordered(name):
        empty: Mapping[str, str] = {}
        root[:] = sorted(root, key=lambda c: "\n".join(_lines(c, empty)))
    return root


def canonical_lines(name: str, data: bytes, prefixes: Mapping[str, str]) -> list[str]:
    """The part as comparable lines: element lines for XML, one line of bytes otherwise."""
    if name.endswith(XML_SUFFIXES):
        try:
            return _lines(_prepared(name, data), prefixes)
        except ET.ParseError:
            pass
    return [repr(data)]


def _xml_prefixes(name: str, *documents: bytes) -> dict[str, str]:
    if not name.endswith(XML_SUFFIXES):
        return {}
    try:
        return _prefixes(*documents)
    except ET.ParseError:
        return {}


def part_diff(name: str, expected: bytes, got: bytes) -> list[str]:
    """A unified diff of the part's canonical lines; empty when they say the same."""
    if expected == got:
        return []
    prefixes = _xml_prefixes(name, expected, got)
    before = canonical_lines(name, expected, prefixes)
    after = canonical_lines(name, got, prefixes)
    return list(
        difflib.unified_diff(before, after, f"expected/{name}", f"got/{name}", n=1, lineterm="")
    )


def _shortened(diff: list[str]) -> list[str]:
    if len(diff) <= DIFF_LINES:
        return diff
    return [*diff[:DIFF_LINES], f"... {len(diff) - DIFF_LINES} more diff lines"]


def _named(label: str, names: Iterable[str]) -> list[str]:
    listed = sorted(names)
    return [f"{label}: {', '.join(listed)}"] if listed else []


def xlsx_differences(expected: Path, got: Path) -> list[str]:
    """Readable lines describing how ``got`` differs from ``expected``; empty when alike."""
    want, have = read_parts(expected), read_parts(got)
    lines = _named("missing parts", want.keys() - have.keys())
    lines += _named("extra parts", have.keys() - want.keys())
    diffs = {
        name: diff
        for name in want.keys() & have.keys()
        if (diff := part_diff(name, want[name], have[name]))
    }
    lines += _named("differing parts", diffs)
    for name in sorted(diffs)[:PARTS_SHOWN]:
        lines += _shortened(diffs[name])
    return lines


def assert_same_xlsx(expected: Path, got: Path) -> None:
    """Fail with a readable, part-by-part message unless the workbooks say the same."""
    lines = xlsx_differences(expected, got)
    if lines:
        raise AssertionError(f"{got} differs from {expected}:\n" + "\n".join(lines))
