"""A new workbook's plan: what a new roadmap workbook holds, as plain data any backend renders.

``build_plan`` lays out every sheet from the layout (key row, header labels,
rows: the content it is given, or the example roadmap with ``example=True``;
the checklist for the quarter and business model; the Overview's fields), then
runs the same pure computation a sync runs, so the new workbook already carries
IDs, rollup formulas, due dates and flags, and a first sync writes nothing.
Which cells are the tool's, each cell's format, dropdowns, flag colours, the
defined names and the budget chart are planned here too; the backends only
draw them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellValue, SheetGrid, WorkbookSnapshot
from sheets_sync.core.checklist import Checklist, load_checklist
from sheets_sync.core.formulas import ANNUAL_BUDGET, QUARTER_BUDGET, column_letter, sheet_ref
from sheets_sync.core.i18n import message
from sheets_sync.core.layout import (
    FIRST_DATA_ROW,
    KEY_ROW,
    Business,
    Column,
    Lang,
    Layout,
    Sheet,
    load_layout,
)
from sheets_sync.core.live_colours import live_colours
from sheets_sync.core.rules import STALE_AFTER_DAYS
from sheets_sync.quarter.example import example_content
from sheets_sync.quarter.help_sheet import help_lines, help_title
from sheets_sync.quarter.sizing import (
    ColumnText,
    column_width,
    row_heights,
    shown,
    wrapped_lines,
)
from sheets_sync.sync.attention import Watch
from sheets_sync.sync.compute import compute
from sheets_sync.sync.locate import Row, Table, locate
from sheets_sync.sync.panels import fill_panels, glance, seen_by

VALIDATION_ROWS = 500  # how far down dropdowns reach on rows sheets
CHART_ROWS = 8  # focus-area rows the budget chart shows
WIDEST_DATE = dt.date(2027, 12, 28)  # a date column fits any date typed later
HELP_WIDTH = 90  # characters: the Help sheet's one column, a portrait page wide
CHART_COLUMNS = 13  # columns the budget chart covers, right of the Overview's fields


@dataclass(frozen=True)
class Options:
    """What the marketer asked for."""

    quarter: Quarter
    business: Business
    lang: Lang = "en"
    quarter_budget: float = 0.0
    annual_budget: float | None = None
    scope_threshold: float = 0.25
    due_soon_days: int = 7
    stale_after_days: int = STALE_AFTER_DAYS
    example: bool = False
    source: str | None = None  # provenance: where this roadmap was carried over from
    currency: str | None = None  # a code of the layout's currencies; None: the language's
    metrics: tuple[str, ...] = ()  # the configured metric names: the data source dropdown


Content = dict[str, list[dict[str, CellValue]]]  # rows per sheet key, by column key


@dataclass
class ColumnPlan:
    key: str
    label: str
    type: str
    width: int
    computed: bool
    hidden: bool
    dropdown: list[str] | str | None  # a list of labels, or a range like 'Owners'!$B$3:$B$500
    wrap: bool = False  # long text: wrapped at the column's width
    note: str | None = None  # on the header: what to type in an input column
    align: str | None = None  # on a panel: "right" (figures) or "indent" (see Sheet.alignments)


@dataclass
class SheetPlan:
    key: str
    kind: str
    title: str
    columns: list[ColumnPlan]
    grid: SheetGrid
    tool_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col) the tool owns
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> type
    # col, label (or a formula starting with "=", see core/live_colours.py), colour
    flag_colours: list[tuple[int, str, str]] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)  # row -> points, where not one line
    print_extent: tuple[int, int] | None = None  # last row and column printed, if not the grid's
    styles: dict[int, str] = field(default_factory=dict)  # on the Help sheet: row -> its style


@dataclass
class ChartPlan:
    """A bar chart of planned and actual budget by focus area."""

    title: str
    sheet: str  # the sheet it is drawn on
    anchor: tuple[int, int]  # (row, col): the cell its top-left corner sits on
    data_sheet: str
    category_col: int
    series_cols: list[int]
    first_row: int  # the heading row: the series' names
    last_row: int
    # The categories' axis title, for a backend that would otherwise title that axis
    # with the heading of the category column (Google does); "" for none.
    category_title: str = ""


@dataclass(frozen=True)
class Look:
    """How every sheet looks: the font, each cell kind's number format, the paper."""

    font: str
    font_size: int
    number_formats: dict[str, str]  # cell kind (a column type) -> number format
    currency: str
    paper: str  # "a4" or "letter"


@dataclass
class WorkbookPlan:
    lang: Lang
    sheets: list[SheetPlan]
    names: dict[str, tuple[str, int, int]]  # defined name -> (sheet title, row, col)
    chart: ChartPlan | None
    tool_note: str
    look: Look
    title: str = "Marketing roadmap"  # a name for a new spreadsheet
    charts: list[ChartPlan] = field(default_factory=list)  # more charts: the Dashboard's


# Excel refuses an inline list longer than this (the quotes and commas count).
INLINE_LIST_MAX = 255


def _dropdown(
    layout: Layout, titles: dict[str, str], column: Column, lang: Lang, metrics: tuple[str, ...]
) -> list[str] | str | None:
    if column.computed:
        return None
    if column.options == "metrics":
        fits = len(",".join(metrics)) + 2 <= INLINE_LIST_MAX
        return list(metrics) if metrics and fits else None
    if column.type == "choice" and column.choices:
        return [
            layout.choice_label(column.choices, k, lang) for k in layout.choice_keys(column.choices)
        ]
    if column.type == "ref" and column.ref:
        sheet_key, _, column_key = column.ref.partition(".")
        letter = column_letter(layout.sheet(sheet_key).column_keys().index(column_key) + 1)
        return (
            f"{sheet_ref(titles[sheet_key])}!${letter}${FIRST_DATA_ROW}:${letter}${VALIDATION_ROWS}"
        )
    return None


def _checklist_rows(
    options: Options, layout: Layout, checklist: Checklist
) -> list[dict[str, CellValue]]:
    return [
        {
            "item": item.title.get(options.lang),
            "description": item.description.get(options.lang),
            "applies": layout.choice_label("applies", item.applies, options.lang),
            "due_week": item.due_week,
            "done": layout.choice_label("yes_no", "no", options.lang),
        }
        for item in checklist.items_for(options.quarter, options.business)
    ]


def _look(options: Options, layout: Layout) -> Look:
    """The font, number formats (money in the workbook's currency) and paper of the workbook."""
    presentation = layout.presentation
    currency = presentation.currency(options.currency, options.lang)
    formats = {
        **presentation.formats,
        "money": presentation.currencies[currency],
        "date": presentation.date_formats[options.lang],
    }
    return Look(
        presentation.font,
        presentation.font_size,
        formats,
        currency,
        presentation.paper[options.lang],
    )


def _overview_values(options: Options, layout: Layout) -> dict[str, CellValue]:
    lang = options.lang
    return {
        "currency": layout.presentation.currency(options.currency, lang),
        "quarter": options.quarter.name,
        "business": layout.choice_label("business", options.business, lang),
        "language": layout.choice_label("language", lang, lang),
        "fiscal_year_start": options.quarter.fiscal_year_start,
        "quarter_budget": options.quarter_budget,
        "annual_budget": options.annual_budget,
        "scope_threshold": options.scope_threshold,
        "due_soon_days": options.due_soon_days,
        "stale_after_days": options.stale_after_days,
        "source": options.source,
    }


def _grid(sheet: Sheet, title: str, lang: Lang, records: list[dict[str, CellValue]]) -> SheetGrid:
    keys = sheet.column_keys()
    rows: list[list[CellValue]] = [
        [sheet.key_cell(k) for k in keys],
        [c.label.get(lang) for c in sheet.columns],
    ]
    rows += [[record.get(k) for k in keys] for record in records]
    return SheetGrid(title, rows)


def _records(
    options: Options, layout: Layout, checklist: Checklist, content: Content | None
) -> Content:
    """The rows of every sheet: ``content`` (or the example), the checklist, the Overview."""
    if content is None:
        content = example_content(options, layout) if options.example else {}
    records = dict(content)
    if "checklist" not in records:
        records["checklist"] = _checklist_rows(options, layout, checklist)
    values = _overview_values(options, layout)
    records["overview"] = [
        {"key": f.key, "label": f.label.get(options.lang), "value": values.get(f.key)}
        for f in layout.sheet("overview").fields
    ]
    for sheet in layout.sheets:
        if sheet.kind == "panel":  # the tool fills them below, as a sync would
            records[sheet.key] = [{"key": key} for key, _ in sheet.slot_rows()]
    return records


def _write_computed(
    grids: list[SheetGrid], layout: Layout, checklist: Checklist, as_of: dt.date
) -> None:
    """Write into ``grids`` what a sync on ``as_of`` would: IDs, formulas, dates, flags,
    the Dashboard and the Timeline."""
    located = locate(WorkbookSnapshot("<new workbook>", grids), layout)
    desired: dict[tuple[str, int, str], CellValue] = {}

    def put(table: Table, row: Row, key: str, value: CellValue) -> None:
        if key in table.columns:
            desired[(table.spec.key, row.number, key)] = value

    noted = glance(layout)
    watch = Watch(layout)
    watchers = (noted.watched(), watch.watched())
    outcome = compute(located, layout, checklist, as_of, sink=put, watchers=watchers)
    titles = {key: table.title for key, table in located.tables.items()}
    fill_panels(located, layout, seen_by(outcome, watch, noted, titles, as_of), put)
    for (sheet_key, row, column_key), value in desired.items():
        table = located.table(sheet_key)
        col = table.columns[column_key]
        line = table.grid.rows[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = value


def _flag_colours(sheet: Sheet, layout: Layout, lang: Lang) -> list[tuple[int, str, str]]:
    """The fill of each computed choice that has a colour: (column, label, colour).

    On a fields sheet the computed choice fields (the quarter's budget flag) colour
    the value column, where they are shown; a panel's text column takes the colours
    of the flag lists it names (``colours``).
    """
    if sheet.kind == "fields":
        return _field_colours(sheet, layout, lang)
    rules = [
        (col, layout.choice_label(name, key, lang), colour)
        for col, column in enumerate(sheet.columns, start=1)
        if column.computed
        for name in ((column.choices,) if column.choices else column.colours)
        for key in layout.choice_keys(name)
        if (colour := layout.colour_of(key))
    ]
    return list(dict.fromkeys(rules))  # a label two lists share is coloured once


def _field_colours(sheet: Sheet, layout: Layout, lang: Lang) -> list[tuple[int, str, str]]:
    value_col = _value_column(sheet)
    return [
        (value_col, layout.choice_label(field.choices, key, lang), colour)
        for field in sheet.fields
        if field.computed and field.choices
        for key in layout.choice_keys(field.choices)
        if (colour := layout.colour_of(key))
    ]


def _mark_rows_sheet(plan: SheetPlan, sheet: Sheet) -> None:
    """A rows sheet: each data cell takes its column's format; computed columns are ours."""
    for col, column in enumerate(sheet.columns, start=1):
        for row in range(KEY_ROW, len(plan.grid.rows) + 1):
            if row >= FIRST_DATA_ROW:
                plan.formats[(row, col)] = column.type
            if column.computed:
                plan.tool_cells.add((row, col))


# a goal's unit -> the format of its values
UNIT_FORMATS = {"percent": "goal_percent", "currency": "money"}


def _mark_goal_units(plan: SheetPlan, sheet: Sheet, layout: Layout, lang: Lang) -> None:
    """A goal's baseline, target and current show as its unit: 0.75% rather than 0.0075."""
    keys = sheet.column_keys()
    unit_col = keys.index("unit")
    units = {layout.choice_label("unit", key, lang): key for key in layout.choice_keys("unit")}
    quantity_cols = [col for col, c in enumerate(sheet.columns, start=1) if c.type == "quantity"]
    for row, line in enumerate(plan.grid.rows[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW):
        unit = line[unit_col] if unit_col < len(line) else None
        kind = UNIT_FORMATS.get(units.get(unit, "")) if isinstance(unit, str) else None
        if kind is not None:
            plan.formats.update({(row, col): kind for col in quantity_cols})


def _value_column(sheet: Sheet) -> int:
    return sheet.column_keys().index("value") + 1


def _mark_fields_sheet(plan: SheetPlan, sheet: Sheet) -> None:
    """A fields sheet: each value takes its field's format; computed values are ours."""
    value_col = _value_column(sheet)
    for row, f in enumerate(sheet.fields, start=FIRST_DATA_ROW):
        plan.formats[(row, value_col)] = f.type
        for col, column in enumerate(sheet.columns, start=1):
            if column.computed or (col == value_col and f.computed):
                plan.tool_cells.add((row, col))
    for col in range(1, len(sheet.columns) + 1):
        plan.tool_cells.update({(KEY_ROW, col), (KEY_ROW + 1, col)})


def _choice_labels(layout: Layout, column: Column, lang: Lang) -> list[str]:
    if not column.choices:
        return []
    return [
        layout.choice_label(column.choices, k, lang) for k in layout.choice_keys(column.choices)
    ]


def _size(plan: SheetPlan, sheet: Sheet, layout: Layout, lang: Lang) -> None:
    """Each column's width and wrap, and the rows' heights, from what the cells show."""
    body = plan.grid.rows[FIRST_DATA_ROW - 1 :]
    texts = [
        [
            shown(value, plan.formats.get((row, col), column.type), lang)
            for col, (value, column) in enumerate(zip(line, plan.columns, strict=False), start=1)
        ]
        for row, line in enumerate(body, start=FIRST_DATA_ROW)
    ]
    texts = [
        ["" if c.hidden else t for t, c in zip(line, plan.columns, strict=False)] for line in texts
    ]
    sizes = [
        column_width(
            ColumnText(
                column.label,
                spec.width,
                spec.wrap,
                spec.hidden,
                [line[col] for line in texts if col < len(line)]
                + _choice_labels(layout, spec, lang)
                + [shown(WIDEST_DATE, "date", lang)] * (spec.type == "date"),
            ),
            layout.presentation,
        )
        for col, (column, spec) in enumerate(zip(plan.columns, sheet.columns, strict=True))
    ]
    for column, (width, wrap) in zip(plan.columns, sizes, strict=True):
        column.width, column.wrap = width, wrap
    headers = ["" if c.hidden else c.label for c in plan.columns]
    plan.row_heights = row_heights([headers, *texts], sizes, layout.presentation.line_height[lang])


def _sheet_plan(
    sheet: Sheet,
    grid: SheetGrid,
    layout: Layout,
    titles: dict[str, str],
    lang: Lang,
    metrics: tuple[str, ...] = (),
) -> SheetPlan:
    columns = [
        ColumnPlan(
            c.key,
            c.label.get(lang),
            c.type,
            c.width,
            c.computed,
            c.hidden,
            _dropdown(layout, titles, c, lang, metrics),
            note=c.note.get(lang) if c.note else None,
            align=sheet.alignments.get(c.key),
        )
        for c in sheet.columns
    ]
    plan = SheetPlan(sheet.key, sheet.kind, grid.title, columns, grid)
    # the live rules first: where both apply, the numbers win over a stale flag's text
    plan.flag_colours.extend(live_colours(sheet, layout, lang))
    plan.flag_colours.extend(_flag_colours(sheet, layout, lang))
    if sheet.kind == "fields":
        _mark_fields_sheet(plan, sheet)
    else:
        _mark_rows_sheet(plan, sheet)
    if sheet.key == "goals":
        _mark_goal_units(plan, sheet, layout, lang)
    if sheet.kind != "panel":  # a panel's cells are fitted to its columns as written
        _size(plan, sheet, layout, lang)
    return plan


def _defined_names(layout: Layout, grids: list[SheetGrid]) -> dict[str, tuple[str, int, int]]:
    """Each named field's value cell: defined name -> (sheet title, row, col)."""
    names: dict[str, tuple[str, int, int]] = {}
    for sheet, grid in zip(layout.sheets, grids, strict=True):
        if sheet.kind == "rows":
            continue
        for row, f in enumerate(sheet.fields, start=FIRST_DATA_ROW):
            if f.name:
                names[f.name] = (grid.title, row, _value_column(sheet))
    return names


def _chart(
    layout: Layout, titles: dict[str, str], lang: Lang, n_areas: int, overview: SheetPlan
) -> ChartPlan:
    """The budget chart on the Overview, over the focus areas.

    Over exactly the areas the new workbook has, so no category is empty; a
    workbook made without areas charts the first CHART_ROWS rows, where they go.
    """
    keys = layout.sheet("focus_areas").column_keys()
    return ChartPlan(
        title=message("budget_chart_title", lang),
        sheet=titles["overview"],
        anchor=(FIRST_DATA_ROW, len(overview.columns) + 2),
        data_sheet=titles["focus_areas"],
        category_col=keys.index("name") + 1,
        series_cols=[keys.index("planned") + 1, keys.index("actual") + 1],
        first_row=FIRST_DATA_ROW - 1,
        last_row=FIRST_DATA_ROW + (n_areas or CHART_ROWS) - 1,
    )


DASHBOARD_CHART_COLUMNS = 11  # columns the Dashboard's chart covers, right of its cells


def _dashboard_chart(layout: Layout, lang: Lang, dashboard: SheetPlan) -> ChartPlan:
    """Planned, spent and cap by focus area, drawn right of the Dashboard's cells.

    Over every focus-area row the Dashboard has (the series titles are its budget
    heading row), so areas added later are charted after the next sync.
    """
    sheet = layout.sheet("dashboard")
    keys = sheet.column_keys()
    rows = [key for key, _ in sheet.slot_rows()]
    areas = [row for row, key in enumerate(rows, start=FIRST_DATA_ROW) if key.startswith("area.")]
    width = len(dashboard.columns)
    dashboard.print_extent = (len(dashboard.grid.rows), width + 1 + DASHBOARD_CHART_COLUMNS)
    return ChartPlan(
        title=_label(sheet, "budget_heading", lang),
        sheet=dashboard.title,
        anchor=(FIRST_DATA_ROW, width + 2),
        data_sheet=dashboard.title,
        category_col=keys.index("item") + 1,
        series_cols=[keys.index(c) + 1 for c in ("planned", "spent", "cap")],
        first_row=rows.index("budget_heading") + FIRST_DATA_ROW,
        last_row=areas[-1],
        category_title=layout.sheet("focus_areas").column("name").label.get(lang),
    )


def _label(sheet: Sheet, slot_key: str, lang: Lang) -> str:
    slot = next(slot for slot in sheet.slots if slot.key == slot_key)
    return slot.label.get(lang) if slot.label else ""


def _help_plan(options: Options, layout: Layout, checklist: Checklist) -> SheetPlan:
    """The Help sheet: one wrapped column of lines, titles and headings styled."""
    lang = options.lang
    lines = help_lines(options.quarter, options.business, lang, layout, checklist)
    title = help_title(lang)
    column = ColumnPlan("text", "", "text", HELP_WIDTH, False, False, None, wrap=True)
    plan = SheetPlan("help", "help", title, [column], SheetGrid(title, [[t] for _, t in lines]))
    line_height = layout.presentation.line_height[lang]
    for row, (style, text) in enumerate(lines, start=1):
        if style != "text":
            plan.styles[row] = style
        lines_taken = wrapped_lines(text, HELP_WIDTH - 1)
        if style == "heading" or lines_taken > 1:  # a heading keeps room above it
            plan.row_heights[row] = round((lines_taken + (style == "heading")) * line_height, 1)
    return plan


def build_plan(
    options: Options,
    as_of: dt.date,
    *,
    content: Content | None = None,
    layout: Layout | None = None,
    checklist: Checklist | None = None,
) -> WorkbookPlan:
    """The whole new workbook, computed as a sync on ``as_of`` would leave it.

    ``content`` gives rows per sheet key (values by column key, choice values as
    labels in ``options.lang``); without it, ``options.example`` decides between
    the example roadmap and an empty one. The checklist rows come from the
    quarter's checklist unless ``content`` has its own.
    """
    layout = layout or load_layout()
    checklist = checklist or load_checklist()
    lang = options.lang
    titles = {s.key: s.title.get(lang) for s in layout.sheets}
    records = _records(options, layout, checklist, content)
    grids = [_grid(s, titles[s.key], lang, records.get(s.key, [])) for s in layout.sheets]
    _write_computed(grids, layout, checklist, as_of)
    sheets = [
        _sheet_plan(sheet, grid, layout, titles, lang, options.metrics)
        for sheet, grid in zip(layout.sheets, grids, strict=True)
    ]
    sheets.append(_help_plan(options, layout, checklist))
    names = _defined_names(layout, grids)
    overview = sheets[[s.key for s in layout.sheets].index("overview")]
    overview.print_extent = (len(overview.grid.rows), len(overview.columns) + 1 + CHART_COLUMNS)
    assert QUARTER_BUDGET in names and ANNUAL_BUDGET in names
    dashboard = sheets[[s.key for s in layout.sheets].index("dashboard")]
    return WorkbookPlan(
        lang,
        sheets,
        names,
        _chart(layout, titles, lang, len(records.get("focus_areas", [])), overview),
        message("tool_column_note", lang),
        _look(options, layout),
        title=f"Marketing roadmap {options.quarter.name} ({options.business.upper()})",
        charts=[_dashboard_chart(layout, lang, dashboard)],
    )
