"""How much of a sync's time per row pydantic's validation alone takes.

Builds the benchmark's roadmap with ``ROWS`` initiatives (as ``bench_sync.py`` does),
reads and locates it once, then validates every row of every rows sheet into its
row model exactly as a sync does (``validate_python`` on the row's model fields and
input cells, with the workbook's language as context) and prints the best of five
passes. Nothing else a sync does per row is in the figure: no reading, checks,
flags, diff or patch. ``benchmarks/README.md`` sets it beside the time the targets of
#14 leave for the rows.

    python benchmarks/bench_validate.py [ROWS ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_sync import build  # beside this script

from sheets_sync.api import open_backend
from sheets_sync.core.cells import CellValue
from sheets_sync.core.layout import load_layout
from sheets_sync.core.models import ROW_MODELS
from sheets_sync.sync.compute import _positions
from sheets_sync.sync.locate import locate

PASSES = 5

Batch = tuple[Callable[..., Any], list[dict[str, CellValue]]]


def batches(path: Path) -> list[Batch]:
    """Each rows sheet's validator and its rows' cells, as the sync hands them over."""
    located = locate(open_backend(path).read(), load_layout())
    out = []
    for key, table in located.tables.items():
        if key not in ROW_MODELS or not table.columns:
            continue
        model = ROW_MODELS[key]
        inputs = {c.key for c in table.spec.columns if not c.computed}
        positions = _positions(table, model, inputs)  # the cells the sync's walk reads
        rows = [row.filled_at(positions) for row in table.rows]
        rows = [values for values in rows if not inputs.isdisjoint(values)]
        out.append((model.__pydantic_validator__.validate_python, rows))
    return out


def best_pass(work: list[Batch]) -> float:
    best = float("inf")
    context = {"lang": "en"}
    for _ in range(PASSES):
        started = time.perf_counter()
        for validate, rows in work:
            for values in rows:
                try:  # noqa: SIM105  (a sync pays try, not a context manager)
                    validate(values, context=context)
                except ValueError:  # an invalid row costs its error, as in a sync
                    pass
        best = min(best, time.perf_counter() - started)
    return best


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        for size in sizes:
            path = Path(tmp) / f"roadmap-{size}.xlsx"
            build(path, size)
            work = batches(path)
            rows = sum(len(r) for _, r in work)
            seconds = best_pass(work)
            print(
                f"{size:>6} initiatives: {rows} rows validated in {seconds * 1000:.0f} ms "
                f"({seconds / rows * 1e6:.1f} µs a row, best of {PASSES})"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 50_000])
