"""What ``sheets-sync metrics`` shows: each configured metric, read once, as rows or text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sheets_sync.core.measured import Measurement
from sheets_sync.sources.config import MetricsConfig


def metric_rows(config: MetricsConfig, measured: Mapping[str, Measurement]) -> list[dict[str, Any]]:
    """One row per metric in config order: its source, value, day and error (JSON-ready)."""
    rows = []
    for metric in config.metrics:
        found = measured[metric.name]
        source = config.sources[metric.source]
        rows.append(
            {
                "name": metric.name,
                "source": metric.source,
                "type": source.type,
                "value": found.value,
                "on": found.on.isoformat() if found.on else None,
                "error": found.error,
            }
        )
    return rows


def render_metrics(rows: list[dict[str, Any]]) -> str:
    """Plain text, one line per metric: ``name (source): value on day`` or why it failed."""
    if not rows:
        return "No metrics are configured."
    lines = []
    for row in rows:
        where = f"{row['name']} ({row['source']}, {row['type']})"
        value = "no value" if row["value"] is None else f"{row['value']:g} on {row['on']}"
        if row["error"] is None:
            lines.append(f"OK      {where}: {value}")
        else:
            kept = "" if row["value"] is None else f"; last good {value}"
            lines.append(f"FAILED  {where}: {row['error']}{kept}")
    return "\n".join(lines)
