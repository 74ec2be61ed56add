"""The watcher's configuration: a TOML file, checked by pydantic, overridable from the environment.

Precedence, highest first: environment variables (``SHEETS_SYNC_CREDENTIALS``,
``SHEETS_SYNC_STATE_DIR``, ``SHEETS_SYNC_SCHEDULE__EVERY``, ...), then the file.
An invalid file yields one :class:`ConfigProblems` listing every problem with
where it is, so an operator fixes them all in one go instead of one per restart.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomli
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from sheets_sync.backends.target import GoogleSheet, LocalFile, Target, spreadsheet_id
from sheets_sync.core.layout import Business, Lang
from sheets_sync.errors import ConfigError, ConfigProblems
from sheets_sync.jobs.fields import (
    check_glob,
    folder_id,
    glob_root,
    parse_duration,
    time_of_day,
    time_zone,
)
from sheets_sync.jobs.quota import QuotaConfig
from sheets_sync.jobs.remind.config import RemindersConfig
from sheets_sync.jobs.reviews.config import (
    ReportOptions,
    ReviewReports,
    merged,
    report_problem,
    resolve,
)
from sheets_sync.jobs.spread import Shard, stable_hash
from sheets_sync.sources.config import MetricConfig, MetricsConfig, SourceConfig

ENV_PREFIX = "SHEETS_SYNC_"
CONFIG_ENV = "SHEETS_SYNC_CONFIG"
DEFAULT_CONFIG = Path("config/sheets_sync.toml")


class ScheduleConfig(BaseModel):
    """When workbooks are synced, and how failures back off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    every: str | None = None
    daily_at: str | None = None
    timezone: str | None = None
    retry_initial: str = "1 minute"
    retry_max: str = "1 hour"
    spread: bool = False  # each workbook at its own stable offset within the interval

    @field_validator("every")
    @classmethod
    def _check_every(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(
                value,
                minimum=dt.timedelta(minutes=1),
                maximum=dt.timedelta(days=1),
                why=" (due dates move with the calendar)",
            )
        return value

    @field_validator("retry_initial", "retry_max")
    @classmethod
    def _check_retry(cls, value: str) -> str:
        parse_duration(value, minimum=dt.timedelta(seconds=1))
        return value

    @field_validator("daily_at")
    @classmethod
    def _check_daily_at(cls, value: str | None) -> str | None:
        return None if value is None else time_of_day(value)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        return None if value is None else time_zone(value)

    @model_validator(mode="after")
    def _one_cadence(self) -> ScheduleConfig:
        if self.every is not None and self.daily_at is not None:
            raise ValueError("give either every or daily_at, not both")
        if self.spread and self.daily_at is not None:
            raise ValueError("spread applies to an every schedule, not to daily_at")
        if self.retry_max_delta < self.retry_initial_delta:
            raise ValueError("retry_max must not be shorter than retry_initial")
        return self

    @property
    def interval(self) -> dt.timedelta | None:
        """The interval of an ``every`` schedule; 15 minutes when nothing is set."""
        if self.daily_at is not None:
            return None
        return parse_duration(self.every or "15 minutes")

    @property
    def at_time(self) -> dt.time | None:
        return dt.time.fromisoformat(self.daily_at) if self.daily_at else None

    @property
    def tz(self) -> dt.tzinfo:
        """The schedule's zone: it decides "08:00" and which calendar day it is."""
        if self.timezone:
            return ZoneInfo(self.timezone)
        local = dt.datetime.now().astimezone().tzinfo
        return local if local is not None else dt.UTC

    @property
    def retry_initial_delta(self) -> dt.timedelta:
        return parse_duration(self.retry_initial)

    @property
    def retry_max_delta(self) -> dt.timedelta:
        return parse_duration(self.retry_max)

    def describe(self) -> str:
        zone = f" ({self.timezone})" if self.timezone else ""
        if self.daily_at:
            return f"daily at {self.daily_at}{zone}"
        spread = ", spread over the interval" if self.spread else ""
        return f"every {self.every or '15 minutes'}{zone}{spread}"


class HistoryConfig(BaseModel):
    """The run history (a SQLite file in the state folder): how long runs are kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keep: str = "90 days"

    @field_validator("keep")
    @classmethod
    def _check_keep(cls, value: str) -> str:
        parse_duration(value, minimum=dt.timedelta(days=1))
        return value

    @property
    def keep_delta(self) -> dt.timedelta:
        return parse_duration(self.keep)


class WorkbookOptions(BaseModel):
    """Options a workbook may set, or inherit from ``[defaults]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Lang | None = None
    business: Business | None = None
    scope_threshold: float | None = Field(default=None, gt=0, lt=1)
    due_soon_days: int | None = Field(default=None, ge=0, le=90)
    stale_after_days: int | None = Field(default=None, ge=1, le=366)
    enabled: bool | None = None
    report: ReportOptions | None = None  # review reports on the review days


class WorkbookEntry(WorkbookOptions):
    """One ``[[workbooks]]`` table as written in the file."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    path: Path | None = None
    spreadsheet: str | None = None
    glob: str | None = None  # local .xlsx files, relative to the config file
    drive_folder: str | None = None  # every spreadsheet in a Google Drive folder
    credentials: Path | None = None

    @field_validator("glob")
    @classmethod
    def _check_glob(cls, value: str | None) -> str | None:
        return None if value is None else check_glob(value)

    @field_validator("drive_folder")
    @classmethod
    def _check_drive_folder(cls, value: str | None) -> str | None:
        return None if value is None else folder_id(value)

    @field_validator("path")
    @classmethod
    def _check_path(cls, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() != ".xlsx":
            raise ValueError(f"must be an .xlsx file, got {str(value)!r}")
        return value

    @field_validator("spreadsheet")
    @classmethod
    def _check_spreadsheet(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return spreadsheet_id(value)
        except ValueError:
            raise ValueError(
                "expected a Google spreadsheet ID or its docs.google.com URL,"
                f" got {value.strip()!r}"
            ) from None

    @model_validator(mode="wrap")
    @classmethod
    def _one_target(cls, data: Any, handler: ModelWrapValidatorHandler[WorkbookEntry]) -> Any:
        # A wrap validator, so this is reported alongside the entry's field errors
        # (an "after" validator would stay silent until those are fixed).
        problem = _target_problem(data)
        try:
            entry = handler(data)
        except ValidationError as exc:
            if problem is None:
                raise
            errors: list[InitErrorDetails] = [_target_error(problem, data)]
            errors += [_reraise(error) for error in exc.errors()]
            raise ValidationError.from_exception_data(exc.title, errors) from None
        if problem is not None:
            raise ValueError(problem)
        return entry


_TARGETS = ("path", "spreadsheet", "glob", "drive_folder")


def _target_problem(data: Any) -> str | None:
    if not isinstance(data, Mapping):
        return None
    given = [key for key in _TARGETS if data.get(key) is not None]
    if len(given) == 2 and set(given) == {"path", "spreadsheet"}:
        return "give either path or spreadsheet, not both"
    if len(given) > 1:
        return f"give one of path, spreadsheet, glob or drive_folder, not {' and '.join(given)}"
    if not given:
        return "give path (a local .xlsx) or spreadsheet (a Google spreadsheet ID)"
    return None


def _target_error(problem: str, data: Any) -> InitErrorDetails:
    return {"type": PydanticCustomError("value_error", problem), "loc": (), "input": data}


def _reraise(error: ErrorDetails) -> InitErrorDetails:
    details: InitErrorDetails = {
        "type": error["type"],
        "loc": error["loc"],
        "input": error["input"],
    }
    if "ctx" in error:
        details["ctx"] = error["ctx"]
    return details


class WorkbookConfig(BaseModel):
    """One workbook with every option resolved: what a sync function receives.

    ``path`` and ``credentials`` are absolute. ``credentials`` is ``None`` for
    Application Default Credentials. ``language``/``business`` are ``None`` when
    the workbook itself should say.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    path: Path | None = None
    spreadsheet: str | None = None
    language: Lang | None = None
    business: Business | None = None
    scope_threshold: float | None = None  # None: the workbook's own Overview setting
    due_soon_days: int | None = None
    stale_after_days: int | None = None
    enabled: bool = True
    credentials: Path | None = None
    metrics: MetricsConfig | None = None  # the config's metrics, shared by every workbook
    quota: QuotaConfig | None = None  # the shared Google quota, when [quota] is set
    report: ReviewReports | None = None  # None: the watcher writes no review reports

    @property
    def location(self) -> Target:
        """Where the workbook is: its local file or its Google spreadsheet."""
        if self.path is not None:
            return LocalFile(self.path)
        return GoogleSheet(str(self.spreadsheet))

    @property
    def target(self) -> str:
        """A local path, or ``gsheet:ID`` for a Google spreadsheet: how status files name it."""
        return str(self.location)


class FolderSource(BaseModel):
    """A ``glob`` or ``drive_folder`` entry: expanded into workbooks on every pass.

    ``template`` holds the options every workbook found there inherits; its name is
    the prefix of theirs. ``accounts`` (several key files, none given for the entry)
    spreads the spreadsheets of a Drive folder over them, by each spreadsheet's ID.
    """

    model_config = ConfigDict(frozen=True)

    glob: str | None = None  # as written: relative to ``base`` unless absolute
    base: Path | None = None  # the config file's folder
    drive_folder: str | None = None
    template: WorkbookConfig
    accounts: tuple[Path, ...] = ()

    @property
    def name(self) -> str:
        return self.template.name

    def describe(self) -> str:
        return f"glob {self.glob}" if self.glob else f"Drive folder {self.drive_folder}"


class _FileSettings(BaseSettings):
    """The file's top level; environment variables override what the file says."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True
    )

    credentials: Path | list[Path] | None = None
    state_dir: Path | None = None
    schedule: ScheduleConfig = ScheduleConfig()
    defaults: WorkbookOptions = WorkbookOptions()
    workbooks: list[WorkbookEntry] = Field(min_length=1)
    history: HistoryConfig = HistoryConfig()
    reminders: RemindersConfig | None = None
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    metrics: list[MetricConfig] = Field(default_factory=list)
    quota: QuotaConfig | None = None

    @field_validator("credentials")
    @classmethod
    def _check_credentials(cls, value: Path | list[Path] | None) -> Path | list[Path] | None:
        if isinstance(value, list):
            if not value:
                raise ValueError(
                    "list at least one key file, or leave credentials out to use"
                    " Application Default Credentials"
                )
            if len(set(value)) != len(value):
                raise ValueError("each key file may be listed once")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file arrives as init values; the environment must win over it.
        return (env_settings, init_settings)


class WatchConfig(BaseModel):
    """A loaded, validated configuration with paths made absolute."""

    model_config = ConfigDict(frozen=True)

    source: Path
    state_dir: Path
    schedule: ScheduleConfig
    workbooks: list[WorkbookConfig]
    history: HistoryConfig = HistoryConfig()
    reminders: RemindersConfig | None = None
    metrics: MetricsConfig | None = None  # None: no metrics configured
    folders: list[FolderSource] = Field(default_factory=list)  # expanded on every pass
    shard: Shard | None = None  # set by spread.shard_config: what a folder's workbooks obey

    def enabled_workbooks(self) -> list[WorkbookConfig]:
        return [wb for wb in self.workbooks if wb.enabled]


def resolve_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--config PATH``, else ``$SHEETS_SYNC_CONFIG``, else ``./config/sheets_sync.toml``."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    return DEFAULT_CONFIG


def default_state_dir(config_path: Path) -> Path:
    """One state directory per config file, so two configs never share a lock or status."""
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    digest = hashlib.sha256(str(config_path.resolve()).encode()).hexdigest()[:8]
    return base / "sheets-sync" / f"{config_path.stem}-{digest}"


def load_config(path: str | os.PathLike[str] | None = None) -> WatchConfig:
    """Read, validate and resolve a config file; raise :class:`ConfigProblems` if invalid."""
    source = resolve_config_path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"config file {source} does not exist.",
            f"Pass --config PATH or set {CONFIG_ENV}; config/sheets_sync.toml is an example.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {source}: {exc}.") from None
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        # tomli's message already ends with "(at line L, column C)".
        raise ConfigProblems(str(source), [f"not valid TOML: {exc}"]) from None
    problems = _duplicate_names(data.get("workbooks"), text)
    problems += _missing_folders(data.get("workbooks"), source, text)
    problems += _reports_without_dir(data, text)
    try:
        raw = _FileSettings(**data)
    except ValidationError as exc:
        problems += _problems(exc.errors(), text)
    if problems:
        # Env overrides (no line) first, then in file order: read top to bottom.
        problems.sort(key=lambda problem: problem[0])
        raise ConfigProblems(str(source), [line for _, line in problems])
    return _resolve(raw, source)


def _resolve(raw: _FileSettings, source: Path) -> WatchConfig:
    base = source.resolve().parent

    def absolute(p: Path | None) -> Path | None:
        return None if p is None else (base / p.expanduser()).resolve()

    defaults = raw.defaults
    state_dir = absolute(raw.state_dir) or default_state_dir(source)
    metrics = _metrics(raw, base, state_dir, source)
    quota = raw.quota.resolved(base, state_dir) if raw.quota is not None else None
    workbooks, folders = [], []
    for entry in raw.workbooks:
        options: dict[str, Any] = {}
        for key in (
            "language",
            "business",
            "scope_threshold",
            "due_soon_days",
            "stale_after_days",
            "enabled",
        ):
            value = getattr(entry, key)
            if value is None:
                value = getattr(defaults, key)
            if value is not None:
                options[key] = value
        workbook = WorkbookConfig(
            name=_entry_name(entry),
            path=absolute(entry.path),
            spreadsheet=entry.spreadsheet,
            credentials=absolute(entry.credentials or _assigned(raw.credentials, entry)),
            metrics=metrics,
            quota=quota,
            report=resolve(defaults.report, entry.report, base),
            **options,
        )
        if entry.glob is None and entry.drive_folder is None:
            workbooks.append(workbook)
            continue
        spread_over = raw.credentials if isinstance(raw.credentials, list) else []
        folders.append(
            FolderSource(
                glob=entry.glob,
                base=base,
                drive_folder=entry.drive_folder,
                template=workbook,
                accounts=() if entry.credentials else tuple(base / p for p in spread_over),
            )
        )
    return WatchConfig(
        source=source.resolve(),
        state_dir=state_dir,
        schedule=raw.schedule,
        workbooks=workbooks,
        history=raw.history,
        reminders=raw.reminders,
        metrics=metrics,
        folders=folders,
    )


def _metrics(raw: _FileSettings, base: Path, state_dir: Path, source: Path) -> MetricsConfig | None:
    """The sources and metrics, checked together; the last good values go in the state dir."""
    if not raw.metrics and not raw.sources:
        return None
    try:
        return MetricsConfig(
            sources=raw.sources, metrics=tuple(raw.metrics), base=base, state_dir=state_dir
        )
    except ValidationError as exc:
        problems = [f"metrics: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise ConfigProblems(str(source), problems) from None


def _assigned(credentials: Path | list[Path] | None, entry: WorkbookEntry) -> Path | None:
    """One key of several, by a stable hash of the workbook, so they share the load
    evenly and a workbook keeps its account from run to run and machine to machine."""
    if not isinstance(credentials, list):
        return credentials
    if not credentials:
        return None
    key = f"gsheet:{entry.spreadsheet}" if entry.spreadsheet else f"name:{_entry_name(entry)}"
    return account_for(credentials, key)


def account_for(credentials: list[Path], key: str) -> Path:
    """The key file of several that the workbook of stable identity ``key`` uses."""
    return credentials[stable_hash("account " + key) % len(credentials)]


def _entry_name(entry: WorkbookEntry) -> str:
    """The name, else the file's stem, else the glob's folder, else the spreadsheet or
    folder ID."""
    if entry.name:
        return entry.name
    if entry.path is not None:
        return entry.path.stem
    if entry.glob is not None:
        return glob_root(entry.glob)
    return str(entry.spreadsheet or entry.drive_folder)


def _raw_name(entry: Mapping[str, Any]) -> str | None:
    name, path, sheet = entry.get("name"), entry.get("path"), entry.get("spreadsheet")
    if isinstance(name, str) and name:
        return name
    if isinstance(path, str):
        return Path(path).stem
    pattern, folder = entry.get("glob"), entry.get("drive_folder")
    if isinstance(pattern, str):
        return glob_root(pattern.strip())
    if isinstance(folder, str):
        try:
            return folder_id(folder)
        except ValueError:
            return folder.strip()
    if isinstance(sheet, str):
        try:
            return spreadsheet_id(sheet)
        except ValueError:
            return sheet.strip()
    return None


def _duplicate_names(entries: Any, text: str) -> list[tuple[int, str]]:
    """Checked on the raw tables so duplicates are reported with every other problem."""
    if not isinstance(entries, list):
        return []
    seen: dict[str, int] = {}
    problems = []
    for index, entry in enumerate(entries):
        name = _raw_name(entry) if isinstance(entry, Mapping) else None
        if name is None:
            continue
        if name in seen:
            loc = ("workbooks", index, "name")
            problems.append(
                (
                    _line_of(loc, text),
                    f"{_where(loc, text)}: duplicate workbook name {name!r}"
                    f" (also workbooks[{seen[name]}]); each workbook needs its own name",
                )
            )
        else:
            seen[name] = index
    return problems


def _missing_folders(entries: Any, source: Path, text: str) -> list[tuple[int, str]]:
    """A glob whose folder does not exist is most likely a typo: said at load, with the
    rest. (A folder that goes away later only empties the round, see jobs.folders.)"""
    if not isinstance(entries, list):
        return []
    base = source.resolve().parent
    problems = []
    for index, entry in enumerate(entries):
        pattern = entry.get("glob") if isinstance(entry, Mapping) else None
        try:
            pattern = check_glob(pattern) if isinstance(pattern, str) else None
        except ValueError:
            continue  # reported as it is
        if pattern is None:
            continue
        root = base / Path(glob_root(pattern)).expanduser()
        if not root.is_dir():
            loc = ("workbooks", index, "glob")
            problems.append(
                (_line_of(loc, text), f"{_where(loc, text)}: folder {str(root)!r} does not exist")
            )
    return problems


def _reports_without_dir(data: Mapping[str, Any], text: str) -> list[tuple[int, str]]:
    """A workbook whose review reports would have nowhere to go: checked on the raw
    tables, [defaults] merged in, so it is reported with every other problem."""
    entries, defaults = data.get("workbooks"), data.get("defaults")
    if not isinstance(entries, list):
        return []
    default = defaults.get("report") if isinstance(defaults, Mapping) else None
    problems = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        settings = merged(default, entry.get("report"))
        google = entry.get("spreadsheet") is not None or entry.get("drive_folder") is not None
        problem = None if settings is None else report_problem(settings, google=google)
        if problem is not None:
            loc: tuple[int | str, ...] = ("workbooks", index)
            loc += ("report",) if "report" in entry else ()
            problems.append((_line_of(loc, text), f"{_where(loc, text)}: {problem}"))
    return problems


# --- error reporting -----------------------------------------------------------------------

_FIELDS_BY_TABLE: Mapping[str, tuple[str, ...]] = {
    "": tuple(_FileSettings.model_fields),
    "schedule": tuple(ScheduleConfig.model_fields),
    "defaults": tuple(WorkbookOptions.model_fields),
    "workbooks": tuple(WorkbookEntry.model_fields),
    "history": tuple(HistoryConfig.model_fields),
    "reminders": tuple(RemindersConfig.model_fields),
    "quota": tuple(QuotaConfig.model_fields),
    "report": tuple(ReportOptions.model_fields),
}


def _problems(errors: list[ErrorDetails], text: str) -> list[tuple[int, str]]:
    """One ``(line, "where: what")`` per error; line 0 when it has none."""
    return [
        (_line_of(error["loc"], text), f"{_where(error['loc'], text)}: {_message(error)}")
        for error in errors
    ]


def _line_of(loc: tuple[int | str, ...], text: str) -> int:
    return 0 if _env_name(loc) else _locate(loc, text) or 0


def _message(error: ErrorDetails) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        table = "workbooks" if "workbooks" in loc else str(loc[0]) if len(loc) > 1 else ""
        table = "report" if "report" in loc[:-1] else table
        close = difflib.get_close_matches(key, _FIELDS_BY_TABLE.get(table, ()), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key{hint}"
    message = error["msg"].removeprefix("Value error, ")
    if kind != "value_error" and isinstance(value, str | int | float | bool):
        message += f" (got {value!r})"
    return message


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _where(loc: tuple[int | str, ...], text: str) -> str:
    """``workbooks[2].path (line 31)``, or ``... (from SHEETS_SYNC_X)`` for an override."""
    env = _env_name(loc)
    if env:
        return f"{_dotted(loc)} (from {env})"
    line = _locate(loc, text)
    return f"{_dotted(loc)} (line {line})" if line else _dotted(loc)


def _env_name(loc: tuple[int | str, ...]) -> str | None:
    if not loc or not isinstance(loc[0], str):
        return None
    names = [ENV_PREFIX + str(loc[0]).upper()]
    if len(loc) > 1 and isinstance(loc[1], str):
        names.insert(0, f"{ENV_PREFIX}{str(loc[0]).upper()}__{loc[1].upper()}")
    return next((name for name in names if name in os.environ), None)


_HEADER = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.-]+)\s*\]")


def _locate(loc: tuple[int | str, ...], text: str) -> int | None:
    """Best-effort line number of ``loc`` in the TOML text (tables written the usual way).

    tomli keeps no positions, so this scans for ``[table]`` / ``[[workbooks]]``
    headers and ``key =`` lines. Inline tables just get no line number.
    """
    lines = text.splitlines()
    table, index, key = "", None, None
    parts = list(loc)
    if parts and parts[0] in ("schedule", "defaults", "workbooks", "history", "reminders", "quota"):
        table = str(parts.pop(0))
        if table == "workbooks" and parts and isinstance(parts[0], int):
            index = parts.pop(0)
    if parts and isinstance(parts[0], str):
        key = parts[0]
    current, seen_array = "", -1
    start: int | None = 1 if table == "" else None
    for number, line in enumerate(lines, 1):
        header = _HEADER.match(line)
        if header:
            current = header.group(2)
            if header.group(1) and current == "workbooks":
                seen_array += 1
            in_target = current == table and (index is None or seen_array == index)
            if start is not None and not in_target:
                break
            if in_target:
                start = number
            continue
        if start is not None and key and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return start if table else None
