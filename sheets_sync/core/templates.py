"""Where the layout data lives, and reading it.

In a source checkout the data is ``workbook_templates/`` at the top of the
project; an installed wheel carries the same files as ``sheets_sync/_templates``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def templates_dir() -> Path:
    """The folder holding layout.toml, messages.toml, checklist.toml, example.toml."""
    for candidate in (_PACKAGE / "_templates", _PACKAGE.parent / "workbook_templates"):
        if (candidate / "layout.toml").is_file():
            return candidate
    raise FileNotFoundError(
        "workbook_templates/ is missing: reinstall sheets-sync (pip install sheets-sync)"
    )


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse one template file by name, once per process."""
    return read_toml(name)


def read_toml(name: str) -> dict[str, Any]:
    """Parse one template file by name, not kept: for a file made into models once
    (the layout, the checklist), whose parsed text would otherwise stay in memory
    beside them for the whole run."""
    # tomli is the parser the standard library's tomllib was copied from, installed
    # compiled: it reads the templates about three times as fast, and every command
    # reads some at start. Imported here, not for templates_dir alone: the idle
    # memo's stamp needs only that.
    import tomli

    with (templates_dir() / name).open("rb") as handle:
        return tomli.load(handle)
