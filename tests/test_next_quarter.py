"""Next quarter from the final review, through real .xlsx files on disk.

A marketer edits the workbook with a spreadsheet app (openpyxl here), syncs it,
and the lead turns the final review into the next quarter's workbook.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheets_sync.api import generate_xlsx, next_quarter, sync_workbook
from sheets_sync.backends.xlsx.reader import read_xlsx
from sheets_sync.cli import main
from sheets_sync.core.budget import BudgetChoice, split_annual
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import CellWrite, WorkbookSnapshot
from sheets_sync.errors import IncompleteReview, InvalidRows, SheetsSyncError
from sheets_sync.quarter.carry import shift_date
from sheets_sync.quarter.carry_report import CarryReport
from sheets_sync.quarter.new_plan import Options, WorkbookPlan

from .conftest import header_keys

ANNUAL = 240000.0
WEIGHTS = (30.0, 25.0, 25.0, 20.0)
BUDGETS = split_annual(ANNUAL, WEIGHTS)


class Book:
    """A workbook opened as a person would edit it, addressed by sheet and column keys."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = load_workbook(path)
        self.sheets: dict[str, Any] = {}
        self.cols: dict[str, dict[str, int]] = {}
        for ws in self.wb.worksheets:
            keys = {
                c.value.split(".", 1)[1]: c.column
                for c in ws[1]
                if isinstance(c.value, str) and "." in c.value
            }
            if keys:
                sheet = next(c.value for c in ws[1] if isinstance(c.value, str)).split(".")[0]
                self.sheets[sheet], self.cols[sheet] = ws, keys

    def rows(self, sheet: str) -> list[dict[str, Any]]:
        ws, cols = self.sheets[sheet], self.cols[sheet]
        found = []
        for row in range(3, ws.max_row + 1):
            values = {key: ws.cell(row, col).value for key, col in cols.items()}
            if any(v not in (None, "") for k, v in values.items() if k != "check"):
                found.append({"_row": row, **values})
        return found

    def column(self, sheet: str, key: str) -> list[Any]:
        return [r[key] for r in self.rows(sheet)]

    def row(self, sheet: str, key: str, value: Any) -> dict[str, Any]:
        return next(r for r in self.rows(sheet) if r[key] == value)

    def set(self, sheet: str, match: tuple[str, Any], **values: Any) -> None:
        row = self.row(sheet, *match)["_row"]
        for key, value in values.items():
            self.sheets[sheet].cell(row, self.cols[sheet][key]).value = value

    def append(self, sheet: str, **values: Any) -> None:
        ws = self.sheets[sheet]
        row = max([r["_row"] for r in self.rows(sheet)], default=2) + 1
        for key, value in values.items():
            ws.cell(row, self.cols[sheet][key]).value = value

    def overview(self) -> dict[str, Any]:
        return {r["key"]: r["value"] for r in self.rows("overview")}

    def save(self) -> None:
        self.wb.save(self.path)


def day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def carry(source: Path, out: Path, as_of: dt.date, **kwargs: Any) -> tuple[CarryReport, Book]:
    """next-quarter, then the checks every new workbook passes."""
    before = source.read_bytes()
    kwargs.setdefault("budget", BudgetChoice(weights=WEIGHTS))
    report = next_quarter(source, out, as_of=as_of, **kwargs)
    assert source.read_bytes() == before, "the source is only read"
    assert sync_workbook(out, as_of=as_of).cells_written == 0, "a first sync has nothing to say"
    book = Book(out)
    assert book.overview()["source"] == f"{report.source_quarter} · {source}"
    return report, book


def decide(book: Book, decisions: dict[str, tuple[str, str | None]]) -> None:
    for area, (decision, reason) in decisions.items():
        book.set("review", ("focus_area", area), final_decision=decision, reason=reason)


def test_a_whole_year_round_trip(tmp_path: Path) -> None:
    """Q1 → Q2 → Q3 → Q4 → next Q1 with every decision; nothing lost, nothing revived."""
    q1 = tmp_path / "q1.xlsx"
    generate_xlsx(
        q1,
        Options(
            quarter=Quarter(2027, 1),
            business="b2b",
            quarter_budget=BUDGETS[0],
            annual_budget=ANNUAL,
            example=True,
        ),
        as_of=dt.date(2027, 1, 4),
    )
    scrapped: set[str] = set()
    decided: list[tuple[str, str, str]] = []  # quarter, area, decision

    # ---- Q1: every kind of decision
    book = Book(q1)
    decide(
        book,
        {
            "Website appeal": ("Continue", "Pillar pages need another quarter"),
            "Conversion rate optimisation": ("Complete", "Conversion target reached"),
            "Lead qualification and nurturing": ("Adjust", "Rework the qualifying questions"),
            "Events": ("Scrap", "Trade show too expensive without ROI data"),
        },
    )
    book.set("review", ("focus_area", "Lead qualification and nurturing"), final_notes="Few SQLs")
    book.set("initiatives", ("id", "IN-002"), status="Blocked")
    book.set("initiatives", ("id", "IN-006"), status="Done", actual=3000)
    book.set("goals", ("id", "GO-003"), current=2150)
    book.save()
    sync_workbook(q1, as_of=dt.date(2027, 3, 17))
    report, q2 = carry(q1, tmp_path / "q2.xlsx", dt.date(2027, 3, 20))
    scrapped.add("Events")
    decided += [
        ("2027-Q1", "Website appeal", "Continue"),
        ("2027-Q1", "Conversion rate optimisation", "Complete"),
        ("2027-Q1", "Lead qualification and nurturing", "Adjust"),
        ("2027-Q1", "Events", "Scrap"),
    ]

    assert [a.focus_area for a in report.retired] == ["Events"]
    assert report.retired[0].reason == "Trade show too expensive without ROI data"
    assert [a.focus_area for a in report.achieved] == ["Conversion rate optimisation"]
    assert [a.focus_area for a in report.carried] == ["Website appeal"]
    assert [a.focus_area for a in report.adjusted] == ["Lead qualification and nurturing"]
    assert q2.column("focus_areas", "name") == [
        "Website appeal",
        "Lead qualification and nurturing",
    ]
    assert q2.column("focus_areas", "carried_over") == ["Continued", "Adjusted: revisit"]
    assert q2.row("focus_areas", "name", "Lead qualification and nurturing")["review_notes"] == (
        "Few SQLs\nRework the qualifying questions"
    )
    # Unfinished initiatives of carried areas move; done ones and dropped areas' stay.
    assert q2.column("initiatives", "id") == ["IN-001", "IN-002", "IN-005"]
    in01 = q2.row("initiatives", "id", "IN-001")
    # The example's amounts are scaled to the quarter's budget: 72,000 / 60,000.
    assert (in01["planned"], in01["actual"], in01["status"]) == (4200, None, "In progress")
    assert "Carried over from 2027-Q1: planned 8,400, spent 4,200" in in01["notes"]
    q1_quarter, q2_quarter = Quarter(2027, 1), Quarter(2027, 2)
    assert day(in01["start"]) == q2_quarter.start
    assert day(in01["due"]) == shift_date(q1_quarter.week_end(8), q1_quarter, q2_quarter)
    in02 = q2.row("initiatives", "id", "IN-002")
    assert in02["status"] == "Not started" and "Blocked in 2027-Q1" in in02["notes"]
    assert {i.id: i.why for i in report.initiatives_left} == {
        "IN-003": "done",
        "IN-004": "complete",
        "IN-006": "done",
        "IN-007": "scrap",
        "IN-008": "scrap",
    }
    # Goals: the final value is the new baseline; the target asks to be re-set.
    go03 = q2.row("goals", "id", "GO-003")
    assert (go03["baseline"], go03["target"], go03["previous_target"]) == (2150, 2300, 2300)
    assert go03["current"] is None and day(go03["deadline"]) == q2_quarter.end
    assert "last quarter's target" in go03["check"]
    assert {g.id for g in report.goals_to_reset} == {"GO-002", "GO-003"}
    assert q2.column("hypotheses", "id") == ["HY-002", "HY-003"]
    assert q2.row("hypotheses", "id", "HY-003")["result"] == "Inconclusive"
    assert len(q2.rows("owners")) == 4
    assert [(r["focus_area"], r["final_decision"]) for r in q2.rows("review")] == [
        ("Website appeal", None),
        ("Lead qualification and nurturing", None),
    ]
    # Money: reported per focus area, not moved.
    assert report.budget.amount == BUDGETS[1] == q2.overview()["quarter_budget"]
    assert report.unspent_total == round(BUDGETS[0] - report.spent_total, 2)
    assert report.spent_total == sum(a.spent for a in report.areas) == 4200 + 4200 + 17400 + 1800
    assert {a.focus_area: a.unspent for a in report.areas}["Events"] == 63600

    # ---- Q2: a new focus area; re-set a target; continue, complete, adjust
    q2.append("focus_areas", name="Social media engagement", kpi="Engaged followers")
    q2.append(
        "initiatives",
        focus_area="Social media engagement",
        title="Weekly LinkedIn carousel from the blog's best posts.",
        owner="Anna Lee",
        due=dt.datetime(2027, 6, 15),
        status="In progress",
        planned=5000,
        actual=1000,
    )
    q2.append(
        "goals",
        focus_area="Social media engagement",
        kpi="Engaged followers",
        metric="Engagement rate",
        unit="%",
        baseline=0.02,
        target=0.03,
        current=0.025,
        deadline=dt.datetime(2027, 6, 30),
    )
    q2.append("review", focus_area="Social media engagement")
    q2.set("goals", ("id", "GO-003"), target=2600, current=2400)
    q2.set("initiatives", ("id", "IN-005"), actual=6000)
    q2.save()
    synced = sync_workbook(q2.path, as_of=dt.date(2027, 6, 1))
    assert synced.rows_invalid == 0
    assert "last quarter's target" not in Book(q2.path).row("goals", "id", "GO-003")["check"]
    q2 = Book(q2.path)
    decide(
        q2,
        {
            "Website appeal": ("Continue", None),
            "Lead qualification and nurturing": ("Complete", "MQL target met"),
            "Social media engagement": ("Adjust", "Move budget to video"),
        },
    )
    q2.save()
    report, q3 = carry(q2.path, tmp_path / "q3.xlsx", dt.date(2027, 6, 20))
    decided += [
        ("2027-Q2", "Website appeal", "Continue"),
        ("2027-Q2", "Lead qualification and nurturing", "Complete"),
        ("2027-Q2", "Social media engagement", "Adjust"),
    ]
    assert q3.column("focus_areas", "name") == ["Website appeal", "Social media engagement"]
    assert q3.row("goals", "id", "GO-003")["baseline"] == 2400
    assert q3.row("goals", "metric", "Engagement rate")["baseline"] == 0.025
    assert report.budget.amount == BUDGETS[2]
    social = q3.row("initiatives", "focus_area", "Social media engagement")
    assert social["planned"] == 4000 and social["id"] == "IN-006"

    # ---- Q3: an incomplete review writes nothing; a default decision fills it in
    q3.append("focus_areas", name="Partner marketing", kpi="Partner-sourced leads")
    q3.append(
        "initiatives",
        focus_area="Partner marketing",
        title="Co-host two webinars with integration partners.",
        owner="Maria Garcia",
        due=dt.datetime(2027, 9, 20),
        status="Not started",
        planned=3000,
    )
    q3.save()
    sync_workbook(q3.path, as_of=dt.date(2027, 9, 1))
    q3 = Book(q3.path)
    decide(
        q3,
        {
            "Website appeal": ("Scrap", "Organic growth stalled"),
            "Social media engagement": ("Continue", None),
        },
    )
    q3.save()
    q4_path = tmp_path / "q4.xlsx"
    with pytest.raises(IncompleteReview, match="Partner marketing") as error:
        next_quarter(
            q3.path, q4_path, budget=BudgetChoice(weights=WEIGHTS), as_of=dt.date(2027, 9, 20)
        )
    assert "Website appeal" not in str(error.value)
    assert not q4_path.exists()
    report, q4 = carry(q3.path, q4_path, dt.date(2027, 9, 20), default_decision="continue")
    scrapped.add("Website appeal")
    decided += [
        ("2027-Q3", "Website appeal", "Scrap"),
        ("2027-Q3", "Social media engagement", "Continue"),
        ("2027-Q3", "Partner marketing", "Continue"),
    ]
    assert [(a.focus_area, a.defaulted) for a in report.carried] == [
        ("Social media engagement", False),
        ("Partner marketing", True),
    ]
    assert report.budget.amount == BUDGETS[3]

    # ---- Q4 → Q1 of the next year: a new annual budget is needed
    decide(
        q4,
        {
            "Social media engagement": ("Complete", "Video works"),
            "Partner marketing": ("Continue", "First partner webinar in January"),
        },
    )
    q4.save()
    with pytest.raises(SheetsSyncError, match="no budget for 2028-Q1"):
        next_quarter(
            q4.path,
            tmp_path / "next-q1.xlsx",
            budget=BudgetChoice(weights=WEIGHTS),
            as_of=dt.date(2027, 12, 17),
        )
    report, next_q1 = carry(
        q4.path,
        tmp_path / "next-q1.xlsx",
        dt.date(2027, 12, 17),
        budget=BudgetChoice(annual_budget=300000),
    )
    decided += [
        ("2027-Q4", "Social media engagement", "Complete"),
        ("2027-Q4", "Partner marketing", "Continue"),
    ]
    overview = next_q1.overview()
    assert overview["quarter"] == "2028-Q1" and overview["quarter_budget"] == 75000
    assert day(next_q1.row("initiatives", "focus_area", "Partner marketing")["due"]).year == 2028

    # ---- the year as a whole
    books = [Book(q1), Book(q2.path), q3, q4, next_q1]
    quarters = ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1"]
    for quarter, book in zip(quarters, books, strict=True):
        assert book.overview()["quarter"] == quarter
    assert sum(b.overview()["quarter_budget"] for b in books[:4]) == ANNUAL
    scrapped_so_far: set[str] = set()
    for earlier, later in itertools.pairwise(books):
        final = {r["focus_area"]: r["final_decision"] for r in earlier.rows("review")}
        scrapped_so_far |= {area for area, decision in final.items() if decision == "Scrap"}
        names = set(later.column("focus_areas", "name"))
        assert not names & scrapped_so_far, "nothing scrapped reappears"
        carried_areas = {a for a, d in final.items() if d in ("Continue", "Adjust")}
        carried_areas |= {  # the default decision filled in Q3's gap
            a for a, d in final.items() if d is None and earlier is q3
        }
        assert carried_areas <= names, "nothing continued disappears"
        for item in earlier.rows("initiatives"):
            if item["focus_area"] in carried_areas and item["status"] != "Done":
                assert item["id"] in later.column("initiatives", "id")
    assert scrapped_so_far == scrapped
    history = [(r["quarter"], r["focus_area"], r["decision"]) for r in next_q1.rows("history")]
    assert history == decided
    assert next_q1.row("history", "focus_area", "Events")["reason"] == (
        "Trade show too expensive without ROI data"
    )
    achieved = next_q1.row("history", "focus_area", "Conversion rate optimisation")
    assert achieved["goals"] == "Session-to-contact conversion rate: 0.75% → 0.9% (target 1.5%)"
    assert (achieved["planned"], achieved["spent"]) == (5400, 4200)


# A final decision on every focus area of the example: one of each kind.
EVERY_AREA: dict[str, tuple[str, str | None]] = {
    "Website appeal": ("Continue", None),
    "Conversion rate optimisation": ("Adjust", None),
    "Lead qualification and nurturing": ("Complete", None),
    "Events": ("Scrap", "No ROI data"),
}


def decide_every_area(roadmap: Path) -> Path:
    """The example roadmap with a final decision on every focus area, saved."""
    book = Book(roadmap)
    decide(book, EVERY_AREA)
    book.save()
    return roadmap


@pytest.fixture
def decided_q1(roadmap: Path) -> Path:
    """The example roadmap with a final decision on every focus area."""
    return decide_every_area(roadmap)


def test_incomplete_review_is_reported_and_nothing_is_written(roadmap: Path) -> None:
    book = Book(roadmap)
    decide(book, {"Website appeal": ("Continue", None), "Events": ("Scrap", None)})
    book.save()
    out = roadmap.with_name("q2.xlsx")
    result = CliRunner().invoke(
        main, ["next-quarter", str(roadmap), "--out", str(out), "--budget", "50000"]
    )
    assert result.exit_code == 1
    assert result.output == (
        "sheets-sync: the final review of 2027-Q1 has no decision for 2 focus area(s): "
        "Conversion rate optimisation, Lead qualification and nurturing; no workbook was "
        "written. Pick Continue, Adjust, Scrap, Complete in “Decision for next quarter” on the "
        "sheet “Review”, or run with --default-decision continue|adjust|scrap|complete.\n"
    )
    assert not out.exists()


def test_cli_summary_json_and_dry_run(decided_q1: Path) -> None:
    out = decided_q1.with_name("q2.xlsx")
    args = ["next-quarter", str(decided_q1), "--annual-budget", "240,000", "--as-of", "2027-03-20"]
    dry = CliRunner().invoke(main, [*args, "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.output)
    assert data["out"] is None and not out.exists()
    assert data["budget"]["amount"] == 60000
    assert [a["focus_area"] for a in data["focus_areas"] if a["decision"] == "scrap"] == ["Events"]
    assert data["unspent_total"] == 60000 - data["spent_total"]

    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Created {out}: 2027-Q2 from 2027-Q1" in result.output
    assert "Retired (scrapped):\n    - Events: No ROI data" in result.output
    assert "Achieved (completed):\n    - Lead qualification and nurturing" in result.output
    assert "not moved into 2027-Q2" in result.output
    again = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_fiscal_year_starting_in_april(tmp_path: Path) -> None:
    """FY2027-Q4 is January–March 2028; it rolls into FY2028-Q1, April–June 2028."""
    q4 = Quarter(2027, 4, fiscal_year_start=4)
    source = tmp_path / "fy27-q4.xlsx"
    generate_xlsx(
        source,
        Options(
            quarter=q4, business="b2c", quarter_budget=20000, annual_budget=100000, example=True
        ),
        as_of=dt.date(2028, 1, 3),
    )
    report, book = carry(
        source,
        tmp_path / "fy28-q1.xlsx",
        dt.date(2028, 3, 17),
        default_decision="continue",
        budget=BudgetChoice(annual_budget=120000, weights=WEIGHTS),
    )
    overview = book.overview()
    assert (overview["quarter"], overview["fiscal_year_start"]) == ("2028-Q1", 4)
    assert (day(overview["start"]), day(overview["end"])) == (
        dt.date(2028, 4, 1),
        dt.date(2028, 6, 30),
    )
    assert overview["quarter_budget"] == 36000 == report.budget.amount
    for item in book.rows("initiatives"):
        assert dt.date(2028, 4, 1) <= day(item["due"]) <= dt.date(2028, 6, 30)
    assert len(report.carried) == 4 and all(a.defaulted for a in report.carried)


def test_invalid_rows_that_would_carry_stop_it(decided_q1: Path) -> None:
    book = Book(decided_q1)
    book.set("initiatives", ("id", "IN-001"), due="someday")
    book.save()
    out = decided_q1.with_name("q2.xlsx")
    with pytest.raises(
        InvalidRows, match=r"Initiatives row 3 \(IN-001\): Due: “someday” is not a date"
    ):
        next_quarter(decided_q1, out, budget=BudgetChoice(60000), as_of=dt.date(2027, 3, 20))
    assert not out.exists()


def test_source_is_never_the_output(decided_q1: Path) -> None:
    with pytest.raises(SheetsSyncError, match="is the source workbook itself"):
        next_quarter(
            decided_q1,
            decided_q1,
            budget=BudgetChoice(60000),
            as_of=dt.date(2027, 3, 20),
            force=True,
        )


def test_a_workbook_without_the_history_sheet_still_syncs_and_carries(decided_q1: Path) -> None:
    book = load_workbook(decided_q1)
    del book["History"]
    book.save(decided_q1)
    assert sync_workbook(decided_q1, as_of=dt.date(2027, 3, 20)).rows_invalid == 0
    _, q2 = carry(decided_q1, decided_q1.with_name("q2.xlsx"), dt.date(2027, 3, 20))
    assert len(q2.rows("history")) == 4


def test_chinese_workbook_carries_in_chinese(
    example_template: Callable[[str], Path], tmp_path: Path
) -> None:
    source = tmp_path / "zh.xlsx"
    shutil.copy(example_template("zh"), source)
    report, book = carry(
        source, tmp_path / "zh-q2.xlsx", dt.date(2027, 3, 20), default_decision="adjust"
    )
    assert len(report.adjusted) == 4
    assert set(book.column("focus_areas", "carried_over")) == {"已调整：需重新审视"}
    assert set(book.column("history", "decision")) == {"调整"}
    assert all("自 2027-Q1 延续" in n for n in book.column("initiatives", "notes"))


def test_dates_keep_their_place_in_the_quarter() -> None:
    q1, q2 = Quarter(2027, 1), Quarter(2027, 2)
    assert shift_date(dt.date(2027, 1, 1), q1, q2) == dt.date(2027, 4, 1)
    assert shift_date(dt.date(2027, 2, 15), q1, q2) == dt.date(2027, 5, 16)
    assert shift_date(q1.end, q1, q2) == q2.end  # the end stays the end
    q4 = Quarter(2027, 4)
    assert shift_date(dt.date(2027, 12, 30), q4, q4.next()) == dt.date(2028, 3, 31)  # clamped


class MemoryBackend:
    """A source that is not a file: what a Google spreadsheet backend looks like to us."""

    def __init__(self, snapshot: WorkbookSnapshot) -> None:
        self.snapshot = snapshot

    def read(self) -> WorkbookSnapshot:
        return self.snapshot

    def write(self, snapshot: WorkbookSnapshot, writes: Sequence[CellWrite]) -> int:
        raise AssertionError("next-quarter never writes to its source")


class MemoryRenderer:
    def __init__(self) -> None:
        self.plans: list[WorkbookPlan] = []

    def prepare(self) -> None:
        pass

    def render(self, plan: WorkbookPlan) -> str:
        self.plans.append(plan)
        return "https://sheets.example/new"


def test_any_backend_in_any_renderer_out(decided_q1: Path) -> None:
    snapshot = read_xlsx(decided_q1)
    snapshot.source = "https://sheets.example/q1"
    renderer = MemoryRenderer()
    report = next_quarter(
        MemoryBackend(snapshot), renderer, budget=BudgetChoice(60000), as_of=dt.date(2027, 3, 20)
    )
    assert report.out == "https://sheets.example/new"
    (plan,) = renderer.plans
    overview = next(s for s in plan.sheets if s.key == "overview").grid.rows
    assert ["source", "Carried over from", "2027-Q1 · https://sheets.example/q1"] in [
        row[:3] for row in overview
    ]
    focus = next(s for s in plan.sheets if s.key == "focus_areas").grid.rows
    assert [row[1] for row in focus[2:]] == ["Website appeal", "Conversion rate optimisation"]
    dry = next_quarter(
        MemoryBackend(snapshot),
        None,
        budget=BudgetChoice(60000),
        as_of=dt.date(2027, 3, 20),
        dry_run=True,
    )
    assert dry.out is None and len(renderer.plans) == 1


def test_next_quarter_offers_the_configured_metrics(decided_q1: Path) -> None:
    """As ``generate --config`` does: the config names the metrics, not the old workbook."""
    config = decided_q1.with_name("sheets_sync.toml")
    config.write_text(
        '[[workbooks]]\npath = "roadmap.xlsx"\n'
        '[sources.weekly]\ntype = "csv"\nlocation = "weekly.csv"\n'
        '[[metrics]]\nname = "Organic sessions"\nsource = "weekly"\ncolumn = "sessions"\n'
        '[[metrics]]\nname = "Demo requests"\nsource = "weekly"\ncolumn = "demos"\n',
        encoding="utf-8",
    )
    args = ["next-quarter", str(decided_q1), "--annual-budget", "240,000", "--as-of", "2027-03-20"]

    def dropdowns(out: Path) -> list[tuple[str, str]]:
        sheet = load_workbook(out)["SMART goals"]
        column = header_keys(out)["SMART goals"]["data_source"]
        letter = get_column_letter(column)
        lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
        found = [v for v in lists if str(v.sqref).split(":")[0] == f"{letter}3"]
        return [(v.formula1, v.errorStyle) for v in found]

    offered, plain = decided_q1.with_name("q2.xlsx"), decided_q1.with_name("q2-plain.xlsx")
    result = CliRunner().invoke(main, [*args, "--out", str(offered), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert dropdowns(offered) == [('"Organic sessions,Demo requests"', "warning")]
    carried = {row["id"]: row["data_source"] for row in Book(offered).rows("goals")}
    assert carried == {"GO-003": "HubSpot", "GO-001": "Google Analytics"}  # kept as typed
    result = CliRunner().invoke(main, [*args, "--out", str(plain)])
    assert result.exit_code == 0, result.output
    assert dropdowns(plain) == []
