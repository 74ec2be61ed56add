"""Zip-layer benchmark: inflating and deflating the sheet XML of a big workbook.

Builds the sheet of ``bench_writeback.py`` and, on its ``sheet1.xml``, times (best
of ``--repeat``, in this process):

* inflating it with zipfile's reader and with ``archive.members.member_blocks``;
* deflating it with zlib and zlib-ng at levels 5 and 6, with the packed sizes;
* ``archive.copy.Compressor`` with one worker thread and with two.

    python benchmarks/bench_zip.py [--rows 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_writeback import build  # noqa: E402  (beside this script)
from zlib_ng import zlib_ng  # noqa: E402

from sheets_sync.backends.xlsx.archive.copy import Compressor  # noqa: E402
from sheets_sync.backends.xlsx.archive.members import member_blocks  # noqa: E402
from sheets_sync.backends.xlsx.archive.source import open_source  # noqa: E402

PART = "xl/worksheets/sheet1.xml"
PIECE = 1 << 16


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-zip-") as tmp:
        path = Path(tmp) / "sheet.xlsx"
        build(path, args.rows)
        with zipfile.ZipFile(path) as package, open_source(path, versioned=False) as source:
            info = package.getinfo(PART)
            xml = package.read(info)
            zipfile_s = best(args.repeat, lambda: package.read(info))
            ours_s = best(args.repeat, lambda: list(member_blocks(package, source, info)))
    print(f"{PART}: {len(xml):,} bytes, {args.rows:,} rows")
    print(f"inflate  zipfile {zipfile_s:.3f} s   member_blocks {ours_s:.3f} s")
    pieces = [xml[at : at + PIECE] for at in range(0, len(xml), PIECE)]
    for name, engine in (("zlib", zlib), ("zlib-ng", zlib_ng)):
        for level in (5, 6):

            def packed(engine: object = engine, level: int = level) -> int:
                deflater = engine.compressobj(level, zlib.DEFLATED, -15)  # type: ignore[attr-defined]
                return sum(len(deflater.compress(p)) for p in pieces) + len(deflater.flush())

            seconds = best(args.repeat, packed)
            print(f"deflate  {name:<8} level {level}  {seconds:.3f} s  {packed():,} bytes")
    for workers in (1, 2):

        def compress(workers: int = workers) -> None:
            compressor = Compressor(pieces)
            compressor.workers = workers
            for _ in compressor:
                pass

        print(f"Compressor  {workers} worker(s)  {best(args.repeat, compress):.3f} s")


if __name__ == "__main__":
    main()
