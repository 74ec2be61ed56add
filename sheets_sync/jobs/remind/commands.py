"""``sheets-sync remind``: load the config, run the day's reminders once, print what went out."""

from __future__ import annotations

import datetime as dt
import json

import click

from sheets_sync.errors import SheetsSyncError
from sheets_sync.jobs.clock import ManualClock, SystemClock
from sheets_sync.jobs.config import load_config

_CONFIG_HELP = "Config file. Default: $SHEETS_SYNC_CONFIG, else ./config/sheets_sync.toml."


@click.command("remind")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help=_CONFIG_HELP)
@click.option("--dry-run", is_flag=True, help="Show the digests that would go out; send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--now",
    "at",
    default=None,
    metavar="ISO-TIME",
    help="Act as if it were this moment, e.g. 2027-02-19T08:05+03:00 (try a config with "
    "--dry-run).",
)
@click.pass_context
def remind_command(
    ctx: click.Context, config_path: str | None, dry_run: bool, as_json: bool, at: str | None
) -> None:
    """Email each owner today's digest of what is due (once a day; run it from cron).

    Exit code 1 when a digest could not be sent; it is sent again on the next run.
    """
    from sheets_sync.jobs.remind.service import Reminders, read_workbook, render_report
    from sheets_sync.jobs.remind.smtp import SmtpSender

    try:
        config = load_config(config_path)
        smtp = config.reminders.smtp if config.reminders else None
        sender = SmtpSender(smtp) if smtp else None
        clock = SystemClock() if at is None else ManualClock(_moment(at))
        reminders = Reminders(config, clock=clock, sender=sender, read=read_workbook)
        report = reminders.run(dry_run=dry_run)
    except SheetsSyncError as exc:
        click.echo(f"sheets-sync: {exc}", err=True)
        ctx.exit(exc.exit_code)
    click.echo(
        json.dumps(report.as_json(), ensure_ascii=False, indent=2)
        if as_json
        else render_report(report)
    )
    ctx.exit(1 if report.failed else 0)


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint="--now") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give the time with its offset, e.g. +03:00", param_hint="--now")
    return moment
