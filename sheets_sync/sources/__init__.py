"""The analytics sources a goal's measured value comes from.

Named sources and metrics in the config file (:mod:`.config`); CSV and JSON from
a file or a URL (:mod:`.tabular`); the registry that reads each metric once per
run and keeps the last good value when a read fails (:mod:`.registry`). The
sync's pure core never imports these: what they measure reaches it as plain
:class:`~sheets_sync.core.measured.Measurement` data.

The readers (and ``requests``) load only when a metric is read: import
:class:`~.registry.Registry` from :mod:`.registry`. The config models load with
the config file.
"""

from sheets_sync.sources.config import MetricConfig, MetricsConfig, SourceConfig

__all__ = ["MetricConfig", "MetricsConfig", "SourceConfig"]
