"""The command line: a thin shell that prints, exits with the right code, and is documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import strategies as st

from sheets_sync.cli import _Day, main

from .conftest import generated_example

README = Path(__file__).resolve().parent.parent / "README.md"


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_generate_then_sync(tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    result = run(
        "generate",
        "--quarter",
        "2027-Q3",
        "--business",
        "b2c",
        "--lang",
        "zh",
        "--budget",
        "60,000",
        "--annual-budget",
        "100000",
        "--example",
        "--out",
        str(out),
        "--as-of",
        "2027-08-01",
    )
    assert result.exit_code == 0, result.output
    assert "2027-Q3" in result.output and out.exists()

    again = run(
        "generate", "--quarter", "2027-Q3", "--business", "b2c", "--budget", "1", "--out", str(out)
    )
    assert again.exit_code == 1
    assert "already exists" in again.output and "--force" in again.output

    synced = run("sync", str(out), "--as-of", "2027-08-01", "--json")
    assert synced.exit_code == 0, synced.output
    report = json.loads(synced.output)
    assert report["cells_written"] == 0
    assert report["write"] == {
        "written": 0,
        "tagged": 0,
        "deferred": 0,
        "dropped": 0,
        "requests": 0,
        "why": "",
    }
    assert report["language"] == "zh"
    assert {s["title"] for s in report["sheets"].values()} >= {"举措", "重点领域"}
    assert report["rollup"]["focus_areas"] and report["rollup"]["quarter"]["budget"] == 60000


def test_sync_text_summary_and_dry_run(tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    generated_example(out, as_of="2027-01-10")
    before = out.read_bytes()
    result = run("sync", str(out), "--as-of", "2027-03-20", "--dry-run")
    assert result.exit_code == 0
    assert re.search(r"Would write \d+ cell", result.output)
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "needle"),
    [(None, "does not exist"), (b"garbage", "is not an .xlsx workbook")],
)
def test_sync_fails_with_one_line(tmp_path: Path, content: bytes | None, needle: str) -> None:
    path = tmp_path / "x.xlsx"
    if content is not None:
        path.write_bytes(content)
    result = run("sync", str(path))
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]


def test_layout_json_lists_keys_types_and_values() -> None:
    result = run("layout", "--json", "--lang", "ru")
    data = json.loads(result.output)
    initiatives = next(s for s in data["sheets"] if s["key"] == "initiatives")
    status = next(c for c in initiatives["columns"] if c["key"] == "status")
    assert status["allowed"] == ["Не начато", "В работе", "Готово", "Заблокировано"]
    assert status["role"] == "input" and status["required"]
    assert status["key_cell"] == "initiatives.status"


def _commands(group: click.Group) -> list[str]:
    return sorted(group.commands)


def test_every_command_has_help_and_a_place_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for name in _commands(main):
        command = main.commands[name]
        assert command.help, name
        assert f"sheets-sync {name}" in readme, f"README does not show `sheets-sync {name}`"
        assert run(name, "--help").exit_code == 0


def test_watch_once_syncs_the_configured_workbooks(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    generated_example(good, as_of="2026-12-01")
    config = tmp_path / "watch.toml"
    config.write_text(
        f'state_dir = "{tmp_path / "state"}"\n[schedule]\nevery = "15 minutes"\n'
        f'timezone = "UTC"\n[[workbooks]]\nname = "good"\npath = "{good}"\n'
        f'[[workbooks]]\nname = "gone"\npath = "{tmp_path / "gone.xlsx"}"\n',
        encoding="utf-8",
    )
    result = run("watch", "--config", str(config), "--once")
    assert result.exit_code == 1  # one workbook is missing
    status = json.loads(run("status", "--config", str(config), "--json").output)
    by_name = status["workbooks"]
    assert by_name["good"]["result"] == "ok"
    assert by_name["gone"]["result"] == "failed"
    assert "does not exist" in by_name["gone"]["error"]


def test_sync_of_a_workbook_open_in_excel_waits(tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    generated_example(out, as_of="2027-01-10")
    (tmp_path / "~$q.xlsx").write_bytes(b"\x00" * 165)  # Excel's owner file
    before = out.read_bytes()
    result = run("sync", str(out), "--as-of", "2027-03-20")
    assert result.exit_code == 75
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Excel" in lines[0]
    assert out.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ("sync", "gsheet:1AbC"),
        ("sync", "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=0"),
        ("next-quarter", "gsheet:1AbC", "--dry-run"),
        (
            "generate",
            *("--quarter", "2027-Q1", "--business", "b2b", "--budget", "1"),
            *("--spreadsheet", "1AbC"),
        ),
    ],
)
def test_a_mistyped_spreadsheet_fails_before_any_credentials(
    args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHEETS_SYNC_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    result = CliRunner().invoke(main, list(args))
    given = args[1] if args[0] != "generate" else args[-1]
    assert (result.exit_code, result.output) == (
        1,
        f"sheets-sync: {given!r} is not a Google spreadsheet ID or URL."
        " Use the ID from the address bar: docs.google.com/spreadsheets/d/<ID>/edit.\n",
    )


def _read_as(kind: click.ParamType, text: str) -> object:
    try:
        return kind.convert(text, None, None)
    except click.BadParameter as error:
        return error.format_message()


@given(st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True) | st.text(max_size=12))
@example("2027-02-20")
@example("2028-02-29")
@example("2027-02-29")
@example("0000-01-01")
@example("2027-2-20")
@example(" 2027-02-20")
def test_as_of_is_read_as_click_reads_a_date(text: str) -> None:
    assert _read_as(_Day(), text) == _read_as(click.DateTime(["%Y-%m-%d"]), text)
