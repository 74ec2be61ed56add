"""Flag colours follow the numbers between syncs: formula rules before the text rules."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from sheets_sync.core.layout import load_layout
from sheets_sync.core.live_colours import live_colours

LAYOUT = load_layout()
RED, AMBER, GREEN = "#F4CCCC", "#FFF2CC", "#D9EAD3"


def test_the_rules_of_each_sheet_in_order() -> None:
    assert live_colours(LAYOUT.sheet("focus_areas"), LAYOUT, "en") == [
        (14, '=AND(AND($B3<>"",ISNUMBER($F3)),MAX(N($I3),N($J3))>$F3)', RED),
        (14, '=AND(AND($B3<>"",ISNUMBER($F3)),$F3>0,MAX(N($I3),N($J3))>=0.9*$F3)', AMBER),
        (14, '=AND(AND($B3<>"",ISNUMBER($F3)),MAX(N($I3),N($J3))<0.9*$F3)', GREEN),
    ]
    initiatives = live_colours(LAYOUT.sheet("initiatives"), LAYOUT, "ru")
    assert [(formula, colour) for _, formula, colour in initiatives] == [
        ('=$G3="Готово"', GREEN),
        ("=AND(ISNUMBER($F3),$F3<TODAY())", RED),
    ]
    assert live_colours(LAYOUT.sheet("goals"), LAYOUT, "en") == []


def _rules(path: Path, sheet: str, column: str) -> list[tuple[int, list[str], str]]:
    ws = load_workbook(path)[sheet]
    return sorted(
        (rule.priority, rule.formula, rule.dxf.fill.bgColor.rgb)
        for cf in ws.conditional_formatting
        if str(cf.sqref).startswith(column)
        for rule in cf.rules
    )


def test_the_workbook_colours_by_the_numbers_first(roadmap: Path) -> None:
    rules = _rules(roadmap, "Focus areas", "N3")
    assert [(formula, colour) for _, formula, colour in rules] == [
        (['AND(AND($B3<>"",ISNUMBER($F3)),MAX(N($I3),N($J3))>$F3)'], "00F4CCCC"),
        (['AND(AND($B3<>"",ISNUMBER($F3)),$F3>0,MAX(N($I3),N($J3))>=0.9*$F3)'], "00FFF2CC"),
        (['AND(AND($B3<>"",ISNUMBER($F3)),MAX(N($I3),N($J3))<0.9*$F3)'], "00D9EAD3"),
        (['"Within cap"'], "00D9EAD3"),
        (['"Near cap"'], "00FFF2CC"),
        (['"Over cap"'], "00F4CCCC"),
    ]
