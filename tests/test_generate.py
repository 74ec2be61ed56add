"""A generated roadmap: sheets, dropdowns, frozen headers, formulas, chart, IDs."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_sync.api import generate_xlsx, sync_workbook
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.checklist import load_checklist
from sheets_sync.core.layout import load_layout
from sheets_sync.errors import FileExists
from sheets_sync.quarter.help_sheet import help_title

from .conftest import AS_OF, options


@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
def test_generated_workbook_has_every_sheet_in_its_language(
    example_template: Callable[[str], Path], lang: str
) -> None:
    layout = load_layout()
    book = load_workbook(example_template(lang))
    assert book.sheetnames == [  # the layout's sheets, then the Help sheet
        *(s.title.get(lang) for s in layout.sheets),  # type: ignore[arg-type]
        help_title(lang),  # type: ignore[arg-type]
    ]
    for sheet in layout.sheets:
        ws = book[sheet.title.get(lang)]  # type: ignore[arg-type]
        keys = [c.value for c in ws[1]]
        assert keys == [sheet.key_cell(k) for k in sheet.column_keys()]
        assert ws.row_dimensions[1].hidden
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("3")
        labels = [c.value for c in ws[2]]
        assert labels == [c.label.get(lang) for c in sheet.columns]  # type: ignore[arg-type]


def test_dropdowns_formulas_names_and_chart(example_template: Callable[[str], Path]) -> None:
    book = load_workbook(example_template("en"))
    initiatives = book["Initiatives"]
    lists = {
        str(dv.sqref).split(":")[0][:1]: dv.formula1
        for dv in initiatives.data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists["B"].startswith("'Focus areas'!$B$3")  # focus area: from the focus-area sheet
    assert lists["D"].startswith("'Owners'!$B$3")  # owner
    assert lists["G"] == '"Not started,In progress,Done,Blocked"'  # status
    warn = [dv for dv in initiatives.data_validations.dataValidation if dv.type == "custom"]
    assert warn and all(dv.errorStyle == "warning" for dv in warn)

    focus = book["Focus areas"]
    f_cols = {c.value.split(".")[1]: c.column_letter for c in focus[1]}
    i_cols = {c.value.split(".")[1]: c.column_letter for c in initiatives[1]}
    planned, actual, area = i_cols["planned"], i_cols["actual"], i_cols["focus_area"]
    name = f_cols["name"]
    assert focus[f"{f_cols['planned']}3"].value == (
        f"=SUMIFS('Initiatives'!${planned}:${planned},'Initiatives'!${area}:${area},${name}3)"
    )
    assert focus[f"{f_cols['actual']}3"].value == (
        f"=SUMIFS('Initiatives'!${actual}:${actual},'Initiatives'!${area}:${area},${name}3)"
    )
    assert set(book.defined_names) >= {"QuarterBudget", "AnnualBudget"}
    assert len(book["Overview"]._charts) == 1


def test_checklist_is_the_quarters_and_business_models(tmp_path: Path) -> None:
    checklist = load_checklist()
    for business in ("b2b", "b2c"):
        path = tmp_path / f"{business}.xlsx"
        generate_xlsx(
            path, options(business=business, example=False, quarter=Quarter(2027, 4)), as_of=AS_OF
        )
        ws = load_workbook(path)["Checklist"]
        items = [ws.cell(r, 2).value for r in range(3, ws.max_row + 1)]
        expected = [i.title.en for i in checklist.items_for(Quarter(2027, 4), business)]
        assert items == expected
        dues = [ws.cell(r, 8).value for r in range(3, ws.max_row + 1)]
        assert all(isinstance(d, dt.datetime) for d in dues)
        ids = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
        assert ids == [f"CL-{n:03d}" for n in range(1, len(ids) + 1)]


def test_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(FileExists, match="--force"):
        generate_xlsx(path, options(), as_of=AS_OF)
    assert path.read_bytes() == b"precious"
    generate_xlsx(path, options(), as_of=AS_OF, force=True)
    assert path.read_bytes() != b"precious"


def test_a_fresh_workbook_needs_no_write(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    for lang in ("en", "zh", "ru"):
        copy = tmp_path / f"{lang}.xlsx"
        copy.write_bytes(example_template(lang).read_bytes())
        report = sync_workbook(copy, as_of=AS_OF)
        assert report.cells_written == 0, report.changes
        assert report.rows_invalid == 0, report.problems
