"""The watcher's metric values: one run's, shared by the change check and the sync.

Workbooks synced within :data:`METRICS_REFRESH` of a run's first share its values,
so each metric is read once per run however many workbooks use it. The change
check folds a digest of a workbook's values into its fingerprint: a workbook
nobody edited is still synced when a metric its goals use has moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING

from sheets_sync.core.measured import Measurements
from sheets_sync.jobs.config import WorkbookConfig

if TYPE_CHECKING:
    from sheets_sync.sources.registry import Refreshing

METRICS_REFRESH = dt.timedelta(minutes=5)
_runs: dict[str, Refreshing] = {}  # by the metrics config, for the watcher's life


def measured_for(workbook: WorkbookConfig, as_of: dt.date) -> Measurements | None:
    """The run's metric values for ``workbook`` (None: no metrics are configured)."""
    if workbook.metrics is None:
        return None
    from sheets_sync.sources.registry import Refreshing  # requests, only when measuring

    key = workbook.metrics.model_dump_json()
    runs = _runs.setdefault(key, Refreshing(workbook.metrics, METRICS_REFRESH))
    return runs.measure(as_of)


def measured_digest(workbook: WorkbookConfig, as_of: dt.date) -> str | None:
    """A short digest of the values :func:`measured_for` gives (None: no metrics)."""
    measured = measured_for(workbook, as_of)
    if measured is None:
        return None
    values = sorted(
        (name, m.value, m.on.isoformat() if m.on else None, m.error) for name, m in measured.items()
    )
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]
