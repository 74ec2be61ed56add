"""The review as HTML: the examples at their review dates in every language, parsed back."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.api import open_backend, sync_workbook, write_review
from sheets_sync.cli import main
from sheets_sync.core.i18n import format_amount, format_goal_value
from sheets_sync.core.layout import Lang, load_layout
from sheets_sync.errors import SheetsSyncError
from sheets_sync.review.html import render_html
from sheets_sync.review.model import AreaNotes, ReviewReport
from sheets_sync.review.read import read_review
from tests.conftest import QUARTER
from tests.test_next_quarter import decide_every_area

DATES = {"mid": QUARTER.mid_review, "final": QUARTER.final_review}
SECTIONS = {
    "mid": ["budget", "goals", "initiatives", "hypotheses", "checklist", "review"],
    "final": ["budget", "goals", "initiatives", "hypotheses", "checklist", "review", "carry"],
}


class Page(HTMLParser):
    """The page's text, its tables as rows of cell texts, its section ids and every tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.sections: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self.sections.append(dict(attrs)["id"] or "")
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def row(self, first: str, table: int = 0) -> list[str]:
        """The row whose first cell is ``first`` in the ``table``-th table that has one."""
        return [r for r in self.rows if r and r[0] == first][table]


def money(amount: float | None, lang: Lang, currency: str | None) -> str:
    return "" if amount is None else f"{format_amount(round(amount), lang)}\u00a0{currency}"


@pytest.mark.parametrize("kind", ["mid", "final"])
@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
@pytest.mark.parametrize("business", ["b2b", "b2c"])
def test_page_holds_every_area_goal_and_the_syncs_numbers(
    examples: dict[tuple[str, str], Path], business: str, lang: Lang, kind: str
) -> None:
    path, as_of = examples[business, lang], DATES[kind]
    review = read_review(open_backend(path).read(), as_of=as_of)
    page = Page(render_html(review))
    report = sync_workbook(path, as_of=as_of, dry_run=True)
    assert page.sections == SECTIONS[kind]
    assert ("html", {"lang": {"en": "en", "zh": "zh-Hans", "ru": "ru"}[lang]}) in page.tags
    for rollup in report.rollup:
        row = page.row(rollup.focus_area)
        assert row[1:5] == [
            money(rollup.planned, lang, review.currency),
            money(rollup.actual, lang, review.currency),
            money(rollup.cap, lang, review.currency),
            money(rollup.planned - rollup.actual, lang, review.currency),
        ]
        assert row[5] == load_layout().choice_label("budget", rollup.budget_flag, lang)
    assert report.total is not None
    assert page.rows[len(report.rollup) + 1][1:4] == [
        money(report.total.planned, lang, review.currency),
        money(report.total.actual, lang, review.currency),
        money(report.total.budget, lang, review.currency),
    ]
    for goal in review.goals:
        progress = "" if goal.progress is None else f"{goal.progress:.0%}"
        assert page.row(goal.metric)[4] == progress
    undecided = {"en": "Not decided yet", "zh": "尚未决定", "ru": "Решение не принято"}[lang]
    for decision in review.decisions:  # the examples' final reviews are not decided yet
        assert decision.decision is None
        assert page.row(decision.focus_area, -1)[1] == undecided
    assert bool(review.decisions) == (kind == "final")
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "img", "iframe", "object")
        assert not any(key in ("src", "href") for key in attrs), (tag, attrs)
    assert sum(tag == "svg" for tag, _ in page.tags) == 2


def test_final_page_names_each_decision_and_the_carry_over(roadmap: Path) -> None:
    decide_every_area(roadmap)
    review = read_review(open_backend(roadmap).read(), as_of=QUARTER.final_review)
    page = Page(render_html(review))
    assert page.row("Events", -1) == ["Events", "Scrap", "No ROI data", "53,000\u00a0USD"]
    assert page.row("Website appeal", -1)[:2] == ["Website appeal", "Continue"]
    text = " ".join(page.text)
    assert "Focus areas carried over: Website appeal, Conversion rate optimisation" in text
    assert "Focus areas left behind: Lead qualification and nurturing, Events" in text
    assert "Left unspent of the quarter's budget: 39,500\u00a0USD" in text


HOSTILE = '<script>alert("x")</script> & $\\frac{1}{2}$ <img src=x>'


def test_everything_typed_is_escaped(examples: dict[tuple[str, str], Path]) -> None:
    review = read_review(open_backend(examples["b2b", "en"]).read(), as_of=DATES["mid"])
    area = replace(review.areas[0], name=HOSTILE)
    goal = replace(review.goals[0], metric=HOSTILE)
    hostile: ReviewReport = replace(
        review,
        areas=(area, *review.areas[1:]),
        goals=(goal, *review.goals[1:]),
        theme=HOSTILE,
        location=HOSTILE,
        mid_notes=(AreaNotes(HOSTILE, HOSTILE, None),),
    )
    html = render_html(hostile)
    page = Page(html)
    assert not [tag for tag, _ in page.tags if tag in ("script", "img")]
    assert page.row(HOSTILE)[0] == HOSTILE  # shown as typed, in the budget table
    assert " ".join(page.text).count(HOSTILE) == 6  # table cells, theme, source, notes
    assert re.search(r"&lt;script&gt;alert\(&quot;x&quot;\)", html)


def test_kind_can_be_asked_for(examples: dict[tuple[str, str], Path]) -> None:
    snapshot = open_backend(examples["b2c", "ru"]).read()
    review = read_review(snapshot, as_of=dt.date(2027, 1, 20), kind="final")
    page = Page(render_html(review))
    assert page.sections[-2:] == ["review", "carry"]
    assert "Итоговая оценка квартала · 2027-Q1" in " ".join(page.text)


def test_without_matplotlib_the_error_names_the_extra(
    examples: dict[tuple[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    review = read_review(open_backend(examples["b2b", "en"]).read(), as_of=DATES["mid"])
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    with pytest.raises(SheetsSyncError) as raised:
        render_html(review)
    assert (raised.value.what, raised.value.todo) == (
        "The review's charts need matplotlib, which is not installed.",
        "Install the report extra: pip install 'sheets-sync[report]'.",
    )


def test_cli_writes_the_page(roadmap: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    result = CliRunner().invoke(
        main, ["report", str(roadmap), "--as-of", "2027-02-14", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}: Mid-quarter review, 2027-Q1, as of 2027-02-14.\n"
    page = Page(out.read_text(encoding="utf-8"))
    assert page.sections == SECTIONS["mid"]
    final = CliRunner().invoke(
        main,
        ["report", str(roadmap), "--kind", "final", "--as-of", "2027-02-14", "--out", str(out)],
    )
    assert final.exit_code == 0, final.output
    assert Page(out.read_text(encoding="utf-8")).sections == SECTIONS["final"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.html", "roadmap.xlsx"]


def test_cli_refuses_other_formats(roadmap: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["report", str(roadmap), "--out", str(tmp_path / "review.docx")]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"sheets-sync: {tmp_path / 'review.docx'}: a review is written as .html or .pdf. "
        "Give --out a name ending in .html or .pdf.\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["roadmap.xlsx"]


def test_without_weasyprint_a_pdf_names_the_extra(
    examples: dict[tuple[str, str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    review = read_review(open_backend(examples["b2b", "en"]).read(), as_of=DATES["mid"])
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    with pytest.raises(SheetsSyncError) as raised:
        write_review(review, tmp_path / "review.pdf")
    assert (raised.value.what, raised.value.todo) == (
        "A PDF review needs WeasyPrint, which is not installed.",
        "Install the pdf extra: pip install 'sheets-sync[pdf]', or write --out review.html.",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "已写入 {out}：2027-Q1 季中回顾，截至 2027年2月14日。"),
        (
            "ru",
            "Записан файл {out}: Промежуточная оценка квартала, 2027-Q1, "
            "по состоянию на 14.02.2027.",
        ),
    ],
)
def test_cli_says_what_it_wrote_in_the_workbooks_language(
    example_template: Callable[[str], Path], tmp_path: Path, lang: str, line: str
) -> None:
    roadmap = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template(lang), roadmap)
    out = tmp_path / "review.html"
    args = ["report", str(roadmap), "--as-of", "2027-02-14", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output == line.format(out=out) + "\n"


@pytest.mark.parametrize(
    ("amount", "unit", "lang", "written"),
    [
        (0.009, "percent", "en", "0.9%"),
        (0.125, "percent", "ru", "12,5%"),
        (0.0075, "percent", "zh", "0.75%"),
        (0.0, "percent", "en", "0%"),
        (2150, "count", "ru", "2\u00a0150"),
        (3.5, "count", "en", "3.5"),
        (2000.0, "currency", "zh", "2,000"),
        (-1234.5, "count", "en", "-1,234.5"),
    ],
)
def test_a_goal_value_is_written_as_people_write_it(
    amount: float, unit: str, lang: Lang, written: str
) -> None:
    """One formatter for the review report, the Dashboard and next quarter's workbook:
    the language's decimal mark and grouping, no trailing zeros."""
    assert format_goal_value(amount, unit, lang) == written
