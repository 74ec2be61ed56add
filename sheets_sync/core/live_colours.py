"""Flag colours that follow the numbers between syncs.

The sync writes a flag's text (``Within cap``, ``Overdue``); its colour comes from
conditional formatting. Colouring by the text alone would leave "Over cap" red
after someone cut the plan, until the next sync. These rules colour the flag cell
from the cells it depends on, as they are typed: a focus area's planned and spent
totals (live formulas) against its cap, with the same threshold as
:func:`sheets_sync.core.rules.budget_flag`; an initiative or checklist item past
its due date and not done. They come before the rules on the flag's text, so they
win where both apply. The flag text itself stays the sync's.

Each rule is (column, formula, colour): the formula is written for the sheet's
first data row, with relative row references, as Excel, LibreOffice and Google
Sheets all read conditional-format formulas.
"""

from __future__ import annotations

from collections.abc import Callable

from sheets_sync.core.formulas import column_letter
from sheets_sync.core.layout import FIRST_DATA_ROW, Lang, Layout, Sheet
from sheets_sync.core.rules import NEAR_CAP

LiveRule = tuple[int, str, str]  # column, formula (with "="), colour


def live_colours(sheet: Sheet, layout: Layout, lang: Lang) -> list[LiveRule]:
    """The live colour rules of ``sheet``, most pressing first; none for most sheets."""
    build = _BUILDERS.get(sheet.key)
    if build is None:
        return []
    columns = {column.key: number for number, column in enumerate(sheet.columns, start=1)}
    return build(_Refs(columns), layout, lang)


class _Refs:
    """A column's cell on the first data row, as a formula reference (``$F3``)."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.columns = columns

    def __getitem__(self, key: str) -> str:
        return f"${column_letter(self.columns[key])}{FIRST_DATA_ROW}"

    def col(self, key: str) -> int:
        return self.columns[key]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _colour(layout: Layout, key: str) -> str:
    colour = layout.colour_of(key)
    if colour is None:
        raise KeyError(f"no flag colour for {key!r}")
    return colour


def _budget(refs: _Refs, layout: Layout, lang: Lang) -> list[LiveRule]:
    cap, col = refs["budget_cap"], refs.col("budget_flag")
    spend = f"MAX(N({refs['planned']}),N({refs['actual']}))"
    has_cap = f'AND({refs["name"]}<>"",ISNUMBER({cap}))'
    return [
        (col, f"=AND({has_cap},{spend}>{cap})", _colour(layout, "over_cap")),
        (col, f"=AND({has_cap},{cap}>0,{spend}>={NEAR_CAP}*{cap})", _colour(layout, "near_cap")),
        (col, f"=AND({has_cap},{spend}<{NEAR_CAP}*{cap})", _colour(layout, "within")),
    ]


def _past_due(flag: str, done: str, done_key: str, choices: str) -> Callable[..., list[LiveRule]]:
    """Red once the due date has passed and the row is not done; green once it is."""

    def build(refs: _Refs, layout: Layout, lang: Lang) -> list[LiveRule]:
        due, col = refs["due"], refs.col(flag)
        finished = f"{refs[done]}={_quoted(layout.choice_label(choices, done_key, lang))}"
        return [
            (col, f"={finished}", _colour(layout, "done")),
            (col, f"=AND(ISNUMBER({due}),{due}<TODAY())", _colour(layout, "overdue")),
        ]

    return build


_BUILDERS: dict[str, Callable[[_Refs, Layout, Lang], list[LiveRule]]] = {
    "focus_areas": _budget,
    "initiatives": _past_due("schedule", "status", "done", "status"),
    "checklist": _past_due("due_status", "done", "yes", "yes_no"),
}
