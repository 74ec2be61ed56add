"""The OPC package over the zip: which part is the workbook, each sheet, the strings.

Follows relationships instead of assuming ``xl/workbook.xml`` and
``xl/worksheets/sheetN.xml``: other writers name parts differently. Only small parts
(rels, workbook) are parsed into trees here; sheets are never loaded whole.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from sheets_sync.backends.xlsx.styles import StyleBook
from sheets_sync.errors import WorkbookCorrupt

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Relationship:
    rel_id: str
    kind: str  # last segment of the Type URI: "worksheet", "styles", "calcChain", ...
    target: str  # zip member name, resolved
    external: bool


@dataclass(frozen=True)
class SheetEntry:
    title: str
    part: str  # zip member name of the sheet XML
    kind: str  # "worksheet", "chartsheet", "dialogsheet", ...
    state: str  # "visible", "hidden", "veryHidden"


@dataclass
class PackageMap:
    """The parts a reader or patcher needs, found by following relationships."""

    workbook_part: str
    workbook_rels_part: str
    sheets: list[SheetEntry]
    relationships: list[Relationship]
    date1904: bool
    styles_part: str | None = None
    shared_strings_part: str | None = None
    calc_chain_part: str | None = None
    date_styles: frozenset[int] = field(default_factory=frozenset)

    def sheet_entry(self, title: str) -> SheetEntry | None:
        for entry in self.sheets:
            if entry.title == title:
                return entry
        return None


def rels_part_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def parse_xml(path: Path, package: zipfile.ZipFile, part: str) -> ElementTree.Element:
    """Parse a small part; the DTD check in :mod:`.safety` already ran on it."""
    try:
        return ElementTree.fromstring(package.read(part))
    except KeyError:
        raise WorkbookCorrupt(
            f"{path} is damaged: the part {part} is missing.",
            "Open it in Excel or LibreOffice and save it again, or restore a backup.",
        ) from None
    except ElementTree.ParseError as exc:
        raise WorkbookCorrupt(
            f"{path} is damaged: the part {part} is not valid XML ({exc}).",
            "Open it in Excel or LibreOffice and save it again, or restore a backup.",
        ) from None


def read_relationships(path: Path, package: zipfile.ZipFile, source: str) -> list[Relationship]:
    """The relationships of ``source`` ("" for the package itself), targets resolved."""
    rels_part = "_rels/.rels" if source == "" else rels_part_of(source)
    if rels_part not in package.NameToInfo:
        return []
    base = posixpath.dirname(source)
    out = []
    for rel in parse_xml(path, package, rels_part):
        if rel.tag != f"{{{REL_NS}}}Relationship":
            continue
        target = rel.get("Target", "")
        external = rel.get("TargetMode") == "External"
        if not external:
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(base, target))
            )
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        out.append(Relationship(rel.get("Id", ""), kind, target, external))
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def map_package(path: Path, package: zipfile.ZipFile) -> PackageMap:
    """Find the workbook, its sheets in tab order, styles, shared strings, calc chain."""
    office = [r for r in read_relationships(path, package, "") if r.kind == "officeDocument"]
    if not office or office[0].target not in package.NameToInfo:
        raise WorkbookCorrupt(
            f"{path} is a zip file but not a spreadsheet (it has no workbook part).",
            "Open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx).",
        )
    workbook_part = office[0].target
    rels = read_relationships(path, package, workbook_part)
    by_id = {r.rel_id: r for r in rels}
    root = parse_xml(path, package, workbook_part)
    sheets: list[SheetEntry] = []
    date1904 = False
    for elem in root.iter():
        name = _local(elem.tag)
        if name == "workbookPr":
            date1904 = elem.get("date1904", "0").lower() in ("1", "true")
        elif name == "sheet":
            rel_id = next((v for k, v in elem.attrib.items() if _local(k) == "id"), "")
            rel = by_id.get(rel_id)
            if rel is None or rel.external:
                raise WorkbookCorrupt(
                    f"{path} is damaged: sheet {elem.get('name')!r} points to nothing.",
                    "Open it in Excel or LibreOffice and save it again, or restore a backup.",
                )
            sheets.append(
                SheetEntry(elem.get("name", ""), rel.target, rel.kind, elem.get("state", "visible"))
            )

    def first(kind: str) -> str | None:
        return next((r.target for r in rels if r.kind == kind and not r.external), None)

    mapping = PackageMap(
        workbook_part=workbook_part,
        workbook_rels_part=rels_part_of(workbook_part),
        sheets=sheets,
        relationships=rels,
        date1904=date1904,
        styles_part=first("styles"),
        shared_strings_part=first("sharedStrings"),
        calc_chain_part=first("calcChain"),
    )
    if mapping.styles_part and mapping.styles_part in package.NameToInfo:
        styles = StyleBook(package.read(mapping.styles_part))
        mapping.date_styles = frozenset(styles.date_styles)
    return mapping
