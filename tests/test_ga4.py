"""GA4 metrics against a local server that checks each request against Google's
published discovery document for the Analytics Data API (v1beta), as the Sheets
fake does, and answers in runReport's shape: rows, totals, the property's quota."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from google.oauth2.credentials import Credentials

from sheets_sync.errors import MetricUnavailable
from sheets_sync.sources.config import MetricConfig, MetricsConfig, SourceConfig
from sheets_sync.sources.ga4 import GA4Reader, report_request
from sheets_sync.sources.retry import Hooks

from .fakes.discovery import BadRequest, check_body, check_query, load, route
from .metric_server import Canned, MetricServer, Seen, metric_server

TODAY = dt.date(2027, 2, 15)
PROPERTY = "312345678"
REPORT = f"/v1beta/properties/{PROPERTY}:runReport"
METRICS = {"sessions": "TYPE_INTEGER", "keyEvents": "TYPE_FLOAT", "conversions": "TYPE_FLOAT"}
QUOTA = {
    "tokensPerDay": {"consumed": 2, "remaining": 199_935},
    "tokensPerHour": {"consumed": 2, "remaining": 39_969},
    "concurrentRequests": {"consumed": 0, "remaining": 10},
}


def _google_error(status: int, message: str, reason: str) -> Canned:
    body = {"error": {"code": status, "message": message, "status": reason}}
    return Canned(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


def analytics_data(value: str | None) -> object:
    """runReport as Google answers it; a request the discovery document rejects is a 400."""
    api = load("analyticsdata", "v1beta")

    def answer(seen: Seen) -> Canned:
        parts = urlsplit(seen.path)
        found = route(api, seen.method, parts.path)
        if found is None or found[0].name != "properties.runReport":
            return _google_error(404, "Method not found.", "NOT_FOUND")
        if seen.headers.get("authorization") != "Bearer ya29.ga4-test":
            return _google_error(
                401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"
            )
        body = json.loads(seen.body)
        try:
            check_query(api, found[0], parse_qs(parts.query))
            check_body(api, found[0], body)
        except BadRequest as exc:
            return _google_error(400, str(exc), "INVALID_ARGUMENT")
        for item in body.get("metrics", []):
            if item["name"] not in METRICS:
                message = (
                    f"Field {item['name']} is not a valid metric. For a list of valid "
                    "dimensions and metrics, see "
                    "https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema"
                )
                return _google_error(400, message, "INVALID_ARGUMENT")
        name = body["metrics"][0]["name"]
        report: dict[str, object] = {
            "metricHeaders": [{"name": name, "type": METRICS[name]}],
            "rowCount": 0 if value is None else 1,
            "metadata": {"currencyCode": "EUR", "timeZone": "Europe/Berlin"},
            "kind": "analyticsData#runReport",
        }
        if value is not None:
            report["rows"] = [{"metricValues": [{"value": value}]}]
        if body.get("returnPropertyQuota"):
            report["propertyQuota"] = QUOTA
        return Canned(200, json.dumps(report).encode(), {"Content-Type": "application/json"})

    return answer


class Waits:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def hooks(self) -> Hooks:
        return Hooks(sleep=self.slept.append, clock=lambda: sum(self.slept), rand=lambda: 0.5)


@pytest.fixture
def server() -> Iterator[MetricServer]:
    with metric_server() as running:
        yield running


def _read(
    server: MetricServer, waits: Waits, metric: MetricConfig, today: dt.date = TODAY
) -> float:
    config = MetricsConfig()
    reader = GA4Reader(
        config,
        credentials_for=lambda source: Credentials(token="ya29.ga4-test"),  # type: ignore[no-untyped-call]
        hooks=waits.hooks(),
    )
    source = SourceConfig(type="ga4", property_id=PROPERTY, api_url=server.url)
    return reader.value(metric, source, today)


SESSIONS = MetricConfig(
    name="Organic sessions",
    source="ga",
    metric="sessions",
    dimension="sessionDefaultChannelGroup",
    equals="Organic Search",
)


def test_the_request_is_the_quarter_to_yesterday(server: MetricServer) -> None:
    server.answer(REPORT, analytics_data("18234"))
    assert _read(server, Waits(), SESSIONS) == 18234
    (seen,) = server.seen
    assert (seen.method, seen.path) == ("POST", REPORT)
    assert json.loads(seen.body) == {
        "dateRanges": [{"startDate": "2027-01-01", "endDate": "2027-02-14"}],
        "metrics": [{"name": "sessions"}],
        "dimensionFilter": {
            "filter": {
                "fieldName": "sessionDefaultChannelGroup",
                "stringFilter": {"matchType": "EXACT", "value": "Organic Search"},
            }
        },
        "returnPropertyQuota": True,
    }


def test_through_today_and_a_metric_with_no_rows(server: MetricServer) -> None:
    server.answer(REPORT, analytics_data(None))
    metric = MetricConfig(name="Key events", source="ga", metric="keyEvents", through="today")
    assert _read(server, Waits(), metric) == 0
    assert json.loads(server.seen[0].body)["dateRanges"] == [
        {"startDate": "2027-01-01", "endDate": "2027-02-15"}
    ]


def test_the_first_day_of_a_quarter_has_nothing_to_count_yet(server: MetricServer) -> None:
    with pytest.raises(MetricUnavailable, match=r"^no full day of this quarter has ended yet$"):
        _read(server, Waits(), SESSIONS, dt.date(2027, 4, 1))
    assert server.seen == []


def test_the_quota_left_is_logged(server: MetricServer, caplog: pytest.LogCaptureFixture) -> None:
    server.answer(REPORT, analytics_data("7"))
    with caplog.at_level(logging.INFO, logger="sheets_sync.sources"):
        _read(server, Waits(), SESSIONS)
    assert caplog.messages == [
        f"GA4 property {PROPERTY} quota: concurrentRequests 0 used, 10 left; "
        "tokensPerDay 2 used, 199935 left; tokensPerHour 2 used, 39969 left"
    ]


def test_429_and_503_are_retried(server: MetricServer) -> None:
    exhausted = _google_error(429, "Exhausted property tokens per hour.", "RESOURCE_EXHAUSTED")
    unavailable = _google_error(503, "The service is currently unavailable.", "UNAVAILABLE")
    server.answer(REPORT, exhausted, unavailable, analytics_data("42"))
    waits = Waits()
    assert _read(server, waits, SESSIONS) == 42
    assert waits.slept == [0.5, 1.0]
    assert len(server.seen) == 3


def test_an_unknown_metric_says_what_google_said(server: MetricServer) -> None:
    server.answer(REPORT, analytics_data("1"))
    metric = MetricConfig(name="Typo", source="ga", metric="sessionz")
    with pytest.raises(MetricUnavailable) as caught:
        _read(server, Waits(), metric)
    assert str(caught.value).startswith("GA4 answered 400: Field sessionz is not a valid metric.")


def test_the_discovery_document_rejects_a_malformed_request() -> None:
    api = load("analyticsdata", "v1beta")
    method, params = route(api, "POST", REPORT) or (None, None)
    assert method is not None and params == {"propertiesId": PROPERTY}
    good = report_request(SESSIONS, dt.date(2027, 1, 1), dt.date(2027, 2, 14))
    check_body(api, method, good)
    with pytest.raises(BadRequest, match='Unknown name "dateRange"'):
        check_body(api, method, {**good, "dateRange": good["dateRanges"]})
    with pytest.raises(
        BadRequest, match=r"Invalid value at 'dimensionFilter\.filter\.stringFilter\.matchType'"
    ):
        filtered = json.loads(json.dumps(good))
        filtered["dimensionFilter"]["filter"]["stringFilter"]["matchType"] = "EQUALS"
        check_body(api, method, filtered)


def test_no_access_to_the_property(server: MetricServer) -> None:
    server.answer(
        REPORT,
        _google_error(
            403, "User does not have sufficient permissions for this property.", "PERMISSION_DENIED"
        ),
    )
    with pytest.raises(MetricUnavailable) as caught:
        _read(server, Waits(), SESSIONS)
    assert (
        str(caught.value)
        == f"no access to GA4 property {PROPERTY} (403): add the service account as a Viewer"
    )


def test_a_ga4_source_needs_its_property() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="a ga4 source needs property_id"):
        SourceConfig(type="ga4")


def test_missing_credentials_fail_only_this_metric(server: MetricServer) -> None:
    from sheets_sync.errors import CredentialsError

    def no_key(source: SourceConfig) -> Credentials:
        raise CredentialsError("No Google credentials found.", "Pass a key file.")

    reader = GA4Reader(MetricsConfig(), credentials_for=no_key, hooks=Waits().hooks())
    source = SourceConfig(type="ga4", property_id=PROPERTY, api_url=server.url)
    with pytest.raises(MetricUnavailable, match=r"^No Google credentials found\.$"):
        reader.value(SESSIONS, source, TODAY)
    assert server.seen == []
