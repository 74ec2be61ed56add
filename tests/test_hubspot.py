"""HubSpot counts and email statistics against a local server answering as HubSpot's APIs do."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from sheets_sync.api import Measurement
from sheets_sync.errors import MetricUnavailable
from sheets_sync.sources.config import (
    EMAIL_COUNTERS,
    EMAIL_RATIOS,
    FilterConfig,
    MetricConfig,
    MetricsConfig,
    SourceConfig,
)
from sheets_sync.sources.hubspot import HubSpotReader, placeholders, quarter_of
from sheets_sync.sources.registry import Registry
from sheets_sync.sources.retry import Hooks, RetryPolicy

from .metric_server import Canned, MetricServer, Seen, metric_server

TODAY = dt.date(2027, 2, 15)
TOKEN = "pat-eu1-0000"
DEALS = "/crm/v3/objects/deals/search"
OPERATORS = {
    "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
    "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
}  # fmt: skip
WON_THIS_QUARTER = (
    FilterConfig(property="dealstage", value="closedwon"),
    FilterConfig(
        property="closedate",
        operator="BETWEEN",
        value="{quarter_start}",
        high_value="{quarter_end}",
    ),
)


def _error(status: int, message: str, **more: str) -> Canned:
    body = {"status": "error", "message": message, "correlationId": "4a1f-9c2e", **more}
    return Canned(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


def hubspot_search(total: int) -> object:
    """A search endpoint that checks the request as HubSpot does, then answers ``total``."""

    def answer(seen: Seen) -> Canned:
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return _error(
                401, "Authentication credentials not found.", category="INVALID_AUTHENTICATION"
            )
        body = json.loads(seen.body)
        unknown = set(body) - {"filterGroups", "properties", "limit", "after", "sorts", "query"}
        filters = [f for group in body.get("filterGroups", []) for f in group["filters"]]
        bad = [f for f in filters if f.get("operator") not in OPERATORS or "propertyName" not in f]
        if unknown or bad or not 0 < body.get("limit", 10) <= 200:
            return _error(400, "There was a problem with the request.", category="VALIDATION_ERROR")
        result = {
            "id": "512",
            "properties": {"hs_object_id": "512", "createdate": "2027-01-20T09:00:00Z"},
            "createdAt": "2027-01-20T09:00:00Z",
            "updatedAt": "2027-02-01T10:00:00Z",
            "archived": False,
        }
        page = {"next": {"after": "1", "link": "?after=1"}} if total > 1 else None
        answer = {
            "total": total,
            "results": [result] if total else [],
            **({"paging": page} if page else {}),
        }
        return Canned(200, json.dumps(answer).encode(), {"Content-Type": "application/json"})

    return answer


class Waits:
    def __init__(self) -> None:
        self.slept: list[float] = []
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def hooks(self) -> Hooks:
        return Hooks(sleep=self.sleep, clock=lambda: self.now, rand=lambda: 0.5)


@pytest.fixture
def server() -> Iterator[MetricServer]:
    with metric_server() as running:
        yield running


def _read(server: MetricServer, waits: Waits, env: dict[str, str] | None = None) -> float:
    reader = HubSpotReader(
        environ={"HUBSPOT_TOKEN": TOKEN} if env is None else env, hooks=waits.hooks()
    )
    source = SourceConfig(type="hubspot", api_url=server.url)
    metric = MetricConfig(name="Deals won", source="crm", object="deals", filters=WON_THIS_QUARTER)
    return reader.value(metric, source, TODAY)


def test_the_quarter_in_hubspot_timestamps() -> None:
    assert quarter_of(TODAY).name == "2027-Q1"
    assert quarter_of(TODAY, fiscal_year_start=2).start == dt.date(2027, 2, 1)
    assert quarter_of(dt.date(2027, 1, 31), fiscal_year_start=2).start == dt.date(2026, 11, 1)
    assert placeholders(TODAY, 1) == {
        "quarter_start": "1798761600000",  # 2027-01-01T00:00:00Z
        "quarter_end": "1806537599999",  # 2027-03-31T23:59:59.999Z
        "today": "1802649600000",  # 2027-02-15T00:00:00Z
    }


def test_a_count_is_the_searchs_total(server: MetricServer) -> None:
    server.answer(DEALS, hubspot_search(37))
    assert _read(server, Waits()) == 37
    (seen,) = server.seen
    assert (seen.method, seen.path) == ("POST", DEALS)
    assert json.loads(seen.body) == {
        "filterGroups": [
            {
                "filters": [
                    {"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"},
                    {
                        "propertyName": "closedate",
                        "operator": "BETWEEN",
                        "value": "1798761600000",
                        "highValue": "1806537599999",
                    },
                ]
            }
        ],
        "properties": ["hs_object_id"],
        "limit": 1,
    }


def test_a_429_waits_as_long_as_retry_after_says(server: MetricServer) -> None:
    limited = _error(429, "You have reached your secondly limit.", errorType="RATE_LIMIT")
    limited.headers["Retry-After"] = "2"
    server.answer(DEALS, limited, hubspot_search(5))
    waits = Waits()
    assert _read(server, waits) == 5
    assert waits.slept == [2.0]


def test_errors_without_retry_after_back_off_with_jitter_within_a_cap(server: MetricServer) -> None:
    server.answer(DEALS, Canned(503, b"busy"), Canned(502, b"busy"), hubspot_search(1))
    waits = Waits()
    assert _read(server, waits) == 1
    assert waits.slept == [0.5, 1.0]  # half of 1 s, then of 2 s
    server.answer(DEALS, Canned(503, b"down"))
    waits = Waits()
    with pytest.raises(MetricUnavailable, match=r"^HTTP 503 from HubSpot after 5 tries$"):
        _read(server, waits)
    assert waits.slept == [0.5, 1.0, 2.0, 4.0]


def test_a_retry_after_beyond_the_cap_gives_up_at_once(server: MetricServer) -> None:
    limited = _error(429, "You have reached your daily limit.", errorType="RATE_LIMIT")
    limited.headers["Retry-After"] = "3600"
    server.answer(DEALS, limited)
    waits = Waits()
    with pytest.raises(
        MetricUnavailable, match=r"^HTTP 429 from HubSpot, which asks to wait 3600 s$"
    ):
        _read(server, waits)
    assert waits.slept == []


def test_the_total_time_is_capped(server: MetricServer) -> None:
    server.answer(DEALS, Canned(500, b"oops"))
    waits = Waits()
    reader = HubSpotReader(
        environ={"HUBSPOT_TOKEN": TOKEN},
        hooks=waits.hooks(),
        policy=RetryPolicy(max_tries=10, max_elapsed=3.0),
    )
    metric = MetricConfig(name="Deals", source="crm", object="deals")
    with pytest.raises(MetricUnavailable, match=r"^HTTP 500 from HubSpot after 3 tries$"):
        reader.value(metric, SourceConfig(type="hubspot", api_url=server.url), TODAY)
    assert waits.slept == [0.5, 1.0]  # a third wait of 2 s would pass 3 s


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "no HubSpot token: set HUBSPOT_TOKEN"),
        ({"HUBSPOT_TOKEN": "pat-old"}, "HubSpot refused the token (401): check that it is current"),
    ],
)
def test_a_missing_or_refused_token(
    server: MetricServer, env: dict[str, str], message: str
) -> None:
    server.answer(DEALS, hubspot_search(3))
    with pytest.raises(MetricUnavailable) as caught:
        _read(server, Waits(), env)
    assert str(caught.value) == message


def test_a_search_hubspot_rejects_says_why(server: MetricServer) -> None:
    server.answer("/crm/v3/objects/contacts/search", hubspot_search(3))
    reader = HubSpotReader(environ={"HUBSPOT_TOKEN": TOKEN}, hooks=Waits().hooks())
    metric = MetricConfig(
        name="MQLs",
        source="crm",
        object="contacts",
        filters=(
            FilterConfig(property="lifecyclestage", operator="IS", value="marketingqualifiedlead"),
        ),
    )
    with pytest.raises(MetricUnavailable) as caught:
        reader.value(metric, SourceConfig(type="hubspot", api_url=server.url), TODAY)
    assert str(caught.value) == "HubSpot answered 400: There was a problem with the request."


def test_a_failing_hubspot_metric_keeps_its_last_value(server: MetricServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    server.answer(DEALS, hubspot_search(12), Canned(401, b"{}"))
    config = MetricsConfig(
        sources={"crm": SourceConfig(type="hubspot", api_url=server.url)},
        metrics=(MetricConfig(name="Deals", source="crm", object="deals"),),
        state_dir=tmp_path,
    )
    reader = HubSpotReader(environ={"HUBSPOT_TOKEN": TOKEN}, hooks=Waits().hooks())
    assert Registry(config, readers={"hubspot": reader}).measure(TODAY) == {
        "Deals": Measurement(12, TODAY)
    }
    later = Registry(config, readers={"hubspot": reader}).measure(TODAY + dt.timedelta(days=1))
    assert later == {
        "Deals": Measurement(
            12, TODAY, error="HubSpot refused the token (401): check that it is current"
        )
    }


def test_a_hubspot_metric_from_the_config_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sheets_sync.errors import ConfigProblems
    from sheets_sync.jobs.config import load_config

    path = tmp_path / "c.toml"
    head = '[[workbooks]]\npath = "r.xlsx"\n[sources.crm]\ntype = "hubspot"\n'
    path.write_text(
        head + '[[metrics]]\nname = "Won"\nsource = "crm"\nobject = "deals"\n'
        'filters = [{ property = "dealstage", value = "closedwon" }]\n',
        encoding="utf-8",
    )
    metrics = load_config(path).metrics
    assert metrics is not None
    assert metrics.metrics[0].filters == (FilterConfig(property="dealstage", value="closedwon"),)
    path.write_text(head + '[[metrics]]\nname = "Won"\nsource = "crm"\n', encoding="utf-8")
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    assert caught.value.problems == ["metrics: metric 'Won': a hubspot source needs object"]


EMAILS = "/marketing/v3/emails/statistics/list"
STATISTICS_PARAMS = {"startTimestamp", "endTimestamp", "emailIds", "property"}
Q1_COUNTERS = {
    "bounce": 3, "click": 212, "contactslost": 1, "delivered": 4210, "dropped": 12,
    "hardbounced": 1, "notsent": 12, "open": 1893, "pending": 0, "selected": 4225,
    "sent": 4213, "softbounced": 2, "spamreport": 0, "suppressed": 0, "unsubscribed": 9,
}  # fmt: skip
Q1_RATIOS = {"clickratio": 5.036, "deliveredratio": 99.929, "openratio": 44.964}


def _instant(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _statistics_request_is_valid(seen: Seen) -> bool:
    """What HubSpot checks: a GET, known parameters, ISO 8601 instants in order, int IDs."""
    query = parse_qsl(urlsplit(seen.path).query, keep_blank_values=True)
    names = [name for name, _ in query]
    if seen.method != "GET" or seen.body or not set(names) <= STATISTICS_PARAMS:
        return False
    if any(names.count(name) > 1 for name in ("startTimestamp", "endTimestamp")):
        return False
    values = dict(query)
    start = _instant(values.get("startTimestamp", "2000-01-01T00:00:00Z"))
    end = _instant(values.get("endTimestamp", "2100-01-01T00:00:00Z"))
    ids = [value for name, value in query if name == "emailIds"]
    return start is not None and end is not None and start <= end and all(map(str.isdigit, ids))


def hubspot_email_statistics(
    counters: dict[str, int], ratios: dict[str, float], emails: list[int]
) -> object:
    """The statistics endpoint: checks the request as HubSpot does, answers its documented shape."""

    def answer(seen: Seen) -> Canned:
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return _error(
                401, "Authentication credentials not found.", category="INVALID_AUTHENTICATION"
            )
        if not _statistics_request_is_valid(seen):
            return _error(400, "There was a problem with the request.", category="VALIDATION_ERROR")
        clicks = counters.get("click", 0)
        aggregate = {
            "counters": counters,
            "deviceBreakdown": {
                "click_device_type": {"computer": clicks, "mobile": 0, "unknown": 0},
                "open_device_type": {
                    "computer": 0,
                    "mobile": 0,
                    "unknown": counters.get("open", 0),
                },
            },
            "qualifierStats": {},
            "ratios": ratios,
        }
        body = {"aggregate": aggregate, "campaignAggregations": {}, "emails": emails}
        return Canned(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return answer


def _read_email(
    server: MetricServer, waits: Waits, statistic: str, email_ids: tuple[int, ...] = ()
) -> float:
    reader = HubSpotReader(environ={"HUBSPOT_TOKEN": TOKEN}, hooks=waits.hooks())
    metric = MetricConfig(
        name="Email", source="crm", email_statistic=statistic, email_ids=email_ids
    )
    return reader.value(metric, SourceConfig(type="hubspot", api_url=server.url), TODAY)


def test_an_email_statistic_is_an_aggregate_counter_over_the_quarter_to_date(
    server: MetricServer,
) -> None:
    server.answer(EMAILS, hubspot_email_statistics(Q1_COUNTERS, Q1_RATIOS, [1101, 1102]))
    assert _read_email(server, Waits(), "open") == 1893
    assert _read_email(server, Waits(), "openratio") == 44.964
    assert _read_email(server, Waits(), "sent", (1101, 1102)) == 4213
    first, _, narrowed = server.seen
    assert (first.method, first.body, first.headers.get("content-type")) == ("GET", b"", None)
    assert parse_qsl(urlsplit(first.path).query) == [
        ("startTimestamp", "2027-01-01T00:00:00Z"),
        ("endTimestamp", "2027-02-15T23:59:59Z"),
    ]
    assert parse_qsl(urlsplit(narrowed.path).query)[2:] == [
        ("emailIds", "1101"),
        ("emailIds", "1102"),
    ]


def test_a_fiscal_quarter_starts_the_statistics(server: MetricServer) -> None:
    server.answer(EMAILS, hubspot_email_statistics(Q1_COUNTERS, Q1_RATIOS, []))
    reader = HubSpotReader(environ={"HUBSPOT_TOKEN": TOKEN}, hooks=Waits().hooks())
    metric = MetricConfig(name="Clicks", source="crm", email_statistic="click")
    source = SourceConfig(type="hubspot", api_url=server.url, fiscal_year_start=2)
    assert reader.value(metric, source, dt.date(2027, 1, 31)) == 212
    assert dict(parse_qsl(urlsplit(server.seen[0].path).query)) == {
        "startTimestamp": "2026-11-01T00:00:00Z",
        "endTimestamp": "2027-01-31T23:59:59Z",
    }


def test_a_quarter_without_emails_has_zero_counters_and_no_ratios(server: MetricServer) -> None:
    server.answer(EMAILS, hubspot_email_statistics({}, {}, []))
    assert _read_email(server, Waits(), "delivered") == 0
    with pytest.raises(MetricUnavailable) as caught:
        _read_email(server, Waits(), "clickratio")
    assert str(caught.value) == "HubSpot has no clickratio yet: no email was sent in the quarter"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"emails": []}, "HubSpot's email statistics have no aggregate"),
        ({"aggregate": {"counters": []}}, "HubSpot's email statistics have no aggregate"),
        ({"aggregate": {"counters": {"open": "many"}}}, "HubSpot's open is 'many', not a number"),
        ({"aggregate": {"counters": {"open": True}}}, "HubSpot's open is True, not a number"),
    ],
)
def test_a_malformed_statistics_answer_says_what_is_wrong(
    server: MetricServer, answer: dict[str, object], message: str
) -> None:
    server.answer(EMAILS, Canned(200, json.dumps(answer).encode()))
    with pytest.raises(MetricUnavailable) as caught:
        _read_email(server, Waits(), "open")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "query",
    [
        "startTimestamp=2027-01-01&endTimestamp=yesterday",
        "startTimestamp=2027-02-01T00:00:00Z&endTimestamp=2027-01-01T00:00:00Z",
        "startTimestamp=2027-01-01T00:00:00Z&emailIds=welcome",
        "startTimestamp=2027-01-01T00:00:00Z&limit=1",
    ],
)
def test_the_fake_rejects_what_hubspot_rejects(server: MetricServer, query: str) -> None:
    check = hubspot_email_statistics(Q1_COUNTERS, Q1_RATIOS, [])
    assert callable(check)
    seen = Seen("GET", f"{EMAILS}?{query}", {"authorization": f"Bearer {TOKEN}"}, b"")
    assert check(seen).status == 400
    assert check(Seen("POST", EMAILS, {"authorization": f"Bearer {TOKEN}"}, b"{}")).status == 400


def test_email_statistics_retry_as_the_search_does(server: MetricServer) -> None:
    limited = _error(429, "You have reached your secondly limit.", errorType="RATE_LIMIT")
    limited.headers["Retry-After"] = "1"
    statistics = hubspot_email_statistics(Q1_COUNTERS, Q1_RATIOS, [])
    server.answer(EMAILS, limited, Canned(503, b"busy"), statistics)
    waits = Waits()
    assert _read_email(server, waits, "click") == 212
    assert waits.slept == [1.0, 1.0]  # Retry-After's 1 s, then half of 2 s
    server.answer(EMAILS, _error(403, "This app hasn't been granted all required scopes."))
    with pytest.raises(MetricUnavailable) as caught:
        _read_email(server, Waits(), "click")
    assert str(caught.value) == (
        "the HubSpot token may not read marketing email statistics (403): check its scopes"
    )


def test_an_email_statistic_from_the_config_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sheets_sync.errors import ConfigProblems
    from sheets_sync.jobs.config import load_config

    path = tmp_path / "c.toml"
    head = '[[workbooks]]\npath = "r.xlsx"\n[sources.crm]\ntype = "hubspot"\n[[metrics]]\n'
    path.write_text(
        head + 'name = "Opens"\nsource = "crm"\nemail_statistic = "open"\nemail_ids = [7, 8]\n',
        encoding="utf-8",
    )
    metrics = load_config(path).metrics
    assert metrics is not None
    assert (metrics.metrics[0].email_statistic, metrics.metrics[0].email_ids) == ("open", (7, 8))
    every = ", ".join(sorted(EMAIL_COUNTERS | EMAIL_RATIOS))
    problems = {
        'email_statistic = "opens"': (
            f"metrics[0].email_statistic: 'opens' is not a marketing email statistic ({every})"
        ),
        'email_statistic = "open"\nobject = "deals"': (
            "metrics[0]: a metric counts CRM records (object) or reads email_statistic"
        ),
        "email_ids = [7]": "metrics[0]: email_ids narrows an email_statistic: give one",
    }
    for fields, problem in problems.items():
        path.write_text(head + f'name = "Opens"\nsource = "crm"\n{fields}\n', encoding="utf-8")
        with pytest.raises(ConfigProblems) as caught:
            load_config(path)
        assert caught.value.problems == [problem]
