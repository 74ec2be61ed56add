"""The metric sources and metrics named in the config file, checked by pydantic.

A source says where numbers come from (``type = "csv"`` or ``"json"``: a local
file or an http(s) URL; ``"hubspot"``: a HubSpot account; ``"ga4"``: a Google
Analytics 4 property); a metric names its source and where its value is in it
(a CSV column, a JSON path, a count of HubSpot deals, contacts or companies that
pass its filters, a HubSpot marketing-email statistic or a GA4 metric over the
quarter to date). Goals pick a metric by
name in their ``data_source`` cell. Secrets never live here: a source that needs
one names the environment variable (or the key file) that holds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class SourceConfig(BaseModel):
    """One ``[sources.<name>]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["csv", "json", "hubspot", "ga4"]
    location: str | None = Field(default=None, min_length=1)  # csv/json: a path or a URL
    timeout: float = Field(default=30.0, gt=0, le=600)  # seconds, for a URL
    # hubspot: the environment variable holding the private app's token (never the token)
    token_env: str = "HUBSPOT_TOKEN"
    api_url: str | None = None  # the API's root, when not the public one
    property_id: str | None = Field(default=None, pattern=r"^\d+$")  # ga4: the property's ID
    # ga4: a service-account key (a Viewer on the property); None: as for Google Sheets
    credentials: Path | None = None
    fiscal_year_start: int = Field(default=1, ge=1, le=12)  # what "the quarter" means

    @model_validator(mode="after")
    def _needs(self) -> SourceConfig:
        if self.type in ("csv", "json") and self.location is None:
            raise ValueError(f"a {self.type} source needs location (a path or a URL)")
        if self.type == "ga4" and self.property_id is None:
            raise ValueError("a ga4 source needs property_id (the GA4 property's number)")
        return self

    @property
    def is_url(self) -> bool:
        return (self.location or "").startswith(("http://", "https://"))


# The aggregate counters and ratios HubSpot's marketing email statistics report.
EMAIL_COUNTERS = frozenset(
    {
        "bounce", "click", "contactslost", "delivered", "dropped", "hardbounced", "notsent",
        "open", "pending", "selected", "sent", "softbounced", "spamreport", "suppressed",
        "unsubscribed",
    }
)  # fmt: skip
EMAIL_RATIOS = frozenset(
    {
        "bounceratio", "clickratio", "clickthroughratio", "contactslostratio", "deliveredratio",
        "hardbounceratio", "notsentratio", "openratio", "pendingratio", "softbounceratio",
        "spamreportratio", "unsubscribedratio",
    }
)  # fmt: skip


class FilterConfig(BaseModel):
    """A HubSpot search filter; ``{quarter_start}``, ``{quarter_end}``, ``{today}`` fill in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    property: str = Field(min_length=1)
    operator: str = "EQ"
    value: str | None = None
    high_value: str | None = None  # BETWEEN's upper end
    values: tuple[str, ...] | None = None  # IN / NOT_IN


class MetricConfig(BaseModel):
    """One ``[[metrics]]`` table: a name goals pick, its source, where its value is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    source: str
    column: str | None = None  # csv: the column; the value is its last filled cell
    path: str | None = None  # json: dotted keys and list indexes, e.g. "totals.0.sessions"
    object: Literal["deals", "contacts", "companies"] | None = None  # hubspot: what to count
    filters: tuple[FilterConfig, ...] = ()  # hubspot: all must hold
    # hubspot, instead of object: a marketing-email counter (sent, open, click, ...) or
    # ratio (openratio, clickratio, ...) over the emails sent in the quarter to date
    email_statistic: str | None = None
    email_ids: tuple[int, ...] = ()  # ... only these emails' (none: every email)
    metric: str | None = None  # ga4: the metric's API name (sessions, keyEvents, ...)
    dimension: str | None = None  # ga4: count only where this dimension ...
    equals: str | None = None  # ... equals this value
    through: Literal["yesterday", "today"] = "yesterday"  # ga4: the last day counted

    @field_validator("name")
    @classmethod
    def _no_comma(cls, value: str) -> str:
        if "," in value:
            raise ValueError("a metric's name may not hold a comma: dropdowns split on it")
        return value.strip()

    @field_validator("email_statistic")
    @classmethod
    def _known_statistic(cls, value: str | None) -> str | None:
        if value is not None and value not in EMAIL_COUNTERS | EMAIL_RATIOS:
            known = ", ".join(sorted(EMAIL_COUNTERS | EMAIL_RATIOS))
            raise ValueError(f"{value!r} is not a marketing email statistic ({known})")
        return value

    @model_validator(mode="after")
    def _one_hubspot_kind(self) -> MetricConfig:
        if self.email_statistic is not None and (self.object is not None or self.filters):
            raise ValueError("a metric counts CRM records (object) or reads email_statistic")
        if self.email_ids and self.email_statistic is None:
            raise ValueError("email_ids narrows an email_statistic: give one")
        return self

    @property
    def wants(self) -> str:
        """The field that says where a hubspot metric's value is: object or email_statistic."""
        return "email_statistic" if self.email_statistic is not None else "object"


class MetricsConfig(BaseModel):
    """Every source and metric, with where the last good values are kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    metrics: tuple[MetricConfig, ...] = ()
    base: Path = Path()  # the config file's folder: relative locations start here
    state_dir: Path | None = None  # None: keep no last good values

    @model_validator(mode="after")
    def _metrics_resolve(self) -> MetricsConfig:
        seen: set[str] = set()
        for metric in self.metrics:
            key = metric.name.casefold()
            if key in seen:
                raise ValueError(f"metric {metric.name!r} is named twice")
            seen.add(key)
            source = self.sources.get(metric.source)
            if source is None:
                known = ", ".join(sorted(self.sources)) or "none are configured"
                raise ValueError(f"metric {metric.name!r}: no source {metric.source!r} ({known})")
            wanted = {"csv": "column", "json": "path", "hubspot": metric.wants, "ga4": "metric"}[
                source.type
            ]
            if (metric.dimension is None) != (metric.equals is None):
                raise ValueError(f"metric {metric.name!r}: give dimension and equals together")
            if getattr(metric, wanted) is None:
                raise ValueError(f"metric {metric.name!r}: a {source.type} source needs {wanted}")
        return self

    def names(self) -> list[str]:
        return [metric.name for metric in self.metrics]

    def resolve(self, source: SourceConfig) -> str:
        """A source's location: its URL, or its path made absolute from the config's folder."""
        location = source.location or ""
        if source.is_url:
            return location
        return str((self.base / Path(location).expanduser()).resolve())
