"""CSV and JSON metric sources, from a file and over HTTP; the registry; a sync with metrics."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheets_sync.api import Measurement
from sheets_sync.cli import main
from sheets_sync.errors import ConfigProblems, MetricUnavailable
from sheets_sync.jobs.adapter import sync_configured
from sheets_sync.jobs.config import load_config
from sheets_sync.sources.config import MetricConfig, MetricsConfig, SourceConfig
from sheets_sync.sources.registry import Refreshing, Registry
from sheets_sync.sources.tabular import csv_value, json_value

from .conftest import AS_OF, header_keys
from .metric_server import Canned, MetricServer, metric_server

GOALS = "SMART goals"
WEEKLY = "week,sessions,leads\n2027-02-01,1200,30\n2027-02-08,1350,\n"
TOTALS = {"totals": [{"pipeline": 41000.5}], "rate": "0.0125", "flag": True}


@pytest.fixture
def server() -> Iterator[MetricServer]:
    with metric_server() as running:
        yield running


def test_a_csv_column_gives_its_last_filled_cell() -> None:
    assert csv_value(WEEKLY, "sessions") == 1350
    assert csv_value(WEEKLY, " LEADS ") == 30
    with pytest.raises(MetricUnavailable, match=r"^no column 'visits'$"):
        csv_value(WEEKLY, "visits")
    with pytest.raises(
        MetricUnavailable, match=r"^column 'week' holds '2027-02-08', not a number$"
    ):
        csv_value(WEEKLY, "week")
    with pytest.raises(MetricUnavailable, match=r"^column 'x' is empty$"):
        csv_value("x\n\n", "x")


def test_a_json_path_gives_its_number() -> None:
    text = json.dumps(TOTALS)
    assert json_value(text, "totals.0.pipeline") == 41000.5
    assert json_value(text, "totals.-1.pipeline") == 41000.5
    assert json_value(text, "rate") == 0.0125
    with pytest.raises(MetricUnavailable, match=r"^no 'totals.1.pipeline' in the JSON \(stopped"):
        json_value(text, "totals.1.pipeline")
    with pytest.raises(MetricUnavailable, match=r"^'totals' is not a number$"):
        json_value(text, "totals")
    with pytest.raises(MetricUnavailable, match=r"^'rate' holds 'n/a', not a number$"):
        json_value('{"rate": "n/a"}', "rate")
    with pytest.raises(MetricUnavailable, match=r"^'flag' is not a number$"):
        json_value(text, "flag")
    with pytest.raises(MetricUnavailable, match=r"^not valid JSON: Expecting value at line 1$"):
        json_value("<html>", "rate")


def _config(
    tmp_path: Path, location: str, kind: str = "csv", **more: MetricConfig
) -> MetricsConfig:
    metrics = [
        MetricConfig(name="Sessions", source="feed", column="sessions"),
        MetricConfig(name="Leads", source="feed", column="leads"),
    ]
    if kind == "json":
        metrics = [MetricConfig(name="Rate", source="feed", path="rate")]
    return MetricsConfig(
        sources={"feed": SourceConfig(type=kind, location=location)},  # type: ignore[arg-type]
        metrics=(*metrics, *more.values()),
        base=tmp_path,
        state_dir=tmp_path / "state",
    )


def test_a_local_file_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "weekly.csv").write_text(WEEKLY, encoding="utf-8")
    measured = Registry(_config(tmp_path, "weekly.csv")).measure(AS_OF)
    assert measured == {"Sessions": Measurement(1350, AS_OF), "Leads": Measurement(30, AS_OF)}


def test_a_url_is_read_once_for_all_its_metrics(tmp_path: Path, server: MetricServer) -> None:
    server.answer("/weekly.csv", Canned(200, WEEKLY.encode(), {"Content-Type": "text/csv"}))
    registry = Registry(_config(tmp_path, f"{server.url}/weekly.csv"))
    first = registry.measure(AS_OF)
    assert registry.measure(AS_OF) is first  # a second workbook of the run
    assert first == {"Sessions": Measurement(1350, AS_OF), "Leads": Measurement(30, AS_OF)}
    assert [(s.method, s.path) for s in server.seen] == [("GET", "/weekly.csv")]


def test_json_over_http(tmp_path: Path, server: MetricServer) -> None:
    server.answer("/totals", Canned(200, json.dumps(TOTALS).encode()))
    measured = Registry(_config(tmp_path, f"{server.url}/totals", "json")).measure(AS_OF)
    assert measured == {"Rate": Measurement(0.0125, AS_OF)}


def test_a_failure_keeps_the_last_good_value_and_its_day(
    tmp_path: Path, server: MetricServer
) -> None:
    server.answer("/weekly.csv", Canned(200, WEEKLY.encode()), Canned(503, b"down"))
    config = _config(tmp_path, f"{server.url}/weekly.csv")
    Registry(config).measure(AS_OF)
    kept = json.loads((tmp_path / "state" / "metrics.json").read_text(encoding="utf-8"))
    assert kept == {
        "Leads": {"on": "2027-02-15", "value": 30.0},
        "Sessions": {"on": "2027-02-15", "value": 1350.0},
    }
    later = Registry(config).measure(AS_OF + dt.timedelta(days=1))
    reason = f"HTTP 503 from {server.url}/weekly.csv"
    assert later == {
        "Sessions": Measurement(1350, AS_OF, error=reason),
        "Leads": Measurement(30, AS_OF, error=reason),
    }


def test_one_failing_metric_leaves_the_others(tmp_path: Path) -> None:
    (tmp_path / "weekly.csv").write_text(WEEKLY, encoding="utf-8")
    broken = MetricConfig(name="Visits", source="feed", column="visits")
    measured = Registry(_config(tmp_path, "weekly.csv", broken=broken)).measure(AS_OF)
    assert measured["Visits"] == Measurement(None, None, error="no column 'visits'")
    assert measured["Sessions"] == Measurement(1350, AS_OF)


def test_the_watcher_starts_a_new_run_when_the_last_is_old(tmp_path: Path) -> None:
    now = [0.0]
    made: list[int] = []

    def make(config: MetricsConfig) -> Registry:
        made.append(1)
        return Registry(config)

    (tmp_path / "weekly.csv").write_text(WEEKLY, encoding="utf-8")
    runs = Refreshing(
        _config(tmp_path, "weekly.csv"), dt.timedelta(minutes=5), clock=lambda: now[0], make=make
    )
    runs.measure(AS_OF)
    now[0] = 299.0
    runs.measure(AS_OF)
    assert len(made) == 1
    now[0] = 300.0
    runs.measure(AS_OF)
    runs.measure(AS_OF + dt.timedelta(days=1))
    assert len(made) == 3


def test_a_metric_naming_no_source_is_a_config_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[[workbooks]]\npath = "r.xlsx"\n[sources.feed]\ntype = "csv"\nlocation = "w.csv"\n'
        '[[metrics]]\nname = "Sessions"\nsource = "fed"\ncolumn = "sessions"\n'
        '[[metrics]]\nname = "Rate"\nsource = "feed"\npath = "rate"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    assert caught.value.problems == ["metrics: metric 'Sessions': no source 'fed' (feed)"]


# --- a workbook end to end ---------------------------------------------------------


def _write_config(tmp_path: Path, roadmap: Path, feed: str) -> Path:
    config = tmp_path / "sheets_sync.toml"
    config.write_text(
        f'state_dir = "state"\n[[workbooks]]\nname = "q1"\npath = "{roadmap}"\n'
        f'[sources.weekly]\ntype = "csv"\nlocation = "{feed}"\n'
        '[sources.crm]\ntype = "json"\nlocation = "crm.json"\n'
        '[[metrics]]\nname = "Conversion rate"\nsource = "weekly"\ncolumn = "rate"\n'
        '[[metrics]]\nname = "Pipeline"\nsource = "crm"\npath = "totals.0.pipeline"\n',
        encoding="utf-8",
    )
    return config


def _goals(path: Path, rows: dict[int, str]) -> None:
    book = load_workbook(path)
    column = header_keys(path)[GOALS]["data_source"]
    for row, name in rows.items():
        book[GOALS].cell(row, column).value = name
    book.save(path)


def _measured_cells(path: Path, row: int) -> tuple[object, ...]:
    keys = header_keys(path)[GOALS]
    sheet = load_workbook(path)[GOALS]
    wanted = ("measured_value", "measured_on", "source_status", "progress", "health")
    return tuple(sheet.cell(row, keys[k]).value for k in wanted)


def _sync(config: Path, roadmap: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        main,
        ["sync", str(roadmap), "--config", str(config), "--as-of", "2027-02-15", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.output)
    return report


def test_a_workbook_synced_with_its_metrics(roadmap: Path, tmp_path: Path) -> None:
    # GO-001: conversion rate 0.75% → 1.5%; GO-002: pipeline (see the example)
    (tmp_path / "weekly.csv").write_text("week,rate\n2027-02-08,0.0125\n", encoding="utf-8")
    (tmp_path / "crm.json").write_text(json.dumps(TOTALS), encoding="utf-8")
    _goals(roadmap, {3: "Conversion rate", 4: "Pipeline"})
    config = _write_config(tmp_path, roadmap, "weekly.csv")
    _sync(config, roadmap)
    day = dt.datetime(2027, 2, 15)
    assert _measured_cells(roadmap, 3) == (0.0125, day, "OK", pytest.approx(2 / 3), "On track")
    assert _measured_cells(roadmap, 4)[:3] == (41000.5, day, "OK")
    # an idle second sync with the same values writes nothing
    assert _sync(config, roadmap)["changes"] == []


def test_a_failing_source_marks_only_its_goals(roadmap: Path, tmp_path: Path) -> None:
    (tmp_path / "crm.json").write_text(json.dumps(TOTALS), encoding="utf-8")
    _goals(roadmap, {3: "Conversion rate", 4: "Pipeline"})
    config = _write_config(tmp_path, roadmap, "missing.csv")
    _sync(config, roadmap)
    status = f"Not updated: file not found: {tmp_path / 'missing.csv'}"
    assert _measured_cells(roadmap, 3) == (None, None, status, pytest.approx(0.2), "Off track")
    assert _measured_cells(roadmap, 4)[:3] == (41000.5, dt.datetime(2027, 2, 15), "OK")


def test_the_watcher_syncs_with_the_metrics(roadmap: Path, tmp_path: Path) -> None:
    (tmp_path / "weekly.csv").write_text("week,rate\n2027-02-08,0.0125\n", encoding="utf-8")
    (tmp_path / "crm.json").write_text(json.dumps(TOTALS), encoding="utf-8")
    _goals(roadmap, {3: "Conversion rate"})
    workbook = load_config(_write_config(tmp_path, roadmap, "weekly.csv")).workbooks[0]
    assert sync_configured(workbook, AS_OF).cells_written > 0
    assert _measured_cells(roadmap, 3)[:3] == (0.0125, dt.datetime(2027, 2, 15), "OK")
    assert (tmp_path / "state" / "metrics.json").exists()
    assert sync_configured(workbook, AS_OF).cells_written == 0


def test_the_metrics_command_reads_each_metric_once(tmp_path: Path) -> None:
    (tmp_path / "crm.json").write_text(json.dumps(TOTALS), encoding="utf-8")
    config = _write_config(tmp_path, tmp_path / "r.xlsx", "missing.csv")
    args = ["metrics", "--config", str(config), "--as-of", "2027-02-15"]
    text = CliRunner().invoke(main, args, catch_exceptions=False)
    assert text.exit_code == 1
    assert text.output.splitlines() == [
        f"FAILED  Conversion rate (weekly, csv): file not found: {tmp_path / 'missing.csv'}",
        "OK      Pipeline (crm, json): 41000.5 on 2027-02-15",
    ]
    (tmp_path / "missing.csv").write_text("rate\n0.01\n", encoding="utf-8")
    found = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
    assert found.exit_code == 0
    assert json.loads(found.output) == {
        "metrics": [
            {
                "name": "Conversion rate",
                "source": "weekly",
                "type": "csv",
                "value": 0.01,
                "on": "2027-02-15",
                "error": None,
            },
            {
                "name": "Pipeline",
                "source": "crm",
                "type": "json",
                "value": 41000.5,
                "on": "2027-02-15",
                "error": None,
            },
        ]
    }


def test_the_metrics_command_without_metrics(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[workbooks]]\npath = "r.xlsx"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["metrics", "--config", str(config)])
    assert (result.exit_code, result.output) == (0, "No metrics are configured.\n")


def test_a_workbook_made_with_the_config_offers_its_metrics(tmp_path: Path) -> None:
    (tmp_path / "crm.json").write_text(json.dumps(TOTALS), encoding="utf-8")
    config = _write_config(tmp_path, tmp_path / "r.xlsx", "weekly.csv")
    out = tmp_path / "q1.xlsx"
    args = ["generate", "--quarter", "2027-Q1", "--business", "b2b", "--budget", "60000"]
    result = CliRunner().invoke(
        main, [*args, "--out", str(out), "--config", str(config)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)[GOALS]
    letter = get_column_letter(header_keys(out)[GOALS]["data_source"])
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    found = [v for v in lists if str(v.sqref).startswith(f"{letter}3")]
    assert [(v.formula1, v.errorStyle) for v in found] == [
        ('"Conversion rate,Pipeline"', "warning")
    ]


def test_without_metrics_or_with_too_many_for_excel_no_dropdown() -> None:
    from sheets_sync.core.calendar import Quarter
    from sheets_sync.quarter.new_plan import Options, build_plan

    def dropdown(metrics: tuple[str, ...]) -> object:
        options = Options(quarter=Quarter(2027, 1), business="b2b", metrics=metrics)
        goals = next(s for s in build_plan(options, AS_OF).sheets if s.key == "goals")
        return next(c.dropdown for c in goals.columns if c.key == "data_source")

    assert dropdown(()) is None
    assert dropdown(("Sessions", "Deals won")) == ["Sessions", "Deals won"]
    assert dropdown(tuple(f"Metric number {n:03d}" for n in range(20))) is None
