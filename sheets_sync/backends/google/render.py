"""A :class:`~sheets_sync.quarter.new_plan.WorkbookPlan` as Google Sheets requests.

The same plan the .xlsx renderer draws, so both backends hold the same layout:
values and formulas, hidden key row, frozen headers, widths, font and wrapping,
notes on the input columns' headers, dropdowns, warning-only protection over the
tool's columns, flag colours, number formats (money in the workbook's currency),
the named budget cells the formulas use, the Dashboard's budget chart, and the Help
sheet. Row heights and print setup are left to Google, which fits rows to wrapped
text by itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import gspread

from sheets_sync.backends.google.create import (
    CellFormat,
    Chart,
    FlagColour,
    NamedRange,
    SheetSpec,
    Validation,
    add_to_spreadsheet,
    create_spreadsheet,
)
from sheets_sync.backends.target import GoogleSheet, google_sheet
from sheets_sync.core.layout import FIRST_DATA_ROW, HEADER_ROW
from sheets_sync.quarter.new_plan import VALIDATION_ROWS, ChartPlan, SheetPlan, WorkbookPlan

PIXELS_PER_CHAR = 7
CHART_SIZE = (680, 340)  # pixels: the .xlsx chart's 18 × 9 cm at 96 dpi
TOOL_BACKGROUND = "#EDEDED"
FORMAT_TYPES = {
    "money": "CURRENCY",
    "percent": "PERCENT",
    "goal_percent": "PERCENT",
    "date": "DATE",
    "id": "TEXT",
}


def number_format(kind: str, plan: WorkbookPlan) -> tuple[str, str] | None:
    """Google's (type, pattern) for a cell kind, from the plan; None for the general format."""
    pattern = plan.look.number_formats.get(kind)
    if pattern is None or pattern == "General":
        return None
    return FORMAT_TYPES.get(kind, "NUMBER"), pattern


def _runs(columns: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive column numbers as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for col in sorted(columns):
        if runs and runs[-1][1] == col - 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def _text_formats(sheet: SheetPlan, plan: WorkbookPlan, last: int) -> list[CellFormat]:
    """The plan's font on every column, bold headers, wrapping where the plan wraps."""
    font = (plan.look.font, plan.look.font_size)
    formats = [
        CellFormat(
            col,
            HEADER_ROW,
            last,
            font=font,
            wrap=column.wrap,
            right=column.align == "right" or None,
        )
        for col, column in enumerate(sheet.columns, start=1)
    ]
    formats += [
        CellFormat(
            col, HEADER_ROW, HEADER_ROW, bold=True, wrap=True, right=column.align == "right" or None
        )
        for col, column in enumerate(sheet.columns, start=1)
    ]
    return formats


def _cell_formats(sheet: SheetPlan, plan: WorkbookPlan) -> list[CellFormat]:
    """Formats of single cells: a fields sheet's values, and rows whose format is not
    their column's (a goal's values in its unit)."""
    formats = []
    types = [column.type for column in sheet.columns]
    for (row, col), kind in sorted(sheet.formats.items()):
        if sheet.kind != "fields" and kind == types[col - 1]:
            continue
        pattern = number_format(kind, plan)
        tool = sheet.kind == "fields" and (row, col) in sheet.tool_cells
        if pattern or tool:
            formats.append(
                CellFormat(
                    col,
                    row,
                    row,
                    number_format=pattern,
                    background=TOOL_BACKGROUND if tool else None,
                )
            )
    return formats


def sheet_spec(sheet: SheetPlan, plan: WorkbookPlan, sheet_id: int) -> SheetSpec:
    last = max(VALIDATION_ROWS, len(sheet.grid.rows))
    spec = SheetSpec(
        title=sheet.title,
        sheet_id=sheet_id,
        rows=[list(row) for row in sheet.grid.rows],
        row_count=max(1000, len(sheet.grid.rows) + 100),
        column_count=max(26, len(sheet.columns)),
        protected_note=plan.tool_note,
    )
    for col, column in enumerate(sheet.columns, start=1):
        spec.column_widths[col] = column.width * PIXELS_PER_CHAR + 10
        if column.note:
            spec.notes[(HEADER_ROW, col)] = column.note
        if isinstance(column.dropdown, list):
            spec.validations.append(
                Validation(col, FIRST_DATA_ROW, last, values=tuple(column.dropdown), strict=False)
            )
        elif isinstance(column.dropdown, str):
            spec.validations.append(
                Validation(col, FIRST_DATA_ROW, last, source=column.dropdown, strict=False)
            )
        pattern = number_format(column.type, plan)
        if sheet.kind != "fields" and (pattern or column.computed):
            spec.formats.append(
                CellFormat(
                    col,
                    FIRST_DATA_ROW,
                    last,
                    number_format=pattern,
                    background=TOOL_BACKGROUND if column.computed else None,
                )
            )
    spec.formats += _text_formats(sheet, plan, last)
    spec.formats += _cell_formats(sheet, plan)
    spec.protected_cols = _runs(
        [c for c, column in enumerate(sheet.columns, start=1) if column.computed]
    )
    spec.flag_colours = [
        FlagColour(col, FIRST_DATA_ROW, last, label, colour)
        for col, label, colour in sheet.flag_colours
    ]
    spec.named_ranges = [
        NamedRange(name, row, row, col, col)
        for name, (title, row, col) in sorted(plan.names.items())
        if title == sheet.title
    ]
    return spec


def help_spec(sheet: SheetPlan, plan: WorkbookPlan, sheet_id: int) -> SheetSpec:
    """The Help sheet: one wide wrapped column, the title and headings bold."""
    rows = len(sheet.grid.rows)
    font = (plan.look.font, plan.look.font_size)
    spec = SheetSpec(
        title=sheet.title,
        sheet_id=sheet_id,
        rows=[list(row) for row in sheet.grid.rows],
        row_count=rows + 10,
        column_count=1,
        frozen_rows=0,
        hidden_rows=(),
        column_widths={1: sheet.columns[0].width * PIXELS_PER_CHAR + 10},
    )
    spec.formats.append(CellFormat(1, 1, rows, font=font, wrap=True))
    spec.formats += [CellFormat(1, row, row, bold=True) for row in sorted(sheet.styles)]
    return spec


def chart(plan: ChartPlan) -> Chart:
    """The chart the .xlsx draws, as Google draws it: over the same cells."""
    return Chart(
        title=plan.title,
        data_sheet=plan.data_sheet,
        category_col=plan.category_col,
        series_cols=tuple(plan.series_cols),
        first_row=plan.first_row,
        last_row=plan.last_row,
        anchor=plan.anchor,
        category_title=plan.category_title,
        size=CHART_SIZE,
    )


def sheet_specs(plan: WorkbookPlan) -> list[SheetSpec]:
    """One spec per sheet; ids start at 1 (0 is a new spreadsheet's default sheet).

    The Dashboard carries its chart; the Overview's (over the areas the workbook
    was made with) is drawn in the .xlsx only.
    """
    specs = [
        (help_spec if sheet.kind == "help" else sheet_spec)(sheet, plan, number)
        for number, sheet in enumerate(plan.sheets, start=1)
    ]
    by_title = {spec.title: spec for spec in specs}
    for drawn in plan.charts:
        by_title[drawn.sheet].charts.append(chart(drawn))
    return specs


def render_google(
    plan: WorkbookPlan,
    client: gspread.Client,
    *,
    title: str,
    spreadsheet: str | None = None,
    folder_id: str | None = None,
    share: Sequence[str] = (),
) -> str:
    """Create the roadmap in a new spreadsheet (or add it to ``spreadsheet``); its ID."""
    specs = sheet_specs(plan)
    locale = {"en": "en_US", "zh": "zh_CN", "ru": "ru_RU"}[plan.lang]
    if spreadsheet is not None:
        add_to_spreadsheet(client, spreadsheet, specs)
        return google_sheet(spreadsheet).spreadsheet_id
    return create_spreadsheet(client, title, specs, folder_id=folder_id, share=share, locale=locale)


class GoogleOutput:
    """A new Google spreadsheet (or our sheets added to one) as a ``Renderer``."""

    def __init__(
        self,
        client: gspread.Client,
        *,
        title: str | None = None,
        spreadsheet: str | None = None,
        folder_id: str | None = None,
        share: Sequence[str] = (),
    ) -> None:
        self.client, self.title, self.spreadsheet = client, title, spreadsheet
        self.folder_id, self.share = folder_id, tuple(share)
        self.created: str | None = None

    def prepare(self) -> None:
        """Nothing to check before the work: the spreadsheet is new."""

    def render(self, plan: WorkbookPlan) -> str:
        self.created = render_google(
            plan,
            self.client,
            title=self.title or plan.title,
            spreadsheet=self.spreadsheet,
            folder_id=self.folder_id,
            share=self.share,
        )
        return GoogleSheet(self.created).url
