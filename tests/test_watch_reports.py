"""The watcher's review reports: written on the review day, once, beside the workbook or in
the configured folder; never on another day; a failure noted in the status, the sync intact.

Real roadmaps, the real sync and the real report; the clock is a ManualClock set to
the day, as in the other watch tests.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.cli import main
from sheets_sync.core.calendar import Quarter
from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs import (
    ConfigProblems,
    ManualClock,
    Result,
    load_config,
    read_status,
    run_watch,
)
from sheets_sync.jobs.adapter import sync_configured, write_configured_review
from sheets_sync.jobs.config import WorkbookConfig
from sheets_sync.review.model import Kind

from .conftest import generated_example
from .watch_support import StoppingClock

Q1 = Quarter(2027, 1)  # the example's quarter: mid review 14 February, final 17 March
MOSCOW = dt.timezone(dt.timedelta(hours=3))
SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


def at(day: dt.date, hour: int = 9) -> ManualClock:
    return ManualClock(dt.datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW))


class Writes:
    """The library's report writer, counting its calls; it can be told to fail."""

    def __init__(self, error: SheetsSyncError | None = None) -> None:
        self.calls: list[tuple[str, dt.date, str, Path]] = []
        self.error = error

    def __call__(self, workbook: WorkbookConfig, as_of: dt.date, kind: Kind, out: Path) -> Path:
        self.calls.append((workbook.name, as_of, kind, out))
        if self.error is not None:
            raise self.error
        return write_configured_review(workbook, as_of, kind, out)


def config(tmp_path: Path, report: str, *, defaults: str = "") -> Path:
    path = tmp_path / "sheets_sync.toml"
    path.write_text(
        f'state_dir = "{tmp_path / "state"}"\n'
        '[schedule]\nevery = "15 minutes"\ntimezone = "Europe/Moscow"\n'
        f"[defaults]\n{defaults}\n"
        f'[[workbooks]]\nname = "emea"\npath = "q1.xlsx"\n{report}\n',
        encoding="utf-8",
    )
    return path


def watch(path: Path, clock: ManualClock, writes: Writes) -> int:
    code = run_watch(
        path,
        sync_fn=sync_configured,
        once=True,
        clock=clock,
        write_review=writes,
        log_stream=io.StringIO(),
    )
    clock.advance(15 * 60)
    return code


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    return generated_example(tmp_path / "q1.xlsx")


def test_the_mid_review_report_is_written_once_on_its_day(tmp_path: Path, roadmap: Path) -> None:
    path, clock, writes = config(tmp_path, "report = true"), at(Q1.mid_review), Writes()
    report = tmp_path / "q1-2027-Q1-mid.html"
    assert watch(path, clock, writes) == 0
    assert writes.calls == [("emea", Q1.mid_review, "mid", report)]
    page = report.read_text(encoding="utf-8")
    assert "Mid-quarter review" in page and "2027-Q1" in page
    for _ in range(2):  # the next rounds that day, each a watcher started afresh
        assert watch(path, clock, writes) == 0
    assert len(writes.calls) == 1
    entry = read_status(tmp_path / "state", path).workbooks["emea"]
    assert entry.reviews is not None
    assert (entry.reviews.quarter, entry.reviews.written) == ("2027-Q1", {"mid": str(report)})
    assert entry.reviews.errors == {}
    report.unlink()  # taken away by the lead: the status remembers it was written
    assert watch(path, clock, writes) == 0
    assert len(writes.calls) == 1 and not report.exists()


def test_a_running_watcher_writes_it_in_its_first_round_of_the_day(
    tmp_path: Path, roadmap: Path
) -> None:
    """23:00 the evening before to 02:00, Moscow time, on a UTC clock: one report."""
    path, writes, stop = config(tmp_path, "report = true"), Writes(), threading.Event()
    evening = dt.datetime(2027, 2, 13, 20, 0, tzinfo=dt.UTC)
    clock = StoppingClock(evening, stop, until=evening + dt.timedelta(hours=3))
    logs = io.StringIO()
    code = run_watch(
        path, sync_fn=sync_configured, clock=clock, stop=stop, write_review=writes, log_stream=logs
    )
    assert code == 0
    assert [(kind, day) for _, day, kind, _ in writes.calls] == [("mid", Q1.mid_review)]
    rounds = [line for line in logs.getvalue().splitlines() if "emea: " in line]
    written = [i for i, line in enumerate(rounds) if "review report" in line]
    assert len(written) == 1  # in the first round past midnight, a full sync
    assert "emea: ok" in rounds[written[0] - 1]
    assert all("skipped-unchanged" in line for line in rounds[written[0] + 1 :])
    assert len(rounds[written[0] + 1 :]) >= 4  # the rounds after it that night


def test_no_report_on_another_day(tmp_path: Path, roadmap: Path) -> None:
    path, writes = config(tmp_path, "report = true"), Writes()
    for day in (Q1.mid_review - dt.timedelta(days=1), Q1.mid_review + dt.timedelta(days=1)):
        assert watch(path, at(day), writes) == 0
    assert writes.calls == []
    assert [p.name for p in tmp_path.iterdir() if p.suffix in (".html", ".pdf")] == []
    entry = read_status(tmp_path / "state", path).workbooks["emea"]
    assert entry.reviews is not None and entry.reviews.written == {}
    assert (entry.reviews.mid_review, entry.reviews.final_review) == (
        Q1.mid_review,
        Q1.final_review,
    )


def test_the_final_report_goes_into_the_configured_folder(tmp_path: Path, roadmap: Path) -> None:
    path = config(tmp_path, 'report = { dir = "reports/q1" }', defaults="report = false")
    writes = Writes()
    assert watch(path, at(Q1.final_review, hour=0), writes) == 0
    assert [kind for _, _, kind, _ in writes.calls] == ["final"]
    assert (tmp_path / "reports" / "q1" / "emea-2027-Q1-final.html").is_file()


def test_a_report_already_there_is_not_written_again(tmp_path: Path, roadmap: Path) -> None:
    """A status file lost (a new state folder): the report on disk still counts."""
    path, clock, writes = config(tmp_path, "report = true"), at(Q1.mid_review), Writes()
    watch(path, clock, writes)
    report = tmp_path / "q1-2027-Q1-mid.html"
    before = report.stat().st_mtime_ns
    (tmp_path / "state" / "status.json").unlink()
    assert watch(path, clock, writes) == 0
    assert len(writes.calls) == 1 and report.stat().st_mtime_ns == before
    entry = read_status(tmp_path / "state", path).workbooks["emea"]
    assert entry.reviews is not None and entry.reviews.written == {"mid": str(report)}


def test_a_report_that_fails_is_noted_and_tried_again(tmp_path: Path, roadmap: Path) -> None:
    path, clock = config(tmp_path, "report = true"), at(Q1.mid_review)
    failing = Writes(SheetsSyncError("A PDF review needs WeasyPrint, which is not installed."))
    assert watch(path, clock, failing) == 0  # the sync stands
    entry = read_status(tmp_path / "state", path).workbooks["emea"]
    assert entry.result == Result.OK and entry.consecutive_failures == 0
    assert entry.reviews is not None and entry.reviews.written == {}
    assert entry.reviews.errors == {"mid": "A PDF review needs WeasyPrint, which is not installed."}
    status = CliRunner().invoke(main, ["status", "--config", str(path)]).output.splitlines()
    assert status[status.index("review reports:") + 1 :] == [
        "  emea  2027-Q1 mid: not written: A PDF review needs WeasyPrint, which is not installed."
    ]
    writes = Writes()
    assert watch(path, clock, writes) == 0  # the next round, the workbook unchanged
    assert len(writes.calls) == 1
    entry = read_status(tmp_path / "state", path).workbooks["emea"]
    assert entry.result == Result.SKIPPED_UNCHANGED
    assert entry.reviews is not None and entry.reviews.errors == {}
    status = CliRunner().invoke(main, ["status", "--config", str(path)]).output.splitlines()
    report = tmp_path / "q1-2027-Q1-mid.html"
    assert status[status.index("review reports:") + 1 :] == [f"  emea  2027-Q1 mid: {report}"]


def test_a_workbook_without_report_settings_gets_none(tmp_path: Path, roadmap: Path) -> None:
    path, writes = config(tmp_path, ""), Writes()
    assert watch(path, at(Q1.mid_review), writes) == 0
    assert writes.calls == []
    assert read_status(tmp_path / "state", path).workbooks["emea"].reviews is None


# --- the setting -----------------------------------------------------------------------------


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "sheets_sync.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    return str(caught.value).splitlines()[1:]


NEEDS_DIR = (
    "a Google spreadsheet has no folder beside it: give report.dir, a local folder for its"
    " review reports (here or in [defaults])"
)


def test_a_google_workbook_without_a_report_folder_is_rejected(tmp_path: Path) -> None:
    text = f"""\
[defaults]
report = {{ format = "pdf" }}

[[workbooks]]
name = "local"
path = "a.xlsx"

[[workbooks]]
name = "cloud"
spreadsheet = "{SHEET_ID}"

[[workbooks]]
name = "clients"
drive_folder = "0AbCdEfGhIjKlMnOpQrStUv"
report = {{ url_base = "https://files.example.com/reviews" }}

[[workbooks]]
name = "kept"
spreadsheet = "1ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210"
report = false
"""
    assert problems(tmp_path, text) == [
        f"  workbooks[1] (line 8): {NEEDS_DIR}",
        f"  workbooks[2].report (line 15): {NEEDS_DIR}",
    ]


def test_report_settings_are_checked(tmp_path: Path) -> None:
    text = """\
[[workbooks]]
path = "a.xlsx"
report = { format = "docx", fromat = "pdf", url_base = "ftp://files" }

[[workbooks]]
path = "b.xlsx"
report = { url_base = "https://files.example.com/reviews" }
"""
    dir_too = "report.url_base is the address of report.dir, so give dir too"
    assert problems(tmp_path, text) == [
        f"  workbooks[0].report (line 3): {dir_too}",
        "  workbooks[0].report.format (line 3): Input should be 'html' or 'pdf' (got 'docx')",
        "  workbooks[0].report.url_base (line 3): url_base must be an http(s) address,"
        " got 'ftp://files'",
        "  workbooks[0].report.fromat (line 3): unknown key; did you mean 'format'?",
        f"  workbooks[1].report (line 7): {dir_too}",
    ]


def test_a_workbook_s_report_keys_win_over_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sheets_sync.toml"
    path.write_text(
        f"""\
[defaults]
report = {{ dir = "reports", format = "pdf", url_base = "https://files.example.com/r/" }}

[[workbooks]]
name = "teams/apac"
spreadsheet = "{SHEET_ID}"

[[workbooks]]
path = "emea.xlsx"
report = {{ dir = "beside", format = "html" }}

[[workbooks]]
path = "off.xlsx"
report = false
""",
        encoding="utf-8",
    )
    apac, emea, off = load_config(path).workbooks
    assert apac.report is not None and emea.report is not None and off.report is None
    pdf = apac.report.path_for(apac.name, apac.path, "2027-Q1", "mid")
    assert pdf == tmp_path / "reports" / "teams-apac-2027-Q1-mid.pdf"
    assert apac.report.link(pdf) == "https://files.example.com/r/teams-apac-2027-Q1-mid.pdf"
    html = emea.report.path_for(emea.name, emea.path, "2027-Q1", "final")
    assert html == tmp_path / "beside" / "emea-2027-Q1-final.html"
    assert emea.report.link(html) == "https://files.example.com/r/emea-2027-Q1-final.html"


def test_the_shipped_example_config_is_valid(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "config" / "sheets_sync.toml"
    reports = [wb.report for wb in load_config(example).workbooks]
    folder = example.parent.resolve() / "reports"
    assert all(r is not None and (r.dir, r.format) == (folder, "html") for r in reports)
