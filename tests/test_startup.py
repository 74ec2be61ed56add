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
)
# Not even the core's models, nor the xlsx backend, for --help.
NOT_FOR_HELP = ("pydantic", "sheets_sync.api", "sheets_sync.core.layout", "sheets_sync.backends")


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


def test_the_listed_help_is_each_loaded_command_s_own() -> None:
    with click.Context(main) as ctx:
        for name, (help_line, load) in _Commands.later.items():
            command = load()
            assert command.name == name
            assert " ".join((command.help or "").split("\n\n")[0].split()) == help_line
            assert main.get_command(ctx, name) is not None
