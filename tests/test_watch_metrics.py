"""The watcher with metrics: a moved metric is a change, an unmoved one is not."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import main
from sheets_sync.jobs import DefaultFingerprinter, load_config
from sheets_sync.jobs.metrics import measured_digest

from .conftest import AS_OF
from .watch_support import make_xlsx


def _config(tmp_path: Path, workbook: Path) -> Path:
    config = tmp_path / "watch.toml"
    config.write_text(
        f'state_dir = "state"\n[schedule]\nevery = "15 minutes"\ntimezone = "UTC"\n'
        f'[[workbooks]]\nname = "q1"\npath = "{workbook}"\n'
        '[sources.weekly]\ntype = "csv"\nlocation = "weekly.csv"\n'
        '[[metrics]]\nname = "Conversion rate"\nsource = "weekly"\ncolumn = "rate"\n',
        encoding="utf-8",
    )
    return config


def test_the_fingerprint_holds_the_metrics_digest(tmp_path: Path) -> None:
    workbook = make_xlsx(tmp_path / "q1.xlsx", b"hello")
    entry = load_config(_config(tmp_path, workbook)).workbooks[0]
    digests = iter(["aaaa", "aaaa", "bbbb"])
    fingerprint = DefaultFingerprinter(measured=lambda wb: next(digests))
    first = fingerprint(entry, None)
    assert first.endswith("|measured:aaaa")  # type: ignore[union-attr]
    assert fingerprint(entry, first) == first  # nothing moved: the file is not even read
    assert fingerprint(entry, first) == first.replace("aaaa", "bbbb")  # type: ignore[union-attr]
    assert DefaultFingerprinter()(entry, first) == first.partition("|")[0]  # type: ignore[union-attr]


def test_a_digest_follows_the_values(tmp_path: Path) -> None:
    (tmp_path / "weekly.csv").write_text("rate\n0.01\n", encoding="utf-8")
    entry = load_config(_config(tmp_path, tmp_path / "q1.xlsx")).workbooks[0]
    first = measured_digest(entry, AS_OF)
    assert first is not None and len(first) == 16
    assert measured_digest(entry, AS_OF) == first  # the same run: read once
    assert measured_digest(entry.model_copy(update={"metrics": None}), AS_OF) is None


def test_watch_once_with_metrics_then_an_idle_run_is_skipped(roadmap: Path, tmp_path: Path) -> None:
    (tmp_path / "weekly.csv").write_text("rate\n0.0125\n", encoding="utf-8")
    config = _config(tmp_path, roadmap)
    runner = CliRunner()
    assert runner.invoke(main, ["watch", "--config", str(config), "--once"]).exit_code == 0
    assert runner.invoke(main, ["watch", "--config", str(config), "--once"]).exit_code == 0
    status = json.loads(runner.invoke(main, ["status", "--config", str(config), "--json"]).output)
    assert status["workbooks"]["q1"]["result"] == "skipped-unchanged"
    kept = json.loads((tmp_path / "state" / "metrics.json").read_text(encoding="utf-8"))
    assert list(kept) == ["Conversion rate"]
