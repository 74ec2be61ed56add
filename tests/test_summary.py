"""The sync's summary: what needs a person, through the quarter, in the workbook's language."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from sheets_sync.api import sync_workbook
from sheets_sync.cli import main
from sheets_sync.core.display import left, right, shorten, width
from sheets_sync.core.layout import load_layout
from sheets_sync.sync.report import SyncReport, render_text

Seen = list[tuple[str, str, str, str | None]]


def _seen(report: SyncReport) -> Seen:
    """Each notice as (kind, row ID or name, owner, due date)."""
    return [
        (n.kind, n.row_id or n.title, n.owner, n.due.isoformat() if n.due else None)
        for n in report.attention
    ]


def _section(text: str) -> list[str]:
    """The summary's lines from its first line to the budget table."""
    lines = text.splitlines()
    return lines[: lines.index("") if "" in lines[2:] else len(lines)]


BUDGET = [
    ("quarter_over_budget", "", "", None),
    ("budget_over", "Events", "", None),
]
NEAR = [("budget_near", "Website appeal", "", None)]
REVIEWS = ["RV-001", "RV-002", "RV-003", "RV-004"]
CHECKLIST = [
    ("CL-001", "2027-01-14"),
    ("CL-002", "2027-01-21"),
    ("CL-003", "2027-01-28"),
    ("CL-004", "2027-02-04"),
    ("CL-005", "2027-02-11"),
    ("CL-006", "2027-03-11"),
    ("CL-007", "2027-03-31"),
]
GOALS_OFF = [
    ("GO-004", "2027-03-25"),
    ("GO-001", "2027-03-31"),
    ("GO-002", "2027-03-31"),
    ("GO-003", "2027-03-31"),
]


def _overdue(rows: list[tuple[str, str]], kind: str) -> Seen:
    return [(kind, rid, "", due) for rid, due in rows]


def _reviews(kind: str, due: str) -> Seen:
    return [(kind, rid, "", due) for rid in REVIEWS]


def test_the_b2b_example_through_the_quarter(roadmap: Path) -> None:
    """Start, mid-quarter review, the day after it, two weeks before the end, after the end."""
    start = sync_workbook(roadmap, as_of=dt.date(2027, 1, 1))
    assert _seen(start) == BUDGET + NEAR

    mid = sync_workbook(roadmap, as_of=dt.date(2027, 2, 14))
    assert _seen(mid) == [
        ("initiative_overdue", "IN-004", "Dmitry Volkov", "2027-01-14"),
        *_overdue(CHECKLIST[:5], "checklist_overdue"),
        *BUDGET,
        ("goal_off_track", "GO-001", "", "2027-03-31"),
        *_reviews("review_mid_due", "2027-02-14"),
        ("goal_at_risk", "GO-003", "", "2027-03-31"),
        *NEAR,
    ]

    skipped = sync_workbook(roadmap, as_of=dt.date(2027, 2, 15))
    assert _seen(skipped)[:4] == _reviews("review_mid_overdue", "2027-02-14")

    final = sync_workbook(roadmap, as_of=dt.date(2027, 3, 17))
    assert _seen(final) == [
        ("initiative_overdue", "IN-004", "Dmitry Volkov", "2027-01-14"),
        ("initiative_overdue", "IN-001", "Anna Lee", "2027-02-25"),
        ("initiative_overdue", "IN-005", "Li Wei", "2027-03-04"),
        *_overdue(CHECKLIST[:6], "checklist_overdue"),
        *BUDGET,
        *_reviews("review_final_due", "2027-03-17"),
        ("initiative_due_soon", "IN-002", "Anna Lee", "2027-03-18"),
        ("initiative_due_soon", "IN-008", "Maria Garcia", "2027-03-18"),
        # the goals' values were typed with no date and have not changed since the
        # workbook was made (2027-02-15): a month on, they are out of date
        *_overdue(GOALS_OFF, "goal_stale"),
        *NEAR,
    ]
    text = render_text(final, load_layout()).splitlines()
    assert (
        "  Final decisions due: fill Review by 2027-03-17, then run `sheets-sync next-quarter`"
        in text
    )

    after = sync_workbook(roadmap, as_of=dt.date(2027, 4, 2))
    assert _seen(after) == [
        *_reviews("review_final_overdue", "2027-03-31"),
        ("initiative_overdue", "IN-004", "Dmitry Volkov", "2027-01-14"),
        ("initiative_overdue", "IN-001", "Anna Lee", "2027-02-25"),
        ("initiative_overdue", "IN-005", "Li Wei", "2027-03-04"),
        ("initiative_overdue", "IN-002", "Anna Lee", "2027-03-18"),
        ("initiative_overdue", "IN-008", "Maria Garcia", "2027-03-18"),
        ("initiative_overdue", "IN-006", "Li Wei", "2027-03-25"),
        ("initiative_overdue", "IN-007", "Maria Garcia", "2027-03-25"),
        *_overdue(CHECKLIST, "checklist_overdue"),
        *BUDGET,
        *_overdue(GOALS_OFF, "goal_stale"),
        *NEAR,
    ]
    assert render_text(after, load_layout()).splitlines()[2:6] == [
        "Needs attention (25):",
        "  Final decisions overdue: the quarter ended 2027-03-31; fill the final decisions on "
        "Review, then run `sheets-sync next-quarter`",
        "    - Website appeal (RV-001)",
        "    - Conversion rate optimisation (RV-002)",
    ]


def test_the_start_of_the_quarter_in_words(roadmap: Path) -> None:
    report = sync_workbook(roadmap, as_of=dt.date(2027, 1, 1))
    assert render_text(report, load_layout()).splitlines() == [
        f"{roadmap}: 2027-Q1, as of 2027-01-01",
        "",
        "Needs attention (3):",
        "  Quarter budget over cap: cut or move initiatives, or raise the quarter budget on "
        "Overview",
        "    - Quarter: planned 39,500 over the quarter budget",
        "  Focus areas over their cap: cut their planned spend, or raise their cap on Focus areas",
        "    - Events: planned 14,500 over the cap",
        "  Focus areas near their cap: check before planning more spend",
        "    - Website appeal: 1,000 of the cap not yet planned",
        "",
        "  Budget by focus area              planned      spent        cap   annual  flags",
        "  Website appeal                     11,000      3,500     12,000      11%  Near cap",
        "  Conversion rate optimisation        4,500      3,500      8,000       4%  Within cap",
        "  Lead qualification and nurtur…     29,500     12,000     35,000      30%  "
        "Within cap; Backed by ROI",
        "  Events                             54,500      1,500     40,000      55%  "
        "Over cap; Review scope",
        "  Quarter total                      99,500     20,500     60,000           Over cap",
        "",
        "Wrote 110 cell(s).",  # 14 on the data sheets, 96 on the Dashboard and the Timeline
    ]


def test_a_row_with_problems_needs_a_person(roadmap: Path) -> None:
    book = load_workbook(roadmap)
    sheet = book["Initiatives"]
    keys = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(3, keys["initiatives.planned"]).value = "TBD"
    book.save(roadmap)

    report = sync_workbook(roadmap, as_of=dt.date(2027, 1, 1))

    assert _seen(report)[-1] == ("rows_to_fix", "IN-001", "", None)
    lines = render_text(report, load_layout()).splitlines()
    at = lines.index("  Rows to fix: do what each row's Check cell says")
    assert lines[at + 1] == "    - Initiatives: 1 row(s) — IN-001"
    data = report.as_json()["attention"][-1]
    assert data == {
        "kind": "rows_to_fix",
        "sheet": "initiatives",
        "row_id": None,
        "title": "IN-001",
        "owner": "",
        "due": None,
        "rows": 1,
        "amount": None,
        "overspent": None,
        "area": "",
        "old_name": "",
        "heading": "Rows to fix",
        "text": "Initiatives: 1 row(s) — IN-001",
        "next_step": "do what each row's Check cell says",
    }


def test_dry_run_lists_every_change(roadmap: Path) -> None:
    before = roadmap.read_bytes()
    result = CliRunner().invoke(main, ["sync", str(roadmap), "--as-of", "2027-03-17", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    changes = lines[lines.index("Would change:") :]
    assert changes[:14] == [
        "Would change:",
        "  Initiatives IN-001 Schedule: On track → Overdue",
        "  Initiatives IN-002 Schedule: Not started → Due soon",
        "  Initiatives IN-005 Schedule: On track → Overdue",
        "  Initiatives IN-008 Schedule: Not started → Due soon",
        "  SMART goals GO-001 Health: Off track → Value out of date",
        "  SMART goals GO-002 Health: On track → Value out of date",
        "  SMART goals GO-003 Health: At risk → Value out of date",
        "  SMART goals GO-004 Health: On track → Value out of date",
        "  Review RV-001 Review status: Mid-quarter review due → Final decision due",
        "  Review RV-002 Review status: Mid-quarter review due → Final decision due",
        "  Review RV-003 Review status: Mid-quarter review due → Final decision due",
        "  Review RV-004 Review status: Mid-quarter review due → Final decision due",
        "  Checklist CL-006 Status: Open → Overdue",
    ]
    panels = changes[14:-2]  # then the Dashboard's and the Timeline's, in sheet order
    assert len(panels) == 97
    assert [line.split(" #")[0] for line in panels] == sorted(
        (line.split(" #")[0] for line in panels), key=["  Dashboard", "  Timeline"].index
    )
    assert changes[-2:] == ["", "Would write 110 cell(s)."]
    assert roadmap.read_bytes() == before


def test_json_carries_the_attention_and_each_change(roadmap: Path) -> None:
    result = CliRunner().invoke(
        main, ["sync", str(roadmap), "--as-of", "2027-03-17", "--dry-run", "--json"]
    )
    report = json.loads(result.output)
    review = next(n for n in report["attention"] if n["kind"] == "review_final_due")
    assert review == {
        "kind": "review_final_due",
        "sheet": "review",
        "row_id": "RV-001",
        "title": "Website appeal",
        "owner": "",
        "due": "2027-03-17",
        "rows": 0,
        "amount": None,
        "overspent": None,
        "area": "",
        "old_name": "",
        "heading": "Final decisions due",
        "text": "Website appeal (RV-001)",
        "next_step": "fill Review by 2027-03-17, then run `sheets-sync next-quarter`",
    }
    assert report["cell_changes"][0] == {
        "sheet": "Initiatives",
        "row": 3,
        "row_id": "IN-001",
        "column": "schedule",
        "old": "On track",
        "new": "Overdue",
    }
    assert len(report["cell_changes"]) == report["cells_changed"]


@pytest.mark.parametrize(
    ("lang", "first"),
    [
        (
            "zh",
            [
                "需要处理（3 项）：",
                "  季度预算超出上限：请削减或推迟部分举措，或在“概览”中提高季度预算",
            ],
        ),
        (
            "ru",
            [
                "Требует внимания (3):",
                "  Бюджет квартала превышен: сократите или перенесите инициативы либо увеличьте "
                "бюджет квартала на листе «Сводка»",
            ],
        ),
    ],
)
def test_the_summary_speaks_the_workbooks_language(
    example_template: Callable[[str], Path], tmp_path: Path, lang: str, first: list[str]
) -> None:
    path = tmp_path / f"{lang}.xlsx"
    shutil.copy(example_template(lang), path)
    report = sync_workbook(path, as_of=dt.date(2027, 1, 1))
    lines = render_text(report, load_layout()).splitlines()
    assert lines[2:4] == first
    table = lines[lines.index("", 4) + 1 :]
    table = table[: table.index("")]
    # every row's flags start in the same column as the header's, Chinese names included
    assert {width(line.rsplit("  ", 1)[0]) for line in table} == {74}


def test_text_fits_its_column_by_display_width() -> None:
    assert width("活动营销") == 8 and width("Events") == 6 and width("é") == 1
    assert shorten("潜在客户资格认定与培育", 10) == "潜在客户…"
    assert shorten("Lead qualification", 10) == "Lead qual…"
    assert shorten("Events", 6) == "Events"
    assert left("活动", 6) == "活动  " and right("活动", 6) == "  活动"
    assert width(left("潜在客户资格认定与培育", 9)) == 9


@given(text=st.text(), columns=st.integers(min_value=1, max_value=40))
def test_shortened_text_never_overflows_its_column(text: str, columns: int) -> None:
    short = shorten(text, columns)
    assert width(short) <= columns
    assert short == text or (short.endswith("…") and text.startswith(short[:-1]))
    assert width(left(text, columns)) == columns == width(right(text, columns))


def test_a_long_list_shows_its_first_rows_and_counts_the_rest(tmp_path: Path) -> None:
    """A big roadmap's summary stays readable: ten rows a heading, the rest counted."""
    from sheets_sync.backends.xlsx.render import render_xlsx
    from sheets_sync.core.calendar import Quarter
    from sheets_sync.quarter.example import example_content, with_initiatives
    from sheets_sync.quarter.new_plan import Options, build_plan
    from sheets_sync.sync.summary import SHOWN_EACH

    path = tmp_path / "big.xlsx"
    options = Options(Quarter(2027, 1), "b2b", "en", 60000.0, 100000.0, example=True)
    content = with_initiatives(example_content(options, load_layout()), 200)
    render_xlsx(build_plan(options, dt.date(2027, 1, 4), content=content), path)
    report = sync_workbook(path, as_of=dt.date(2027, 3, 20), dry_run=True)
    overdue = [n for n in report.attention if n.kind == "initiative_overdue"]
    assert len(overdue) > SHOWN_EACH + 1

    lines = render_text(report, load_layout()).splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("  Overdue initiatives:"))
    under = lines[start + 1 : start + SHOWN_EACH + 3]
    assert [line.startswith("    - ") for line in under] == [True] * SHOWN_EACH + [False] * 2
    assert (
        under[SHOWN_EACH]
        == f"      … and {len(overdue) - SHOWN_EACH} more; run with --json for the full list"
    )
    data = report.as_json()
    assert len([a for a in data["attention"] if a["kind"] == "initiative_overdue"]) == len(overdue)
