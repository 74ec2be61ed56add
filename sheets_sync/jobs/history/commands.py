"""``sheets-sync history``: open the history, pick the runs, print them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs import STATE_DIR_ENV
from sheets_sync.jobs.history.record import ManualRun, manual_run, target_of
from sheets_sync.jobs.history.render import Format, history_entries, render_history
from sheets_sync.jobs.history.store import HistoryStore, history_path

_CONFIG_HELP = "Config file whose state folder holds the history (default as for `watch`)."
_STATE_HELP = f"The state folder itself (default: ${STATE_DIR_ENV}, else the config's)."


def state_dir_of(state_dir: Path | None, config_path: str | None) -> Path:
    """``--state-dir`` (or its variable), else the config's state folder."""
    if state_dir is not None:
        return state_dir
    from sheets_sync.jobs.config import load_config  # pydantic-settings: only with a config

    return load_config(config_path).state_dir


@click.command("history")
@click.argument("workbook", required=False)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help=_CONFIG_HELP)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=STATE_DIR_ENV,
    help=_STATE_HELP,
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only runs that started on or after this day (UTC).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the runs as one JSON array.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text for people; jsonl: one JSON object per run, to export.",
)
@click.pass_context
def history_command(
    ctx: click.Context,
    workbook: str | None,
    config_path: str | None,
    state_dir: Path | None,
    since: dt.datetime | None,
    as_json: bool,
    fmt: Format,
) -> None:
    """Show past sync runs (WORKBOOK: a configured name or a path) and each cell's old → new."""
    try:
        path = history_path(state_dir_of(state_dir, config_path))
        if not path.exists():
            click.echo(render_history([], "json" if as_json else fmt))
            return
        start = since.replace(tzinfo=dt.UTC) if since else None
        with HistoryStore(path) as store:
            target = target_of(workbook) if workbook else None
            entries = history_entries(store, store.runs(workbook, start, target=target))
        click.echo(render_history(entries, "json" if as_json else fmt))
    except SheetsSyncError as exc:
        click.echo(f"sheets-sync: {exc}", err=True)
        ctx.exit(exc.exit_code)


def configured_run(
    workbook: str, config_path: str | None, state_dir: Path | None
) -> ManualRun | None:
    """Where a manual ``sync`` records its run: ``--state-dir`` (or its variable), else
    ``--config``'s state folder and names; ``None`` (not recorded) when neither is given."""
    if config_path is None:
        return manual_run(workbook, state_dir=state_dir)
    from sheets_sync.jobs.config import load_config

    config = load_config(config_path)
    names = {wb.target: wb.name for wb in config.workbooks}
    return manual_run(
        workbook,
        state_dir=state_dir or config.state_dir,
        keep=config.history.keep_delta,
        names=names,
    )
