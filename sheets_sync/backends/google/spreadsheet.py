"""The roadmap in a Google spreadsheet: one read and at most one write per sync.

Row identity
------------
Every row of our sheets that holds anything carries a row *tag*: developer
metadata with key :data:`ROW_TAG_KEY` located on that row. Google moves metadata
with its row when people insert, delete or sort rows, and deletes it with the row.
The tag's ``metadataId`` (unique within a spreadsheet, assigned by Google) is the
row's identity for one sync:

* :meth:`GoogleSheetsBackend.read` makes ONE ``spreadsheets.get`` that returns, in
  the same consistent snapshot, the cell values and the row tags. Two separate
  reads (metadata, then ``values.batchGet``) would let a sort between them pair
  one row's values with another row's tag. The grid data also types every cell
  (``formulaValue`` vs ``stringValue``), so a text cell reading ``=SUM(A1)`` stays
  text, which the values API with ``valueRenderOption=FORMULA`` cannot tell apart;
  beside it, each cell's ``effectiveValue`` gives a formula's result, so a formula
  a person typed into an input cell reads as the value it shows.
* :meth:`GoogleSheetsBackend.write` sends ONE ``values:batchUpdateByDataFilter``:
  one ``DataFilterValueRange`` per row, addressed by the row's ``metadataId``, its
  values starting at column A with ``null`` (skip) in every cell we leave alone.
  Google resolves the tag at write time, so the write lands on the row that was
  read wherever it has moved; a filter whose row was deleted matches nothing and
  its cells are dropped, never written elsewhere (whether Google drops such a
  filter or rejects the request is undocumented: a rejected request is sent again
  without the tags that are gone). Nothing documents that a tag moves with its row
  when rows are *sorted*; the write's response holds each written row as it now
  stands, and :mod:`.rowcheck` tells from it whether a tag stayed behind with
  its position, in which case a second write puts every row's own values back.
* Rows without a tag (rows people added since the last sync) cannot be addressed
  safely. When a sync has cells to write on such rows, its one write instead tags
  every untagged row (``createDeveloperMetadata`` in one ``batchUpdate``) and the
  cells wait for the next sync. Tags are opaque, so a tag that lands on another
  row because rows moved meanwhile is harmless: the next read pairs each tag with
  the values of the row that carries it, in one snapshot.

Every write returns a :class:`~sheets_sync.backends.protocol.WriteResult` that says
which cells landed, how many rows were tagged, and which cells wait for the next
sync or were dropped with their deleted row, and why; the sync report prints it.

Values go as ``RAW``, so user text never turns into a formula. A batch holding a
:class:`~sheets_sync.core.cells.Formula` goes as ``USER_ENTERED`` instead, with every
string prefixed by an apostrophe (Sheets' "this is text" mark, not stored).

Known limit: columns have no tags, so a column inserted left of the tool's columns
in the second between read and write shifts the write by one column.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gspread

from sheets_sync.backends.google.rowcheck import SentRow, repairs
from sheets_sync.backends.protocol import WriteResult
from sheets_sync.backends.target import GoogleSheet, google_sheet
from sheets_sync.core.cells import CellValue, CellWrite, Formula, SheetGrid, WorkbookSnapshot
from sheets_sync.core.serials import to_serial
from sheets_sync.errors import GoogleRequestRejected

ROW_TAG_KEY = "sheets_sync.row"

READ_FIELDS = (
    "spreadsheetId,properties(title),"
    "sheets(properties(sheetId,title),"
    "data(startRow,startColumn,rowData(values(userEnteredValue,effectiveValue)),"
    "rowMetadata(developerMetadata(metadataId,metadataKey))))"
)
SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets/"

# Why cells of a write did not land, in the words the sync report prints.
WAIT_FOR_TAG = "their rows are new: this sync tagged them, the next one writes the cells"
NO_TAG = "their rows hold nothing and have no tag"
ROW_DELETED = "their rows were deleted after the read"
ROWS_SORTED = "their rows were sorted after the read: the next sync writes them"


@dataclass
class _SheetRows:
    sheet_id: int
    tags: dict[int, int] = field(default_factory=dict)  # sheet row -> metadataId
    untagged: list[int] = field(default_factory=list)  # rows with content, no tag
    lines: list[list[CellValue]] = field(default_factory=list)  # the rows as read


class GoogleSheetsBackend:
    """The Backend protocol over the Sheets API v4, through a gspread client."""

    def __init__(
        self,
        spreadsheet: str | GoogleSheet,
        client: gspread.Client,
        sheet_titles: Iterable[str] | None = None,
    ) -> None:
        """``spreadsheet`` is a :class:`GoogleSheet`, or its ID, ``gsheet:ID`` or URL."""
        self.sheet = google_sheet(spreadsheet)
        self.spreadsheet_id = self.sheet.spreadsheet_id
        self.http = client.http_client
        self.sheet_titles = None if sheet_titles is None else list(sheet_titles)
        self._reads: dict[str, dict[str, _SheetRows]] = {}

    # -- read ----------------------------------------------------------------

    def read(self) -> WorkbookSnapshot:
        """Every (selected) sheet and its row tags, in one ``spreadsheets.get``."""
        meta = self.http.spreadsheets_get(self.spreadsheet_id, params={"fields": READ_FIELDS})
        grids: list[SheetGrid] = []
        rows_of: dict[str, _SheetRows] = {}
        for sheet in meta.get("sheets", []):
            props = sheet.get("properties", {})
            title = str(props.get("title", ""))
            if self.sheet_titles is not None and title not in self.sheet_titles:
                continue
            grid, rows = _parse_sheet(title, int(props.get("sheetId", 0)), sheet.get("data", []))
            rows.lines = grid.rows
            grids.append(grid)
            rows_of[title] = rows
        version = uuid.uuid4().hex
        # Only the latest read can be written against; older ones are stale anyway.
        self._reads = {version: rows_of}
        return WorkbookSnapshot(source=str(self.sheet), sheets=grids, version=version)

    # -- write ---------------------------------------------------------------

    def write(self, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]) -> WriteResult:
        """Apply ``writes`` in at most one request: cells written, rows tagged, cells
        deferred to the next sync or dropped with their deleted row."""
        if not writes:
            return WriteResult()
        rows_of = self._rows_read(snapshot, writes)
        by_row = _cells_by_row(writes)
        if any(row not in rows_of[title].tags for title, row in by_row):
            tagged = self._tag_rows(rows_of)
            if tagged:
                return WriteResult(
                    tagged=tagged, deferred=len(writes), requests=1, why=WAIT_FOR_TAG
                )
            # Only empty untagged rows were targeted: nothing to tag, nowhere to write.
        formulas = any(isinstance(w.value, Formula) for w in writes)
        width = _widths(by_row)
        data, sent, skipped = _row_filters(by_row, rows_of, width, user_entered=formulas)
        if not data:
            return WriteResult(deferred=skipped, why=NO_TAG)
        after = self._send(data, user_entered=formulas)
        dropped = sum(len(row.cells) for tag, row in sent.items() if tag not in after)
        lines = {title: rows.lines for title, rows in rows_of.items()}
        fix = repairs({tag: sent[tag] for tag in after}, after, lines, width)
        requests = 1
        if fix.by_tag:
            requests += 1
            self._send(_repair_filters(fix.by_tag, width, sent), user_entered=True)
        deferred = skipped + fix.lost
        why = "; ".join(
            reason
            for count, reason in (
                (skipped, NO_TAG),
                (fix.lost, ROWS_SORTED),
                (dropped, ROW_DELETED),
            )
            if count
        )
        return WriteResult(
            written=fix.placed, deferred=deferred, dropped=dropped, requests=requests, why=why
        )

    def _rows_read(
        self, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]
    ) -> dict[str, _SheetRows]:
        """The row tags of the read ``snapshot`` came from; refuses any other snapshot."""
        rows_of = self._reads.get(snapshot.version or "")
        if rows_of is None:
            raise ValueError("write() needs the snapshot returned by this backend's last read()")
        unknown = sorted({w.sheet for w in writes} - rows_of.keys())
        if unknown:
            raise ValueError(f"write to sheets that were not read: {unknown}")
        return rows_of

    def _send(self, data: list[dict[str, Any]], *, user_entered: bool) -> dict[int, list[Any]]:
        """One ``values:batchUpdateByDataFilter``: the tags whose row took its cells, each
        with the row's values as they stand after the write.

        Whether Google drops a filter that matches no row (a deleted row) or rejects
        the whole request is not documented: when the request is rejected, the tags
        still in the spreadsheet are looked up and the rest is sent again.
        """
        try:
            response = self._post_by_filter(data, user_entered)
        except GoogleRequestRejected:
            alive = self._existing_tags([_tag_of(item) for item in data])
            kept = [item for item in data if _tag_of(item) in alive]
            if len(kept) == len(data):
                raise  # every row is there: the request was refused for another reason
            if not kept:
                return {}
            response = self._post_by_filter(kept, user_entered)
        after: dict[int, list[Any]] = {}
        for item in response.get("responses", []):
            lookup = item.get("dataFilter", {}).get("developerMetadataLookup", {})
            if item.get("updatedRange") and "metadataId" in lookup:
                rows = item.get("updatedData", {}).get("values") or [[]]
                after[int(lookup["metadataId"])] = list(rows[0])
        return after

    def _post_by_filter(self, data: list[dict[str, Any]], user_entered: bool) -> dict[str, Any]:
        body = {
            "valueInputOption": "USER_ENTERED" if user_entered else "RAW",
            "includeValuesInResponse": True,  # each row after the write: see rowcheck
            "responseValueRenderOption": "FORMULA",
            "data": data,
        }
        response: dict[str, Any] = self.http.request(
            "post", f"{SHEETS_URL}{self.spreadsheet_id}/values:batchUpdateByDataFilter", json=body
        ).json()
        return response

    def _existing_tags(self, tags: list[int]) -> set[int]:
        """Which of ``tags`` the spreadsheet still holds (one ``developerMetadata.search``)."""
        body = {"dataFilters": [{"developerMetadataLookup": {"metadataId": t}} for t in tags]}
        response = self.http.request(
            "post", f"{SHEETS_URL}{self.spreadsheet_id}/developerMetadata:search", json=body
        ).json()
        return {
            int(found["developerMetadata"]["metadataId"])
            for found in response.get("matchedDeveloperMetadata", [])
        }

    def _tag_rows(self, rows_of: dict[str, _SheetRows]) -> int:
        """Tag every untagged row that holds something, in one ``batchUpdate``."""
        requests = [
            create_row_tag(rows.sheet_id, row) for rows in rows_of.values() for row in rows.untagged
        ]
        if requests:
            self.http.batch_update(self.spreadsheet_id, {"requests": requests})
        return len(requests)


def _cells_by_row(writes: Sequence[CellWrite]) -> dict[tuple[str, int], dict[int, CellValue]]:
    """``(sheet, row) -> {col: value}``; rows and columns are 1-based."""
    by_row: dict[tuple[str, int], dict[int, CellValue]] = {}
    for w in writes:
        if w.row < 1 or w.col < 1:
            raise ValueError(f"rows and columns are 1-based: {w}")
        by_row.setdefault((w.sheet, w.row), {})[w.col] = w.value
    return by_row


def _widths(by_row: dict[tuple[str, int], dict[int, CellValue]]) -> dict[str, int]:
    """The columns each sheet's written rows span: every row's range is that wide, so
    every row comes back in the response with the same cells to tell it by."""
    width: dict[str, int] = {}
    for (title, _row), cells in by_row.items():
        width[title] = max(width.get(title, 0), max(cells))
    return width


def _row_filters(
    by_row: dict[tuple[str, int], dict[int, CellValue]],
    rows_of: dict[str, _SheetRows],
    width: dict[str, int],
    *,
    user_entered: bool,
) -> tuple[list[dict[str, Any]], dict[int, SentRow], int]:
    """One ``DataFilterValueRange`` per tagged row; what went to each tag; cells on
    untagged rows."""
    data: list[dict[str, Any]] = []
    sent: dict[int, SentRow] = {}  # metadataId -> the row and its cells
    skipped = 0
    for (title, row), cells in by_row.items():
        tag = rows_of[title].tags.get(row)
        if tag is None:
            skipped += len(cells)
            continue
        data.append(_row_filter(tag, cells, width[title], user_entered))
        sent[tag] = SentRow(title, row, cells)
    return data, sent, skipped


def _row_filter(
    tag: int, cells: dict[int, CellValue], width: int, user_entered: bool
) -> dict[str, Any]:
    """The row under ``tag``, columns A to ``width``: ``cells`` and null (left alone)."""
    line: list[Any] = [None] * width
    for col, value in cells.items():
        line[col - 1] = encode(value, user_entered=user_entered)
    return {
        "dataFilter": {"developerMetadataLookup": {"metadataId": tag}},
        "majorDimension": "ROWS",
        "values": [line],
    }


def _repair_filters(
    by_tag: dict[int, dict[int, CellValue]], width: dict[str, int], sent: dict[int, SentRow]
) -> list[dict[str, Any]]:
    return [_row_filter(tag, cells, width[sent[tag].title], True) for tag, cells in by_tag.items()]


def _tag_of(item: dict[str, Any]) -> int:
    return int(item["dataFilter"]["developerMetadataLookup"]["metadataId"])


def create_row_tag(sheet_id: int, row: int) -> dict[str, Any]:
    """A ``createDeveloperMetadata`` request tagging 1-based ``row``.

    DOCUMENT visibility, so another account (a colleague's OAuth login, a new
    service account) still sees the tags. Google assigns the ``metadataId``.
    """
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": ROW_TAG_KEY,
                "visibility": "DOCUMENT",
                "location": {
                    "dimensionRange": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": row - 1,
                        "endIndex": row,
                    }
                },
            }
        }
    }


def _parse_sheet(
    title: str, sheet_id: int, data: Sequence[dict[str, Any]]
) -> tuple[SheetGrid, _SheetRows]:
    cells: dict[int, list[CellValue]] = {}
    tag_ids: dict[int, list[int]] = {}
    for block in data:
        first_row = int(block.get("startRow", 0)) + 1
        first_col = int(block.get("startColumn", 0))
        for offset, row_data in enumerate(block.get("rowData", [])):
            values = [
                decode(cell.get("userEnteredValue"), cell.get("effectiveValue"))
                for cell in row_data.get("values", [])
            ]
            if any(v is not None for v in values):
                line = cells.setdefault(first_row + offset, [])
                needed = first_col + len(values)
                line.extend([None] * (needed - len(line)))
                line[first_col:needed] = values
        for offset, dim in enumerate(block.get("rowMetadata", [])):
            for meta in dim.get("developerMetadata", []):
                if meta.get("metadataKey") == ROW_TAG_KEY and "metadataId" in meta:
                    tag_ids.setdefault(first_row + offset, []).append(int(meta["metadataId"]))
    last = max(cells, default=0)
    rows: list[list[CellValue]] = []
    for number in range(1, last + 1):
        line = cells.get(number, [])
        while line and line[-1] is None:
            line.pop()
        rows.append(line)
    # A row may carry several tags (a retried tag write): any of them names it.
    tracked = _SheetRows(sheet_id, {row: min(ids) for row, ids in tag_ids.items()})
    tracked.untagged = [n for n in sorted(cells) if n not in tracked.tags and cells[n]]
    return SheetGrid(title=title, rows=rows), tracked


def decode(value: dict[str, Any] | None, effective: dict[str, Any] | None = None) -> CellValue:
    """A cell's ``userEnteredValue`` as a CellValue; dates stay serial numbers.

    A formula carries its result, the cell's ``effectiveValue`` read in the same
    request: Google always calculates, and sends no ``effectiveValue`` when the
    result is empty.
    """
    if not value:
        return None
    if "formulaValue" in value:
        formula = Formula(str(value["formulaValue"]), decode(effective), calculated=True)
        return formula
    if "errorValue" in value:
        return _ERRORS.get(str(value["errorValue"].get("type")), "#ERROR!")
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "numberValue" in value:
        number = value["numberValue"]
        if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
            return int(number)
        return number if isinstance(number, int | float) else float(number)
    return None


# An ``errorValue``'s type as the spreadsheet shows it in the cell.
_ERRORS = {
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "#LOADING",
}


def encode(value: CellValue, *, user_entered: bool = False) -> Any:
    """A CellValue as a JSON value for a values write.

    ``None`` becomes ``""`` because Google reads JSON null as "leave this cell alone".
    Dates become serial numbers, which the column's date format displays as dates.
    With ``user_entered`` strings get the apostrophe that keeps them text.
    """
    if value is None:
        return ""
    if isinstance(value, Formula):
        if not user_entered:
            raise ValueError("a Formula needs a USER_ENTERED write")
        return value.text
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"Google Sheets cannot store {value!r}")
        return value
    if isinstance(value, dt.date):
        return to_serial(value, lotus_bug=False)
    text = str(value)
    return "'" + text if user_entered and text else text
