"""What a new roadmap workbook holds, as plain data any backend can render.

``build_plan`` lays out every sheet from the layout (key row, header labels,
rows: the checklist for the quarter and business model, and with
``example=True`` the seeds' example roadmap), then runs the same pure
computation a sync runs, so the new workbook already carries IDs, rollup
formulas, due dates and flags, and a first sync writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
from sheets_sync.core.templates import load_toml
from sheets_sync.sync.compute import compute
from sheets_sync.sync.locate import locate

VALIDATION_ROWS = 500  # how far down dropdowns reach on rows sheets
CHART_ROWS = 8  # focus-area rows the budget chart shows


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
    example: bool = False
    source: str | None = None  # provenance: where this roadmap was carried over from


@dataclass
class ColumnPlan:
    key: str
    label: str
    type: str
    width: int
    computed: bool
    hidden: bool
    dropdown: list[str] | str | None  # a list of labels, or a range like 'Owners'!$B$3:$B$500


@dataclass
class SheetPlan:
    key: str
    kind: str
    title: str
    columns: list[ColumnPlan]
    grid: SheetGrid
    tool_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col) the tool owns
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> type
    flag_colours: list[tuple[int, str, str]] = field(default_factory=list)  # col, label, colour


@dataclass
class ChartPlan:
    """A bar chart of planned and actual budget by focus area."""

    title: str
    sheet: str  # the sheet it is drawn on
    anchor: str
    data_sheet: str
    category_col: int
    series_cols: list[int]
    first_row: int
    last_row: int


@dataclass
class WorkbookPlan:
    lang: Lang
    sheets: list[SheetPlan]
    names: dict[str, tuple[str, int, int]]  # defined name -> (sheet title, row, col)
    chart: ChartPlan | None
    tool_note: str
    title: str = "Marketing roadmap"  # a name for a new spreadsheet


def _dropdown(
    layout: Layout, titles: dict[str, str], column: Column, lang: Lang
) -> list[str] | str | None:
    if column.computed:
        return None
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


def _t(text: Any, lang: Lang) -> str:
    """A trilingual table from example.toml, or a plain string, in ``lang``."""
    if isinstance(text, dict):
        return str(text.get(lang, ""))
    return "" if text is None else str(text)


Content = dict[str, list[dict[str, CellValue]]]


def example_content(options: Options, layout: Layout) -> Content:
    """The seeds' example roadmap, placed in ``options.quarter``, in ``options.lang``."""
    data = load_toml("example.toml")
    lang, quarter = options.lang, options.quarter
    label = layout.choice_label
    areas = {a["id"]: _t(a["name"], lang) for a in data["focus_areas"]}
    owners = {o["id"]: o["name"] for o in data["owners"]}
    rows: Content = {
        "focus_areas": [
            {
                "id": a["id"],
                "name": areas[a["id"]],
                "annual_goal": _t(a["annual_goal"], lang),
                "kpi": _t(a["kpi"], lang),
                "persona": _t(a["persona"], lang),
                "budget_cap": a.get("budget_cap"),
            }
            for a in data["focus_areas"]
        ],
        "owners": [
            {
                "id": o["id"],
                "name": o["name"],
                "email": o.get("email"),
                "role": _t(o.get("role"), lang),
                "reporting": _t(o.get("reporting"), lang),
            }
            for o in data["owners"]
        ],
        "initiatives": [
            {
                "id": i["id"],
                "focus_area": areas[i["focus_area"]],
                "title": _t(i["title"], lang),
                "owner": owners[i["owner"]],
                "start": quarter.week_start(i["start_week"]),
                "due": quarter.week_end(i["due_week"]),
                "status": label("status", i["status"], lang),
                "planned": i["planned"],
                "actual": i.get("actual"),
                "roi_evidence": _t(i.get("roi_evidence"), lang) or None,
            }
            for i in data["initiatives"]
        ],
        "goals": [
            {
                "id": g["id"],
                "focus_area": areas[g["focus_area"]],
                "kpi": _t(g["kpi"], lang),
                "metric": _t(g["metric"], lang),
                "unit": label("unit", g["unit"], lang),
                "baseline": g["baseline"],
                "target": g["target"],
                "current": g.get("current"),
                "deadline": quarter.week_end(g["deadline_week"]),
                "data_source": g.get("data_source"),
            }
            for g in data["goals"]
        ],
        "hypotheses": [
            {
                "id": h["id"],
                "focus_area": areas[h["focus_area"]],
                "initiative": h.get("initiative") or None,
                "statement": _t(h["statement"], lang),
                "metric": _t(h.get("metric"), lang),
                "result": label("result", h["result"], lang),
            }
            for h in data["hypotheses"]
        ],
        "review": [
            {
                "focus_area": areas[r["focus_area"]],
                "mid_notes": _t(r.get("mid_notes"), lang) or None,
                "mid_decision": label("decision", r["mid_decision"], lang)
                if r.get("mid_decision")
                else None,
                "final_notes": _t(r.get("final_notes"), lang) or None,
                "final_decision": label("decision", r["final_decision"], lang)
                if r.get("final_decision")
                else None,
            }
            for r in data["reviews"]
        ],
    }
    return rows


def with_initiatives(content: Content, rows: int) -> Content:
    """``content`` with its initiatives repeated to ``rows`` rows, each with its own ID.

    A roadmap of any size from the example, for trying a sync on a big workbook (the
    benchmarks and the tests of multi-piece sheets use it). Budgets vary by row.
    """
    base = content["initiatives"]
    scaled = [
        {**base[n % len(base)], "id": f"IN-{n + 1:05d}", "planned": 100 + n % 900}
        for n in range(rows)
    ]
    return {**content, "initiatives": scaled}


def checklist_content(
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


def _overview_values(options: Options, layout: Layout) -> dict[str, CellValue]:
    lang = options.lang
    return {
        "quarter": options.quarter.name,
        "business": layout.choice_label("business", options.business, lang),
        "language": layout.choice_label("language", lang, lang),
        "fiscal_year_start": options.quarter.fiscal_year_start,
        "quarter_budget": options.quarter_budget,
        "annual_budget": options.annual_budget,
        "scope_threshold": options.scope_threshold,
        "due_soon_days": options.due_soon_days,
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
    if content is None:
        content = example_content(options, layout) if options.example else {}
    records = dict(content)
    if "checklist" not in records:
        records["checklist"] = checklist_content(options, layout, checklist)
    overview_values = _overview_values(options, layout)
    records["overview"] = [
        {"key": f.key, "label": f.label.get(lang), "value": overview_values.get(f.key)}
        for f in layout.sheet("overview").fields
    ]

    grids = [_grid(s, titles[s.key], lang, records.get(s.key, [])) for s in layout.sheets]
    snapshot = WorkbookSnapshot("<new workbook>", grids)
    located = locate(snapshot, layout)
    outcome = compute(located, layout, checklist, as_of)
    for (sheet_key, row, column_key), value in outcome.desired.items():
        table = located.table(sheet_key)
        col = table.columns[column_key]
        line = table.grid.rows[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = value

    sheets = []
    names: dict[str, tuple[str, int, int]] = {}
    for sheet, grid in zip(layout.sheets, grids, strict=True):
        columns = [
            ColumnPlan(
                c.key,
                c.label.get(lang),
                c.type,
                c.width,
                c.computed,
                c.hidden,
                _dropdown(layout, titles, c, lang),
            )
            for c in sheet.columns
        ]
        plan = SheetPlan(sheet.key, sheet.kind, grid.title, columns, grid)
        for col, column in enumerate(sheet.columns, start=1):
            if column.computed and column.choices:
                for key in layout.choice_keys(column.choices):
                    colour = layout.colour_of(key)
                    if colour:
                        plan.flag_colours.append(
                            (col, layout.choice_label(column.choices, key, lang), colour)
                        )
        if sheet.kind == "rows":
            for col, column in enumerate(sheet.columns, start=1):
                for row in range(KEY_ROW, len(grid.rows) + 1):
                    if row >= FIRST_DATA_ROW:
                        plan.formats[(row, col)] = column.type
                    if column.computed:
                        plan.tool_cells.add((row, col))
        else:
            value_col = sheet.column_keys().index("value") + 1
            for row, f in enumerate(sheet.fields, start=FIRST_DATA_ROW):
                plan.formats[(row, value_col)] = f.type
                if f.name:
                    names[f.name] = (grid.title, row, value_col)
                for col, column in enumerate(sheet.columns, start=1):
                    if column.computed or (col == value_col and f.computed):
                        plan.tool_cells.add((row, col))
            for col in range(1, len(sheet.columns) + 1):
                plan.tool_cells.update({(KEY_ROW, col), (KEY_ROW + 1, col)})
        sheets.append(plan)
    assert QUARTER_BUDGET in names and ANNUAL_BUDGET in names

    focus = layout.sheet("focus_areas")
    keys = focus.column_keys()
    n_areas = len(records.get("focus_areas", []))
    chart = ChartPlan(
        title=layout.sheet("overview").field("planned_total").label.get(lang),
        sheet=titles["overview"],
        anchor="F3",
        data_sheet=titles["focus_areas"],
        category_col=keys.index("name") + 1,
        series_cols=[keys.index("planned") + 1, keys.index("actual") + 1],
        first_row=FIRST_DATA_ROW - 1,
        last_row=FIRST_DATA_ROW + max(n_areas, CHART_ROWS) - 1,
    )
    return WorkbookPlan(
        lang,
        sheets,
        names,
        chart,
        message("tool_column_note", lang),
        title=f"Marketing roadmap {options.quarter.name} ({options.business.upper()})",
    )
