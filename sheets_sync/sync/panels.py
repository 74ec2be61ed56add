"""The Dashboard's and the Timeline's cells: every one decided on each sync, like any tool cell.

The Dashboard: a red, amber or green tile per area (goals, budget, schedule,
reviews, checklist) counting the notices of that area, the first notices needing
a person (the summary's own lines), the budget by focus area and each goal's
baseline → current → target. The Timeline: the quarter's 13 weeks, the reviews and
the sync's date as markers, a bar per initiative or checklist item. Every value
goes through the same sink as the rest, so only changed cells are written and a
workbook without these sheets (made before they existed) is synced as before.
Pure: the date is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sheets_sync.core.calendar import WEEKS_PER_QUARTER, Quarter
from sheets_sync.core.cells import CellValue
from sheets_sync.core.display import shorten, width
from sheets_sync.core.i18n import format_date, format_goal_value
from sheets_sync.core.layout import Lang, Layout, Sheet
from sheets_sync.core.parsing import parse_date
from sheets_sync.errors import ParseError
from sheets_sync.sync.attention import Found, Notice, Watch, notices
from sheets_sync.sync.compute import Outcome
from sheets_sync.sync.glance import Bar, Glance, GoalLine
from sheets_sync.sync.locate import Located
from sheets_sync.sync.rollup import FocusRollup
from sheets_sync.sync.sink import Sink
from sheets_sync.sync.summary import TITLE, heading, notice_line, text

Values = dict[str, dict[str, CellValue]]  # a panel row's key → its cells by column key
MIN_TITLE = 12  # columns a notice's title keeps on the Dashboard, whatever follows it

# Each tile: the notice kinds that make it red, and those that make it amber.
TILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "tile_goals": (("goal_off_track",), ("goal_at_risk", "goal_stale")),
    "tile_budget": (("quarter_over_budget", "budget_over"), ("quarter_near_budget", "budget_near")),
    "tile_schedule": (("initiative_overdue",), ("initiative_due_soon",)),
    "tile_reviews": (
        ("review_final_overdue", "review_mid_overdue"),
        ("review_final_due", "review_mid_due"),
    ),
    "tile_checklist": (("checklist_overdue",), ("checklist_due_soon",)),
}
# The columns a section's heading row names (the budget chart's series titles).
HEADED = {
    "budget_heading": ("planned", "spent", "cap"),
    "goals_heading": ("baseline", "current", "target"),
}


@dataclass(frozen=True)
class Seen:
    """What a sync found that the panels show."""

    lang: Lang
    quarter: Quarter | None
    as_of: dt.date
    attention: list[Notice]
    rollups: list[FocusRollup]
    titles: dict[str, str]  # the workbook's sheet titles, by sheet key
    glance: Glance


def seen_by(
    outcome: Outcome, watch: Watch, noted: Glance, titles: dict[str, str], as_of: dt.date
) -> Seen:
    """What the panels show after ``compute`` told its values to ``watch`` and ``noted``."""
    found = Found(
        watch.noted,
        outcome.rollups,
        outcome.total,
        outcome.problems,
        outcome.quarter,
        list(titles),
        outcome.renamed,
    )
    attention = notices(found, outcome.lang, as_of)
    return Seen(outcome.lang, outcome.quarter, as_of, attention, outcome.rollups, titles, noted)


def fill_panels(located: Located, layout: Layout, seen: Seen, sink: Sink) -> None:
    """Hand every panel cell's value to ``sink``; slots with nothing to show are blanked."""
    for key, values in (
        ("dashboard", dashboard(layout, seen)),
        ("timeline", timeline(layout, seen)),
    ):
        table = located.tables.get(key)
        if table is None or not table.columns:
            continue  # a workbook made before the sheet existed
        columns = [c.key for c in table.spec.columns if c.key != "key"]
        for row_key, row in table.row_by_field().items():
            cells = values.get(row_key, {})
            for column in columns:
                sink(table, row, column, cells.get(column))


def glance(layout: Layout) -> Glance:
    """A :class:`Glance` keeping as many goals and bars as the panels have rows for."""
    goals = _slots(layout.sheet("dashboard"), "goal")
    return Glance(layout, goals=goals, bars=_slots(layout.sheet("timeline"), "bar"))


def _fitted(sheet: Sheet, values: Values) -> Values:
    """Panel cells never wrap. A text runs on over the columns its row leaves empty to
    its right, as a spreadsheet shows it; longer than that, it ends in an ellipsis."""
    return {row: _fitted_row(sheet, cells) for row, cells in values.items()}


def _fitted_row(sheet: Sheet, cells: dict[str, CellValue]) -> dict[str, CellValue]:
    fitted = dict(cells)
    room = 0  # the columns free from here to the next filled cell, right to left
    for column in reversed(sheet.columns):
        if column.hidden:
            continue
        value = cells.get(column.key)
        room += column.width
        if value is None or value == "":
            continue
        if isinstance(value, str):
            margin = 4 if sheet.alignments.get(column.key) == "indent" else 2
            fitted[column.key] = shorten(value, room - margin)
        room = 0
    return fitted


def _labels(sheet: Sheet, lang: Lang) -> dict[str, str]:
    return {slot.key: slot.label.get(lang) for slot in sheet.slots if slot.label}


def _numbered(prefix: str, items: Iterable[dict[str, CellValue]]) -> Values:
    return {f"{prefix}.{n}": cells for n, cells in enumerate(items, start=1)}


def _more(sheet: Sheet, key: str, label: str, left_out: int) -> Values:
    """The "…and n more" row of a slot, when its rows did not hold everything."""
    return {key: {"item": label.format(count=left_out), "count": left_out}} if left_out > 0 else {}


def _slots(sheet: Sheet, key: str) -> int:
    return next(slot.count for slot in sheet.slots if slot.key == key)


def dashboard(layout: Layout, seen: Seen) -> Values:
    """Every Dashboard cell: tiles, notices, budget by focus area, goal progress."""
    sheet = layout.sheet("dashboard")
    lang = seen.lang
    labels = _labels(sheet, lang)
    values: Values = {key: {"item": label} for key, label in labels.items() if "{" not in label}
    for key, columns in HEADED.items():
        values[key].update({c: sheet.column(c).label.get(lang) for c in columns})
    for key, (red, amber) in TILES.items():
        values[key].update(_tile(layout, lang, seen.attention, red, amber))
    shown = _slots(sheet, "attention")
    item = sheet.column("item").width - 2
    values |= _numbered(
        "attention",
        (
            {"item": _fitted_line(n, lang, seen.titles, item), "state": heading(n.kind, lang)}
            for n in seen.attention[:shown]
        ),
    )
    values |= _more(sheet, "attention_more", labels["attention_more"], len(seen.attention) - shown)
    shown = _slots(sheet, "area")
    values |= _numbered("area", (_area(layout, lang, r) for r in seen.rollups[:shown]))
    values |= _more(sheet, "area_more", labels["area_more"], len(seen.rollups) - shown)
    goals = seen.glance.goals
    values |= _numbered("goal", (_goal(layout, lang, goal) for goal in goals))
    values |= _more(sheet, "goal_more", labels["goal_more"], seen.glance.goal_count - len(goals))
    return _fitted(sheet, values)


def _tile(
    layout: Layout,
    lang: Lang,
    attention: list[Notice],
    red: tuple[str, ...],
    amber: tuple[str, ...],
) -> dict[str, CellValue]:
    reds = sum(n.kind in red for n in attention)
    ambers = sum(n.kind in amber for n in attention)
    state = "act" if reds else "watch" if ambers else "calm"
    return {"count": reds + ambers, "state": layout.choice_label("tile", state, lang)}


def _area(layout: Layout, lang: Lang, rollup: FocusRollup) -> dict[str, CellValue]:
    return {
        "item": rollup.focus_area,
        "state": layout.choice_label("budget", rollup.budget_flag, lang),
        "planned": rollup.planned,
        "spent": rollup.actual,
        "cap": rollup.cap,
    }


def _goal(layout: Layout, lang: Lang, goal: GoalLine) -> dict[str, CellValue]:
    unit = (layout.parse_choice("unit", goal.unit) if isinstance(goal.unit, str) else None) or ""
    return {
        "item": goal.metric,
        "state": goal.health,
        "baseline": _quantity(goal.baseline, unit, lang),
        "current": _quantity(goal.current, unit, lang),
        "target": _quantity(goal.target, unit, lang),
    }


def _quantity(value: CellValue, unit: str, lang: Lang) -> CellValue:
    """A goal's number as the review report and next quarter's workbook write it ("0.9%",
    "2,150"; Russian "0,9%", "2 150"); anything else as typed."""
    # a number; not infinity, nor one past what a float holds
    number = isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e12
    if number:
        return format_goal_value(float(value), unit, lang)  # type: ignore[arg-type]
    return value


def timeline(layout: Layout, seen: Seen) -> Values:
    """Every Timeline cell: the markers' weeks, then a bar per row, most pressing first."""
    quarter = seen.quarter
    if quarter is None:
        return {}
    sheet = layout.sheet("timeline")
    lang = seen.lang
    labels = _labels(sheet, lang)
    marker = layout.choice_label("bar", "marker", lang)
    values: Values = {}
    for key, day in (
        ("mid_review", quarter.mid_review),
        ("final_review", quarter.final_review),
        ("as_of", seen.as_of),
    ):
        values[key] = {
            "item": labels[key],
            "due": format_date(day, lang),
            f"w{week_of(quarter, day)}": marker,
        }
    bars = seen.glance.bars()
    item = sheet.column("item").width
    values |= _numbered("bar", (_bar(layout, lang, quarter, bar, item) for bar in bars))
    left_out = seen.glance.bar_count - len(bars)
    values |= _more(sheet, "bar_more", labels["bar_more"], left_out)
    return _fitted(sheet, values)


def _fitted_line(notice: Notice, lang: Lang, titles: dict[str, str], columns: int) -> str:
    """The summary's line for ``notice``, its title shortened first so its ID, owner and
    due date still show in ``columns`` (the cell shortens what is still too long)."""
    title = min(width(notice.title) + (width(notice.area) + 2 if notice.area else 0), TITLE)
    line = notice_line(notice, lang, titles)
    while (over := width(line) - columns) > 0 and title > MIN_TITLE:
        title = max(title - over, MIN_TITLE)  # a wide character may leave a column over
        line = notice_line(notice, lang, titles, title_width=title)
    return line


def _named(bar: Bar, lang: Lang, columns: int) -> str:
    """A bar's title, shortened so its ID after it always shows, as the summary names rows."""
    if not bar.row_id:
        return bar.title
    tail = text("item_id", lang, id=bar.row_id)
    return shorten(bar.title, max(columns - width(tail), 1)) + tail


def _bar(
    layout: Layout, lang: Lang, quarter: Quarter, bar: Bar, columns: int
) -> dict[str, CellValue]:
    due = _parsed(bar.due, lang)
    start = _parsed(bar.start, lang)
    cells: dict[str, CellValue] = {
        "item": _named(bar, lang, columns - 2),
        "state": bar.state,
        "due": format_date(due, lang) if due is not None else None,
    }
    if due is not None:
        last = week_of(quarter, due)
        first = week_of(quarter, start) if start is not None and start <= due else last
        mark = layout.choice_label("bar", bar.mark, lang)
        cells.update({f"w{week}": mark for week in range(first, last + 1)})
    return cells


def week_of(quarter: Quarter, day: dt.date) -> int:
    """The quarter's week (1–13) a day falls in; days outside it go to the nearest end."""
    week = (day - quarter.start).days // 7 + 1
    return min(max(week, 1), WEEKS_PER_QUARTER)


def _parsed(value: CellValue, lang: Lang) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value, lang)
    except ParseError:
        return None
