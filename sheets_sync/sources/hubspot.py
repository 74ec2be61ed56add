"""HubSpot metrics: CRM record counts and marketing-email statistics.

A count is one CRM search request (``POST /crm/v3/objects/{object}/search`` with
``limit = 1``): the answer's ``total`` is the count, so no record is paged
through. An email statistic is one ``GET /marketing/v3/emails/statistics/list``
over the quarter to date (``startTimestamp`` / ``endTimestamp`` in ISO 8601,
optionally ``emailIds``): the value is one of the answer's aggregate counters
(sent, open, click, ...) or ratios (openratio, ...). A counter the answer leaves
out is zero (no email of that kind yet); a ratio it leaves out has no value.

Filters may say ``{quarter_start}``, ``{quarter_end}`` or ``{today}``,
filled in as HubSpot's millisecond timestamps for the quarter that holds the
run's day ("deals closed won this quarter"). The private app's token is read
from the environment variable the source names, never from the config file.

The REST endpoints through ``requests`` rather than ``hubspot-api-client``: two
request shapes are all this needs, and the SDK is about 50 MB installed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

import requests

from sheets_sync.core.calendar import Quarter
from sheets_sync.errors import MetricUnavailable
from sheets_sync.sources.config import (
    EMAIL_COUNTERS,
    FilterConfig,
    MetricConfig,
    SourceConfig,
)
from sheets_sync.sources.retry import Hooks, RetryPolicy, send

API_URL = "https://api.hubapi.com"
EMAIL_STATISTICS = "/marketing/v3/emails/statistics/list"


def quarter_of(day: dt.date, fiscal_year_start: int = 1) -> Quarter:
    """The quarter (of a fiscal year starting in ``fiscal_year_start``) that holds ``day``."""
    for year in (day.year - 1, day.year, day.year + 1):
        for number in (1, 2, 3, 4):
            quarter = Quarter(year, number, fiscal_year_start)
            if quarter.contains(day):
                return quarter
    raise AssertionError(f"no quarter holds {day}")  # every day is in one of these twelve


def _millis(moment: dt.datetime) -> str:
    return str(int(moment.replace(tzinfo=dt.UTC).timestamp() * 1000))


def placeholders(today: dt.date, fiscal_year_start: int) -> dict[str, str]:
    """The values a filter may name: the quarter's first and last millisecond, today's."""
    quarter = quarter_of(today, fiscal_year_start)
    start = dt.datetime.combine(quarter.start, dt.time())
    end = dt.datetime.combine(quarter.end, dt.time()) + dt.timedelta(days=1, milliseconds=-1)
    return {
        "quarter_start": _millis(start),
        "quarter_end": _millis(end),
        "today": _millis(dt.datetime.combine(today, dt.time())),
    }


def search_body(filters: tuple[FilterConfig, ...], values: Mapping[str, str]) -> dict[str, Any]:
    """The search request: one filter group (its filters ANDed), one record asked for."""
    rendered = []
    for item in filters:
        entry: dict[str, Any] = {"propertyName": item.property, "operator": item.operator}
        if item.value is not None:
            entry["value"] = item.value.format_map(values)
        if item.high_value is not None:
            entry["highValue"] = item.high_value.format_map(values)
        if item.values is not None:
            entry["values"] = [v.format_map(values) for v in item.values]
        rendered.append(entry)
    groups = [{"filters": rendered}] if rendered else []
    return {"filterGroups": groups, "properties": ["hs_object_id"], "limit": 1}


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def statistics_params(
    email_ids: tuple[int, ...], today: dt.date, fiscal_year_start: int
) -> list[tuple[str, str]]:
    """The statistics query: from the quarter's first second through ``today``'s last (UTC)."""
    start = dt.datetime.combine(quarter_of(today, fiscal_year_start).start, dt.time())
    end = dt.datetime.combine(today, dt.time(23, 59, 59))
    params = [("startTimestamp", _iso(start)), ("endTimestamp", _iso(end))]
    return params + [("emailIds", str(email_id)) for email_id in email_ids]


class HubSpotReader:
    """Reads HubSpot metrics, one request per metric: a CRM count or an email statistic."""

    def __init__(
        self,
        *,
        session: requests.Session | None = None,
        environ: Mapping[str, str] | None = None,
        policy: RetryPolicy | None = None,
        hooks: Hooks | None = None,
    ) -> None:
        self.session = session or requests.Session()
        self.environ = os.environ if environ is None else environ
        self.policy = policy or RetryPolicy()
        self.hooks = hooks or Hooks()

    def value(self, metric: MetricConfig, source: SourceConfig, today: dt.date) -> float:
        token = self.environ.get(source.token_env, "").strip()
        if not token:
            raise MetricUnavailable(f"no HubSpot token: set {source.token_env}")
        root = (source.api_url or API_URL).rstrip("/")
        if metric.email_statistic is not None:
            params = statistics_params(metric.email_ids, today, source.fiscal_year_start)
            response = self._send(token, "GET", root + EMAIL_STATISTICS, params=params)
            return _statistic(_ok(response, metric), metric.email_statistic)
        try:
            body = search_body(metric.filters, placeholders(today, source.fiscal_year_start))
        except (KeyError, ValueError) as exc:
            raise MetricUnavailable(f"a filter names an unknown placeholder: {exc}") from None
        url = f"{root}/crm/v3/objects/{metric.object}/search"
        return _total(_ok(self._send(token, "POST", url, json=body), metric))

    def _send(self, token: str, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if method == "POST":
            headers["Content-Type"] = "application/json"
        return send(
            self.session,
            method,
            url,
            service="HubSpot",
            policy=self.policy,
            hooks=self.hooks,
            headers=headers,
            **kwargs,
        )


def _ok(response: requests.Response, metric: MetricConfig) -> requests.Response:
    if response.status_code != 200:
        raise MetricUnavailable(_refusal(response, metric))
    return response


def _refusal(response: requests.Response, metric: MetricConfig) -> str:
    """Why HubSpot said no, in a few words for the goal's status cell."""
    status = response.status_code
    if status == 401:
        return "HubSpot refused the token (401): check that it is current"
    if status == 403 and metric.email_statistic is not None:
        return "the HubSpot token may not read marketing email statistics (403): check its scopes"
    if status == 403:
        return f"the HubSpot token may not read {metric.object} (403): add the CRM scope"
    message = _message(response)
    return f"HubSpot answered {status}" + (f": {message}" if message else "")


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return str(message).splitlines()[0][:200] if message else ""


def _total(response: requests.Response) -> float:
    try:
        total = response.json()["total"]
    except (ValueError, KeyError, TypeError):
        raise MetricUnavailable("HubSpot's answer has no total") from None
    if isinstance(total, bool) or not isinstance(total, int):
        raise MetricUnavailable(f"HubSpot's total is {total!r}, not a count")
    return float(total)


def _statistic(response: requests.Response, name: str) -> float:
    """One aggregate counter or ratio from a statistics answer."""
    try:
        aggregate = response.json()["aggregate"]
        table = aggregate["counters" if name in EMAIL_COUNTERS else "ratios"]
    except (ValueError, KeyError, TypeError):
        raise MetricUnavailable("HubSpot's email statistics have no aggregate") from None
    if not isinstance(table, dict):
        raise MetricUnavailable("HubSpot's email statistics have no aggregate")
    if name not in table:
        if name in EMAIL_COUNTERS:
            return 0.0
        raise MetricUnavailable(f"HubSpot has no {name} yet: no email was sent in the quarter")
    value = table[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MetricUnavailable(f"HubSpot's {name} is {value!r}, not a number")
    return float(value)
