"""Review report benchmark: ``sheets-sync report`` on the example and on a 10k-initiative roadmap.

The roadmap is the example built by ``generate`` (its Initiatives sheet filled to
the given number of rows, as ``bench_sync.py`` builds it; 0 keeps the example's
own seven). Each size runs in a fresh process, as a user runs the command: read
the workbook and build the review, draw the page with its charts, then lay it
out as a PDF when WeasyPrint is installed. Times exclude the imports of the
process's start but include matplotlib's and WeasyPrint's, which are imported
only when a report is drawn. The page summarises: its size must not grow with
the rows (overdue initiatives show their first 20 and a count).

    python benchmarks/bench_report.py [--sizes 0 10000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measure import peak_rss_mb, run_child  # noqa: E402  (beside this script)

REVIEW_ON = dt.date(2027, 3, 17)  # the final review of 2027-Q1


def build(path: Path, rows: int) -> None:
    from sheets_sync.api import generate_xlsx
    from sheets_sync.backends.xlsx.render import render_xlsx
    from sheets_sync.core.calendar import Quarter
    from sheets_sync.core.layout import load_layout
    from sheets_sync.quarter.example import example_content, with_initiatives
    from sheets_sync.quarter.new_plan import Options, build_plan

    built_on = dt.date(2027, 1, 4)
    options = Options(Quarter(2027, 1), "b2b", "en", 60000.0, 100000.0, example=True)
    if rows == 0:
        generate_xlsx(path, options, as_of=built_on)
        return
    content = with_initiatives(example_content(options, load_layout()), rows)
    for hypothesis in content["hypotheses"]:  # IN-003 is IN-00003 among the repeated rows
        link = hypothesis.get("initiative")
        if isinstance(link, str):
            hypothesis["initiative"] = f"IN-{int(link[3:]):05d}"
    render_xlsx(build_plan(options, built_on, content=content), path)


def child(path: Path, out: Path) -> None:
    from sheets_sync.api import review_workbook, write_review

    started = time.perf_counter()
    review = review_workbook(path, as_of=REVIEW_ON)
    read = time.perf_counter() - started
    write_review(review, out / "review.html")
    html = time.perf_counter() - started - read
    pdf: float | None = None
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        pass
    else:
        before = time.perf_counter()
        write_review(review, out / "review.pdf")
        pdf = time.perf_counter() - before
    size = (out / "review.html").stat().st_size
    print(json.dumps({"read": read, "html": html, "pdf": pdf, "bytes": size, "rss": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 10000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    header = (
        f"{'initiatives':>12}{'read+build':>12}{'html':>8}{'pdf':>8}{'page':>10}{'peak RSS':>10}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.sizes:
            path = Path(folder) / f"roadmap-{rows}.xlsx"
            build(path, rows)
            runs: list[dict[str, Any]] = [
                run_child(__file__, str(path), folder) for _ in range(args.repeat)
            ]
            best = min(runs, key=lambda r: r["read"] + r["html"] + (r["pdf"] or 0))
            pdf = "--" if best["pdf"] is None else f"{best['pdf']:.2f} s"
            print(
                f"{rows or 7:>12,}{best['read']:>10.2f} s{best['html']:>6.2f} s{pdf:>8}"
                f"{best['bytes'] / 1024:>7.0f} KB{best['rss']:>7.0f} MB"
            )


if __name__ == "__main__":
    main()
