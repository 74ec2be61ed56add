"""The review as one self-contained HTML page: inline CSS and SVG charts, no scripts, no links out.

The page reads on a phone (one column, tables scroll sideways) and prints on A4
or Letter (``@page`` margins, sections kept whole where they fit). Words come
from ``workbook_templates/review.toml`` and the workbook's own labels, in the
workbook's language; everything a person typed (names, notes, reasons) is
escaped. Pure: a :class:`~sheets_sync.review.model.ReviewReport` in, a string out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from typing import Any

from sheets_sync.core.i18n import format_amount, format_date, format_goal_value
from sheets_sync.core.layout import Layout, load_layout
from sheets_sync.core.templates import load_toml
from sheets_sync.review import charts
from sheets_sync.review.model import GoalLine, Listed, ReviewReport

HTML_LANG = {"en": "en", "zh": "zh-Hans", "ru": "ru"}
# The page's fonts: a CJK one first for Chinese; for the others a Latin and
# Cyrillic one, which also keeps a PDF from loading a large CJK font it needs not.
FONTS = {
    "zh": '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
    "en": '"Noto Sans", "DejaVu Sans", "Liberation Sans", system-ui, sans-serif',
    "ru": '"Noto Sans", "DejaVu Sans", "Liberation Sans", system-ui, sans-serif',
}
CSS = """
@page { margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { color: #1d2733; margin: 0 auto; max-width: 60rem; padding: 1rem; font-size: 10.5pt;
  line-height: 1.4; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
h2 { font-size: 1.15em; margin: 1.2em 0 .4em; border-bottom: 2px solid #2f5d9a;
  padding-bottom: .15em; break-after: avoid; }
.meta { color: #52606d; margin: 0; }
figure { margin: .3em 0; break-inside: avoid; }
tr { break-inside: avoid; }
thead { break-after: avoid; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .3em 0; }
th, td { text-align: left; padding: .25em .45em; border-bottom: 1px solid #d9e2ec;
  vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid #9fb3c8; }
.chart svg { width: 100%; height: auto; max-height: 7cm; }
.chips { display: flex; flex-wrap: wrap; gap: .35em; margin: .3em 0; padding: 0;
  list-style: none; }
.chips li { background: #f0f4f8; border-radius: 1em; padding: .1em .7em; }
.badge { border-radius: .3em; padding: 0 .4em; color: #1f2933; white-space: nowrap;
  background: #e4e7eb; border: 1px solid rgba(0, 0, 0, .12); }
.over_cap { color: #c0392b; font-weight: 600; } .near_cap { color: #b9770e; }
.note { white-space: pre-line; }
@media print { body { padding: 0; max-width: none; } .chart svg { max-height: 5.5cm; } }
"""


@cache
def _texts() -> dict[str, dict[str, str]]:
    return {key: dict(value) for key, value in load_toml("review.toml")["texts"].items()}


class _Page:
    """What every part of the page needs: the report, its language, its labels."""

    def __init__(self, report: ReviewReport, layout: Layout) -> None:
        self.report, self.lang, self.layout = report, report.lang, layout
        self.colon = self.t("colon")  # between a label and its value: "：" in Chinese

    def t(self, key: str, **params: str) -> str:
        """A text of the review in the page's language, escaped, its placeholders filled."""
        return escape(_texts()[key][self.lang].format(**params))

    def label(self, choices: str, key: str | None) -> str:
        return escape(self.layout.choice_label(choices, key, self.lang)) if key else ""

    def badge(self, choices: str, key: str | None) -> str:
        """A flag as the workbook shows it: its label on the flag's own colour."""
        if not key:
            return ""
        colour = self.layout.colour_of(key)
        style = f' style="background: {colour}"' if colour else ""
        return f'<span class="badge {key}"{style}>{self.label(choices, key)}</span>'

    def money(self, amount: float | None) -> str:
        if amount is None:
            return ""
        text = format_amount(round(amount), self.lang)
        currency = self.report.currency
        return escape(f"{text}\u00a0{currency}" if currency else text)

    def date(self, day: dt.date | None) -> str:
        return escape(format_date(day, self.lang)) if day is not None else ""

    def value(self, amount: float | None, unit: str) -> str:
        if amount is None:
            return "—"
        return escape(format_goal_value(amount, unit, self.lang))

    def more(self, listed: Listed[Any]) -> str:
        return f"<p>{self.t('more', count=str(listed.more))}</p>" if listed.more else ""


def _table(head: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]], total: str = "") -> str:
    """A table; ``head`` names each column and whether it holds numbers."""
    cells = "".join(f"<th{' class=n' if n else ''}>{name}</th>" for name, n in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if n else ''}>{cell}</td>"
            for cell, (_, n) in zip(row, head, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll"><table><thead><tr>{cells}</tr></thead>'
        f"<tbody>{body}{total}</tbody></table></div>"
    )


def _chips(page: _Page, choices: str, counts: dict[str, int]) -> str:
    items = "".join(
        f"<li>{page.label(choices, key)}{page.colon}<b>{count}</b></li>"
        for key, count in counts.items()
    )
    return f'<ul class="chips">{items}</ul>'


def _header(page: _Page) -> str:
    r = page.report
    title = page.t(f"title_{r.kind}")
    return (
        f"<header><h1>{title} · {escape(r.quarter)}</h1>"
        f'<p class="meta">{page.t("as_of", date=format_date(r.as_of, r.lang))} · '
        f"{page.t('theme')}{page.colon}{escape(r.theme)} · {page.t('business')}{page.colon}"
        f"{page.label('business', r.business)}</p>"
        f'<p class="meta">{page.t("source")}{page.colon}{escape(r.location)}</p></header>'
    )


def _budget(page: _Page) -> str:
    r = page.report
    legend = {k: _texts()[k][r.lang] for k in ("planned", "spent", "cap")}
    head = [
        (page.t(k), k != "focus_area")
        for k in ("focus_area", "planned", "spent", "cap", "variance")
    ] + [(page.t("flag"), False)]
    rows = [
        [
            escape(a.name),
            page.money(a.planned),
            page.money(a.spent),
            page.money(a.cap),
            page.money(a.variance),
            f'<span class="{a.budget_flag}">{page.label("budget", a.budget_flag)}</span>',
        ]
        for a in r.areas
    ]
    t = r.total
    total = (
        f'<tr class="total"><td>{page.t("quarter_total")}</td><td class=n>{page.money(t.planned)}'
        f"</td><td class=n>{page.money(t.spent)}</td><td class=n>{page.money(t.budget)}</td>"
        f"<td class=n>{page.money(t.planned - t.spent)}</td>"
        f"<td>{page.label('budget', t.budget_flag)}</td></tr>"
    )
    chart = charts.budget_chart(r.areas, legend, r.lang) if r.areas else ""
    unspent = ""
    if r.kind == "final" and t.unspent is not None:
        unspent = f"<p><b>{page.t('unspent', amount=page.money(t.unspent))}</b></p>"
    return (
        f'<section id="budget"><h2>{page.t("budget")}</h2>'
        f'<figure class="chart" aria-label="{page.t("chart_budget")}">{chart}</figure>'
        f"{_table(head, rows, total)}{unspent}</section>"
    )


def _goal_row(page: _Page, g: GoalLine) -> list[str]:
    progress = "" if g.progress is None else f"{g.progress:.0%}"
    return [
        escape(g.metric),
        page.value(g.baseline, g.unit),
        page.value(g.current, g.unit),
        page.value(g.target, g.unit),
        progress,
        page.badge("health", g.health),
        page.date(g.measured_on),
    ]


def _goals(page: _Page) -> str:
    goals = page.report.goals
    if not goals:
        return (
            f'<section id="goals"><h2>{page.t("goals")}</h2><p>{page.t("no_goals")}</p></section>'
        )
    keys = ("metric", "baseline", "current", "target", "progress", "health", "measured_on")
    head = [(page.t(k), k in ("baseline", "current", "target", "progress")) for k in keys]
    chart = charts.goals_chart(goals, page.lang)
    return (
        f'<section id="goals"><h2>{page.t("goals")}</h2>'
        f'<figure class="chart" aria-label="{page.t("chart_goals")}">{chart}</figure>'
        f"{_table(head, [_goal_row(page, g) for g in goals])}</section>"
    )


def _initiatives(page: _Page) -> str:
    r = page.report
    overdue = r.overdue
    if overdue.total:
        head = [(page.t(k), False) for k in ("initiative", "focus_area", "owner", "due")]
        rows = [
            [
                escape(f"{o.id} · {o.title}" if o.id else o.title),
                escape(o.focus_area),
                escape(o.owner),
                page.date(o.due),
            ]
            for o in overdue.shown
        ]
        late = f"<h3>{page.t('overdue')}{page.colon}{overdue.total}</h3>{_table(head, rows)}"
        late += page.more(overdue)
    else:
        late = f"<p>{page.t('none_overdue')}</p>"
    return (
        f'<section id="initiatives"><h2>{page.t("initiatives")}</h2>'
        f"{_chips(page, 'status', r.initiatives_by_status)}{late}</section>"
    )


def _hypotheses(page: _Page) -> str:
    r = page.report
    if not r.hypotheses.total:
        body = f"<p>{page.t('no_hypotheses')}</p>"
    else:
        head = [(page.t(k), False) for k in ("statement", "focus_area", "result")]
        rows = [
            [escape(h.statement), escape(h.focus_area), page.label("result", h.result)]
            for h in r.hypotheses.shown
        ]
        body = _chips(page, "result", r.hypotheses_by_result) + _table(head, rows)
        body += page.more(r.hypotheses)
    return f'<section id="hypotheses"><h2>{page.t("hypotheses")}</h2>{body}</section>'


def _checklist(page: _Page) -> str:
    r = page.report
    late = r.checklist_overdue
    body = _chips(page, "due_status", r.checklist_by_status)
    if late.total:
        head = [(page.t(k), False) for k in ("task", "owner", "due")]
        rows = [[escape(c.item), escape(c.owner or ""), page.date(c.due)] for c in late.shown]
        body += _table(head, rows) + page.more(late)
    return f'<section id="checklist"><h2>{page.t("checklist")}</h2>{body}</section>'


def _mid_notes(page: _Page) -> str:
    head = [(page.t(k), False) for k in ("focus_area", "notes", "mid_decision")]
    rows = [
        [
            escape(n.focus_area),
            f'<span class="note">{escape(n.notes)}</span>' if n.notes else page.t("no_notes"),
            page.label("decision", n.decision),
        ]
        for n in page.report.mid_notes
    ]
    return f'<section id="review"><h2>{page.t("mid_notes")}</h2>{_table(head, rows)}</section>'


def _decisions(page: _Page) -> str:
    head = [
        (page.t(k), k == "left_unspent")
        for k in ("focus_area", "decision", "reason", "left_unspent")
    ]
    rows = [
        [
            escape(d.focus_area),
            page.label("decision", d.decision) if d.decision else f"<i>{page.t('undecided')}</i>",
            f'<span class="note">{escape(d.reason or "")}</span>',
            page.money(d.unspent),
        ]
        for d in page.report.decisions
    ]
    return (
        f'<section id="review"><h2>{page.t("decisions")}</h2>{_table(head, rows)}</section>'
        f"{_carry(page)}"
    )


def _carry(page: _Page) -> str:
    r = page.report
    carry = r.carry
    if carry is None:
        body = page.t("carry_missing", areas=", ".join(r.undecided))
        return f'<section id="carry"><h2>{page.t("carry")}</h2><p>{body}</p></section>'
    none = _texts()["none"][r.lang]
    moving = [a.focus_area for a in carry.areas if a.decision in ("continue", "adjust")]
    staying = [a.focus_area for a in carry.areas if a.decision not in ("continue", "adjust")]
    planned = sum(i.planned_now for i in carry.initiatives_carried)
    lines = [
        page.t("carry_areas", areas=", ".join(moving) or none),
        page.t("carry_left", areas=", ".join(staying) or none),
        page.t(
            "carry_initiatives",
            carried=str(len(carry.initiatives_carried)),
            planned=_plain_money(planned, r),
            left=str(len(carry.initiatives_left)),
        ),
        page.t(
            "carry_goals",
            goals=str(len(carry.goals_to_reset)),
            hypotheses=str(carry.hypotheses_carried),
            owners=str(carry.owners_carried),
        ),
    ]
    items = "".join(f"<li>{line}</li>" for line in lines)
    return f'<section id="carry"><h2>{page.t("carry")}</h2><ul>{items}</ul></section>'


def _plain_money(amount: float, report: ReviewReport) -> str:
    """An amount for a sentence (escaped with it), its currency after it."""
    text = format_amount(round(amount), report.lang)
    return f"{text}\u00a0{report.currency}" if report.currency else text


def written_line(report: ReviewReport, path: str) -> str:
    """What ``sheets-sync report`` says once it has written ``path``, in the report's language."""
    texts = _texts()
    return texts["written"][report.lang].format(
        path=path,
        title=texts[f"title_{report.kind}"][report.lang],
        quarter=report.quarter,
        date=format_date(report.as_of, report.lang),
    )


def render_html(report: ReviewReport, layout: Layout | None = None) -> str:
    """The whole page for ``report``."""
    page = _Page(report, layout or load_layout())
    parts = [_header(page), _budget(page), _goals(page), _initiatives(page)]
    parts += [_hypotheses(page), _checklist(page)]
    parts.append(_mid_notes(page) if report.kind == "mid" else _decisions(page))
    title = f"{_texts()[f'title_{report.kind}'][report.lang]} · {report.quarter}"
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[report.lang]}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f"<style>body {{ font-family: {FONTS[report.lang]}; }}{CSS}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )
