"""A new workbook's look: widths that fit each language, formats per column, print setup."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.api import generate_xlsx, next_quarter
from sheets_sync.backends.google.create import CellFormat, add_sheet, layout_requests
from sheets_sync.backends.google.render import sheet_specs
from sheets_sync.core.budget import BudgetChoice
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.display import width as display_width
from sheets_sync.core.layout import LANGS, Lang, load_layout
from sheets_sync.quarter.new_plan import Options, build_plan
from sheets_sync.quarter.sizing import shown, wrapped_lines

from .fakes import discovery

AS_OF = dt.date(2027, 2, 20)


def _options(lang: Lang, **extra: object) -> Options:
    values: dict[str, object] = {
        "quarter": Quarter.parse("2027-Q1", 1),
        "business": "b2b",
        "lang": lang,
        "quarter_budget": 60000.0,
        "annual_budget": 240000.0,
        "example": True,
        **extra,
    }
    return Options(**values)  # type: ignore[arg-type]


def test_cjk_characters_count_double() -> None:
    assert display_width("2027年1月21日") == 13
    assert display_width("Due") == 3
    assert wrapped_lines("Share of quarter budget", 16) == 2
    assert wrapped_lines("Share of quarter budget", 12) == 3
    assert wrapped_lines("占季度预算", 6) == 2


@given(st.text(min_size=1, max_size=80), st.integers(min_value=2, max_value=60))
def test_wrapped_text_never_takes_more_lines_than_characters(text: str, width: int) -> None:
    assert 1 <= wrapped_lines(text, width) <= display_width(text) + text.count("\n") + 1


@pytest.mark.parametrize("lang", LANGS)
def test_every_date_and_dropdown_label_fits_its_column(lang: Lang) -> None:
    plan = build_plan(_options(lang), AS_OF)
    for sheet in plan.sheets:
        for column in sheet.columns:
            if column.type != "date" or column.hidden:
                continue
            widest = display_width(shown(dt.date(2027, 12, 31), "date", lang))
            assert column.width >= widest + 2, (sheet.key, column.key)
    checklist = next(s for s in plan.sheets if s.key == "checklist")
    applies = next(c for c in checklist.columns if c.key == "applies")
    layout = load_layout()
    longest = max(display_width(layout.choice_label("applies", k, lang)) for k in ("both", "b2b"))
    assert applies.width >= longest + 2


@pytest.mark.parametrize(
    ("lang", "money"), [("en", '"$"#,##0'), ("zh", '"¥"#,##0'), ("ru", '#,##0" ₽"')]
)
def test_money_takes_the_languages_currency_unless_one_is_chosen(lang: Lang, money: str) -> None:
    assert build_plan(_options(lang), AS_OF).look.number_formats["money"] == money
    chosen = build_plan(_options(lang, currency="eur"), AS_OF)
    assert chosen.look.currency == "EUR"
    overview = chosen.sheets[0]
    assert [
        "currency",
        "Currency of amounts" if lang == "en" else overview.grid.rows[8][1],
        "EUR",
    ] == [
        overview.grid.rows[8][0],
        overview.grid.rows[8][1],
        overview.grid.rows[8][2],
    ]


def test_xlsx_shows_percent_goals_as_percent_and_prints_landscape(tmp_path: Path) -> None:
    out = tmp_path / "roadmap.xlsx"
    generate_xlsx(out, _options("zh"), as_of=AS_OF)
    book = openpyxl.load_workbook(out)
    goals = book["SMART 目标"]
    percent_rows = [r for r in range(3, goals.max_row + 1) if goals.cell(r, 5).value == "%"]
    assert percent_rows and all(goals.cell(r, 6).number_format == "0.0#%" for r in percent_rows)
    initiatives = book["举措"]
    assert initiatives["F3"].number_format == 'yyyy"年"m"月"d"日"'
    assert initiatives["H3"].number_format == '"¥"#,##0'
    assert initiatives["B2"].font.name == "Arial" and initiatives["B2"].font.size == 10
    assert initiatives.page_setup.orientation == "landscape"
    assert initiatives.page_setup.fitToWidth == 1 and initiatives.page_setup.fitToHeight == 0
    assert initiatives.print_title_rows == "$2:$2"
    assert initiatives["C3"].alignment.wrap_text is True


def test_the_chart_has_one_category_per_focus_area_and_says_what_it_shows() -> None:
    plan = build_plan(_options("en"), AS_OF)
    assert plan.chart is not None
    assert plan.chart.title == "Budget by focus area: planned and spent"
    areas = next(s for s in plan.sheets if s.key == "focus_areas")
    assert plan.chart.last_row == len(areas.grid.rows)


def test_google_gets_the_same_font_formats_and_widths() -> None:
    plan = build_plan(_options("ru"), AS_OF)
    specs = sheet_specs(plan)
    initiatives = specs[[s.key for s in plan.sheets].index("initiatives")]
    sheet = plan.sheets[[s.key for s in plan.sheets].index("initiatives")]
    planned = [c.key for c in sheet.columns].index("planned") + 1
    assert CellFormat(planned, 3, 500, number_format=("CURRENCY", '#,##0" ₽"')) in [
        CellFormat(f.col, f.first_row, f.last_row, number_format=f.number_format)
        for f in initiatives.formats
        if f.number_format
    ]
    assert all(f.font == ("Arial", 10) for f in initiatives.formats if f.font is not None)
    assert {f.col for f in initiatives.formats if f.font} == set(range(1, len(sheet.columns) + 1))
    assert initiatives.column_widths[planned] == sheet.columns[planned - 1].width * 7 + 10


def test_a_new_workbook_takes_the_users_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        generate_xlsx(tmp_path / "shared.xlsx", _options("en"), as_of=AS_OF)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "shared.xlsx").stat().st_mode) == 0o640


def test_next_quarter_keeps_the_workbooks_currency(tmp_path: Path) -> None:
    source, out = tmp_path / "q1.xlsx", tmp_path / "q2.xlsx"
    generate_xlsx(source, _options("ru", currency="EUR", example=False), as_of=AS_OF)
    next_quarter(source, out, budget=BudgetChoice(60000), as_of=dt.date(2027, 3, 20))
    book = openpyxl.load_workbook(out)
    overview = book["Сводка"]
    assert [
        overview.cell(r, 3).value for r in range(3, 20) if overview.cell(r, 1).value == "currency"
    ] == ["EUR"]
    assert book["Инициативы"].column_dimensions["H"].number_format == '#,##0" €"'


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_the_checklist_is_in_order_of_due_week(quarter: int) -> None:
    for business in ("b2b", "b2c"):
        plan = build_plan(_options("en", quarter=Quarter(2027, quarter), business=business), AS_OF)
        checklist = next(s for s in plan.sheets if s.key == "checklist")
        col = [c.key for c in checklist.columns].index("due_week")
        weeks = [row[col] for row in checklist.grid.rows[2:]]
        assert weeks == sorted(weeks) and len(weeks) >= 6  # type: ignore[type-var]
        assert "owner" in [c.key for c in checklist.columns]


@pytest.mark.parametrize("lang", LANGS)
def test_a_panels_figures_line_up_on_the_right_in_both_backends(lang: Lang, tmp_path: Path) -> None:
    """Goal values written as "0.75%" are text: left alone they would sit left of the
    numbers under them. Every figure column of a panel, its header too, is right-aligned,
    and the text column after one is indented."""
    plan = build_plan(_options(lang), AS_OF)
    sheet = next(s for s in plan.sheets if s.key == "dashboard")
    right = {c.key for c in sheet.columns if c.align == "right"}
    assert right == {"count", "planned", "spent", "cap", "baseline", "current", "target"}
    # the text right of the Count figures starts an indent in: the two never touch
    assert [c.key for c in sheet.columns if c.align == "indent"] == ["state"]
    assert not any(c.align for s in plan.sheets if s.kind != "panel" for c in s.columns)
    out = tmp_path / "roadmap.xlsx"
    generate_xlsx(out, _options(lang), as_of=AS_OF)
    ws = openpyxl.load_workbook(out)[sheet.title]
    for col, column in enumerate(sheet.columns, start=1):
        aligned = "right" if column.key in right else "left" if column.key == "state" else None
        expected = (aligned, int(column.key == "state"))
        cells = [ws.cell(r, col).alignment for r in (2, 3, 20)]
        assert {(a.horizontal, a.indent) for a in cells} == {expected}
    spec = sheet_specs(plan)[plan.sheets.index(sheet)]
    body = {"requests": [add_sheet(spec), *layout_requests(spec)]}
    api = discovery.load("sheets", "v4")
    batch = next(m for m in api.methods if m.name == "spreadsheets.batchUpdate")
    discovery.check_body(api, batch, body)  # what Google accepts
    aligned = {
        r["repeatCell"]["range"]["startColumnIndex"] + 1
        for r in body["requests"]
        if r.get("repeatCell", {})
        .get("cell", {})
        .get("userEnteredFormat", {})
        .get("horizontalAlignment")
        == "RIGHT"
    }
    assert aligned == {n for n, c in enumerate(sheet.columns, start=1) if c.key in right}
