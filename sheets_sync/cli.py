"""The ``sheets-sync`` command: parses options, calls the library, prints."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import click

from sheets_sync import __version__
from sheets_sync.errors import ParseError, SheetsSyncError
from sheets_sync.jobs import STATE_DIR_ENV

if TYPE_CHECKING:  # each command loads what it uses: start-up stays small
    from sheets_sync.api import Measurement
    from sheets_sync.core.calendar import Quarter
    from sheets_sync.jobs.history.record import ManualRun
    from sheets_sync.jobs.idle import IdleKey

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(func: F) -> F:
    """A SheetsSyncError becomes one line on stderr and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SheetsSyncError as error:
            click.echo(f"sheets-sync: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


class _LazyChoice(click.Choice):  # type: ignore[type-arg,unused-ignore]
    """A choice whose values are looked up when a command first needs them."""

    def __init__(self, values: Callable[[], Sequence[str]], case_sensitive: bool = True) -> None:
        self._values = values
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._values())
        return self._choices

    @choices.setter
    def choices(self, values: Sequence[str]) -> None:
        self._choices = tuple(values)


def _layout_names(name: str) -> Callable[[], Sequence[str]]:
    def values() -> Sequence[str]:
        from sheets_sync.core import layout

        return cast(Sequence[str], getattr(layout, name))

    return values


def _currencies() -> Sequence[str]:
    from sheets_sync.core.layout import load_layout

    return sorted(load_layout().presentation.currencies)


def _decisions() -> Sequence[str]:
    from sheets_sync.quarter.carry import DECISIONS

    return DECISIONS


class _Amount(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "AMOUNT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from sheets_sync.core.parsing import parse_money

        try:
            return parse_money(value) if isinstance(value, str) else float(value)
        except (ParseError, ValueError):
            self.fail(f"{value!r} is not an amount (e.g. 60000 or 60,000)", param, ctx)


class _Quarter(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "YYYY-QN"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Quarter:
        from sheets_sync.core.calendar import Quarter

        try:
            return value if isinstance(value, Quarter) else Quarter.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class _Weights(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "W1,W2,W3,W4"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[float, ...]:
        from sheets_sync.core.budget import parse_weights

        if isinstance(value, tuple):
            return value
        try:
            return parse_weights(str(value))
        except SheetsSyncError as exc:
            self.fail(str(exc), param, ctx)


_WEIGHTS_HELP = "Split of the annual budget over Q1-Q4, e.g. 30,25,25,20 (default: equal)."


class _Day(click.DateTime):
    """A day as ``YYYY-MM-DD``, read as ``click.DateTime`` reads it.

    The usual spelling is read by ``fromisoformat``: the first ``strptime`` of a
    process builds its locale tables and regular expression, about 2 ms of a sync's
    start-up. Anything else (or no such day) goes to ``click.DateTime`` as before.
    """

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and _ISO_DAY.fullmatch(value):
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                pass  # no such day: click's own message says so
        return super().convert(value, param, ctx)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _as_of_option(func: F) -> F:
    return click.option(
        "--as-of",
        type=_Day(),
        default=None,
        help="The date to compute flags and due dates for (default: today).",
    )(func)


def _day(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


class _Commands(click.Group):
    """The command group; a command in ``later`` is imported only when it is run.

    ``later`` holds each such command's first line of help, for the list of commands.
    """

    later: ClassVar[dict[str, tuple[str, Callable[[], click.Command]]]] = {}
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.later})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.later:
            return self.commands.get(cmd_name)
        help_line, load = self.later[cmd_name]
        if self._listing:
            return click.Command(cmd_name, help=help_line)
        self.add_command(load(), cmd_name)
        return self.commands[cmd_name]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sheets-sync")
def main() -> None:
    """Generate and sync a quarterly marketing roadmap kept in a spreadsheet."""


def _config_option(purpose: str) -> Callable[[F], F]:
    """``--config FILE``, saying what this command reads from it."""
    return click.option(
        "--config", "config_path", type=click.Path(dir_okay=False), default=None, help=purpose
    )


_credentials_option = click.option(
    "--credentials",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Google service-account key file (default: SHEETS_SYNC_CREDENTIALS, "
    "GOOGLE_APPLICATION_CREDENTIALS, or Application Default Credentials).",
)


_business_option = click.option(
    "--business",
    type=_LazyChoice(_layout_names("BUSINESSES")),
    required=True,
    help="Business model: picks the quarter's checklist.",
)
_lang_option = click.option(
    "--lang",
    type=_LazyChoice(_layout_names("LANGS")),
    default="en",
    show_default=True,
    help="Language of the workbook's labels, dropdowns and messages.",
)
_fiscal_year_option = click.option(
    "--fiscal-year-start",
    type=click.IntRange(1, 12),
    default=1,
    show_default=True,
    help="Month (1-12) in which the fiscal year starts.",
)
_scope_option = click.option(
    "--scope-threshold",
    type=click.FloatRange(0, 1),
    default=0.25,
    show_default=True,
    help="Flag spend above this share of the annual budget for scope review.",
)


@main.command(name="generate")
@click.option("--quarter", type=_Quarter(), required=True, help="The quarter, e.g. 2027-Q1.")
@_business_option
@_lang_option
@click.option("--budget", type=_Amount(), required=True, help="The quarter's budget.")
@click.option(
    "--annual-budget",
    type=_Amount(),
    default=None,
    help="The annual marketing budget (enables the scope-review flag).",
)
@click.option(
    "--currency",
    type=_LazyChoice(_currencies, case_sensitive=False),
    default=None,
    help="Currency amounts are shown in (default: USD for en, CNY for zh, RUB for ru).",
)
@_fiscal_year_option
@_scope_option
@click.option("--example", is_flag=True, help="Fill in the example roadmap.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The .xlsx file to create.",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--google", is_flag=True, help="Create a Google spreadsheet instead of a file.")
@click.option(
    "--spreadsheet",
    default=None,
    help="Add the roadmap's sheets to this existing Google spreadsheet (ID or URL).",
)
@click.option(
    "--share",
    multiple=True,
    metavar="EMAIL",
    help="Share the new spreadsheet with EMAIL as editor (repeatable).",
)
@click.option("--folder", default=None, help="Create the spreadsheet in this Drive folder ID.")
@_credentials_option
@_config_option("Offer the metrics configured in this file in the goals' Data source dropdown.")
@_as_of_option
@_fail_cleanly
def generate_command(
    quarter: Quarter,
    business: str,
    lang: str,
    budget: float,
    annual_budget: float | None,
    currency: str | None,
    fiscal_year_start: int,
    scope_threshold: float,
    example: bool,
    out: Path | None,
    force: bool,
    google: bool,
    spreadsheet: str | None,
    share: tuple[str, ...],
    folder: str | None,
    credentials: Path | None,
    config_path: str | None,
    as_of: dt.datetime | None,
) -> None:
    """Create this quarter's roadmap workbook (.xlsx, or a Google spreadsheet)."""
    from sheets_sync.api import GoogleDestination, generate
    from sheets_sync.core.calendar import Quarter
    from sheets_sync.core.i18n import as_lang
    from sheets_sync.core.layout import Business
    from sheets_sync.jobs.config import load_config
    from sheets_sync.quarter.new_plan import Options

    metrics = load_config(config_path).metrics if config_path else None
    quarter = Quarter(quarter.year, quarter.number, fiscal_year_start)
    options = Options(
        quarter=quarter,
        business=cast(Business, business),
        lang=as_lang(lang),
        quarter_budget=budget,
        annual_budget=annual_budget,
        scope_threshold=scope_threshold,
        example=example,
        currency=currency,
        metrics=tuple(metrics.names()) if metrics else (),
    )
    google = google or spreadsheet is not None
    if google == (out is not None):
        raise click.UsageError("give either --out FILE.xlsx or --google / --spreadsheet ID")
    where, plan = generate(
        options,
        GoogleDestination(spreadsheet, folder, share) if google else cast(Path, out),
        as_of=_day(as_of),
        force=force,
        credentials=credentials,
    )
    checklist = next(s for s in plan.sheets if s.key == "checklist")
    click.echo(
        f"Created {where}: {quarter} ({quarter.start} – {quarter.end}), "
        f"{business.upper()}, {len(checklist.grid.rows) - 2} checklist items, "
        f"language {lang}."
    )


@main.command(name="sync")
@click.argument("workbook")
@_as_of_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@click.option(
    "--full",
    is_flag=True,
    help="Read and check every row even when the file is byte for byte the one an "
    "earlier sync found nothing to write in on this day (its summary is then repeated).",
)
@_credentials_option
@_config_option(
    "Read the goals' metrics configured in this file (see `sheets-sync metrics`) and "
    "record the run in its run history, under the workbook's configured name."
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=STATE_DIR_ENV,
    default=None,
    help=f"Record the run in this state folder's run history (default: ${STATE_DIR_ENV}).",
)
@_fail_cleanly
def sync_command(
    workbook: str,
    as_of: dt.datetime | None,
    dry_run: bool,
    as_json: bool,
    full: bool,
    credentials: Path | None,
    config_path: str | None,
    state_dir: Path | None,
) -> None:
    """Validate a roadmap (FILE.xlsx, gsheet:ID or the sheet's URL), roll up budgets and
    write back flags and due dates."""
    day = _day(as_of)
    idle = digest = None
    if not (full or config_path or state_dir):  # a run to record or measure is a full one
        idle = _idle_key(workbook, day, "json" if as_json else "text", dry_run)
        digest = _idle_digest(idle)  # hashed once: the lookup's key, and a new memo's
        kept = _idle_output(idle, digest) if idle and digest else None
        if kept is not None:
            click.echo(kept)
            return
    from sheets_sync.api import sync_workbook
    from sheets_sync.core.layout import load_layout
    from sheets_sync.sync.report import render_text

    measured = _measured(config_path, day) if config_path else None
    record = None if dry_run else _record(workbook, config_path, state_dir)
    started = dt.datetime.now(dt.UTC)
    try:
        report = sync_workbook(
            workbook, as_of=day, dry_run=dry_run, credentials=credentials, measured=measured
        )
    except SheetsSyncError as error:
        if record:
            record.failed(error, started, dt.datetime.now(dt.UTC))
        raise
    if record:
        record.ok(report, started, dt.datetime.now(dt.UTC))
    if as_json:
        output = json.dumps(report.as_json(), ensure_ascii=False, indent=2)
    else:
        output = render_text(report, load_layout())
    click.echo(output)
    if idle is not None and digest is not None:
        _remember_idle(idle, digest, output, wrote=bool(report.changes))


def _idle_key(workbook: str, day: dt.date, mode: str, dry_run: bool) -> IdleKey | None:
    """The idle memo's key for a local workbook; None for a Google one."""
    from sheets_sync.backends.target import LocalFile, parse_target
    from sheets_sync.jobs.idle import IdleKey

    try:
        target = parse_target(workbook)
    except SheetsSyncError:
        return None  # the full run says what is wrong with the name
    if not isinstance(target, LocalFile):
        return None
    return IdleKey(target.path, workbook, day.isoformat(), mode, dry_run)


def _idle_output(key: IdleKey, digest: str) -> str | None:
    """The kept output, when the file is unchanged and nobody holds it open."""
    from sheets_sync.backends.xlsx.safety import lock_file_of
    from sheets_sync.jobs.idle import idle_output

    return None if lock_file_of(key.path) else idle_output(key, digest)


def _idle_digest(key: IdleKey | None) -> str | None:
    """The file's hash before the sync reads it: what a memo of this run is kept under."""
    from sheets_sync.jobs.idle import content_digest

    if key is None:
        return None
    try:
        return content_digest(key.path)
    except OSError:
        return None  # the sync itself says what is wrong with the file


def _remember_idle(key: IdleKey, digest: str, output: str, *, wrote: bool) -> None:
    """Keep the output of a run that changed nothing in a file nobody changed meanwhile."""
    from sheets_sync.jobs.idle import content_digest, forget_idle, remember_idle

    try:
        unchanged = not wrote and content_digest(key.path) == digest
    except OSError:
        unchanged = False
    if unchanged:
        remember_idle(key, digest, output)
    else:
        forget_idle(key)


@main.command(name="rename")
@click.argument("workbook")
@click.option("--dry-run", is_flag=True, help="List the cells it would change; write nothing.")
@_credentials_option
@_fail_cleanly
def rename_command(workbook: str, dry_run: bool, credentials: Path | None) -> None:
    """Put the new name of a focus area or owner renamed on its own sheet in the rows still
    using the old one (FILE.xlsx, gsheet:ID or the sheet's URL)."""
    from sheets_sync.api import rename_workbook
    from sheets_sync.core.layout import load_layout
    from sheets_sync.sync.summary import render_rename

    report = rename_workbook(workbook, dry_run=dry_run, credentials=credentials)
    click.echo(render_rename(report, load_layout()))


def _record(workbook: str, config_path: str | None, state_dir: Path | None) -> ManualRun | None:
    """Where the run is recorded: nowhere (and no history code loaded) without a state folder."""
    if config_path is None and state_dir is None:
        return None
    from sheets_sync.jobs.history.commands import configured_run

    return configured_run(workbook, config_path, state_dir)


def _measured(config_path: str, day: dt.date) -> dict[str, Measurement] | None:
    from sheets_sync.jobs.config import load_config
    from sheets_sync.sources.registry import Registry  # requests, only when measuring

    metrics = load_config(config_path).metrics
    return None if metrics is None else Registry(metrics).measure(day)


@main.command(name="metrics")
@_config_option("The config file (default: $SHEETS_SYNC_CONFIG, else ./config/sheets_sync.toml).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@_as_of_option
@_fail_cleanly
def metrics_command(config_path: str | None, as_json: bool, as_of: dt.datetime | None) -> None:
    """List the configured metrics and read each once, touching no workbook.

    Exit code 1 when a metric could not be read."""
    from sheets_sync.jobs.config import load_config
    from sheets_sync.sources.config import MetricsConfig
    from sheets_sync.sources.registry import Registry
    from sheets_sync.sources.report import metric_rows, render_metrics

    config = load_config(config_path)
    metrics = config.metrics or MetricsConfig(state_dir=config.state_dir)
    rows = metric_rows(metrics, Registry(metrics).measure(_day(as_of)))
    if as_json:
        click.echo(json.dumps({"metrics": rows}, ensure_ascii=False, indent=2))
    else:
        click.echo(render_metrics(rows))
    if any(row["error"] for row in rows):
        sys.exit(1)


def _metric_names(config_path: str | None) -> tuple[str, ...]:
    """The metric names a config file offers goals (none without a file)."""
    from sheets_sync.jobs.config import load_config

    metrics = load_config(config_path).metrics if config_path else None
    return tuple(metrics.names()) if metrics else ()


@main.command(name="next-quarter")
@click.argument("source")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The new quarter's .xlsx file to create.",
)
@click.option("--budget", type=_Amount(), default=None, help="The new quarter's budget.")
@click.option(
    "--annual-budget",
    type=_Amount(),
    default=None,
    help="The annual budget to split (default: the source's, within the same fiscal year).",
)
@click.option("--weights", type=_Weights(), default=None, help=_WEIGHTS_HELP)
@click.option(
    "--default-decision",
    type=_LazyChoice(_decisions),
    default=None,
    help="Decision for focus areas the final review left undecided.",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--google", is_flag=True, help="Create the new quarter as a Google spreadsheet.")
@click.option(
    "--share",
    multiple=True,
    metavar="EMAIL",
    help="With --google: share the new spreadsheet with EMAIL (repeatable).",
)
@click.option("--folder", default=None, help="With --google: the Drive folder ID to create it in.")
@click.option("--dry-run", is_flag=True, help="Show what would carry over; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@_credentials_option
@_config_option("Offer the metrics configured in this file in the goals' Data source dropdown.")
@_as_of_option
@_fail_cleanly
def next_quarter_command(
    source: str,
    out: Path | None,
    budget: float | None,
    annual_budget: float | None,
    weights: tuple[float, ...] | None,
    default_decision: str | None,
    force: bool,
    google: bool,
    share: tuple[str, ...],
    folder: str | None,
    dry_run: bool,
    as_json: bool,
    credentials: Path | None,
    config_path: str | None,
    as_of: dt.datetime | None,
) -> None:
    """Create next quarter's roadmap (.xlsx or Google) from this quarter's final review.

    SOURCE is this quarter's FILE.xlsx, gsheet:ID or the spreadsheet's URL."""
    from sheets_sync.api import GoogleDestination, next_quarter
    from sheets_sync.core.budget import BudgetChoice
    from sheets_sync.quarter.carry_report import render_carry_text

    if google and out is not None:
        raise click.UsageError("give either --out NEW.xlsx or --google, not both")
    if out is None and not google and not dry_run:
        raise click.UsageError(
            "give --out NEW.xlsx or --google (or --dry-run to only see the plan)"
        )
    report = next_quarter(
        source,
        GoogleDestination(folder_id=folder, share=share) if google else out,
        budget=BudgetChoice(budget, annual_budget, weights),
        as_of=_day(as_of),
        default_decision=default_decision,
        force=force,
        dry_run=dry_run,
        credentials=credentials,
        metrics=_metric_names(config_path),
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_carry_text(report))


@main.command(name="plan-year")
@click.argument("year", type=click.IntRange(1900, 9999))
@click.option("--annual-budget", type=_Amount(), required=True, help="The year's budget.")
@click.option("--weights", type=_Weights(), default=None, help=_WEIGHTS_HELP)
@_business_option
@_lang_option
@_fiscal_year_option
@_scope_option
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for roadmap-YEAR-QN.xlsx.",
)
@click.option("--force", is_flag=True, help="Replace existing files.")
@_as_of_option
@_fail_cleanly
def plan_year_command(
    year: int,
    annual_budget: float,
    weights: tuple[float, ...] | None,
    business: str,
    lang: str,
    fiscal_year_start: int,
    scope_threshold: float,
    out_dir: Path,
    force: bool,
    as_of: dt.datetime | None,
) -> None:
    """Create the four quarterly roadmaps of a fiscal year, the annual budget split."""
    from sheets_sync.api import plan_year
    from sheets_sync.core.i18n import as_lang
    from sheets_sync.core.layout import Business

    written = plan_year(
        year,
        out_dir,
        annual_budget=annual_budget,
        business=cast(Business, business),
        as_of=_day(as_of),
        weights=weights,
        lang=as_lang(lang),
        fiscal_year_start=fiscal_year_start,
        scope_threshold=scope_threshold,
        force=force,
    )
    for path, options in written:
        quarter = options.quarter
        click.echo(
            f"Created {path}: {quarter} ({quarter.start} – {quarter.end}), "
            f"budget {options.quarter_budget:,.2f}"
        )
    click.echo(f"Annual budget {annual_budget:,.2f} split over {len(written)} quarters.")


@main.command(name="report")
@click.argument("roadmap")
@click.option(
    "--kind",
    type=click.Choice(["mid", "final"]),
    default=None,
    help="The mid-quarter or final review (default: final from two weeks before the "
    "quarter's end, mid before).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write: review.html, or review.pdf (needs the pdf extra).",
)
@_credentials_option
@_as_of_option
@_fail_cleanly
def report_command(
    roadmap: str,
    kind: str | None,
    out: Path,
    credentials: Path | None,
    as_of: dt.datetime | None,
) -> None:
    """Write the quarter's review (FILE.xlsx, gsheet:ID or the sheet's URL) as a document."""
    from sheets_sync.api import review_workbook, write_review
    from sheets_sync.review.html import written_line

    review = review_workbook(
        roadmap,
        as_of=_day(as_of),
        kind=cast(Any, kind),
        credentials=credentials,
    )
    path = write_review(review, out)
    click.echo(written_line(review, str(path)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the layout as JSON.")
@click.option(
    "--lang",
    type=_LazyChoice(_layout_names("LANGS")),
    default="en",
    show_default=True,
    help="Language of the labels shown.",
)
def layout(as_json: bool, lang: str) -> None:
    """Show the workbook layout: sheets, column keys, types and allowed values."""
    from sheets_sync.api import layout_description
    from sheets_sync.core.i18n import as_lang

    description = layout_description(as_lang(lang))
    if as_json:
        click.echo(json.dumps(description, ensure_ascii=False, indent=2))
        return
    for sheet in description["sheets"]:
        click.echo(f"{sheet['key']} — {sheet['title']}")
        for column in sheet.get("fields") or sheet["columns"]:
            role = (
                "tool"
                if column["role"] == "computed"
                else ("required" if column["required"] else "optional")
            )
            click.echo(f"  {column['key']:<20}{column['type']:<10}{role:<10}{column['label']}")


def _watch() -> click.Command:
    from sheets_sync.jobs.adapter import drive_version, sync_configured
    from sheets_sync.jobs.commands import watch_command

    return watch_command(sync_configured, drive_version=drive_version)


def _command(module: str, name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        return cast(click.Command, getattr(importlib.import_module(module), name))

    return load


_Commands.later = {
    "watch": ("Keep the configured workbooks synced on their schedule.", _watch),
    "status": (
        "Show each workbook's last run, its result, invalid rows and next run.",
        _command("sheets_sync.jobs.commands", "status_command"),
    ),
    "history": (
        "Show past sync runs (WORKBOOK: a configured name or a path) and each cell's old → new.",
        _command("sheets_sync.jobs.history.commands", "history_command"),
    ),
    "remind": (
        "Email each owner today's digest of what is due (once a day; run it from cron).",
        _command("sheets_sync.jobs.remind.commands", "remind_command"),
    ),
}
