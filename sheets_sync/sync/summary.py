"""The summary a person reads after a sync, in the workbook's language.

What needs a person comes first, each kind with its next step, then the budget
table, the problems and what was (or, on a dry run, would be) written, every
change listed on a dry run. Texts live in ``workbook_templates/summary.toml``;
the headings a reminder digest shares come from ``reminders.toml``. Columns are
measured in terminal columns (:mod:`sheets_sync.core.display`), so Chinese names
keep the table aligned and long ones end in an ellipsis.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from itertools import groupby
from typing import TYPE_CHECKING, Any

from sheets_sync.backends.protocol import WriteResult
from sheets_sync.core.cells import CellChange, CellValue, Formula
from sheets_sync.core.display import left, right, shorten
from sheets_sync.core.i18n import format_amount, format_date, message
from sheets_sync.core.layout import Lang, Layout
from sheets_sync.core.templates import load_toml
from sheets_sync.sync.attention import Notice
from sheets_sync.sync.rollup import QuarterRollup

if TYPE_CHECKING:
    from sheets_sync.sync.rename import RenameReport
    from sheets_sync.sync.report import SyncReport

NAME = 30  # columns for a name in the budget table
MONEY = 11
SHARE = 9
LEFT_OUT = 13  # the "not counted" column, shown when some money is
TITLE = 48  # columns for a notice's title
VALUE = 40  # columns for an old or new value in a listed change
SHOWN = 50  # problems listed in the text; the rest are in --json
SHOWN_EACH = 10  # rows listed under each heading of what needs attention; the rest in --json


@cache
def _texts() -> dict[str, Any]:
    return load_toml("summary.toml")


def text(code: str, lang: Lang, **params: object) -> str:
    """The summary text ``code`` in ``lang`` with its placeholders filled."""
    texts: Any = _texts()
    for part in code.split("."):
        texts = texts[part]
    return str(texts[lang]).format(**params)


def heading(kind: str, lang: Lang) -> str:
    """A kind of notice's heading: the reminder digest's, or the summary's own."""
    own = _texts()["heading"]
    if kind in own:
        return str(own[kind][lang])
    return str(load_toml("reminders.toml")[kind][lang])


def _amount(value: float, lang: Lang) -> str:
    """A whole amount; a sum past what a number holds (amounts near 1e308) shows as ∞."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "—"
    return format_amount(float(round(value)), lang)


def next_step(notice: Notice, lang: Lang, titles: dict[str, str]) -> str:
    """What to do about ``notice``, naming the workbook's own sheets."""
    when = format_date(notice.due, lang) if notice.due else ""
    return text(
        f"step.{notice.kind}",
        lang,
        date=when,
        review=titles.get("review", ""),
        overview=titles.get("overview", ""),
        focus_areas=titles.get("focus_areas", ""),
        goals=titles.get("goals", ""),
    )


def notice_line(
    notice: Notice, lang: Lang, titles: dict[str, str], *, title_width: int = TITLE
) -> str:
    """The notice as one line: what, which row, whose, by when; its title in ``title_width``."""
    kind = notice.kind
    if kind.startswith(("quarter_", "budget_")):
        return _cap_line(notice, lang)
    title = notice.title
    if notice.area:
        title = notice.area + text("colon", lang) + title
    title = shorten(title, title_width)
    if kind == "renamed":
        sheet = titles.get(notice.sheet, notice.sheet)
        return text(
            "item_renamed", lang, sheet=sheet, old=notice.old_name, new=title, count=notice.rows
        )
    if kind == "rows_to_fix":
        sheet = titles.get(notice.sheet, notice.sheet)
        return text("item_rows", lang, sheet=sheet, count=notice.rows, ids=title)
    dated = notice.due is not None and not kind.startswith("review_")
    return text(
        "item",
        lang,
        title=title,
        id=text("item_id", lang, id=notice.row_id) if notice.row_id else "",
        who=text("item_who", lang, owner=notice.owner) if notice.owner else "",
        due=text("item_due", lang, date=format_date(notice.due, lang))
        if dated and notice.due
        else "",
    )


def _cap_line(notice: Notice, lang: Lang) -> str:
    """A budget at its cap: planned over it, spent over it, or what is left to plan."""
    left = notice.amount or 0.0
    if notice.kind.endswith("_near") or notice.kind == "quarter_near_budget":
        code, amount = "item_near", left
    elif left < 0:
        code, amount = "item_over", -left
    else:
        code, amount = "item_spent_over", notice.overspent or 0.0
    if notice.sheet == "overview":
        code = code.replace("item_", "item_quarter_")
    title = shorten(notice.title, TITLE)
    return text(code, lang, title=title, amount=_amount(amount, lang))


def notice_json(notice: Notice, lang: Lang, titles: dict[str, str]) -> dict[str, Any]:
    """The notice for ``--json``: its data and the same words the text shows."""
    return notice.as_dict() | {
        "heading": heading(notice.kind, lang),
        "text": notice_line(notice, lang, titles),
        "next_step": next_step(notice, lang, titles),
    }


def render_summary(report: SyncReport, layout: Layout) -> str:
    """The whole summary: attention, budget, problems, changes, what was written."""
    lang = report.lang
    titles = {key: counts["title"] for key, counts in report.sheets.items()}
    date = format_date(report.as_of, lang)
    lines = [text("headline", lang, source=report.source, quarter=report.quarter or "?", date=date)]
    lines += ["", *_attention(report.attention, lang, titles)]
    lines += _budget(report, layout)
    lines += _problems(report)
    if report.missing_sheets:
        names = [layout.sheet(key).title.get(lang) for key in report.missing_sheets]
        lines += [
            "",
            text("missing_sheets", lang, sheets=text("names_separator", lang).join(names)),
        ]
    if report.dry_run and report.cell_changes:
        lines += ["", text("changes", lang), *_changes(report, layout, titles)]
    lines += ["", _written(report), *write_lines(report.write, lang)]
    return "\n".join(lines)


def _attention(notices: list[Notice], lang: Lang, titles: dict[str, str]) -> list[str]:
    if not notices:
        return [text("nothing", lang)]
    lines = [text("attention", lang, count=len(notices))]
    for kind, group in groupby(notices, key=lambda n: n.kind):
        items = list(group)
        step = next_step(items[0], lang, titles)
        lines.append(f"  {heading(kind, lang)}{text('colon', lang)}{step}")
        lines += [f"    - {notice_line(n, lang, titles)}" for n in items[:SHOWN_EACH]]
        if len(items) > SHOWN_EACH:
            lines.append("      " + text("more", lang, count=len(items) - SHOWN_EACH))
    return lines


def _budget(report: SyncReport, layout: Layout) -> list[str]:
    lang = report.lang
    if not report.rollup and not report.total:
        return []
    name, planned, spent, cap, annual, flags = _texts()["budget_header"][lang]
    left_out = report.total is not None and report.total.not_counted.rows > 0
    extra = right(text("not_counted_header", lang), LEFT_OUT) if left_out else ""
    lines = [
        "",
        f"  {left(name, NAME)}{_row(planned, spent, cap)}{extra}{right(annual, SHARE)}  {flags}",
    ]
    for r in report.rollup:
        labels = [layout.choice_label("budget", r.budget_flag, lang)]
        if r.scope_flag:
            labels.append(layout.choice_label("scope", r.scope_flag, lang))
        share = "" if r.annual_share is None else f"{r.annual_share:.0%}"
        money = _row(_money(r.planned, lang), _money(r.actual, lang), _money(r.cap, lang))
        if left_out:
            lost = r.not_counted
            money += right(_money(lost.planned if lost.rows else None, lang), LEFT_OUT)
        shown = message("separator", lang).join(labels)
        lines.append(f"  {left(r.focus_area, NAME)}{money}{right(share, SHARE)}  {shown}")
    if report.total:
        t = report.total
        money = _row(_money(t.planned, lang), _money(t.actual, lang), _money(t.budget, lang))
        if left_out:
            money += right(_money(t.not_counted.planned, lang), LEFT_OUT)
        flag = layout.choice_label("budget", t.budget_flag, lang)
        total = f"  {left(text('quarter_total', lang), NAME)}{money}{right('', SHARE)}  {flag}"
        lines.append(total.rstrip())
        lines += _not_counted(t, lang, report.sheets.get("focus_areas", {}).get("title", ""))
    return lines


def _not_counted(total: QuarterRollup, lang: Lang, areas: str) -> list[str]:
    """What the totals leave out, and the money under focus areas no row of Focus areas has."""
    money = total.not_counted
    if not money.rows:
        return []
    lines = [
        "  "
        + text(
            "not_counted",
            lang,
            planned=_amount(money.planned, lang),
            spent=_amount(money.actual, lang),
            rows=money.rows,
        )
    ]
    for name, lost in total.unknown_areas:
        amount = _amount(lost.planned, lang)
        line = text(
            "not_counted_area", lang, name=name, planned=amount, rows=lost.rows, sheet=areas
        )
        lines.append("    - " + line)
    return lines


def _row(*cells: str) -> str:
    return "".join(right(cell, MONEY) for cell in cells)


def _money(value: float | None, lang: Lang) -> str:
    return "" if value is None else _amount(value, lang)


def _problems(report: SyncReport) -> list[str]:
    if not report.problems:
        return []
    lang = report.lang
    lines = ["", "  " + text("problems", lang, count=len(report.problems))]
    for p in report.problems[:SHOWN]:
        where = text("problem_where", lang, sheet=p.sheet_title, id=p.row_id or "", row=p.row)
        lines.append(f"  - {' '.join(where.split())}{text('colon', lang)}{p.message}")
    if len(report.problems) > SHOWN:
        lines.append("  " + text("more", lang, count=len(report.problems) - SHOWN))
    return lines


def _changes(report: SyncReport, layout: Layout, titles: dict[str, str]) -> list[str]:
    keys = {title: key for key, title in titles.items()}
    lang = report.lang
    return [f"  {change_line(c, layout, keys.get(c.sheet), lang)}" for c in report.cell_changes]


def change_line(change: CellChange, layout: Layout, sheet_key: str | None, lang: Lang) -> str:
    """One change as a person reads it: sheet, row ID, column, old → new."""
    column = change.column
    if sheet_key is not None:
        spec = layout.sheet(sheet_key)
        if column in spec.columns_by_key:
            column = spec.column(column).label.get(lang)
    where = change.row_id or f"#{change.row}"
    old, new = _shown(change.old, lang), _shown(change.new, lang)
    return text("change", lang, sheet=change.sheet, id=where, column=column, old=old, new=new)


def _shown(value: CellValue, lang: Lang) -> str:
    if value is None or value == "":
        return text("empty", lang)
    if isinstance(value, Formula):
        return shorten(value.text, VALUE)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 6))
    return shorten(str(value), VALUE)


def _written(report: SyncReport) -> str:
    lang = report.lang
    count = len(report.changes) if report.dry_run else report.cells_written
    line = text("would_write" if report.dry_run else "wrote", lang, count=count)
    if report.ids_assigned:
        line += text("new_ids", lang, count=report.ids_assigned)
    return line + text("end", lang)


def write_lines(write: WriteResult, lang: Lang) -> list[str]:
    """What became of the cells that were not written, in plain words."""
    lines = []
    if write.tagged:
        code = "tagged_deferred" if write.deferred else "tagged"
        lines.append(text(code, lang, count=write.tagged))
    elif write.deferred:
        lines.append(text("deferred", lang, count=write.deferred))
    if write.dropped:
        lines.append(text("dropped", lang, count=write.dropped))
    return lines


def render_rename(report: RenameReport, layout: Layout) -> str:
    """What ``sheets-sync rename`` changed (or would): each cell, then what to do next."""
    lang, source, count = report.lang, report.source, len(report.changes)
    if not count:
        return text("rename_none", lang, source=source)
    keys = {title: key for key, title in report.titles.items()}
    head = "rename_would" if report.dry_run else "rename_done"
    lines = [text(head, lang, source=source, count=count)]
    lines += [f"  {change_line(c, layout, keys.get(c.sheet), lang)}" for c in report.changes]
    lines += write_lines(report.write, lang)
    if report.backup:
        lines.append(text("rename_backup", lang, path=report.backup))
    if not report.dry_run:
        lines.append(text("rename_next", lang))
    return "\n".join(lines)
