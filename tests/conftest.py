"""Shared fixtures: fresh roadmap workbooks on disk, and a way to read every cell."""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheets_sync.api import generate_xlsx
from sheets_sync.core.calendar import Quarter
from sheets_sync.quarter.new_plan import Options

AS_OF = dt.date(2027, 2, 15)
QUARTER = Quarter(2027, 1)


def options(**overrides: Any) -> Options:
    values: dict[str, Any] = {
        "quarter": QUARTER,
        "business": "b2b",
        "lang": "en",
        "quarter_budget": 60000.0,
        "annual_budget": 100000.0,
        "example": True,
    }
    values.update(overrides)
    return Options(**values)


@pytest.fixture(autouse=True)
def _own_idle_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test keeps its idle-sync memos apart from the others' and from the user's."""
    monkeypatch.setenv("SHEETS_SYNC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def example_template(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A generated example roadmap per language, made once per test session."""
    made: dict[str, Path] = {}

    def get(lang: str = "en") -> Path:
        if lang not in made:
            path = tmp_path_factory.mktemp(f"template-{lang}") / f"roadmap-{lang}.xlsx"
            generate_xlsx(path, options(lang=lang), as_of=AS_OF)
            made[lang] = path
        return made[lang]

    return get


def cli_output(*args: str) -> str:
    """What ``sheets-sync ARGS`` prints, run in-process; it must succeed."""
    from click.testing import CliRunner

    from sheets_sync.cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def generated_example(out: Path, *, lang: str = "en", as_of: str = "2026-12-01") -> Path:
    """The 2027-Q1 B2B example roadmap at ``out``, made by ``sheets-sync generate``."""
    args = ["generate", "--quarter", "2027-Q1", "--business", "b2b", "--budget", "60000"]
    args += ["--example", "--lang", lang, "--out", str(out), "--as-of", as_of]
    cli_output(*args)
    return out


@pytest.fixture(scope="session")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The B2B and B2C examples in every language, made once per session; read them only."""
    made = {}
    for business in ("b2b", "b2c"):
        for lang in ("en", "zh", "ru"):
            path = tmp_path_factory.mktemp(f"{business}-{lang}") / "roadmap.xlsx"
            generate_xlsx(path, options(business=business, lang=lang), as_of=AS_OF)
            made[business, lang] = path
    return made


@pytest.fixture
def roadmap(example_template: Callable[[str], Path], tmp_path: Path) -> Path:
    """A private copy of the English example roadmap."""
    path = tmp_path / "roadmap.xlsx"
    shutil.copy(example_template("en"), path)
    return path


def load_with_openpyxl(path: Path) -> Any:
    """The workbook through openpyxl, the tests' independent reader and editor.

    A number past 9999-12-31 typed into a date column is a value a person may type
    (the sync flags it on its row); openpyxl only warns that it cannot show it as a
    date, and reads it as an error value.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Cell .* is marked as a date", UserWarning)
        return load_workbook(path)


def all_cells(path: Path) -> dict[tuple[str, int, int], Any]:
    """Every non-empty cell of every sheet, read independently with openpyxl."""
    book = load_with_openpyxl(path)
    cells = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and cell.value != "":
                    cells[(ws.title, cell.row, cell.column)] = cell.value
    return cells


def header_keys(path: Path) -> dict[str, dict[str, int]]:
    """Row 1 of each sheet: column key -> column number."""
    book = load_workbook(path)
    found = {}
    for ws in book.worksheets:
        keys = {}
        for cell in ws[1]:
            if isinstance(cell.value, str) and "." in cell.value:
                keys[cell.value.split(".", 1)[1]] = cell.column
        found[ws.title] = keys
    return found
