"""CSV and JSON metric sources: a file on disk or at an http(s) URL.

The local default, and how other tools feed numbers in: a CSV export whose column
holds the metric (its last filled cell is the current value), or a JSON document
with the value at a path of keys and list indexes. Every failure is a
:class:`~sheets_sync.errors.MetricUnavailable` whose message says why in a few
words, for the goal's "Source status" cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

import requests

from sheets_sync.errors import MetricUnavailable
from sheets_sync.sources.config import MetricConfig, MetricsConfig, SourceConfig


def load_text(location: str, *, timeout: float, session: requests.Session | None = None) -> str:
    """The text at a local path or an http(s) URL."""
    if location.startswith(("http://", "https://")):
        return _download(location, timeout, session or requests.Session())
    try:
        return Path(location).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MetricUnavailable(f"file not found: {location}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MetricUnavailable(f"cannot read {location}: {exc}") from None


def _download(url: str, timeout: float, session: requests.Session) -> str:
    try:
        response = session.get(url, timeout=timeout)
    except requests.RequestException as exc:
        raise MetricUnavailable(f"cannot reach {url}: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise MetricUnavailable(f"HTTP {response.status_code} from {url}")
    response.encoding = response.encoding or "utf-8"
    return response.text


def csv_value(text: str, column: str) -> float:
    """The last filled cell of ``column`` (matched by its header, case aside)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None) or []
    names = [name.strip().casefold() for name in header]
    if column.strip().casefold() not in names:
        raise MetricUnavailable(f"no column {column!r}")
    at = names.index(column.strip().casefold())
    cells = [row[at].strip() for row in reader if len(row) > at and row[at].strip()]
    if not cells:
        raise MetricUnavailable(f"column {column!r} is empty")
    return _number(cells[-1], f"column {column!r}")


def json_value(text: str, path: str) -> float:
    """The number at ``path``: keys and list indexes joined by dots."""
    try:
        value: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MetricUnavailable(f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif (
            isinstance(value, list)
            and step.lstrip("-").isdigit()
            and -len(value) <= int(step) < len(value)
        ):
            value = value[int(step)]
        else:
            raise MetricUnavailable(f"no {path!r} in the JSON (stopped at {step!r})")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MetricUnavailable(f"{path!r} is not a number")
    return _number(str(value), repr(path))


def _number(text: str, where: str) -> float:
    try:
        number = float(text.replace(",", "").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        raise MetricUnavailable(f"{where} holds {text!r}, not a number") from None
    if not math.isfinite(number):
        raise MetricUnavailable(f"{where} holds {text!r}, not a number")
    return number


class TabularReader:
    """Reads CSV/JSON metrics, loading each location once however many metrics it holds."""

    def __init__(self, config: MetricsConfig, session: requests.Session | None = None) -> None:
        self.config = config
        self.session = session
        self._texts: dict[str, str | MetricUnavailable] = {}

    def value(self, metric: MetricConfig, source: SourceConfig, today: dt.date) -> float:
        text = self._text(source)
        if source.type == "csv":
            return csv_value(text, metric.column or "")
        return json_value(text, metric.path or "")

    def _text(self, source: SourceConfig) -> str:
        location = self.config.resolve(source)
        if location not in self._texts:
            try:
                self._texts[location] = load_text(
                    location, timeout=source.timeout, session=self.session
                )
            except MetricUnavailable as exc:
                self._texts[location] = exc
        found = self._texts[location]
        if isinstance(found, MetricUnavailable):
            raise MetricUnavailable(str(found))
        return found
