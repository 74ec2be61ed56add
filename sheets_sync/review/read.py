"""Reading a workbook for its review: the roadmap read back, plus what only the sync sees.

The roadmap (:func:`~sheets_sync.quarter.read_back.roadmap_of`) holds the rows
that carry over; a review also shows the checklist and the measured value each
goal's progress uses, which only the sync's own walk of the sheets reads. Both
come from one computation of one snapshot: the workbook is read and computed once.
Pure: a snapshot in, a report out.
"""

from __future__ import annotations

import datetime as dt

from sheets_sync.core.cells import WorkbookSnapshot
from sheets_sync.core.checklist import Checklist, load_checklist
from sheets_sync.core.layout import Layout, load_layout
from sheets_sync.core.measured import Measurement
from sheets_sync.core.models import ChecklistRow, Goal
from sheets_sync.core.parsing import match_key
from sheets_sync.quarter.read_back import roadmap_of
from sheets_sync.review.model import Kind, ReviewReport, build_review
from sheets_sync.sync.compute import compute
from sheets_sync.sync.locate import locate
from sheets_sync.sync.measured import written_measurement


def read_review(
    snapshot: WorkbookSnapshot,
    *,
    as_of: dt.date,
    kind: Kind | None = None,
    layout: Layout | None = None,
    checklist: Checklist | None = None,
) -> ReviewReport:
    """The review of the roadmap in ``snapshot`` on ``as_of``; ``kind`` defaults from the date.

    Raises what :func:`~sheets_sync.quarter.read_back.read_roadmap` raises: an
    incomplete Overview, or invalid rows in the sheets that carry over.
    """
    layout = layout or load_layout()
    checklist = checklist or load_checklist()
    located = locate(snapshot, layout)
    outcome = compute(located, layout, checklist, as_of)  # once, for the roadmap and the rest
    roadmap = roadmap_of(snapshot.source, located, outcome, layout=layout, as_of=as_of)
    tasks = [m for _, m in outcome.parsed["checklist"].valid() if isinstance(m, ChecklistRow)]
    measured: dict[str, Measurement] = {}
    seen_on: dict[str, dt.date] = {}
    for row, model in outcome.parsed["goals"].valid():
        if not isinstance(model, Goal) or not model.id:
            continue
        seen = outcome.desired.get(("goals", row.number, "seen_on"))
        if isinstance(seen, dt.date):
            seen_on[match_key(model.id)] = seen
        found = written_measurement(row) if model.data_source else None
        if found is not None:
            measured[match_key(model.id)] = found
    return build_review(
        roadmap,
        as_of=as_of,
        checklist_rows=tasks,
        checklist=checklist,
        measured=measured,
        seen_on=seen_on,
        kind=kind,
    )
