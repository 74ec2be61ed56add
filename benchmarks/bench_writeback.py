"""Write-back benchmark: our read + patch against openpyxl load + edit + save.

Builds workbooks of 1k, 10k and 50k rows x 20 columns (text, numbers, dates and
formulas with cached values) with XlsxWriter, then writes ~5% of the rows in three
columns (the tool's own status columns) both ways. Every measurement runs in a fresh
subprocess: the wall time of the operation itself (imports excluded) and the
child's peak RSS, interpreter and imports included on both sides.

Peak RSS is the child's own ``VmHWM`` from /proc: Linux carries the parent's
high-water mark into ``ru_maxrss`` across fork and exec, so ``wait4`` or
``RUSAGE_CHILDREN`` would report the (large) benchmark parent instead. Elsewhere
the child's ``ru_maxrss`` is used.

    python benchmarks/bench_writeback.py [--sizes 1000 10000 50000] [--repeat 1]

``our_side`` is the one function to swap when the benchmark measures a full sync.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measure import peak_rss_mb, run_child  # noqa: E402  (beside this script)

SHEET = "Roadmap"
COLS = 20
TOOL_COLUMNS = (18, 19, 20)  # the columns a sync writes
SHARE = 20  # one row in 20 changes: ~5%


def build(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet(SHEET)
    start = dt.datetime(2025, 1, 1)
    for r in range(rows):
        for c in range(COLS):
            kind = c % 5
            if kind == 0:
                ws.write_string(r, c, f"text {r} {c}")
            elif kind == 1:
                ws.write_number(r, c, r * 1.5)
            elif kind == 2:
                ws.write_datetime(r, c, start + dt.timedelta(days=r % 300), date)
            elif kind == 3:
                ws.write_formula(r, c, f"=B{r + 1}*2", None, r * 3.0)
            else:
                ws.write_number(r, c, r)
    wb.close()


def changes(rows: int) -> list[tuple[int, int, object]]:
    """The cells to write: (row, column, value), 1-based."""
    out: list[tuple[int, int, object]] = []
    for r in range(2, rows + 1, SHARE):
        out.append((r, TOOL_COLUMNS[0], f"over budget by {r}"))
        out.append((r, TOOL_COLUMNS[1], r * 0.25))
        out.append((r, TOOL_COLUMNS[2], dt.date(2025, 6, 1) + dt.timedelta(days=r % 90)))
    return out


def our_side(path: Path, rows: int) -> None:
    """Read the workbook and patch the changed cells back (what a sync does to the file)."""
    from sheets_sync.backends.xlsx import XlsxBackend
    from sheets_sync.core.cells import CellWrite

    backend = XlsxBackend(path, backups=0)
    snapshot = backend.read()
    writes = [CellWrite(SHEET, r, c, v) for r, c, v in changes(rows)]  # type: ignore[arg-type]
    backend.write(snapshot, writes)


def openpyxl_side(path: Path, rows: int) -> None:
    """The usual way: load everything, set the cells, save everything."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    for r, c, v in changes(rows):
        ws.cell(r, c).value = v
    wb.save(path)


SIDES = {"ours": our_side, "openpyxl": openpyxl_side}


def child(side: str, path: Path, rows: int) -> None:
    if side == "ours":
        import sheets_sync.backends.xlsx  # noqa: F401  (imports are not part of the timing)
    else:
        import openpyxl  # noqa: F401
    started = time.perf_counter()
    SIDES[side](path, rows)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb()}))


def measure(side: str, source: Path, rows: int, folder: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one run in a fresh process, on a fresh copy."""
    work = folder / f"{side}-{rows}.xlsx"
    shutil.copyfile(source, work)
    result = run_child(__file__, side, str(work), str(rows))
    return result["seconds"], result["peak_mb"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per cell")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        side, path, rows = args.child
        child(side, Path(path), int(rows))
        return
    print(f"{len(changes(1000)) // 3 * 100 // 1000}% of rows x {len(TOOL_COLUMNS)} columns written")
    header = (
        f"{'rows':>7} {'cells':>6} | {'ours s':>7} {'openpyxl s':>10} {'time':>6} | "
        f"{'ours MB':>7} {'openpyxl MB':>11} {'memory':>6}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="bench-writeback-") as tmp:
        folder = Path(tmp)
        for rows in args.sizes:
            source = folder / f"source-{rows}.xlsx"
            build(source, rows)
            results = {}
            for side in SIDES:
                runs = [measure(side, source, rows, folder) for _ in range(args.repeat)]
                results[side] = (min(r[0] for r in runs), min(r[1] for r in runs))
            (ours_s, ours_mb), (opx_s, opx_mb) = results["ours"], results["openpyxl"]
            print(
                f"{rows:>7} {len(changes(rows)):>6} | {ours_s:>7.3f} {opx_s:>10.3f} "
                f"{ours_s / opx_s:>5.3f}x | {ours_mb:>7.1f} {opx_mb:>11.1f} "
                f"{ours_mb / opx_mb:>5.2f}x"
            )


if __name__ == "__main__":
    main()
