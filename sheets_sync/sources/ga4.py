"""GA4 metrics: one Analytics Data API ``runReport`` per metric, the quarter to date.

The request asks for one metric (optionally where one dimension equals a value)
over the quarter that holds the run's day, through yesterday by default (GA4
keeps revising a day's data for a day or two), with no dimensions: the one row
is the total. ``returnPropertyQuota`` is set and the quota the property has left
is logged with each answer. 429 and 503 are retried (see :mod:`.retry`).

The v1beta REST endpoint through google-auth's ``AuthorizedSession`` (already
used for Google Sheets) rather than the ``google-analytics-data`` SDK: the SDK
pulls in grpcio and its protobuf stack for what is one JSON request. Credentials
are found as for Google Sheets (a key file, ``SHEETS_SYNC_CREDENTIALS``, or
Application Default Credentials) and asked for the ``analytics.readonly`` scope;
the service account must be a Viewer on the property.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import google.auth.exceptions
import requests
from google.auth.credentials import Credentials, with_scopes_if_required
from google.auth.transport.requests import AuthorizedSession

from sheets_sync.errors import CredentialsError, MetricUnavailable
from sheets_sync.sources.config import MetricConfig, MetricsConfig, SourceConfig
from sheets_sync.sources.hubspot import quarter_of
from sheets_sync.sources.retry import Hooks, RetryPolicy, send

log = logging.getLogger("sheets_sync.sources")

API_URL = "https://analyticsdata.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/analytics.readonly"

CredentialsFor = Callable[[SourceConfig], Credentials]


def report_request(metric: MetricConfig, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The runReport body: one metric, one date range, no dimensions, the quota asked for."""
    body: dict[str, Any] = {
        "dateRanges": [{"startDate": start.isoformat(), "endDate": end.isoformat()}],
        "metrics": [{"name": metric.metric}],
        "returnPropertyQuota": True,
    }
    if metric.dimension is not None:
        body["dimensionFilter"] = {
            "filter": {
                "fieldName": metric.dimension,
                "stringFilter": {"matchType": "EXACT", "value": metric.equals},
            }
        }
    return body


def report_total(answer: dict[str, Any]) -> float:
    """The metric's value in a runReport answer: its one row (no row: nothing counted)."""
    rows = answer.get("rows") or []
    if not rows:
        return 0.0
    try:
        return float(rows[0]["metricValues"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise MetricUnavailable("GA4's answer holds no metric value") from None


def quota_line(property_id: str, answer: dict[str, Any]) -> str | None:
    """What the property has left of each quota the answer reports, for the log."""
    quota = answer.get("propertyQuota")
    if not isinstance(quota, dict) or not quota:
        return None
    parts = [
        f"{name} {status.get('consumed', 0)} used, {status.get('remaining', '?')} left"
        for name, status in sorted(quota.items())
        if isinstance(status, dict)
    ]
    return f"GA4 property {property_id} quota: " + "; ".join(parts)


class GA4Reader:
    """Reads GA4 metrics, one ``runReport`` each, through an authorised session per key."""

    def __init__(
        self,
        config: MetricsConfig,
        *,
        credentials_for: CredentialsFor | None = None,
        policy: RetryPolicy | None = None,
        hooks: Hooks | None = None,
    ) -> None:
        self.config = config
        self.credentials_for = credentials_for or self._credentials
        self.policy = policy or RetryPolicy()
        self.hooks = hooks or Hooks()
        self._sessions: dict[Path | None, requests.Session] = {}

    def _credentials(self, source: SourceConfig) -> Credentials:
        # The Google backend (and gspread) loads only when a GA4 metric is read.
        from sheets_sync.backends.google.auth import load_credentials

        key = None if source.credentials is None else self.config.base / source.credentials
        return load_credentials(key).credentials

    def _session(self, source: SourceConfig) -> requests.Session:
        if source.credentials not in self._sessions:
            try:
                scoped = with_scopes_if_required(  # type: ignore[no-untyped-call]
                    self.credentials_for(source), [SCOPE]
                )
            except CredentialsError as exc:
                raise MetricUnavailable(exc.what) from None
            self._sessions[source.credentials] = AuthorizedSession(scoped)  # type: ignore[no-untyped-call]
        return self._sessions[source.credentials]

    def value(self, metric: MetricConfig, source: SourceConfig, today: dt.date) -> float:
        start = quarter_of(today, source.fiscal_year_start).start
        end = today - dt.timedelta(days=1) if metric.through == "yesterday" else today
        if end < start:
            raise MetricUnavailable("no full day of this quarter has ended yet")
        root = (source.api_url or API_URL).rstrip("/")
        url = f"{root}/v1beta/properties/{source.property_id}:runReport"
        try:
            response = send(
                self._session(source),
                "POST",
                url,
                service="GA4",
                policy=self.policy,
                hooks=self.hooks,
                json=report_request(metric, start, end),
            )
        except google.auth.exceptions.GoogleAuthError as exc:
            reason = str(exc.args[0]).splitlines()[0][:200] if exc.args else type(exc).__name__
            raise MetricUnavailable(f"Google refused the credentials: {reason}") from None
        answer = _json(response)
        if response.status_code != 200:
            raise MetricUnavailable(_refusal(response.status_code, answer, source))
        line = quota_line(source.property_id or "", answer)
        if line:
            log.info("%s", line)
        return report_total(answer)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _refusal(status: int, answer: dict[str, Any], source: SourceConfig) -> str:
    """Why GA4 said no, in a few words for the goal's status cell."""
    if status == 403:
        return (
            f"no access to GA4 property {source.property_id} (403): "
            "add the service account as a Viewer"
        )
    error = answer.get("error")
    message = error.get("message") if isinstance(error, dict) else None
    text = str(message).splitlines()[0][:200] if message else ""
    return f"GA4 answered {status}" + (f": {text}" if text else "")
