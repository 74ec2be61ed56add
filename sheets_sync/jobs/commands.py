"""``sheets-sync watch`` and ``sheets-sync status`` as click commands.

Thin on purpose: parse options, call :func:`run_watch` / :func:`render_status`,
print, exit. The main CLI attaches them::

    cli.add_command(watch_command(sync_fn))
    cli.add_command(status_command)
"""

from __future__ import annotations

import click

from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs.contract import SyncFn
from sheets_sync.jobs.fingerprint import DriveVersionFn
from sheets_sync.jobs.logs import LogFormat
from sheets_sync.jobs.service import render_status, run_watch
from sheets_sync.jobs.spread import Shard, parse_shard

_CONFIG_HELP = "Config file. Default: $SHEETS_SYNC_CONFIG, else ./config/sheets_sync.toml."


def watch_command(sync_fn: SyncFn, *, drive_version: DriveVersionFn | None = None) -> click.Command:
    """Build the ``watch`` command around the sync function it should run."""

    @click.command("watch")
    @click.option("--config", "config_path", type=click.Path(dir_okay=False), help=_CONFIG_HELP)
    @click.option(
        "--once",
        is_flag=True,
        help="Sync every workbook once and exit (for cron). Exit code 1 when a workbook "
        "failed, 75 when the only failures were temporary (locked workbook, quota).",
    )
    @click.option(
        "--shard",
        metavar="I/N",
        callback=_shard_option,
        help="Sync only shard I of N (I from 0): the workbooks whose stable hash falls "
        "there, so N processes, on any machines, share one config.",
    )
    @click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Plain text lines, or one JSON object per line for log collectors.",
    )
    @click.pass_context
    def watch(
        ctx: click.Context,
        config_path: str | None,
        once: bool,
        shard: Shard | None,
        log_format: LogFormat,
    ) -> None:
        """Keep the configured workbooks synced on their schedule.

        Each workbook is synced on its own: one that fails is retried with a growing
        delay while the others carry on. Unchanged workbooks are skipped, but each is
        synced in full at least once a day. SIGTERM or Ctrl-C lets the workbook in
        progress finish, then exits 0. Only one watcher runs per config.
        """
        code = run_watch(
            config_path,
            sync_fn=sync_fn,
            once=once,
            log_format=log_format,
            drive_version=drive_version,
            shard=shard,
        )
        ctx.exit(code)

    return watch


def _shard_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("status")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help=_CONFIG_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON, for scripts.")
@click.pass_context
def status_command(ctx: click.Context, config_path: str | None, as_json: bool) -> None:
    """Show each workbook's last run, its result, invalid rows and next run."""
    try:
        click.echo(render_status(config_path, as_json=as_json))
    except SheetsSyncError as exc:
        click.echo(str(exc), err=True)
        ctx.exit(exc.exit_code)
