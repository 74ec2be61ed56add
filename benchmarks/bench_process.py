"""``bench_sync.py --process``: whole processes as a user times them.

This side imports neither sheets_sync nor openpyxl, so its own memory stays out
of the children's: a child's peak RSS comes from ``wait4`` and, on Linux, starts
from the parent's resident size at the fork. The roadmaps are built by a child
too (``bench_sync.py --prepare``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "bench_sync.py"
SYNC_ON = "2027-02-20"  # bench_sync.SYNC_ON
SHAPES = ("openpyxl", "libreoffice")
WATCHED = 20
CACHE = tempfile.mkdtemp(prefix="bench-process-cache-")  # the idle memos of these runs
WROTE = re.compile(r"^Wrote (\d+) cell", re.MULTILINE)

OPENPYXL = """
import datetime as dt, json, sys
import openpyxl
path, writes_file = sys.argv[1:3]
book = openpyxl.load_workbook(path)
for sheet, row, col, value in json.loads(open(writes_file).read()):
    if isinstance(value, str) and value.startswith("date:"):
        value = dt.date.fromisoformat(value[5:])
    book[sheet].cell(row, col).value = value
book.save(path)
"""


# The least any process pays that does a sync's job under this design, in three steps
# (each a whole process, like the runs it is set beside):
#   stack   -- Python with click and pydantic loaded and one row model defined: what
#              validating rows into pydantic models behind a click command costs
#              before a byte of the workbook is touched;
#   rewrite -- stack, then the biggest sheet inflated and deflated again (zlib-ng,
#              level 5, as ours) and the file copied: what writing one cell of that
#              sheet costs any tool, since a ZIP member is compressed whole;
#   scan    -- rewrite, and each cell's reference found by one regular expression
#              as the sheet streams by: less than any reader of the cells does, as
#              no value is read or made.
FLOOR = """
import re, shutil, struct, sys, zipfile
import click
from pydantic import BaseModel
from zlib_ng import zlib_ng as zlib


class Row(BaseModel):
    title: str
    budget: float | None = None


step, src, dst = sys.argv[1:4]
cells = 0
if step != "stack":
    CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
    with zipfile.ZipFile(src) as package:
        sheets = [i for i in package.infolist() if i.filename.startswith("xl/worksheets/")]
        info = max(sheets, key=lambda i: i.file_size)
    with open(src, "rb") as raw:
        raw.seek(info.header_offset + 26)
        name, extra = struct.unpack("<HH", raw.read(4))
        raw.seek(name + extra, 1)
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        deflate = zlib.compressobj(5, zlib.DEFLATED, -zlib.MAX_WBITS)
        left, tail = info.compress_size, b""
        while left:
            chunk = inflate.decompress(raw.read(min(left, 1 << 15)))
            left -= min(left, 1 << 15)
            deflate.compress(chunk)
            if step == "scan":
                piece = tail + chunk
                cut = piece.rfind(b"</row>") + 6
                cells += len(CELL.findall(piece, 0, cut))
                tail = piece[cut:]
        deflate.flush()
    shutil.copyfile(src, dst)
print(cells)
"""
FLOOR_STEPS = ("stack", "rewrite", "scan")


class Run:
    """One finished process: wall seconds, CPU seconds (user + system), peak MB."""

    def __init__(self, wall: float, cpu: float, peak_mb: float, out: str) -> None:
        self.wall, self.cpu, self.peak_mb, self.out = wall, cpu, peak_mb, out


def run(argv: list[str], cwd: Path | None = None) -> Run:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SHEETS_SYNC_CACHE_DIR=CACHE)
    # What the child logs (``watch`` logs every run) is kept aside, shown if it fails.
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=err, env=env, cwd=cwd, text=True
        )
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0,):
            err.seek(0)
            logged = err.read().decode(errors="replace")
            raise SystemExit(
                f"{' '.join(argv)} exited {proc.returncode}:\n{out[-2000:]}{logged[-2000:]}"
            )
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def sync(path: Path, *extra: str) -> Run:
    return run([sys.executable, "-m", "sheets_sync", "sync", str(path), *extra])


def median(runs: list[Run]) -> tuple[float, float, float]:
    return (
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.peak_mb for r in runs),
    )


def compare(rows: int, shape: str, folder: Path, repeat: int) -> dict[str, tuple[float, ...]]:
    """Full sync vs openpyxl, alternating, each on a fresh copy; then a sync with
    nothing to change, read in full (``--full``, as the first sync of a day) and
    answered from the idle memo (a repeated sync of the same bytes on the same day).
    Last, the floor (see FLOOR) on the same file."""
    source = folder / shape / "roadmap.xlsx"
    writes = folder / shape / "writes.json"
    work = folder / shape / "work.xlsx"
    expected = len(json.loads(writes.read_text()))
    ours, theirs = [], []
    for _ in range(repeat):
        shutil.copyfile(source, work)
        done = sync(work, "--as-of", SYNC_ON)  # as a person runs it: the text summary
        wrote = WROTE.search(done.out)
        assert wrote and int(wrote.group(1)) == expected, done.out[-500:]
        ours.append(done)
        shutil.copyfile(source, work)
        theirs.append(run([sys.executable, "-c", OPENPYXL, str(work), str(writes)]))
    shutil.copyfile(source, work)
    sync(work, "--as-of", SYNC_ON)
    full = [sync(work, "--as-of", SYNC_ON, "--full") for _ in range(repeat)]
    sync(work, "--as-of", SYNC_ON)  # a sync that writes nothing keeps the idle memo
    idle = [sync(work, "--as-of", SYNC_ON) for _ in range(repeat)]
    assert "Wrote 0 cell" in idle[0].out and all(r.out == idle[0].out for r in [*full, *idle])
    copy = folder / shape / "floor.xlsx"
    floors = {}
    for step in FLOOR_STEPS:
        argv = [sys.executable, "-c", FLOOR, step, str(source), str(copy)]
        floors[step] = median([run(argv) for _ in range(repeat)])
    return {
        "sync": median(ours),
        "openpyxl": median(theirs),
        "no-change": median(full),
        "idle": median(idle),
        **floors,
    }


def watch_touched(source: Path, folder: Path, repeat: int) -> tuple[float, float, float]:
    """``watch --once`` over copies touched (mtime moved, content not) since the last run."""
    books = folder / "watched"
    books.mkdir()
    entries = []
    for n in range(WATCHED):
        shutil.copyfile(source, books / f"roadmap{n:02d}.xlsx")
        entries.append(f'[[workbooks]]\nname = "r{n:02d}"\npath = "roadmap{n:02d}.xlsx"\n')
    config = books / "sheets_sync.toml"
    config.write_text(f'state_dir = "{books / "state"}"\n\n' + "\n".join(entries))
    argv = [sys.executable, "-m", "sheets_sync", "watch", "--once", "--config", str(config)]
    run(argv)  # the day's full sync of each
    runs = []
    for _ in range(repeat):
        for path in books.glob("*.xlsx"):
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        runs.append(run(argv))
    return median(runs)


def help_time(repeat: int) -> tuple[float, float, float]:
    return median([run([sys.executable, "-m", "sheets_sync", "--help"]) for _ in range(repeat)])


def blank_sync(folder: Path, repeat: int) -> tuple[float, float, float]:
    """A sync of the benchmark's roadmap without its initiatives, each on a fresh copy:
    what every sync pays before its rows (start-up, the templates, the other sheets)."""
    source, work = folder / "blank.xlsx", folder / "blank-work.xlsx"
    run([sys.executable, str(SCRIPT), "--blank", str(source)])
    runs = []
    for _ in range(repeat):
        shutil.copyfile(source, work)
        runs.append(sync(work, "--as-of", SYNC_ON))
    return median(runs)


def compile_package() -> None:
    """Byte-compile sheets_sync, as pip does when it installs a package (openpyxl's
    own modules were compiled so): an editable checkout run with
    PYTHONDONTWRITEBYTECODE set would otherwise compile every module from source
    in every run, some 60-80 ms of start-up that no installed copy pays."""
    argv = [sys.executable, "-m", "compileall", "-q", str(ROOT / "sheets_sync")]
    subprocess.run(argv, check=True)


def process_main(sizes: list[int], repeat: int) -> None:
    compile_package()
    print(f"load average at start: {os.getloadavg()[0]:.2f}; medians of {repeat} runs")
    head = f"{'rows':>6} {'shape':<11} {'run':<9} | {'wall s':>7} {'cpu s':>7} {'peak MB':>7}"
    head += f" | {'wall':>6} {'cpu':>6} {'memory':>6}  (x openpyxl)"
    print(head)
    print("-" * len(head))
    wall, cpu, peak = help_time(repeat)
    print(f"{'':>6} {'':<11} {'--help':<9} | {wall:7.3f} {cpu:7.3f} {peak:7.1f} |")
    with tempfile.TemporaryDirectory(prefix="bench-process-") as tmp:
        wall, cpu, peak = blank_sync(Path(tmp), repeat)
        print(f"{0:>6} {'':<11} {'sync':<9} | {wall:7.3f} {cpu:7.3f} {peak:7.1f} |", flush=True)
        for rows in sizes:
            folder = Path(tmp) / str(rows)
            folder.mkdir()
            run([sys.executable, str(SCRIPT), "--prepare", str(folder), str(rows)])
            for shape in SHAPES:
                figures = compare(rows, shape, folder, repeat)
                base = figures["openpyxl"]
                for name, (w, c, m) in figures.items():
                    line = f"{rows:>6} {shape:<11} {name:<9} | {w:7.3f} {c:7.3f} {m:7.1f}"
                    if name != "openpyxl":
                        line += f" | {w / base[0]:6.3f} {c / base[1]:6.3f} {m / base[2]:6.3f}"
                    print(line, flush=True)
            if rows == 10_000:
                source = folder / "libreoffice" / "roadmap.xlsx"
                w, c, m = watch_touched(source, folder, repeat)
                print(
                    f"watch --once, {WATCHED} touched-but-unchanged {rows}-row workbooks "
                    f"(LibreOffice shape): {w:.3f} s wall, {c:.3f} s CPU, {m:.1f} MB peak",
                    flush=True,
                )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
