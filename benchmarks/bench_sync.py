"""Sync benchmark: a full ``sheets-sync sync`` against openpyxl load + edit + save.

Builds roadmap workbooks with 1k, 10k and 50k initiative rows, made by ``generate``
from the example roadmap: the Initiatives sheet is 20 columns wide, our 15 and five
of the marketer's own (text, a link, a date), as the issue measures, and every other
sheet of the roadmap is there too. The sync runs end to end as a user runs it —
read every sheet, validate, cross-check, roll up, compute flags, diff, patch the
changed tool cells into the file atomically and check it — on a date that moves
many flags. The obvious alternative writes exactly the same cells with openpyxl:
load the workbook, set the cells, save it. Each side runs in a fresh process on a
fresh copy; the table shows wall time (imports excluded) and the process's peak
RSS (interpreter and imports included), and the ratios ours/openpyxl. With
``--repeat N`` each side's best of N runs is shown.

    python benchmarks/bench_sync.py [--sizes 1000 10000 50000] [--repeat 1]

``--process`` measures as a user times it instead: the whole ``sheets-sync sync``
process, start-up included, against a whole process that loads the workbook with
openpyxl, sets the same cells and saves it; the two run alternately, each on a
fresh copy, and the table shows the medians of wall time, CPU time (user + system)
and peak RSS. Both shapes of the roadmap are measured: as openpyxl writes it
(inline strings) and re-saved by LibreOffice headless (a shared-string table, as
Excel and LibreOffice write it). The sync runs as a person runs it, printing its
text summary. Then a sync with nothing to change (the same date again on a synced
copy): read in full (``--full``, as the first sync of a day does), and answered from
the idle memo (the same bytes synced again that day); and ``watch --once`` over 20
copies whose modification time was touched since the last run, content unchanged.
First of all, a sync of the same roadmap without its initiatives (the row counted
0): what every sync pays before its rows. Last, the floor on the same file, three
whole processes: ``stack`` (Python, click, pydantic and one row model defined),
``rewrite`` (that, plus the biggest sheet inflated and deflated again and the file
copied) and ``scan`` (that, plus every cell's reference found as the sheet streams
by) -- less than any sync under this design can cost.

    python benchmarks/bench_sync.py --process [--sizes 10000 50000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measure import peak_rss_mb, run_child  # noqa: E402  (beside this script)

BUILT_ON = dt.date(2027, 1, 4)  # flags as the workbook was generated
SYNC_ON = dt.date(2027, 2, 20)  # a later sync: schedules, statuses and due dates move


def build(path: Path, rows: int) -> None:
    """An example roadmap whose Initiatives sheet is filled to ``rows`` rows."""
    from sheets_sync.backends.xlsx.render import render_xlsx
    from sheets_sync.core.calendar import Quarter
    from sheets_sync.core.layout import load_layout
    from sheets_sync.quarter.example import example_content, with_initiatives
    from sheets_sync.quarter.new_plan import Options, build_plan

    options = Options(Quarter(2027, 1), "b2b", "en", 60000.0, 100000.0, example=True)
    content = with_initiatives(example_content(options, load_layout()), rows)
    render_xlsx(build_plan(options, BUILT_ON, content=content), path)
    add_own_columns(path, rows)


# Marketers add columns of their own beside ours; with them the sheet is 20 wide.
OWN_COLUMNS = ("Channel", "Region", "Agency", "Brief link", "Last contact")
CHANNELS = ("Email", "Paid search", "Events", "Content", "Partners", "Social")


def add_own_columns(path: Path, rows: int) -> None:
    """Five columns of the marketer's own right of ours: text, a link, a date."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["Initiatives"]
    first = sheet.max_column + 1
    for offset, label in enumerate(OWN_COLUMNS):
        sheet.cell(2, first + offset, label)
    for n in range(rows):
        row = n + 3
        sheet.cell(row, first, CHANNELS[n % len(CHANNELS)])
        sheet.cell(row, first + 1, ("EMEA", "Americas", "APAC")[n % 3])
        sheet.cell(row, first + 2, f"Agency {n % 40 + 1}")
        sheet.cell(row, first + 3, f"https://briefs.example.com/{n + 1:05d}")
        cell = sheet.cell(row, first + 4, dt.date(2027, 1, 1) + dt.timedelta(days=n % 80))
        cell.number_format = "yyyy-mm-dd"
    book.save(path)


def planned_writes(path: Path) -> list[tuple[str, int, int, object]]:
    """The cells the sync will change, from a dry run: what openpyxl must write too."""
    from sheets_sync.api import sync_workbook
    from sheets_sync.core.cells import Formula

    report = sync_workbook(path, as_of=SYNC_ON, dry_run=True)
    return [
        (w.sheet, w.row, w.col, w.value.text if isinstance(w.value, Formula) else w.value)
        for w in report.changes
    ]


PHASES: dict[str, float] = {}  # our side's read and write, in seconds


class TimedBackend:
    """Our backend, noting how long its read and its write take.

    What is left of a sync's time is the core's: locate, validate, cross-check,
    flag and diff.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def read(self) -> Any:
        started = time.perf_counter()
        snapshot = self.inner.read()
        PHASES["read"] = time.perf_counter() - started
        return snapshot

    def write(self, snapshot: Any, writes: Any) -> Any:
        started = time.perf_counter()
        result = self.inner.write(snapshot, writes)
        PHASES["write"] = time.perf_counter() - started
        return result


def our_side(path: Path, writes_file: Path) -> int:
    from sheets_sync.api import open_backend, sync_workbook

    return sync_workbook(TimedBackend(open_backend(path)), as_of=SYNC_ON).cells_written


def openpyxl_side(path: Path, writes_file: Path) -> int:
    import openpyxl

    writes = json.loads(writes_file.read_text())
    book = openpyxl.load_workbook(path)
    for sheet, row, col, value in writes:
        if isinstance(value, str) and value.startswith("date:"):
            value = dt.date.fromisoformat(value[5:])
        book[sheet].cell(row, col).value = value
    book.save(path)
    return len(writes)


SIDES = {"ours": our_side, "openpyxl": openpyxl_side}


def child(side: str, path: Path, writes_file: Path) -> None:
    if side == "ours":
        import sheets_sync.api  # noqa: F401  (imports are not part of the timing)
    else:
        import openpyxl  # noqa: F401
    started = time.perf_counter()
    cells = SIDES[side](path, writes_file)
    seconds = time.perf_counter() - started
    print(
        json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "cells": cells, "phases": PHASES})
    )


def measure(side: str, source: Path, writes_file: Path, folder: Path) -> dict[str, Any]:
    work = folder / f"{side}.xlsx"
    shutil.copyfile(source, work)
    return run_child(__file__, side, str(work), str(writes_file))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--repeat", type=int, default=None, help="runs per side")
    parser.add_argument("--process", action="store_true", help="whole processes, medians")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--blank", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        side, path, writes_file = args.child
        child(side, Path(path), Path(writes_file))
    elif args.prepare:
        prepare(Path(args.prepare[0]), int(args.prepare[1]))
    elif args.blank:
        build(Path(args.blank), 0)  # the same roadmap without one initiative
    elif args.process:
        from bench_process import process_main

        process_main(args.sizes or [10_000, 50_000], args.repeat or 5)
    else:
        work_main(args.sizes or [1000, 10_000, 50_000], args.repeat or 1)


def prepare(folder: Path, rows: int) -> None:
    """Build both shapes of the roadmap in ``folder``, and the cells a sync changes."""
    source = folder / "openpyxl" / "roadmap.xlsx"
    source.parent.mkdir(parents=True)
    build(source, rows)
    resave_with_libreoffice(source, folder / "libreoffice")
    for shape in ("openpyxl", "libreoffice"):
        path = folder / shape / "roadmap.xlsx"
        writes = [
            (s, r, c, f"date:{v.isoformat()}" if isinstance(v, dt.date) else v)
            for s, r, c, v in planned_writes(path)
        ]
        (folder / shape / "writes.json").write_text(json.dumps(writes))


def resave_with_libreoffice(source: Path, folder: Path) -> None:
    """``soffice --headless --convert-to xlsx``: the workbook as LibreOffice saves it."""
    import subprocess

    folder.mkdir()
    profile = folder.parent / "lo-profile"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,  # its warnings (no Java, say) only if the conversion fails
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"soffice could not re-save {source}:\n{done.stderr}")


def work_main(sizes: list[int], repeat: int) -> None:
    """The work alone, in fresh processes: the best of ``repeat`` runs per side."""
    header = (
        f"{'rows':>7} {'cells':>6} | {'sync s':>7} {'openpyxl s':>10} {'time':>7} | "
        f"{'sync MB':>7} {'openpyxl MB':>11} {'memory':>6}"
    )
    print(header)
    print("-" * len(header))
    split: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        folder = Path(tmp)
        for rows in sizes:
            source = folder / f"roadmap-{rows}.xlsx"
            build(source, rows)
            writes = planned_writes(source)
            writes_file = folder / f"writes-{rows}.json"
            writes_file.write_text(
                json.dumps(
                    [
                        (s, r, c, f"date:{v.isoformat()}" if isinstance(v, dt.date) else v)
                        for s, r, c, v in writes
                    ]
                )
            )
            best: dict[str, dict[str, float]] = {}
            for side in SIDES:
                runs = [measure(side, source, writes_file, folder) for _ in range(repeat)]
                fastest = min(runs, key=lambda r: float(r["seconds"]))
                best[side] = {
                    "seconds": fastest["seconds"],
                    "peak_mb": min(r["peak_mb"] for r in runs),
                    "cells": runs[0]["cells"],
                    **{f"phase_{k}": v for k, v in (fastest.get("phases") or {}).items()},
                }
            split[rows] = best["ours"]
            ours, opx = best["ours"], best["openpyxl"]
            assert ours["cells"] == opx["cells"] == len(writes), (ours, opx, len(writes))
            print(
                f"{rows:>7} {len(writes):>6} | {ours['seconds']:>7.3f} "
                f"{opx['seconds']:>10.3f} {ours['seconds'] / opx['seconds']:>6.3f}x | "
                f"{ours['peak_mb']:>7.1f} {opx['peak_mb']:>11.1f} "
                f"{ours['peak_mb'] / opx['peak_mb']:>5.2f}x"
            )
    print(
        "\nour fastest run, seconds: read | the rest (locate, validate, flag, diff, report) | write"
    )
    for rows, ours in split.items():
        read, write = ours.get("phase_read", 0.0), ours.get("phase_write", 0.0)
        core = ours["seconds"] - read - write
        print(f"{rows:>7} | {read:6.3f} | {core:6.3f} | {write:6.3f}")


if __name__ == "__main__":
    main()
