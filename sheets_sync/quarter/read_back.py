"""Reading a roadmap back: a whole workbook as plain, validated models (next-quarter's start).

Reading runs the same computation a sync runs (locate → parse → cross-check),
so a row is valid here exactly when the sync says OK on it. Pure: a snapshot in,
models out; nothing is written to the source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sheets_sync.core.calendar import Quarter
from sheets_sync.core.cells import WorkbookSnapshot
from sheets_sync.core.checklist import Checklist, load_checklist
from sheets_sync.core.layout import Lang, Layout, load_layout
from sheets_sync.core.models import (
    FocusArea,
    Goal,
    HistoryEntry,
    Hypothesis,
    Initiative,
    Overview,
    Owner,
    Review,
    RowModel,
)
from sheets_sync.errors import InvalidRows, NotARoadmap
from sheets_sync.sync.compute import Outcome, compute
from sheets_sync.sync.locate import Located, locate
from sheets_sync.sync.report import SyncReport, build_report

# Sheets whose rows move into the next quarter: an invalid row there would be lost.
CARRIED_SHEETS = (
    "focus_areas",
    "initiatives",
    "goals",
    "hypotheses",
    "owners",
    "review",
    "history",
)
SHOWN_PROBLEMS = 10


@dataclass(frozen=True)
class Roadmap:
    """One quarter's roadmap, every row valid, in sheet order."""

    location: str  # the file or spreadsheet it was read from
    quarter: Quarter
    lang: Lang
    overview: Overview
    focus_areas: tuple[FocusArea, ...]
    initiatives: tuple[Initiative, ...]
    goals: tuple[Goal, ...]
    hypotheses: tuple[Hypothesis, ...]
    owners: tuple[Owner, ...]
    reviews: tuple[Review, ...]
    history: tuple[HistoryEntry, ...]
    review_titles: tuple[str, str]  # the Review sheet's title and its decision column's label


def _refuse_invalid_rows(source: str, report: SyncReport) -> None:
    """Raise :class:`InvalidRows` when a row that would carry over has an error."""
    blocking = [p for p in report.problems if not p.warning and p.sheet in CARRIED_SHEETS]
    if not blocking:
        return
    lines = [
        f"{p.sheet_title} row {p.row}{f' ({p.row_id})' if p.row_id else ''}: {p.message}"
        for p in blocking[:SHOWN_PROBLEMS]
    ]
    more = len(blocking) - SHOWN_PROBLEMS
    if more > 0:
        lines.append(f"and {more} more")
    raise InvalidRows(
        f"{source} has {len(blocking)} invalid row(s) that would be carried over, "
        f"so no workbook was written: " + "; ".join(lines) + ".",
        "Fix them (a sync writes the same messages on their rows) and run again.",
    )


def read_roadmap(
    snapshot: WorkbookSnapshot,
    *,
    as_of: dt.date,
    layout: Layout | None = None,
    checklist: Checklist | None = None,
) -> Roadmap:
    """Validate every row of ``snapshot``.

    Raises :class:`InvalidRows` listing what to fix when a row that would carry
    over is invalid, rather than dropping it without a word.
    """
    layout = layout or load_layout()
    located = locate(snapshot, layout)
    outcome = compute(located, layout, checklist or load_checklist(), as_of)
    return roadmap_of(snapshot.source, located, outcome, layout=layout, as_of=as_of)


def roadmap_of(
    source: str, located: Located, outcome: Outcome, *, layout: Layout, as_of: dt.date
) -> Roadmap:
    """The roadmap in a computation already run: for a reader that needs its outcome too.

    Raises what :func:`read_roadmap` raises.
    """
    titles = {key: table.title for key, table in located.tables.items()}
    overview = outcome.overview
    if overview is None or overview.model is None or overview.quarter is None:
        raise NotARoadmap(
            f"{source}: the Overview is incomplete, so its quarter is unknown.",
            "Run `sheets-sync sync` on it and fix what the Overview's Check column says.",
        )
    report = build_report(source, outcome, layout, as_of, dry_run=True, changes=[], titles=titles)
    _refuse_invalid_rows(source, report)

    def models(key: str) -> list[RowModel]:
        return [model for _, model in outcome.parsed[key].valid()]

    review = layout.sheet("review")
    return Roadmap(
        location=source,
        quarter=overview.quarter,
        lang=outcome.lang,
        overview=overview.model,
        focus_areas=tuple(m for m in models("focus_areas") if isinstance(m, FocusArea)),
        initiatives=tuple(m for m in models("initiatives") if isinstance(m, Initiative)),
        goals=tuple(m for m in models("goals") if isinstance(m, Goal)),
        hypotheses=tuple(m for m in models("hypotheses") if isinstance(m, Hypothesis)),
        owners=tuple(m for m in models("owners") if isinstance(m, Owner)),
        reviews=tuple(m for m in models("review") if isinstance(m, Review)),
        history=tuple(m for m in models("history") if isinstance(m, HistoryEntry)),
        review_titles=(titles["review"], review.column("final_decision").label.get(outcome.lang)),
    )
