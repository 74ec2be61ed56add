"""Read benchmark: our reader against the other ways to read an .xlsx in Python.

Builds the sheet of ``bench_writeback.py`` (rows x 20 columns: text, numbers, dates,
formulas with cached values) and reads it in a fresh process per approach: wall
time of the read (imports excluded) and the child's peak RSS. ``calamine`` runs
when python-calamine is installed. ``ours-gc`` is our read with the cyclic garbage
collector left running (what :func:`sheets_sync.core.gc_pause.gc_paused` saves).

    python benchmarks/bench_read.py [--sizes 50000] [--repeat 1]

``--child APPROACH PATH`` runs one read (``none`` only imports), for a profiler:
see README.md for instruction counts with callgrind.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_writeback import build  # noqa: E402  (beside this script)
from measure import peak_rss_mb, run_child  # noqa: E402


def ours(path: Path) -> None:
    from sheets_sync.backends.xlsx.reader import read_xlsx

    read_xlsx(path)


def ours_sync(path: Path) -> None:
    """As a sync reads: only our columns below the header rows."""
    from sheets_sync.backends.xlsx.reader import read_xlsx
    from sheets_sync.core.layout import load_layout
    from sheets_sync.sync.locate import our_columns

    read_xlsx(path, our_columns(load_layout()))


def ours_gc(path: Path) -> None:
    from sheets_sync.backends.xlsx import reader

    setattr(reader, "gc_paused", contextlib.nullcontext)  # noqa: B010  (the collector runs)
    reader.read_xlsx(path)


def openpyxl_read_only(path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    book.close()


def pyexpat_empty(path: Path) -> None:
    """Parsing alone, with handlers that do nothing: no decoding at all."""
    import zipfile
    from xml.parsers import expat

    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/sheet"):
                parser = expat.ParserCreate()
                parser.StartElementHandler = lambda name, attrs: None
                parser.CharacterDataHandler = lambda data: None
                with package.open(name) as member:
                    parser.ParseFile(member)


def calamine(path: Path) -> None:
    """Cached values only: calamine never returns a formula."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def none(path: Path) -> None:
    """Imports only: subtracted from a read's count."""


APPROACHES: dict[str, Callable[[Path], None]] = {
    "ours": ours,
    "ours-sync": ours_sync,
    "ours-gc": ours_gc,
    "openpyxl": openpyxl_read_only,
    "pyexpat": pyexpat_empty,
    "calamine": calamine,
    "none": none,
}


def child(approach: str, path: Path) -> None:
    import openpyxl  # noqa: F401  (imports are not part of the timing)

    import sheets_sync.backends.xlsx.reader
    import sheets_sync.sync.locate  # noqa: F401
    from sheets_sync.core.layout import load_layout

    load_layout()  # nor is parsing the templates
    # What the imports allocated is set aside, so the collections during and after
    # the read depend on the read alone (instruction counts repeat across versions).
    gc.collect()
    gc.freeze()

    started = time.perf_counter()
    APPROACHES[approach](path)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb()}))


def available() -> list[str]:
    names = ["ours", "ours-gc", "openpyxl", "pyexpat"]
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return names
    return [*names, "calamine"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000])
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per cell")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        approach, path = args.child
        child(approach, Path(path))
        return
    print(f"{'rows':>7} {'approach':<10} {'seconds':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="bench-read-") as tmp:
        for rows in args.sizes:
            source = Path(tmp) / f"sheet-{rows}.xlsx"
            build(source, rows)
            for approach in available():
                runs = [run_child(__file__, approach, str(source)) for _ in range(args.repeat)]
                seconds = min(r["seconds"] for r in runs)
                peak = min(r["peak_mb"] for r in runs)
                print(f"{rows:>7} {approach:<10} {seconds:>8.3f} {peak:>8.1f}")


if __name__ == "__main__":
    main()
