"""The review report's content: the examples at their review dates, against the sync's numbers."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheets_sync.api import (
    GoogleDestination,
    generate,
    open_backend,
    review_workbook,
    sync_workbook,
)
from sheets_sync.core.budget import BudgetChoice
from sheets_sync.core.checklist import load_checklist
from sheets_sync.core.layout import load_layout
from sheets_sync.quarter.carry import carry_over
from sheets_sync.quarter.read_back import read_roadmap
from sheets_sync.review.model import SHOWN, ReviewReport, build_review, default_kind
from sheets_sync.review.read import read_review
from tests.conftest import AS_OF, QUARTER, options
from tests.fakes.google_env import google_env
from tests.test_next_quarter import decide_every_area

DATES = {"mid": QUARTER.mid_review, "final": QUARTER.final_review}


def synced_rows(path: Path, key: str) -> list[dict[str, Any]]:
    """The rows of the sheet whose hidden key row names ``key``'s columns, by column key."""
    book = load_workbook(path)
    for ws in book.worksheets:
        keys = {
            cell.value.split(".", 1)[1]: cell.column - 1
            for cell in ws[1]
            if isinstance(cell.value, str) and cell.value.startswith(f"{key}.")
        }
        if keys:
            rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
            return [
                {k: row[i] for k, i in keys.items()}
                for row in rows
                if isinstance(row[keys["id"]], str) and "-" in row[keys["id"]]
            ]
    raise AssertionError(f"no sheet {key}")


def review_and_synced(path: Path, tmp_path: Path, as_of: dt.date) -> tuple[ReviewReport, Path]:
    """The review on ``as_of``, and a copy of the workbook synced on that day."""
    review = read_review(open_backend(path).read(), as_of=as_of)
    synced = tmp_path / "synced.xlsx"
    shutil.copy(path, synced)
    sync_workbook(synced, as_of=as_of)
    return review, synced


def test_a_review_computes_the_workbook_once(
    examples: dict[tuple[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sheets_sync.quarter import read_back
    from sheets_sync.review import read
    from sheets_sync.sync.compute import compute

    calls: list[dt.date] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[3])
        return compute(*args, **kwargs)

    for module in (read, read_back):  # every name a review could reach compute by
        monkeypatch.setattr(module, "compute", counted)
    review = read_review(open_backend(examples["b2b", "en"]).read(), as_of=QUARTER.mid_review)
    assert calls == [QUARTER.mid_review]
    assert review.kind == "mid" and review.goals and review.checklist_by_status["done"] >= 0


@pytest.mark.parametrize("kind", ["mid", "final"])
@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
@pytest.mark.parametrize("business", ["b2b", "b2c"])
def test_review_numbers_equal_the_syncs(
    examples: dict[tuple[str, str], Path], tmp_path: Path, business: str, lang: str, kind: str
) -> None:
    path, as_of = examples[business, lang], DATES[kind]
    review = read_review(open_backend(path).read(), as_of=as_of)
    report = sync_workbook(path, as_of=as_of, dry_run=True)
    assert review.kind == kind
    assert (review.quarter, review.lang, review.business) == ("2027-Q1", lang, business)
    assert [(a.name, a.planned, a.spent, a.cap, a.budget_flag) for a in review.areas] == [
        (r.focus_area, r.planned, r.actual, r.cap, r.budget_flag) for r in report.rollup
    ]
    assert report.total is not None
    total = review.total
    assert (total.planned, total.spent, total.budget, total.budget_flag) == (
        report.total.planned,
        report.total.actual,
        report.total.budget,
        report.total.budget_flag,
    )
    assert total.unspent == report.total.budget - report.total.actual  # type: ignore[operator]
    assert [a.variance for a in review.areas] == [r.planned - r.actual for r in report.rollup]
    assert (kind == "mid") == bool(review.mid_notes) != bool(review.decisions)


@pytest.mark.parametrize("business", ["b2b", "b2c"])
def test_goals_initiatives_and_checklist_equal_the_synced_workbook(
    examples: dict[tuple[str, str], Path], tmp_path: Path, business: str
) -> None:
    layout = load_layout()
    review, synced = review_and_synced(examples[business, "ru"], tmp_path, DATES["final"])
    goals = synced_rows(synced, "goals")
    assert [g.id for g in review.goals] == [g["id"] for g in goals]
    assert [None if g.progress is None else round(g.progress, 6) for g in review.goals] == [
        g["progress"] for g in goals
    ]
    assert [layout.choice_label("health", g.health, "ru") for g in review.goals] == [
        g["health"] for g in goals
    ]
    initiatives = synced_rows(synced, "initiatives")
    overdue = layout.choice_label("schedule", "overdue", "ru")
    late = sorted(
        (i["due"].date(), i["id"], i["owner"]) for i in initiatives if i["schedule"] == overdue
    )
    assert [(o.due, o.id, o.owner) for o in review.overdue.shown] == late
    assert review.overdue.total == len(late) > 0
    assert sum(review.initiatives_by_status.values()) == len(initiatives)
    tasks = synced_rows(synced, "checklist")
    for status, count in review.checklist_by_status.items():
        label = layout.choice_label("due_status", status, "ru")
        assert count == sum(t["due_status"] == label for t in tasks), status


def test_kind_defaults_from_the_date(examples: dict[tuple[str, str], Path]) -> None:
    roadmap = read_roadmap(open_backend(examples["b2b", "en"]).read(), as_of=AS_OF)
    day = dt.timedelta(days=1)
    assert default_kind(roadmap, QUARTER.final_review - day) == "mid"
    assert default_kind(roadmap, QUARTER.final_review) == "final"
    assert default_kind(roadmap, QUARTER.start) == "mid"


def test_final_review_lists_decisions_and_previews_the_carry_over(
    roadmap: Path,
) -> None:
    decide_every_area(roadmap)
    snapshot = open_backend(roadmap).read()
    review = read_review(snapshot, as_of=QUARTER.final_review, kind="final")
    assert review.undecided == ()
    assert [(d.focus_area, d.decision, d.reason) for d in review.decisions] == [
        ("Website appeal", "continue", None),
        ("Conversion rate optimisation", "adjust", None),
        ("Lead qualification and nurturing", "complete", None),
        ("Events", "scrap", "No ROI data"),
    ]
    assert [d.unspent for d in review.decisions] == [
        round(a.planned - a.spent, 2) for a in review.areas
    ]
    roadmap_read = read_roadmap(snapshot, as_of=QUARTER.final_review)
    expected = carry_over(roadmap_read, BudgetChoice(quarter_budget=60000.0)).report
    assert review.carry == expected
    assert review.mid_notes == ()


def test_undecided_final_review_has_no_preview(examples: dict[tuple[str, str], Path]) -> None:
    review = read_review(open_backend(examples["b2c", "zh"]).read(), as_of=QUARTER.final_review)
    assert review.carry is None
    assert review.undecided == tuple(a.name for a in review.areas)


def test_long_lists_are_summarised(examples: dict[tuple[str, str], Path]) -> None:
    roadmap = read_roadmap(open_backend(examples["b2b", "en"]).read(), as_of=AS_OF)
    many = roadmap.initiatives * 30
    review = build_review(
        replace(roadmap, initiatives=many),
        as_of=QUARTER.end,
        checklist_rows=[],
        checklist=load_checklist(),
    )
    late = [i for i in many if i.status != "done"]
    assert review.overdue.total == len(late)
    assert len(review.overdue.shown) == SHOWN
    assert review.overdue.more == len(late) - SHOWN
    assert sum(review.initiatives_by_status.values()) == len(many)


def test_review_of_a_google_roadmap_only_reads_it(tmp_path: Path) -> None:
    with google_env(tmp_path) as env:
        client = env.client()
        generate(options(), GoogleDestination(), as_of=AS_OF, client=client)
        (sheet_id,) = env.fake.books
        env.fake.log.clear()
        review = review_workbook(f"gsheet:{sheet_id}", as_of=dt.date(2027, 2, 14), client=client)
        assert review.kind == "mid"
        assert [a.name for a in review.areas] == [
            "Website appeal",
            "Conversion rate optimisation",
            "Lead qualification and nurturing",
            "Events",
        ]
        assert review.total.planned == 99500.0
        assert [c.name for c in env.fake.api_calls()] == ["spreadsheets.get"]
