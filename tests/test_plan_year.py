"""A year split into quarters: four workbooks whose budgets add up to the annual plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.api import plan_year, sync_workbook
from sheets_sync.cli import main
from sheets_sync.core.budget import BudgetChoice, parse_weights, resolve_budget, split_annual
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.checklist import load_checklist
from sheets_sync.errors import SheetsSyncError

from .test_next_quarter import Book, day


def test_plan_year_cli_writes_four_quarters_with_the_budget_split(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "plan-year",
            "2027",
            "--annual-budget",
            "100,000.01",
            "--weights",
            "30,25,25,20",
            "--business",
            "b2b",
            "--out-dir",
            str(tmp_path),
            "--as-of",
            "2026-12-15",
        ],
    )
    assert result.exit_code == 0, result.output
    paths = [tmp_path / f"roadmap-2027-Q{n}.xlsx" for n in range(1, 5)]
    assert [line.split(":")[0] for line in result.output.splitlines()[:4]] == [
        f"Created {p}" for p in paths
    ]
    overviews = [Book(p).overview() for p in paths]
    assert [o["quarter_budget"] for o in overviews] == [30000, 25000, 25000, 20000.01]
    assert round(sum(o["quarter_budget"] for o in overviews), 2) == 100000.01
    assert all(o["annual_budget"] == 100000.01 for o in overviews)
    checklist = load_checklist()
    for number, (path, overview) in enumerate(zip(paths, overviews, strict=True), start=1):
        quarter = Quarter(2027, number)
        assert (overview["quarter"], day(overview["start"])) == (quarter.name, quarter.start)
        assert overview["theme"] == checklist.theme(quarter).theme.en
        items = Book(path).column("checklist", "item")
        assert items == [i.title.en for i in checklist.items_for(quarter, "b2b")]
        assert sync_workbook(path, as_of=dt.date(2026, 12, 15)).cells_written == 0


def test_plan_year_with_a_fiscal_year_starting_in_april(tmp_path: Path) -> None:
    written = plan_year(
        2027,
        tmp_path,
        annual_budget=240000,
        business="b2c",
        fiscal_year_start=4,
        lang="ru",
        as_of=dt.date(2027, 3, 1),
    )
    starts = [options.quarter.start for _, options in written]
    assert starts == [
        dt.date(2027, 4, 1),
        dt.date(2027, 7, 1),
        dt.date(2027, 10, 1),
        dt.date(2028, 1, 1),
    ]
    last = Book(written[3][0]).overview()
    assert (last["quarter"], last["fiscal_year_start"], last["quarter_budget"]) == (
        "2027-Q4",
        4,
        60000,
    )
    assert day(last["end"]) == dt.date(2028, 3, 31)


def test_plan_year_writes_nothing_when_a_file_exists(tmp_path: Path) -> None:
    (tmp_path / "roadmap-2027-Q3.xlsx").write_bytes(b"mine")
    with pytest.raises(SheetsSyncError, match=r"roadmap-2027-Q3\.xlsx already exists"):
        plan_year(2027, tmp_path, annual_budget=1000, business="b2b", as_of=dt.date(2027, 1, 1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roadmap-2027-Q3.xlsx"]
    assert (tmp_path / "roadmap-2027-Q3.xlsx").read_bytes() == b"mine"


@given(
    annual=st.floats(min_value=0, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2)),
    weights=st.lists(st.integers(0, 100), min_size=4, max_size=4).filter(lambda w: sum(w) > 0),
)
def test_quarter_budgets_add_up_to_the_annual_budget(annual: float, weights: list[int]) -> None:
    budgets = split_annual(annual, tuple(float(w) for w in weights))
    assert len(budgets) == 4
    assert round(sum(budgets), 2) == annual
    assert all(b == round(b, 2) for b in budgets)


def test_weights_are_read_and_checked() -> None:
    assert parse_weights("30,25,25,20") == (30, 25, 25, 20)
    assert parse_weights("0.4; 0.2; 0.2; 0.2") == (0.4, 0.2, 0.2, 0.2)
    for bad in ("30,25,25", "a,b,c,d", "-1,1,1,1", "0,0,0,0", "30,25,25,20,1"):
        with pytest.raises(SheetsSyncError, match="is not four quarter weights"):
            parse_weights(bad)
    result = CliRunner().invoke(
        main, ["plan-year", "2027", "--annual-budget", "1", "--business", "b2b", "--weights", "1,2"]
    )
    assert result.exit_code == 2 and "is not four quarter weights" in result.output


def test_where_the_next_quarter_budget_comes_from() -> None:
    q2, next_q1 = Quarter(2027, 2), Quarter(2028, 1)
    given_budget = resolve_budget(BudgetChoice(50000), q2, source_annual=240000, same_year=True)
    assert (given_budget.amount, given_budget.annual) == (50000, 240000)
    from_source = resolve_budget(BudgetChoice(), q2, source_annual=240000, same_year=True)
    assert from_source.amount == 60000
    assert from_source.basis == "25% of the annual budget of 240,000.00, from the source workbook"
    weighted = resolve_budget(
        BudgetChoice(annual_budget=100000, weights=(30, 25, 25, 20)),
        q2,
        source_annual=None,
        same_year=True,
    )
    assert weighted.amount == 25000
    with pytest.raises(SheetsSyncError, match="starts fiscal year 2028"):
        resolve_budget(BudgetChoice(), next_q1, source_annual=240000, same_year=False)
    new_year = resolve_budget(BudgetChoice(70000), next_q1, source_annual=240000, same_year=False)
    assert (new_year.amount, new_year.annual) == (70000, None)
