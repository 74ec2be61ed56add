"""Workbook-level parts over the package: minimal edits to the few a write touches.

Each returns the part's bytes with one element added, changed or removed and every
other byte as it was, so a diff of the part shows exactly what a sync did.
"""

from __future__ import annotations

import re

from sheets_sync.backends.xlsx.sheetxml import attrs_of, set_attr

_CALC_PR = re.compile(rb"<((?:\w+:)?)calcPr\b([^>]*?)(/?)>")
# Children of <workbook> that come after <calcPr> (CT_Workbook sequence).
_AFTER_CALC_PR = re.compile(
    rb"<(?:\w+:)?(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes"
    rb"|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b"
)
_BEFORE_CALC_PR = re.compile(
    rb"</(?:\w+:)?(?:sheets|functionGroups|externalReferences|definedNames)>"
    rb"|<(?:\w+:)?(?:sheets|definedNames)\b[^>]*/>"
)
_WORKBOOK_END = re.compile(rb"</((?:\w+:)?)workbook>")


def set_full_calc_on_load(workbook: bytes) -> bytes:
    """Ask the spreadsheet application to recalculate everything on open."""
    m = _CALC_PR.search(workbook)
    if m:
        current = attrs_of(m.group(2)).get(b"fullCalcOnLoad", b"")
        if current in (b"1", b"true"):
            return workbook
        tag = (
            b"<" + m.group(1) + b"calcPr"
            + set_attr(m.group(2), b"fullCalcOnLoad", b"1") + m.group(3) + b">"
        )  # fmt: skip
        return workbook[: m.start()] + tag + workbook[m.end() :]
    end = _WORKBOOK_END.search(workbook)
    if end is None:
        return workbook
    tag = b"<" + end.group(1) + b'calcPr fullCalcOnLoad="1"/>'
    # Its successors come after <sheets> and <definedNames>; earlier elements such as
    # <workbookView> may hold an <extLst> of their own.
    start = max((m.end() for m in _BEFORE_CALC_PR.finditer(workbook)), default=0)
    after = _AFTER_CALC_PR.search(workbook, start)
    at = after.start() if after else end.start()
    return workbook[:at] + tag + workbook[at:]


def drop_relationship(rels: bytes, kind: str) -> bytes:
    """Remove the relationships whose Type ends in ``/kind``."""
    pattern = re.compile(
        rb"<(?:\w+:)?Relationship\b[^>]*\bType\s*=\s*[\"'][^\"']*/"
        + re.escape(kind.encode())
        + rb"[\"'][^>]*?(?:/>|>\s*</(?:\w+:)?Relationship>)"
    )
    return pattern.sub(b"", rels)


def drop_override(types: bytes, part_name: str) -> bytes:
    """Remove the content-type override for ``part_name`` ("/xl/calcChain.xml")."""
    pattern = re.compile(
        rb"<(?:\w+:)?Override\b[^>]*\bPartName\s*=\s*[\"']"
        + re.escape(part_name.encode())
        + rb"[\"'][^>]*?(?:/>|>\s*</(?:\w+:)?Override>)",
        re.IGNORECASE,
    )
    return pattern.sub(b"", types)
