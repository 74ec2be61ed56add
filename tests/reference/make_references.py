"""Re-create the reference workbooks that tests/test_reference_files.py compares against.

Run from the repository root:

    PYTHONPATH=. .venv/bin/python -m tests.reference.make_references [--resave-input]

It needs LibreOffice (soffice). For each workbook in ``GENERATED`` it generates the
workbook with ``sheets_sync.api.generate_xlsx`` at ``GENERATED_AS_OF``, has
LibreOffice open it, recalculate every formula and checks that no cell is an
error and that the rollups (Focus areas, Overview totals) equal the sync's, then
writes it to this folder. ``LIBREOFFICE_SYNCED`` is the committed LibreOffice-saved
input ``LIBREOFFICE_INPUT`` after ``sheets_sync.api.sync_workbook`` at
``SYNC_AS_OF``, checked the same way.

The input is a user's file, not our output: it is kept as committed unless
``--resave-input`` asks LibreOffice to re-save a fresh example roadmap (do that
only to change what the input exercises; its bytes then follow the installed
LibreOffice version). A reference is rewritten only when its content changed
(see tests/xlsx_compare.py), and the run prints what changed in each rewritten
one, part by part; ``git diff --stat tests/reference`` then lists exactly the
references a code change affected, for review with the printed diff.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sheets_sync.api import generate_xlsx, sync_workbook
from sheets_sync.core.calendar import Quarter
from sheets_sync.core.layout import Business, Lang
from sheets_sync.quarter.new_plan import Options
from sheets_sync.sync.report import SyncReport
from tests.libreoffice import RECALC_ALWAYS, recalculated_sheets, soffice
from tests.xlsx_compare import xlsx_differences

REFERENCE_DIR = Path(__file__).resolve().parent
GENERATED_AS_OF = dt.date(2027, 2, 15)
SYNC_AS_OF = dt.date(2027, 3, 20)  # late in the quarter: statuses move, reviews fall due
LIBREOFFICE_INPUT = REFERENCE_DIR / "libreoffice-saved.xlsx"
LIBREOFFICE_SYNCED = REFERENCE_DIR / "libreoffice-saved-synced.xlsx"
ERROR_PREFIXES = ("#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")


@dataclass(frozen=True)
class Generated:
    """One workbook as `sheets-sync generate` makes it, and where its reference lives."""

    name: str
    lang: Lang
    business: Business
    example: bool

    @property
    def path(self) -> Path:
        return REFERENCE_DIR / f"{self.name}.xlsx"

    def options(self) -> Options:
        return Options(
            quarter=Quarter(2027, 1),
            business=self.business,
            lang=self.lang,
            quarter_budget=60000.0,
            annual_budget=100000.0,
            example=self.example,
        )


GENERATED = (
    Generated("en-b2b-example", "en", "b2b", example=True),
    Generated("zh-b2c", "zh", "b2c", example=False),
    Generated("ru-b2b", "ru", "b2b", example=False),
)
LIBREOFFICE_SOURCE = GENERATED[0]  # the roadmap LibreOffice re-saves into the input


def _number(text: str) -> float:
    return float(text) if text.strip() else 0.0


def _by_key(sheets: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """Sheets by the key prefix of their first header ("focus_areas.id" -> "focus_areas")."""
    return {rows[0][0].split(".", 1)[0]: rows for rows in sheets.values() if rows and rows[0]}


def _columns(rows: list[list[str]]) -> dict[str, int]:
    return {key.split(".", 1)[1]: i for i, key in enumerate(rows[0]) if "." in key}


def error_cells(sheets: dict[str, list[list[str]]]) -> list[str]:
    """Every cell LibreOffice computed to an error value, as "Sheet!R1C1: value"."""
    return [
        f"{sheet}!R{r}C{c}: {value}"
        for sheet, rows in sheets.items()
        for r, row in enumerate(rows, 1)
        for c, value in enumerate(row, 1)
        if value.startswith(ERROR_PREFIXES)
    ]


def rollup_mismatches(sheets: dict[str, list[list[str]]], report: SyncReport) -> list[str]:
    """Where LibreOffice's recalculated rollups differ from the sync's report."""
    keyed = _by_key(sheets)
    focus, cols = keyed["focus_areas"], _columns(keyed["focus_areas"])
    computed = {
        row[cols["name"]]: (_number(row[cols["planned"]]), _number(row[cols["actual"]]))
        for row in focus[2:]
        if row and row[cols["name"]]
    }
    expected = {r.focus_area: (r.planned, r.actual) for r in report.rollup}
    problems = [] if computed == expected else [f"focus areas: {computed} != {expected}"]
    overview = {row[0]: row for row in keyed["overview"] if row}
    value = _columns(keyed["overview"])["value"]
    assert report.total is not None
    totals = {
        "planned_total": report.total.planned,
        "actual_total": report.total.actual,
        "remaining_total": report.total.unplanned,
    }
    for key, want in totals.items():
        got = _number(overview[key][value])
        if got != want:
            problems.append(f"Overview {key}: LibreOffice {got}, sync {want}")
    return problems


def libreoffice_problems(path: Path, as_of: dt.date) -> list[str]:
    """What is wrong with ``path`` once LibreOffice recalculates it (empty when nothing):
    error values anywhere, and rollups that differ from a dry-run sync's report."""
    sheets = recalculated_sheets(path)
    with tempfile.TemporaryDirectory(prefix="refs-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        report = sync_workbook(copy, as_of=as_of, dry_run=True)
    return error_cells(sheets) + rollup_mismatches(sheets, report)


def resave_with_libreoffice(source: Path, out: Path, timeout: float = 180) -> None:
    """``source`` opened, recalculated and saved as .xlsx by LibreOffice, written to ``out``."""
    binary = soffice()
    if binary is None:
        raise SystemExit("LibreOffice (soffice) is needed to make the references")
    with tempfile.TemporaryDirectory(prefix="lo-") as folder:
        work = Path(folder)
        profile = work / "profile" / "user"
        profile.mkdir(parents=True)
        (profile / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
        source_copy = work / "in" / "roadmap.xlsx"
        source_copy.parent.mkdir()
        shutil.copyfile(source, source_copy)
        command = [
            binary,
            f"-env:UserInstallation={profile.parent.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source_copy),
        ]
        env = dict(os.environ, HOME=str(work))
        subprocess.run(command, check=True, capture_output=True, timeout=timeout, env=env)
        shutil.copyfile(work / "out" / "roadmap.xlsx", out)


def _checked(path: Path, as_of: dt.date) -> None:
    problems = libreoffice_problems(path, as_of)
    if problems:
        raise SystemExit(f"{path.name} fails in LibreOffice:\n" + "\n".join(problems))


def _keep(made: Path, reference: Path) -> str:
    """Copy ``made`` over ``reference`` unless they already say the same; what changed."""
    if not reference.exists():
        shutil.copyfile(made, reference)
        return f"wrote     {reference.name} (new)"
    changes = xlsx_differences(reference, made)
    if not changes:
        return f"unchanged {reference.name}"
    shutil.copyfile(made, reference)
    return "\n".join([f"wrote     {reference.name}:", *("    " + line for line in changes)])


def make_generated(work: Path) -> list[str]:
    """Each generated reference, checked in LibreOffice, kept when its content changed."""
    done = []
    for item in GENERATED:
        made = work / item.path.name
        generate_xlsx(made, item.options(), as_of=GENERATED_AS_OF)
        _checked(made, GENERATED_AS_OF)
        done.append(_keep(made, item.path))
    return done


def make_synced(work: Path, resave_input: bool) -> list[str]:
    """The LibreOffice-saved input (re-saved only when asked or absent) and its sync."""
    done = []
    if resave_input or not LIBREOFFICE_INPUT.exists():
        source = work / "source.xlsx"
        generate_xlsx(source, LIBREOFFICE_SOURCE.options(), as_of=GENERATED_AS_OF)
        resave_with_libreoffice(source, LIBREOFFICE_INPUT)
        done.append(f"wrote     {LIBREOFFICE_INPUT.name}")
    synced = work / LIBREOFFICE_SYNCED.name
    shutil.copyfile(LIBREOFFICE_INPUT, synced)
    sync_workbook(synced, as_of=SYNC_AS_OF)
    _checked(synced, SYNC_AS_OF)
    done.append(_keep(synced, LIBREOFFICE_SYNCED))
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--resave-input",
        action="store_true",
        help=f"have LibreOffice re-save {LIBREOFFICE_INPUT.name} from a fresh example",
    )
    args = parser.parse_args(argv)
    if soffice() is None:
        raise SystemExit("LibreOffice (soffice) is needed to make the references")
    with tempfile.TemporaryDirectory(prefix="refs-") as folder:
        work = Path(folder)
        for line in make_generated(work) + make_synced(work, args.resave_input):
            print(line)


if __name__ == "__main__":
    main()
