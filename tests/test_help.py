"""The Help sheet: the quarter's theme from the seeds, its quiet-quarter note where it applies,
what every sheet is for, and the same text in the workbook and in Google."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheets_sync.api import generate_xlsx
from sheets_sync.backends.google.render import sheet_specs
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.checklist import load_checklist
from sheets_sync.core.layout import LANGS, Lang, load_layout
from sheets_sync.quarter.help_sheet import help_lines
from sheets_sync.quarter.new_plan import build_plan

from .conftest import AS_OF, options


def _text(quarter: int, business: str, lang: Lang = "en") -> list[str]:
    lines = help_lines(
        Quarter(2027, quarter),
        business,
        lang,
        load_layout(),
        load_checklist(),  # type: ignore[arg-type]
    )
    return [text for _, text in lines]


def test_the_quarter_is_introduced_as_the_seed_does() -> None:
    text = _text(1, "b2b")
    assert "2027-Q1: Rebuild, refocus, restructure — Foundation and strategic alignment" in text
    assert "Ideal for: B2C: brand initiatives; B2B: strategic planning" in text


@pytest.mark.parametrize(
    ("quarter", "business", "quiet"),
    [(1, "b2c", True), (1, "b2b", False), (2, "b2b", True), (2, "b2c", False)],
)
def test_the_quiet_quarter_is_named_for_its_business_model(
    quarter: int, business: str, quiet: bool
) -> None:
    assert any("quiet quarter: use it" in line for line in _text(quarter, business)) == quiet


@pytest.mark.parametrize("lang", LANGS)
def test_every_sheet_is_explained(lang: Lang) -> None:
    text = "\n".join(_text(3, "b2c", lang))
    for sheet in load_layout().sheets:
        assert f"\n{sheet.title.get(lang)}" in text


def test_google_gets_the_help_sheet_too() -> None:
    plan = build_plan(options(lang="zh"), AS_OF)
    help_spec = sheet_specs(plan)[-1]
    assert help_spec.title == "使用说明" and help_spec.hidden_rows == ()
    assert help_spec.rows[0] == ["本工作簿使用说明"]
    assert [f.first_row for f in help_spec.formats if f.bold] == sorted(plan.sheets[-1].styles)


def test_every_input_column_says_what_to_type(tmp_path: Path) -> None:
    layout = load_layout()
    for sheet in layout.sheets:
        if sheet.kind == "rows":
            assert [c.key for c in sheet.columns if not c.computed and c.note is None] == []
    out = tmp_path / "roadmap.xlsx"
    generate_xlsx(out, options(lang="ru"), as_of=AS_OF)
    initiatives = openpyxl.load_workbook(out)["Инициативы"]
    assert initiatives["H2"].comment.text == "Запланированный бюджет, число."
    assert initiatives["A2"].comment.text.startswith("Заполняет sheets-sync")
    spec = sheet_specs(build_plan(options(lang="ru"), AS_OF))[2]
    assert spec.notes[(2, 8)] == "Запланированный бюджет, число."
