"""Building the roadmap in Google Sheets: pure request builders, and the calls.

The builders turn simple inputs into ``spreadsheets.batchUpdate`` requests, so the
whole layout (values, dropdowns, frozen and hidden header rows, warning-only
protection of the tool's columns, flag colours, widths, named ranges, row tags,
charts) goes in ONE batchUpdate after the spreadsheet is created. Rows and columns are 1-based
here, as in :mod:`sheets_sync.core.cells`; the builders convert to the API's 0-based,
end-exclusive indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gspread
from gspread.http_client import ParamsType

from sheets_sync.backends.google.spreadsheet import (
    SHEETS_URL,
    create_row_tag,
    encode,
)
from sheets_sync.backends.target import google_sheet
from sheets_sync.core.cells import CellValue, Formula
from sheets_sync.errors import FileExists

DRIVE_FILES_URL = "https://www.googleapis.com/drive/v3/files"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"


@dataclass(frozen=True)
class Validation:
    """A dropdown on ``col`` over rows ``first_row..last_row``.

    Either a fixed list (``values``) or a range reference such as
    ``"'Focus areas'!C3:C200"`` (``source``).
    """

    col: int
    first_row: int
    last_row: int
    values: tuple[str, ...] = ()
    source: str | None = None
    strict: bool = True


@dataclass(frozen=True)
class FlagColour:
    """Conditional formatting: cells of ``col`` equal to ``value`` get ``colour``."""

    col: int
    first_row: int
    last_row: int
    value: str
    colour: str  # "#rrggbb"


@dataclass(frozen=True)
class CellFormat:
    """A number format and/or background over ``col``, rows ``first_row..last_row``."""

    col: int
    first_row: int
    last_row: int
    number_format: tuple[str, str] | None = None  # (type, pattern), e.g. ("DATE", "yyyy-mm-dd")
    background: str | None = None  # "#rrggbb"
    font: tuple[str, int] | None = None  # (family, size in points)
    bold: bool | None = None
    wrap: bool | None = None  # wrap text (and align it to the top) or not
    right: bool | None = None  # aligned right, text too


@dataclass(frozen=True)
class NamedRange:
    name: str
    first_row: int
    last_row: int
    first_col: int
    last_col: int


@dataclass(frozen=True)
class Chart:
    """A clustered column chart over a table of the sheet titled ``data_sheet``.

    Rows ``first_row..last_row``, the first of them a heading row that names the
    series: the categories in ``category_col``, a series per column of
    ``series_cols``. The chart reads those cells, so it follows whatever is written
    into them later. Drawn with its top-left corner on the ``anchor`` cell (row, col).
    """

    title: str
    data_sheet: str
    category_col: int
    series_cols: tuple[int, ...]
    first_row: int
    last_row: int
    anchor: tuple[int, int]
    category_title: str = ""  # "": Google titles the axis with the category heading
    size: tuple[int, int] = (600, 371)  # (width, height) in pixels: Google's default


@dataclass
class SheetSpec:
    """One sheet of ours as the layout describes it."""

    title: str
    sheet_id: int
    rows: list[list[CellValue]] = field(default_factory=list)
    row_count: int = 1000
    column_count: int = 26
    frozen_rows: int = 2
    hidden_rows: tuple[int, ...] = (1,)  # row 1: column keys, for the tool only
    column_widths: dict[int, int] = field(default_factory=dict)  # col -> pixels
    validations: list[Validation] = field(default_factory=list)
    protected_cols: list[tuple[int, int]] = field(default_factory=list)  # (first, last)
    protected_note: str = "Filled in by sheets-sync: your edits are overwritten by the next sync."
    flag_colours: list[FlagColour] = field(default_factory=list)
    named_ranges: list[NamedRange] = field(default_factory=list)
    formats: list[CellFormat] = field(default_factory=list)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> note
    charts: list[Chart] = field(default_factory=list)  # drawn on this sheet


def grid_range(
    sheet_id: int, first_row: int, last_row: int, first_col: int, last_col: int
) -> dict[str, int]:
    """A GridRange over 1-based inclusive bounds."""
    return {
        "sheetId": sheet_id,
        "startRowIndex": first_row - 1,
        "endRowIndex": last_row,
        "startColumnIndex": first_col - 1,
        "endColumnIndex": last_col,
    }


def sheet_properties(spec: SheetSpec) -> dict[str, Any]:
    return {
        "sheetId": spec.sheet_id,
        "title": spec.title,
        "gridProperties": {
            "rowCount": max(spec.row_count, len(spec.rows)),
            "columnCount": max(spec.column_count, max(map(len, spec.rows), default=0)),
            "frozenRowCount": spec.frozen_rows,
        },
    }


def add_sheet(spec: SheetSpec) -> dict[str, Any]:
    return {"addSheet": {"properties": sheet_properties(spec)}}


def extended_value(value: CellValue) -> dict[str, Any]:
    """A typed ExtendedValue: strings stay strings even when they start with '='."""
    if isinstance(value, Formula):
        return {"formulaValue": value.text}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if value is None:
        return {}
    # dates: serial numbers, shown as dates by the column's number format
    return {"numberValue": encode(value)}


def _cell_data(value: CellValue, note: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {} if value is None else {"userEnteredValue": extended_value(value)}
    if note is not None:
        data["note"] = note
    return data


def cell_values(spec: SheetSpec) -> dict[str, Any]:
    """The values of every cell, with the notes on those that have one."""
    rows = [
        {"values": [_cell_data(v, spec.notes.get((r, c))) for c, v in enumerate(row, start=1)]}
        for r, row in enumerate(spec.rows, start=1)
    ]
    return {
        "updateCells": {
            "start": {"sheetId": spec.sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": rows,
            "fields": "userEnteredValue,note" if spec.notes else "userEnteredValue",
        }
    }


def hide_rows(sheet_id: int, rows: Iterable[int]) -> list[dict[str, Any]]:
    return [
        {
            "updateDimensionProperties": {
                "range": {
                    "sheetId": sheet_id,
                    "dimension": "ROWS",
                    "startIndex": row - 1,
                    "endIndex": row,
                },
                "properties": {"hiddenByUser": True},
                "fields": "hiddenByUser",
            }
        }
        for row in rows
    ]


def column_widths(sheet_id: int, widths: dict[int, int]) -> list[dict[str, Any]]:
    return [
        {
            "updateDimensionProperties": {
                "range": {
                    "sheetId": sheet_id,
                    "dimension": "COLUMNS",
                    "startIndex": col - 1,
                    "endIndex": col,
                },
                "properties": {"pixelSize": pixels},
                "fields": "pixelSize",
            }
        }
        for col, pixels in sorted(widths.items())
    ]


def data_validation(sheet_id: int, rule: Validation) -> dict[str, Any]:
    if (rule.source is None) == (not rule.values):
        raise ValueError("a Validation has either values or a source range")
    if rule.source is not None:
        condition = {
            "type": "ONE_OF_RANGE",
            "values": [{"userEnteredValue": "=" + rule.source.removeprefix("=")}],
        }
    else:
        condition = {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": value} for value in rule.values],
        }
    return {
        "setDataValidation": {
            "range": grid_range(sheet_id, rule.first_row, rule.last_row, rule.col, rule.col),
            "rule": {"condition": condition, "strict": rule.strict, "showCustomUi": True},
        }
    }


def protect_columns(
    sheet_id: int, first_col: int, last_col: int, first_row: int, note: str
) -> dict[str, Any]:
    """Warning-only: people may still edit, after a prompt; nobody gets locked out."""
    return {
        "addProtectedRange": {
            "protectedRange": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": first_row - 1,
                    "startColumnIndex": first_col - 1,
                    "endColumnIndex": last_col,
                },
                "description": note,
                "warningOnly": True,
            }
        }
    }


def _rgb(colour: str) -> dict[str, float]:
    text = colour.removeprefix("#")
    if len(text) != 6:
        raise ValueError(f"a colour is #rrggbb: {colour!r}")
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}


def flag_colour(sheet_id: int, rule: FlagColour, index: int = 0) -> dict[str, Any]:
    return {
        "addConditionalFormatRule": {
            "rule": {
                "ranges": [grid_range(sheet_id, rule.first_row, rule.last_row, rule.col, rule.col)],
                "booleanRule": {
                    "condition": {
                        # a value starting with "=" is a live colour's formula
                        "type": "CUSTOM_FORMULA" if rule.value.startswith("=") else "TEXT_EQ",
                        "values": [{"userEnteredValue": rule.value}],
                    },
                    "format": {"backgroundColorStyle": {"rgbColor": _rgb(rule.colour)}},
                },
            },
            "index": index,
        }
    }


def cell_format(sheet_id: int, rule: CellFormat) -> dict[str, Any]:
    """One repeatCell that sets only the parts of the format the rule names."""
    fmt: dict[str, Any] = {}
    fields = []
    if rule.number_format is not None:
        kind, pattern = rule.number_format
        fmt["numberFormat"] = {"type": kind, "pattern": pattern}
        fields.append("userEnteredFormat.numberFormat")
    if rule.background is not None:
        fmt["backgroundColorStyle"] = {"rgbColor": _rgb(rule.background)}
        fields.append("userEnteredFormat.backgroundColorStyle")
    fields += _text_format(fmt, rule)
    return {
        "repeatCell": {
            "range": grid_range(sheet_id, rule.first_row, rule.last_row, rule.col, rule.col),
            "cell": {"userEnteredFormat": fmt},
            "fields": ",".join(fields),
        }
    }


def _text_format(fmt: dict[str, Any], rule: CellFormat) -> list[str]:
    """The font, weight and wrapping a rule names, into ``fmt``; the fields it set."""
    fields = []
    text: dict[str, Any] = {}
    if rule.font is not None:
        text["fontFamily"], text["fontSize"] = rule.font
        fields += [
            "userEnteredFormat.textFormat.fontFamily",
            "userEnteredFormat.textFormat.fontSize",
        ]
    if rule.bold is not None:
        text["bold"] = rule.bold
        fields.append("userEnteredFormat.textFormat.bold")
    if text:
        fmt["textFormat"] = text
    if rule.wrap is not None:
        fmt["wrapStrategy"] = "WRAP" if rule.wrap else "OVERFLOW_CELL"
        fmt["verticalAlignment"] = "TOP"
        fields += ["userEnteredFormat.wrapStrategy", "userEnteredFormat.verticalAlignment"]
    if rule.right:
        fmt["horizontalAlignment"] = "RIGHT"
        fields.append("userEnteredFormat.horizontalAlignment")
    return fields


def named_range(sheet_id: int, rule: NamedRange) -> dict[str, Any]:
    return {
        "addNamedRange": {
            "namedRange": {
                "name": rule.name,
                "range": grid_range(
                    sheet_id, rule.first_row, rule.last_row, rule.first_col, rule.last_col
                ),
            }
        }
    }


def _chart_data(chart: Chart, sheet_id: int, col: int) -> dict[str, Any]:
    """One column of the chart's rows as ChartData."""
    rows = grid_range(sheet_id, chart.first_row, chart.last_row, col, col)
    return {"sourceRange": {"sources": [rows]}}


def add_chart(sheet_id: int, chart: Chart, data_sheet_id: int) -> dict[str, Any]:
    """An addChart overlaid on sheet ``sheet_id``, reading sheet ``data_sheet_id``."""
    basic: dict[str, Any] = {
        "chartType": "COLUMN",
        "stackedType": "NOT_STACKED",
        "legendPosition": "BOTTOM_LEGEND",
        "headerCount": 1,
        "domains": [{"domain": _chart_data(chart, data_sheet_id, chart.category_col)}],
        "series": [
            {"series": _chart_data(chart, data_sheet_id, col), "targetAxis": "LEFT_AXIS"}
            for col in chart.series_cols
        ],
    }
    if chart.category_title:
        basic["axis"] = [{"position": "BOTTOM_AXIS", "title": chart.category_title}]
    row, col = chart.anchor
    width, height = chart.size
    anchor = {"sheetId": sheet_id, "rowIndex": row - 1, "columnIndex": col - 1}
    return {
        "addChart": {
            "chart": {
                "spec": {"title": chart.title, "basicChart": basic},
                "position": {
                    "overlayPosition": {
                        "anchorCell": anchor,
                        "widthPixels": width,
                        "heightPixels": height,
                    }
                },
            }
        }
    }


def chart_requests(sheets: Sequence[SheetSpec]) -> list[dict[str, Any]]:
    """The charts of ``sheets``, each reading a sheet among them (found by title)."""
    ids = {spec.title: spec.sheet_id for spec in sheets}
    return [
        add_chart(spec.sheet_id, chart, ids[chart.data_sheet])
        for spec in sheets
        for chart in spec.charts
    ]


def layout_requests(spec: SheetSpec) -> list[dict[str, Any]]:
    """Everything but addSheet for one sheet, in an order Google accepts."""
    sid = spec.sheet_id
    requests: list[dict[str, Any]] = []
    if spec.rows:
        requests.append(cell_values(spec))
    requests += hide_rows(sid, spec.hidden_rows)
    requests += column_widths(sid, spec.column_widths)
    requests += [cell_format(sid, rule) for rule in spec.formats]
    requests += [data_validation(sid, rule) for rule in spec.validations]
    requests += [
        protect_columns(sid, first, last, spec.frozen_rows + 1, spec.protected_note)
        for first, last in spec.protected_cols
    ]
    requests += [flag_colour(sid, rule, i) for i, rule in enumerate(spec.flag_colours)]
    requests += [named_range(sid, rule) for rule in spec.named_ranges]
    # Tag every row now, while nobody else can have moved them: syncs address rows
    # by these tags (see backend.py).
    requests += [
        create_row_tag(sid, number)
        for number, row in enumerate(spec.rows, start=1)
        if any(v is not None for v in row)
    ]
    return requests


# -- calls -----------------------------------------------------------------------


def create_spreadsheet(
    client: gspread.Client,
    title: str,
    sheets: Sequence[SheetSpec],
    *,
    folder_id: str | None = None,
    share: Sequence[str] = (),
    locale: str | None = None,
) -> str:
    """A new spreadsheet holding ``sheets``; returns its ID.

    Two requests (create, then one batchUpdate) plus one permission per address in
    ``share``. With ``folder_id`` the file is created by Drive in that folder.
    """
    http = client.http_client
    if any(spec.sheet_id == 0 for spec in sheets):
        raise ValueError("sheet id 0 is the default sheet of a new spreadsheet")
    requests: list[dict[str, Any]] = []
    if folder_id is None:
        body: dict[str, Any] = {
            "properties": {"title": title, **({"locale": locale} if locale else {})},
            "sheets": [{"properties": sheet_properties(spec)} for spec in sheets],
        }
        new_id = str(
            http.request("post", SHEETS_URL.rstrip("/"), json=body).json()["spreadsheetId"]
        )
    else:
        file = {"name": title, "mimeType": SPREADSHEET_MIME, "parents": [folder_id]}
        params: ParamsType = {"supportsAllDrives": True, "fields": "id"}
        new_id = str(http.request("post", DRIVE_FILES_URL, json=file, params=params).json()["id"])
        requests += [add_sheet(spec) for spec in sheets]
        requests.append({"deleteSheet": {"sheetId": 0}})
        if locale:
            requests.append(
                {
                    "updateSpreadsheetProperties": {
                        "properties": {"locale": locale},
                        "fields": "locale",
                    }
                }
            )
    for spec in sheets:
        requests += layout_requests(spec)
    requests += chart_requests(sheets)
    http.batch_update(new_id, {"requests": requests})
    for email in share:
        share_with(client, new_id, email)
    return new_id


def add_to_spreadsheet(
    client: gspread.Client, spreadsheet: str, sheets: Sequence[SheetSpec]
) -> list[SheetSpec]:
    """Add ``sheets`` to an existing spreadsheet, leaving its other sheets alone.

    One metadata read (to avoid sheet ids and titles in use) and one batchUpdate.
    Returns the specs with the sheet ids actually used.
    """
    http = client.http_client
    sid = google_sheet(spreadsheet).spreadsheet_id
    meta = http.spreadsheets_get(sid, params={"fields": "sheets(properties(sheetId,title))"})
    existing = [s.get("properties", {}) for s in meta.get("sheets", [])]
    titles = {str(p.get("title")) for p in existing}
    taken = sorted(set(titles) & {spec.title for spec in sheets})
    if taken:
        raise FileExists(
            f"Spreadsheet {sid} already has sheets named {', '.join(map(repr, taken))}.",
            "Rename or delete them, or generate into a new spreadsheet.",
        )
    used = {int(p.get("sheetId", 0)) for p in existing}
    placed: list[SheetSpec] = []
    next_id = max(used, default=0) + 1
    for spec in sheets:
        new = spec
        if spec.sheet_id in used or spec.sheet_id == 0:
            new = SheetSpec(**{**spec.__dict__, "sheet_id": next_id})
            next_id += 1
        used.add(new.sheet_id)
        next_id = max(next_id, new.sheet_id + 1)
        placed.append(new)
    requests = [add_sheet(spec) for spec in placed]
    for spec in placed:
        requests += layout_requests(spec)
    requests += chart_requests(placed)
    http.batch_update(sid, {"requests": requests})
    return placed


def share_with(client: gspread.Client, file_id: str, email: str, role: str = "writer") -> None:
    """Give ``email`` access through Drive ``permissions.create``."""
    client.http_client.request(
        "post",
        f"{DRIVE_FILES_URL}/{file_id}/permissions",
        json={"type": "user", "role": role, "emailAddress": email},
        params={"supportsAllDrives": True, "sendNotificationEmail": True, "fields": "id"},
    )


__all__ = [
    "Chart",
    "FlagColour",
    "NamedRange",
    "SheetSpec",
    "Validation",
    "add_chart",
    "add_to_spreadsheet",
    "chart_requests",
    "create_spreadsheet",
    "layout_requests",
    "share_with",
]
