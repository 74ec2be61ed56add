"""The fake's ``addChart``: the checks Google documents for an embedded chart, then the chart.

The discovery document already rejects unknown fields and bad enum values (see
:mod:`.discovery`); what it cannot say is checked here, as the reference words it:
one chart kind per spec, a chart type, at most one domain, at least one series,
every source range a single row or column inside its sheet's grid, as many source
ranges for the domain as for each series, at most one axis per position, and one
place to put the chart. Only basic charts overlaid on a grid are implemented.
"""

from __future__ import annotations

import copy
from typing import Any

from .discovery import BadRequest
from .sheets_model import Book, Sheet, a1

# ChartSpec's union field "chart": exactly one of these is set.
CHART_KINDS = (
    "basicChart",
    "pieChart",
    "bubbleChart",
    "candlestickChart",
    "orgChart",
    "histogramChart",
    "waterfallChart",
    "treemapChart",
    "scorecardChart",
)
# EmbeddedObjectPosition's union field "location".
LOCATIONS = ("sheetId", "overlayPosition", "newSheet")
DEFAULT_SIZE = {"widthPixels": 600, "heightPixels": 371}
WHERE = "Invalid requests[0].addChart: "


class NotImplementedByFake(Exception):
    """A valid chart this fake does not draw (the caller answers 501)."""


def add_chart(book: Book, spec: dict[str, Any], new_id: int) -> dict[str, Any]:
    """Check an AddChartRequest against ``book``, store its chart; the reply."""
    chart = spec.get("chart")
    if not chart:
        raise BadRequest(WHERE + "chart is required.")
    chart_id = chart.get("chartId", new_id)
    if any(c["chartId"] == chart_id for sheet in book.sheets for c in sheet.charts):
        raise BadRequest(WHERE + f"An object with ID {chart_id} already exists.")
    _check_spec(book, chart.get("spec") or {})
    sheet, position = _position(book, chart.get("position") or {})
    stored = {"chartId": chart_id, "spec": copy.deepcopy(chart["spec"]), "position": position}
    sheet.charts.append(stored)
    return {"addChart": {"chart": copy.deepcopy(stored)}}


def _check_spec(book: Book, spec: dict[str, Any]) -> None:
    kinds = [kind for kind in CHART_KINDS if kind in spec]
    if len(kinds) != 1:
        raise BadRequest(WHERE + "Exactly one chart type must be set in the chart spec.")
    if kinds != ["basicChart"]:
        raise NotImplementedByFake(f"{kinds[0]} is not implemented by the fake")
    basic = spec["basicChart"]
    if basic.get("chartType", "BASIC_CHART_TYPE_UNSPECIFIED") == "BASIC_CHART_TYPE_UNSPECIFIED":
        raise BadRequest(WHERE + "BasicChartSpec.chartType is required.")
    domains, series = basic.get("domains", []), basic.get("series", [])
    if len(domains) > 1:
        raise BadRequest(WHERE + "Only a single domain is supported.")
    if not series:
        raise BadRequest(WHERE + "A basic chart needs at least one series.")
    if int(basic.get("headerCount", 0)) < 0:
        raise BadRequest(WHERE + "headerCount must be non-negative.")
    positions = [axis.get("position") for axis in basic.get("axis", [])]
    if len(positions) != len(set(positions)):
        raise BadRequest(WHERE + "A chart may not have more than one axis per position.")
    counts = {
        _check_data(book, data)
        for data in [d.get("domain") for d in domains] + [s.get("series") for s in series]
    }
    if len(counts) > 1:
        raise BadRequest(
            WHERE + "The domain and all series must have the same number of source ranges."
        )


def _check_data(book: Book, data: dict[str, Any] | None) -> int:
    """A domain's or series' ChartData: its number of source ranges, once checked."""
    sources = ((data or {}).get("sourceRange") or {}).get("sources") or []
    if not sources:
        raise BadRequest(WHERE + "Every domain and series needs a source range.")
    shapes = {_check_source(book, source) for source in sources}
    if len(shapes) > 1:
        raise BadRequest(WHERE + "All source ranges must have the same dimension of length 1.")
    return len(sources)


def _check_source(book: Book, rng: dict[str, Any]) -> str:
    """One GridRange of a chart's data: inside its sheet's grid, one row or one column
    (which of the two it is)."""
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    rows = (rng.get("startRowIndex", 0), rng.get("endRowIndex", sheet.row_count))
    cols = (rng.get("startColumnIndex", 0), rng.get("endColumnIndex", sheet.column_count))
    for (start, end), limit in ((rows, sheet.row_count), (cols, sheet.column_count)):
        if not 0 <= start < end or end > limit:
            text = a1(sheet, rows[0], cols[0], rows[1] - rows[0], cols[1] - cols[0])
            raise BadRequest(WHERE + _beyond(sheet, text))
    if (rows[1] - rows[0] == 1) == (cols[1] - cols[0] == 1):
        raise BadRequest(WHERE + "Exactly one dimension of a source range must have length 1.")
    return "row" if rows[1] - rows[0] == 1 else "column"


def _position(book: Book, position: dict[str, Any]) -> tuple[Sheet, dict[str, Any]]:
    """The sheet the chart goes on, and its position as Google stores it."""
    where = [key for key in LOCATIONS if key in position]
    if len(where) != 1:
        raise BadRequest(WHERE + "The chart's position must set exactly one location.")
    if where != ["overlayPosition"]:
        raise NotImplementedByFake("charts on their own sheet are not implemented by the fake")
    overlay = position["overlayPosition"]
    anchor = overlay.get("anchorCell")
    if anchor is None:
        raise BadRequest(WHERE + "overlayPosition.anchorCell is required.")
    sheet = book.sheet_by_id(anchor.get("sheetId", 0))
    row, col = anchor.get("rowIndex", 0), anchor.get("columnIndex", 0)
    if not (0 <= row < sheet.row_count and 0 <= col < sheet.column_count):
        raise BadRequest(WHERE + _beyond(sheet, a1(sheet, row, col, 1, 1)))
    if any(overlay.get(key, 0) < 0 for key in (*DEFAULT_SIZE, "offsetXPixels", "offsetYPixels")):
        raise BadRequest(WHERE + "Sizes and offsets of a chart must be non-negative.")
    return sheet, {"overlayPosition": {**DEFAULT_SIZE, **copy.deepcopy(overlay)}}


def _beyond(sheet: Sheet, text: str) -> str:
    return (
        f"Range ({text}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
    )
