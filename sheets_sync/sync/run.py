"""One sync: read → locate → compute, diffing each value as decided → write. No backend known."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sheets_sync.backends.protocol import Backend, WriteResult
from sheets_sync.core.checklist import Checklist, load_checklist
from sheets_sync.core.gc_pause import gc_paused
from sheets_sync.core.layout import Layout, load_layout
from sheets_sync.core.measured import Measurements
from sheets_sync.sync.attention import Watch
from sheets_sync.sync.compute import Outcome, Overrides, compute
from sheets_sync.sync.diff import Differ
from sheets_sync.sync.locate import Located, locate
from sheets_sync.sync.panels import Seen, fill_panels, glance, seen_by
from sheets_sync.sync.report import SyncReport, build_report


def sync(
    backend: Backend,
    *,
    as_of: dt.date,
    dry_run: bool = False,
    layout: Layout | None = None,
    checklist: Checklist | None = None,
    overrides: Overrides | None = None,
    measured: Measurements | None = None,
) -> SyncReport:
    """Bring the tool's cells of one workbook up to date on ``as_of``.

    Writes only tool cells whose value changed, in one batch; ``dry_run`` writes
    nothing and reports what would change. Raises a ``SheetsSyncError`` child when
    the workbook cannot be synced at all; invalid rows are not errors, they are
    reported and flagged on their rows. ``measured``: the run's metric values by
    name, for the goals that name one (None: no metrics configured).
    """
    layout = layout or load_layout()
    checklist = checklist or load_checklist()
    # Everything that holds the workbook's rows runs with the collector paused; it
    # resumes once they are dropped, so it never walks them.
    with gc_paused():
        snapshot = backend.read()
        located = locate(snapshot, layout)
        titles = {key: table.title for key, table in located.tables.items()}
        missing = [key for key, table in located.tables.items() if not table.columns]
        outcome, differ, seen = _decide(located, layout, checklist, as_of, overrides, measured)
        changes = differ.writes(located)
        cell_changes = differ.changes(located)
        # The rows are done with: dropped here, their memory serves the write.
        emptied = replace(snapshot, sheets=[])
        attention = seen.attention
        del snapshot, located, differ, seen
        written = WriteResult() if dry_run else backend.write(emptied, changes)
        report = build_report(
            emptied.source,
            outcome,
            layout,
            as_of,
            dry_run=dry_run,
            changes=changes,
            write=written,
            titles=titles,
            cell_changes=cell_changes,
            attention=attention,
            missing_sheets=missing,
        )
        del outcome
    return report


def _decide(
    located: Located,
    layout: Layout,
    checklist: Checklist,
    as_of: dt.date,
    overrides: Overrides | None,
    measured: Measurements | None,
) -> tuple[Outcome, Differ, Seen]:
    """Every tool cell's value, handed as decided to the differ (which keeps those that
    changed), through what notes the rows that need a person and fills the panels."""
    differ = Differ()
    noted = glance(layout)
    watch = Watch(layout)
    outcome = compute(
        located,
        layout,
        checklist,
        as_of,
        overrides,
        sink=differ,
        watchers=(noted.watched(), watch.watched()),
        keep_models=False,
        measured=measured,
    )
    titles = {key: table.title for key, table in located.tables.items()}
    seen = seen_by(outcome, watch, noted, titles, as_of)
    fill_panels(located, layout, seen, differ)
    return outcome, differ, seen
