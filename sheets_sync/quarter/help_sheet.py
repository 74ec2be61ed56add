"""The Help sheet of a new workbook: its lines, from ``workbook_templates/help.toml``.

What each sheet is for, which columns are the marketer's and which the tool's,
how and when to sync, what the flag colours mean; and, from the seeds, the
quarter's theme, subtitle and "ideal for" line, whether it is the business
model's quiet quarter, and the practices for any business. Plain lines with a
style each; the backends draw them.
"""

from __future__ import annotations

from typing import Any, Literal

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.checklist import Checklist
from sheets_sync.core.layout import Business, Lang, Layout
from sheets_sync.core.templates import load_toml

Style = Literal["title", "heading", "text"]
Line = tuple[Style, str]
QUIET_QUARTER: dict[Business, int] = {"b2c": 1, "b2b": 2}  # the seed's quiet calendar quarters
SECTIONS = ("practices", "columns", "sync", "flags")


def help_title(lang: Lang) -> str:
    """The Help sheet's name in ``lang``."""
    return str(load_toml("help.toml")["sheet_title"][lang])


def help_lines(
    quarter: Quarter, business: Business, lang: Lang, layout: Layout, checklist: Checklist
) -> list[Line]:
    """Every line of the Help sheet, in order, with its style."""
    data = load_toml("help.toml")
    lines: list[Line] = [("title", data["title"][lang])]
    lines += _quarter(data["quarter"], quarter, business, lang, checklist)
    lines += _section(data["practices"], lang)
    lines += _sheets(data["sheets"], lang, layout)
    for key in SECTIONS[1:]:
        lines += _section(data[key], lang)
    return lines


def _quarter(
    data: dict[str, Any], quarter: Quarter, business: Business, lang: Lang, checklist: Checklist
) -> list[Line]:
    theme = checklist.theme(quarter)
    lines: list[Line] = [
        ("heading", data["heading"][lang]),
        (
            "text",
            data["theme"][lang].format(
                quarter=quarter.name, theme=theme.theme.get(lang), subtitle=theme.subtitle.get(lang)
            ),
        ),
        ("text", data["ideal_for"][lang].format(ideal_for=theme.ideal_for.get(lang))),
    ]
    if quarter.calendar_quarter == QUIET_QUARTER[business]:
        lines.append(("text", data["quiet"][lang]))
    return lines


def _section(data: dict[str, Any], lang: Lang) -> list[Line]:
    return [("heading", data["heading"][lang]), *(("text", line[lang]) for line in data["lines"])]


def _sheets(data: dict[str, Any], lang: Lang, layout: Layout) -> list[Line]:
    return [
        ("heading", data["heading"][lang]),
        *(
            (
                "text",
                data["line"][lang].format(title=s.title.get(lang), what=data["what"][s.key][lang]),
            )
            for s in layout.sheets
        ),
    ]
