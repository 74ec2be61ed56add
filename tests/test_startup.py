"""Start-up is paid only for what a command uses: ``--help`` and a local ``sync``
load neither the Google stack, nor the config and scheduler, nor the code of
the other commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from sheets_sync.cli import _Commands, main

# Loaded by neither a local sync nor --help.
NEVER = (
    "gspread",
    "google",
    "googleapiclient",
    "requests",
    "openpyxl",
    "pydantic_settings",
    "schedule",
    "sheets_sync.backends.google",
    "sheets_sync.quarter",
    "sheets_sync.sources",
    "sheets_sync.jobs.config",
    "sheets_sync.jobs.scheduler",
    "sheets_sync.jobs.watcher",
    "sheets_sync.jobs.remind",
    "sheets_sync.jobs.history",
    "sheets_sync.jobs.metrics",
    "_strptime",  # --as-of is read without strptime's locale tables
    "sheets_sync.core.budget",  # the budget of a quarter to plan
)
# Not even the core's models, nor the xlsx backend, for --help.
NOT_FOR_HELP = ("pydantic", "sheets_sync.api", "sheets_sync.core.layout", "sheets_sync.backends")
# A sync the idle memo answers hashes the file and prints: none of what reads,
# decides or writes, nor what parses the options of other commands.
NOT_FOR_AN_IDLE_SYNC = (
    "pydantic",
    "sheets_sync.api",
    "sheets_sync.sync",
    "sheets_sync.core.layout",
    "sheets_sync.core.parsing",
    "sheets_sync.core.budget",
    "sheets_sync.core.calendar",
    "decimal",
    "tomli",
    "tempfile",
)


def _modules_after(args: list[str], tmp_path: Path) -> list[str]:
    """The modules a fresh ``sheets-sync ARGS`` process has imported when it is done."""
    listing = tmp_path / "modules.json"
    code = (
        "import json, sys\n"
        "from sheets_sync.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        f"open({str(listing)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    return list(json.loads(listing.read_text()))


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_help_loads_no_command_code(tmp_path: Path) -> None:
    modules = _modules_after(["--help"], tmp_path)
    assert _loaded(modules, NEVER + NOT_FOR_HELP) == []


def test_a_local_sync_loads_only_the_sync(roadmap: Path, tmp_path: Path) -> None:
    modules = _modules_after(["sync", str(roadmap), "--as-of", "2027-02-20"], tmp_path)
    assert _loaded(modules, NEVER) == []
    assert "sheets_sync.sync.run" in modules  # it did sync


def test_a_sync_the_memo_answers_loads_only_the_memo(roadmap: Path, tmp_path: Path) -> None:
    sync = ["sync", str(roadmap), "--as-of", "2027-02-20"]
    _modules_after(sync, tmp_path)  # writes the flags
    _modules_after(sync, tmp_path)  # writes nothing: what it printed is kept
    modules = _modules_after(sync, tmp_path)
    assert _loaded(modules, NEVER + NOT_FOR_AN_IDLE_SYNC) == []
    assert "sheets_sync.jobs.idle" in modules  # it was answered by the memo


def test_the_listed_help_is_each_loaded_command_s_own() -> None:
    with click.Context(main) as ctx:
        for name, (help_line, load) in _Commands.later.items():
            command = load()
            assert command.name == name
            assert " ".join((command.help or "").split("\n\n")[0].split()) == help_line
            assert main.get_command(ctx, name) is not None
