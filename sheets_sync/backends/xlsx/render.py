"""Render a :class:`~sheets_sync.quarter.new_plan.WorkbookPlan` as a new .xlsx with openpyxl.

Generation makes a new file, so openpyxl's full writer is the right tool here
(write-back to an existing file goes through the backend's writer instead).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sheets_sync.core.cells import Formula
from sheets_sync.core.formulas import column_letter, sheet_ref
from sheets_sync.core.layout import FIRST_DATA_ROW, HEADER_ROW, KEY_ROW
from sheets_sync.errors import FileExists, SheetsSyncError
from sheets_sync.quarter.new_plan import (
    VALIDATION_ROWS,
    ChartPlan,
    ColumnPlan,
    Look,
    SheetPlan,
    WorkbookPlan,
)

TOOL_FILL = PatternFill("solid", fgColor="EDEDED")
TOOL_HEADER_FILL = PatternFill("solid", fgColor="C9C9C9")
INPUT_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
PAPER_SIZES = {"letter": 1, "a4": 9}  # the SpreadsheetML paperSize codes


class XlsxOutput:
    """A new local .xlsx as a :class:`~sheets_sync.backends.protocol.Renderer`."""

    def __init__(self, path: str | Path, *, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force

    def prepare(self) -> None:
        path = self.path
        if path.suffix.lower() != ".xlsx":
            raise SheetsSyncError(f"{path} does not end in .xlsx.", "Name the output FILE.xlsx.")
        if path.exists() and not self.force:
            raise FileExists(
                f"{path} already exists; nothing was written.",
                "Choose another --out, or add --force to replace it.",
            )
        if not path.parent.is_dir():
            raise SheetsSyncError(
                f"the folder {path.parent} does not exist.",
                "Create it first or choose another --out.",
            )

    def render(self, plan: WorkbookPlan) -> str:
        self.prepare()
        render_xlsx(plan, self.path)
        return str(self.path)


def render_xlsx(plan: WorkbookPlan, path: Path) -> None:
    """Write ``plan`` to ``path`` atomically (temp file in the same folder, then rename)."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    _default_font(book, plan.look)
    for sheet in plan.sheets:
        render = _render_help if sheet.kind == "help" else _render_sheet
        render(book.create_sheet(sheet.title), sheet, plan)
    for name, (title, row, col) in plan.names.items():
        ref = f"{sheet_ref(title)}!${column_letter(col)}${row}"
        book.defined_names[name] = DefinedName(name, attr_text=ref)
    for chart in (plan.chart, *plan.charts):
        if chart is not None:
            _render_chart(book, chart, plan.look.number_formats["money"])
    book.calculation.fullCalcOnLoad = True
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        book.save(temp)
        os.chmod(temp, 0o666 & ~_umask())  # as any new file of the user's: mkstemp made it 0600
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _umask() -> int:
    """The process's file-creation mask (reading it means setting it, so it is set back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _default_font(book: Workbook, look: Look) -> None:
    """Every cell, typed later too, in the plan's font: the workbook's first font is the default."""
    book._fonts = IndexedList([Font(name=look.font, size=look.font_size)])


def _render_sheet(ws: Worksheet, sheet: SheetPlan, plan: WorkbookPlan) -> None:
    for row_number, line in enumerate(sheet.grid.rows, start=1):
        for col, value in enumerate(line, start=1):
            if value is None:
                continue
            cell = ws.cell(row_number, col)
            cell.value = value.text if isinstance(value, Formula) else value
    number_formats = plan.look.number_formats
    for (row, col), kind in sheet.formats.items():
        if kind in number_formats:
            ws.cell(row, col).number_format = number_formats[kind]
    for row, col in sheet.tool_cells:
        if row >= FIRST_DATA_ROW:
            ws.cell(row, col).fill = TOOL_FILL
    _wrap_and_heights(ws, sheet)
    for col, column in enumerate(sheet.columns, start=1):
        letter = column_letter(col)
        ws.column_dimensions[letter].width = column.width
        if sheet.kind != "fields":  # rows typed later take the column's format
            _column_style(ws, letter, column, plan.look)
        if column.hidden:
            ws.column_dimensions[letter].hidden = True
        header = ws.cell(HEADER_ROW, col)
        header.font = Font(
            name=plan.look.font, size=plan.look.font_size, bold=True, italic=column.computed
        )
        header.alignment = _alignment(column, wrap=True)
        header.fill = TOOL_HEADER_FILL if column.computed else INPUT_HEADER_FILL
        if column.note:
            header.comment = Comment(column.note, "sheets-sync", width=260, height=60)
        if column.computed and sheet.kind != "fields":
            header.comment = Comment(plan.tool_note, "sheets-sync", width=260, height=60)
            _warn_only(ws, f"{letter}{FIRST_DATA_ROW}:{letter}{VALIDATION_ROWS}", plan.tool_note)
        if isinstance(column.dropdown, list):
            _dropdown(ws, letter, '"' + ",".join(column.dropdown) + '"')
        elif isinstance(column.dropdown, str):
            _dropdown(ws, letter, column.dropdown)
    for col, label, colour in sheet.flag_colours:
        letter = column_letter(col)
        fill = PatternFill("solid", bgColor=colour.removeprefix("#"))
        rule = (
            FormulaRule(formula=[label.removeprefix("=")], fill=fill)  # a live colour
            if label.startswith("=")
            else CellIsRule(operator="equal", formula=[_quoted(label)], fill=fill)
        )
        ws.conditional_formatting.add(f"{letter}{FIRST_DATA_ROW}:{letter}{VALIDATION_ROWS}", rule)
    if sheet.kind == "fields":
        _fields_validation(ws, sheet, plan)
    ws.row_dimensions[KEY_ROW].hidden = True
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3 if sheet.kind == "rows" else 1)
    _print_setup(ws, sheet, plan.look)


HELP_SIZES = {"title": 14, "heading": 12}  # points, for the Help sheet's styled lines


def _render_help(ws: Worksheet, sheet: SheetPlan, plan: WorkbookPlan) -> None:
    """The Help sheet: one wide column of wrapped lines, the title and headings bold."""
    ws.column_dimensions["A"].width = sheet.columns[0].width
    for row, (text,) in enumerate(sheet.grid.rows, start=1):
        cell = ws.cell(row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        style = sheet.styles.get(row)
        if style is not None:
            cell.font = Font(name=plan.look.font, size=HELP_SIZES[style], bold=True)
    for row, height in sheet.row_heights.items():
        ws.row_dimensions[row].height = height
    ws.sheet_view.showGridLines = False
    ws.print_area = f"A1:A{len(sheet.grid.rows)}"
    ws.page_setup.paperSize = PAPER_SIZES[plan.look.paper]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _wrap_and_heights(ws: Worksheet, sheet: SheetPlan) -> None:
    """Cells sit at the top of their row, long text wraps; rows take the planned heights."""
    for col, column in enumerate(sheet.columns, start=1):
        alignment = _alignment(column)
        for row in range(FIRST_DATA_ROW, len(sheet.grid.rows) + 1):
            ws.cell(row, col).alignment = alignment
    for row, height in sheet.row_heights.items():
        ws.row_dimensions[row].height = height


def _column_style(ws: Worksheet, letter: str, column: ColumnPlan, look: Look) -> None:
    """The style of the column's empty cells: its format, wrap, and grey where the tool writes."""
    dimension = ws.column_dimensions[letter]
    if column.type in look.number_formats:
        dimension.number_format = look.number_formats[column.type]
    dimension.alignment = _alignment(column)
    if column.computed:
        dimension.fill = TOOL_FILL


def _alignment(column: ColumnPlan, wrap: bool | None = None) -> Alignment:
    """At the top of the row; long text wrapped, and on a panel figures to the right and
    the text beside them an indent in, where planned."""
    # an indent counts only on a cell aligned left, not on the default ("general")
    horizontal = {"right": "right", "indent": "left"}.get(column.align or "")
    return Alignment(
        horizontal=horizontal,
        indent=1 if column.align == "indent" else 0,
        wrap_text=column.wrap if wrap is None else wrap,
        vertical="top",
    )


def _print_setup(ws: Worksheet, sheet: SheetPlan, look: Look) -> None:
    """Landscape, every column on one page's width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_SIZES[look.paper]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    last_row, last_col = sheet.print_extent or (len(sheet.grid.rows), len(sheet.columns))
    ws.print_area = f"A{HEADER_ROW}:{column_letter(last_col)}{last_row}"
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _warn_only(ws: Worksheet, ref: str, note: str) -> None:
    """Typing in a tool cell shows a warning that can be dismissed: protection, not a lock."""
    validation = DataValidation(
        type="custom",
        formula1="FALSE",
        errorStyle="warning",
        showErrorMessage=True,
        error=note,
        errorTitle="sheets-sync",
        showInputMessage=True,
        prompt=note,
        promptTitle="sheets-sync",
    )
    ws.add_data_validation(validation)
    validation.add(ref)


def _dropdown(ws: Worksheet, letter: str, source: str) -> None:
    validation = DataValidation(
        type="list", formula1=source, allow_blank=True, showErrorMessage=True, errorStyle="warning"
    )
    ws.add_data_validation(validation)
    validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{VALIDATION_ROWS}")


def _fields_validation(ws: Worksheet, sheet: SheetPlan, plan: WorkbookPlan) -> None:
    """On the overview, computed values get the same warning as tool columns."""
    for row, col in sorted(sheet.tool_cells):
        if row >= FIRST_DATA_ROW and sheet.columns[col - 1].key == "value":
            _warn_only(ws, f"{column_letter(col)}{row}", plan.tool_note)


def _render_chart(book: Workbook, spec: ChartPlan, money: str) -> None:
    data = book[spec.data_sheet]
    chart = BarChart()
    chart.type = "col"
    chart.title = spec.title
    chart.height, chart.width = 9, 18
    chart.legend.position = "b"
    chart.y_axis.number_format = money
    chart.y_axis.majorGridlines = ChartLines()
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    for col in spec.series_cols:
        chart.add_data(
            Reference(data, min_col=col, min_row=spec.first_row, max_row=spec.last_row),
            titles_from_data=True,
        )
    chart.set_categories(
        Reference(
            data, min_col=spec.category_col, min_row=spec.first_row + 1, max_row=spec.last_row
        )
    )
    row, col = spec.anchor
    book[spec.sheet].add_chart(chart, f"{column_letter(col)}{row}")
