"""The rollup formulas the workbook carries, so totals work before any sync.

Formulas are built from where the columns are now (found by key), so a row a
person added gets the same formula as the generated ones, and a sheet whose
columns were reordered gets formulas that point at the right columns.
Function names are Excel's; LibreOffice and Google Sheets read them as-is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sheets_sync.core.cells import Formula

QUARTER_BUDGET = "QuarterBudget"
ANNUAL_BUDGET = "AnnualBudget"


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_ref(title: str) -> str:
    """A sheet title as a formula reference: always quoted, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Where:
    """What a formula needs to know: the initiatives' title, and column numbers by key."""

    focus_columns: dict[str, int]
    initiatives_title: str
    initiatives_columns: dict[str, int]

    def initiatives_col(self, key: str) -> str:
        letter = column_letter(self.initiatives_columns[key])
        return f"{sheet_ref(self.initiatives_title)}!${letter}:${letter}"

    def focus_cell(self, key: str, row: int) -> str:
        return f"${column_letter(self.focus_columns[key])}{row}"


def _sumifs(amount: str) -> Callable[[Where, int], str]:
    def build(where: Where, row: int) -> str:
        return (
            f"=SUMIFS({where.initiatives_col(amount)},{where.initiatives_col('focus_area')},"
            f"{where.focus_cell('name', row)})"
        )

    return build


def _unplanned(where: Where, row: int) -> str:
    """cap − planned, as ``rules.unplanned`` defines it; empty without a cap."""
    cap, planned = where.focus_cell("budget_cap", row), where.focus_cell("planned", row)
    return f'=IF({cap}="","",{cap}-{planned})'


def _share(name: str) -> Callable[[Where, int], str]:
    def build(where: Where, row: int) -> str:
        return f'=IF(N({name})=0,"",{where.focus_cell("planned", row)}/{name})'

    return build


FOCUS_FORMULAS: dict[str, Callable[[Where, int], str]] = {
    "focus_planned": _sumifs("planned"),
    "focus_actual": _sumifs("actual"),
    "focus_unplanned": _unplanned,
    "focus_quarter_share": _share(QUARTER_BUDGET),
    "focus_annual_share": _share(ANNUAL_BUDGET),
}


def focus_formula(name: str, where: Where, row: int) -> Formula | None:
    """The formula ``name`` for focus-area row ``row``; None if a column it needs is gone."""
    try:
        return Formula(FOCUS_FORMULAS[name](where, row))
    except KeyError:
        return None


def overview_formula(name: str, where: Where) -> Formula | None:
    try:
        if name == "planned_total":
            return Formula(f"=SUM({where.initiatives_col('planned')})")
        if name == "actual_total":
            return Formula(f"=SUM({where.initiatives_col('actual')})")
        if name == "remaining_total":
            return Formula(f"=N({QUARTER_BUDGET})-SUM({where.initiatives_col('planned')})")
    except KeyError:
        return None
    raise KeyError(f"no overview formula {name!r}")


def same_formula(a: str, b: str) -> bool:
    """Formulas equal in meaning: up to case, spaces, the leading '=' and the quotes
    around a sheet's name (LibreOffice saves ``'Initiatives'!$H:$H`` as
    ``Initiatives!$H:$H``; Excel quotes only names that need it)."""
    return _formula_key(a) == _formula_key(b)


_STRING = re.compile(r'("(?:[^"]|"")*")')
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")


def _formula_key(text: str) -> str:
    """A formula as compared: no spaces at all, no leading '=', upper case, and sheet
    names unquoted (outside string literals, whose text is left as it is).

    Not :func:`~sheets_sync.core.parsing.match_key`: in a formula every space goes
    (``SUM(A1, B1)`` is ``SUM(A1,B1)``), where a name keeps one between its words.
    """
    pieces = _STRING.split(text)
    for i in range(0, len(pieces), 2):  # the even pieces lie outside string literals
        pieces[i] = _QUOTED_SHEET.sub(lambda m: m.group(1).replace("''", "'") + "!", pieces[i])
    return "".join("".join(pieces).split()).lstrip("=").upper()
