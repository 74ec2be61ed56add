"""The metric sources and metrics named in the config file, checked by pydantic.

A source says where numbers come from (``type = "csv"`` or ``"json"``: a local
file or an http(s) URL); a metric names its source and where its value is in it
(a CSV column, a JSON path). Goals pick a metric by name in their ``data_source``
cell. Secrets never live here: a source that needs one names the environment
variable that holds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class SourceConfig(BaseModel):
    """One ``[sources.<name>]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["csv", "json"]
    location: str = Field(min_length=1)  # a path (relative to the config file) or a URL
    timeout: float = Field(default=30.0, gt=0, le=600)  # seconds, for a URL

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


class MetricConfig(BaseModel):
    """One ``[[metrics]]`` table: a name goals pick, its source, where its value is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    source: str
    column: str | None = None  # csv: the column; the value is its last filled cell
    path: str | None = None  # json: dotted keys and list indexes, e.g. "totals.0.sessions"

    @field_validator("name")
    @classmethod
    def _no_comma(cls, value: str) -> str:
        if "," in value:
            raise ValueError("a metric's name may not hold a comma: dropdowns split on it")
        return value.strip()


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
            wanted = "column" if source.type == "csv" else "path"
            if getattr(metric, wanted) is None:
                raise ValueError(f"metric {metric.name!r}: a {source.type} source needs {wanted}")
        return self

    def names(self) -> list[str]:
        return [metric.name for metric in self.metrics]

    def resolve(self, source: SourceConfig) -> str:
        """A source's location: its URL, or its path made absolute from the config's folder."""
        if source.is_url:
            return source.location
        return str((self.base / Path(source.location).expanduser()).resolve())
