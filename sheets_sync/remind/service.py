"""One reminder run over the configured workbooks: digest, check the ledger, send, record.

Every notice is recorded as pending in the history's ledger before its email is
sent and as sent after, keyed by (workbook, row ID, kind, due date, digest day):
a sent notice is never sent again, a failed one stays pending and goes out with
the next run. One owner's failure (a bad address, a server that hangs up) is
reported on that owner and never stops the others, or the sync.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.core.cells import WorkbookSnapshot
from sheets_sync.errors import ConfigError, SheetsSyncError
from sheets_sync.history.store import HistoryStore, NoticeKey, history_path
from sheets_sync.jobs.clock import Clock
from sheets_sync.jobs.config import WatchConfig, WorkbookConfig
from sheets_sync.remind.config import RemindersConfig
from sheets_sync.remind.message import compose, message_id
from sheets_sync.remind.smtp import Sender
from sheets_sync.remind.timing import digest_day
from sheets_sync.sync.compute import Overrides
from sheets_sync.sync.digest import Digest, WorkbookDigest, build_digests

ReadFn = Callable[[WorkbookConfig], WorkbookSnapshot]


@dataclass(frozen=True)
class OwnerResult:
    """What became of one recipient's digest: sent, already_sent, failed, dry_run or
    no_address (an owner with something due and no email)."""

    workbook: str
    owner: str
    email: str | None
    items: int
    outcome: str
    error: str | None = None
    subject: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class RemindReport:
    day: dt.date | None
    reason: str
    results: list[OwnerResult] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.outcome == "failed" for r in self.results)

    def as_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat() if self.day else None,
            "reason": self.reason,
            "results": [r.as_json() for r in self.results],
        }


def link_of(workbook: WorkbookConfig) -> str:
    if workbook.spreadsheet is not None:
        return f"https://docs.google.com/spreadsheets/d/{workbook.spreadsheet}"
    assert workbook.path is not None
    return workbook.path.as_uri()


class Reminders:
    """Sends the day's digests for a configuration; clock, sender and reader are injected."""

    def __init__(
        self, config: WatchConfig, *, clock: Clock, sender: Sender | None, read: ReadFn
    ) -> None:
        if config.reminders is None:
            raise ConfigError(f"{config.source} has no [reminders] table.")
        self.config = config
        self.settings: RemindersConfig = config.reminders
        self.clock = clock
        self.sender = sender
        self.read = read
        tz = self.settings.timezone
        self.tz = config.schedule.tz if tz is None else _zone(tz)

    def run(self, *, dry_run: bool = False) -> RemindReport:
        day, reason = digest_day(self.clock.now(), self.settings, self.tz)
        report = RemindReport(day, reason)
        if day is None or not self.settings.enabled:
            report.reason = reason if self.settings.enabled else "disabled"
            return report
        for workbook in self.config.enabled_workbooks():
            report.results += self._workbook(workbook, day, dry_run)
        return report

    def _workbook(self, workbook: WorkbookConfig, day: dt.date, dry_run: bool) -> list[OwnerResult]:
        try:
            digests = build_digests(
                self.read(workbook),
                as_of=day,
                lead=self.settings.lead,
                addresses=self.settings.addresses,
                overrides=Overrides(
                    due_soon_days=workbook.due_soon_days, language=workbook.language
                ),
            )
        except SheetsSyncError as exc:
            return [OwnerResult(workbook.name, "", None, 0, "failed", str(exc))]
        results = [
            OwnerResult(workbook.name, owner, None, count, "no_address")
            for owner, count in digests.unreachable.items()
        ]
        for digest in digests.digests:
            results.append(self._digest(workbook, digests, digest, day, dry_run))
        return results

    def _digest(
        self,
        workbook: WorkbookConfig,
        found: WorkbookDigest,
        digest: Digest,
        day: dt.date,
        dry_run: bool,
    ) -> OwnerResult:
        keys = {NoticeKey(workbook.name, i.row_id, i.kind, i.due, day): i for i in digest.items}
        path = history_path(self.config.state_dir)
        with HistoryStore(path) as store:
            sent = store.sent(list(keys))
        fresh = [key for key in keys if key not in sent]
        result = OwnerResult(workbook.name, digest.owner, digest.email, len(fresh), "already_sent")
        if not fresh:
            return result
        digest = Digest(digest.owner, digest.email, tuple(keys[k] for k in fresh))
        smtp = self.settings.smtp
        sender = smtp.sender if smtp else "sheets-sync@localhost"
        msg_id = message_id(fresh, digest.email, sender.rsplit("@", 1)[-1])
        message = compose(
            digest,
            lang=found.lang,
            quarter=found.quarter or "",
            day=day,
            link=link_of(workbook),
            sender=sender,
            msg_id=msg_id,
            now=self.clock.now(),
        )
        subject = str(message["Subject"])
        if dry_run:
            return _with(result, outcome="dry_run", subject=subject)
        if self.sender is None:
            return _with(result, outcome="failed", error="no [reminders.smtp] server configured")
        with HistoryStore(path) as store:
            store.claim(fresh, digest.email, msg_id, self.clock.now())
            try:
                self.sender.send(message)
            except Exception as exc:  # smtplib's errors, OSError, anything: this owner only
                error = f"{type(exc).__name__}: {exc}"
                store.settle(fresh, self.clock.now(), error=error)
                return _with(result, outcome="failed", error=error, subject=subject)
            store.settle(fresh, self.clock.now())
        return _with(result, outcome="sent", subject=subject)


def _with(result: OwnerResult, **changes: Any) -> OwnerResult:
    return OwnerResult(**(result.__dict__ | changes))


def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def render_report(report: RemindReport) -> str:
    if report.day is None:
        return f"No reminders now: {report.reason}."
    lines = [f"Reminders for {report.day.isoformat()}:"]
    for r in report.results:
        name = r.owner or ("lead" if r.email else "-")
        who = f"{name} <{r.email}>" if r.email else name
        line = f"  {r.workbook}  {who}  {r.items} item(s)  {r.outcome}"
        lines.append(line + (f": {r.error}" if r.error else ""))
    if not report.results:
        lines.append("  nothing due.")
    return "\n".join(lines)
