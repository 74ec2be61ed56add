"""A hypothesis says what change it expects (from → to), how it is tested and which goal it
serves; the goal link is checked like any reference and carried while its goal is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheets_sync.api import next_quarter, sync_workbook
from sheets_sync.core.budget import BudgetChoice

from .test_next_quarter import EVERY_AREA, Book, decide


def test_a_goal_link_must_name_a_goal(roadmap: Path) -> None:
    book = Book(roadmap)
    assert book.row("hypotheses", "id", "HY-001")["goal"] == "GO-001"
    book.set("hypotheses", ("id", "HY-001"), goal="GO-999")
    book.save()
    sync_workbook(roadmap, as_of=dt.date(2027, 2, 15))
    assert "GO-999" in Book(roadmap).row("hypotheses", "id", "HY-001")["check"]


def test_carried_hypotheses_keep_their_plan_and_drop_links_to_goals_left_behind(
    roadmap: Path,
) -> None:
    book = Book(roadmap)
    decide(book, EVERY_AREA)
    book.set("hypotheses", ("id", "HY-002"), goal="GO-004")  # an Events goal
    book.save()
    out = roadmap.with_name("q2.xlsx")
    next_quarter(roadmap, out, budget=BudgetChoice(60000), as_of=dt.date(2027, 3, 20))
    q2 = Book(out)
    kept = q2.row("hypotheses", "id", "HY-001")
    assert (kept["goal"], kept["expected"]) == ("GO-001", "0.75% → 1%")
    assert kept["test_method"].startswith("A/B test of the home page")
    assert q2.row("hypotheses", "id", "HY-002")["goal"] is None
    assert sync_workbook(out, as_of=dt.date(2027, 3, 20)).cells_written == 0
