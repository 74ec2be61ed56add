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
from sheets_sync.core.layout import Lang
from sheets_sync.errors import ConfigError, SheetsSyncError
from sheets_sync.jobs.clock import Clock
from sheets_sync.jobs.config import WatchConfig, WorkbookConfig
from sheets_sync.jobs.history.store import HistoryStore, NoticeKey, history_path
from sheets_sync.jobs.logs import log
from sheets_sync.jobs.remind.chat import WebhookPoster
from sheets_sync.jobs.remind.config import ChatConfig, RemindersConfig
from sheets_sync.jobs.remind.message import body, compose, message_id, subject_text
from sheets_sync.jobs.remind.smtp import Sender
from sheets_sync.jobs.remind.timing import digest_day
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
    channel: str = "email"

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


def read_workbook(workbook: WorkbookConfig) -> WorkbookSnapshot:
    """The configured workbook's rows, read through its backend."""
    from sheets_sync.api import open_backend

    return open_backend(workbook.target, credentials=workbook.credentials).read()


def link_of(workbook: WorkbookConfig) -> str:
    if workbook.spreadsheet is not None:
        return f"https://docs.google.com/spreadsheets/d/{workbook.spreadsheet}"
    assert workbook.path is not None
    return workbook.path.as_uri()


# The review each of the lead's review notices is about.
_REVIEW_OF = {"review_mid_due": "mid", "review_final_due": "final", "review_final_overdue": "final"}


def report_links(workbook: WorkbookConfig, quarter: str, digest: Digest) -> dict[str, str]:
    """Where the reports of the reviews ``digest`` reminds of are, for those written."""
    settings = workbook.report
    if settings is None or not quarter:
        return {}
    links = {}
    for kind in dict.fromkeys(_REVIEW_OF[i.kind] for i in digest.items if i.kind in _REVIEW_OF):
        path = settings.path_for(workbook.name, workbook.path, quarter, kind)
        if path.exists():
            links[kind] = settings.link(path)
    return links


class Reminders:
    """Sends the day's digests for a configuration; clock, sender and reader are injected."""

    def __init__(
        self,
        config: WatchConfig,
        *,
        clock: Clock,
        sender: Sender | None,
        read: ReadFn,
        poster: WebhookPoster | None = None,
    ) -> None:
        if config.reminders is None:
            raise ConfigError(f"{config.source} has no [reminders] table.")
        self.config = config
        self.settings: RemindersConfig = config.reminders
        self.clock = clock
        self.sender = sender
        self.read = read
        self.poster = poster or WebhookPoster(clock)
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
                    due_soon_days=workbook.due_soon_days,
                    stale_after_days=workbook.stale_after_days,
                    language=workbook.language,
                ),
            )
        except SheetsSyncError as exc:
            return [OwnerResult(workbook.name, "", None, 0, "failed", str(exc))]
        results = [
            OwnerResult(workbook.name, owner, None, count, "no_address")
            for owner, count in digests.unreachable.items()
        ]
        for digest in digests.digests:
            results += self._digest(workbook, digests, digest, day, dry_run)
        return results

    def _digest(
        self,
        workbook: WorkbookConfig,
        found: WorkbookDigest,
        digest: Digest,
        day: dt.date,
        dry_run: bool,
    ) -> list[OwnerResult]:
        """The digest on each of its channels: email when a server is configured, and
        every chat webhook that takes this owner."""
        channels: list[ChatConfig | None] = [None] if self.settings.smtp is not None else []
        channels += [chat for chat in self.settings.chat if chat.takes(digest.owner)]
        return [self._channel(workbook, found, digest, day, dry_run, c) for c in channels]

    def _channel(
        self,
        workbook: WorkbookConfig,
        found: WorkbookDigest,
        digest: Digest,
        day: dt.date,
        dry_run: bool,
        chat: ChatConfig | None,
    ) -> OwnerResult:
        """One digest on one channel, with only the notices not yet sent there."""
        channel = chat.name if chat else "email"
        items = {
            NoticeKey(workbook.name, i.row_id, i.kind, i.due, day, channel): i for i in digest.items
        }
        fresh = self._unsent(list(items))
        result = OwnerResult(
            workbook.name, digest.owner, digest.email, len(fresh), "already_sent", channel=channel
        )
        if not fresh:
            return result
        digest = Digest(digest.owner, digest.email, tuple(items[k] for k in fresh))
        quarter = found.quarter or ""
        subject = subject_text(found.lang, quarter, day)
        if dry_run:
            return _with(result, outcome="dry_run", subject=subject)
        reports = report_links(workbook, quarter, digest)
        text = body(
            digest, lang=found.lang, quarter=quarter, link=link_of(workbook), reports=reports
        )
        if chat is None:
            error = self._email(fresh, digest, found.lang, subject, text)
        else:
            error = self._send(fresh, channel, "", lambda: self.poster.post(chat, subject, text))
        outcome = "failed" if error else "sent"
        return _with(result, outcome=outcome, error=error, subject=subject)

    def _email(
        self, fresh: list[NoticeKey], digest: Digest, lang: Lang, subject: str, text: str
    ) -> str | None:
        smtp, sender = self.settings.smtp, self.sender
        if smtp is None or sender is None:
            return "no [reminders.smtp] server configured"
        msg_id = message_id(fresh, digest.email, smtp.sender.rsplit("@", 1)[-1])
        message = compose(
            digest,
            text,
            lang=lang,
            subject=subject,
            sender=smtp.sender,
            msg_id=msg_id,
            now=self.clock.now(),
        )
        return self._send(fresh, digest.email, msg_id, lambda: sender.send(message))

    def _unsent(self, keys: list[NoticeKey]) -> list[NoticeKey]:
        with HistoryStore(history_path(self.config.state_dir)) as store:
            sent = store.sent(keys)
        return [key for key in keys if key not in sent]

    def _send(
        self, fresh: list[NoticeKey], recipient: str, msg_id: str, deliver: Callable[[], None]
    ) -> str | None:
        """Record the notices as pending, deliver, record the outcome; the error, if any."""
        with HistoryStore(history_path(self.config.state_dir)) as store:
            store.claim(fresh, recipient, msg_id, self.clock.now())
            try:
                deliver()
            except Exception as exc:  # smtplib's, HTTP, OSError, anything: this owner only
                error = f"{type(exc).__name__}: {exc}"
                store.settle(fresh, self.clock.now(), error=error)
                return error
            store.settle(fresh, self.clock.now())
        return None


class ReminderJob:
    """The watcher's reminders: after each pass, once a day from ``send_at``, and
    again on later passes while a digest failed. Never raises."""

    def __init__(self, reminders: Reminders) -> None:
        self.reminders = reminders
        self.done_on: dt.date | None = None

    def __call__(self) -> RemindReport | None:
        r = self.reminders
        day, _ = digest_day(r.clock.now(), r.settings, r.tz)
        if day is None or day == self.done_on or not r.settings.enabled:
            return None
        try:
            report = r.run()
        except Exception:  # the watcher must outlive its reminders
            log.exception("reminders failed; trying again next pass")
            return None
        if not report.failed:
            self.done_on = day
        for result in report.results:
            _log(result)
        return report


def watch_reminders(config: WatchConfig, clock: Clock) -> ReminderJob | None:
    """The watcher's reminder job for ``config``, or ``None`` without a [reminders] table."""
    if config.reminders is None:
        return None
    from sheets_sync.jobs.remind.smtp import SmtpSender

    smtp = config.reminders.smtp
    sender = SmtpSender(smtp) if smtp else None
    return ReminderJob(Reminders(config, clock=clock, sender=sender, read=read_workbook))


def _log(result: OwnerResult) -> None:
    if result.outcome == "already_sent":
        return
    fields = {"event": "reminder", **result.as_json()}
    level = 30 if result.outcome in ("failed", "no_address") else 20
    who = result.owner or "lead"
    log.log(
        level,
        "%s: reminder to %s via %s: %s",
        result.workbook,
        who,
        result.channel,
        result.outcome,
        extra={"fields": fields},
    )


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
        via = "" if r.channel == "email" else f" via {r.channel}"
        line = f"  {r.workbook}  {who}{via}  {r.items} item(s)  {r.outcome}"
        lines.append(line + (f": {r.error}" if r.error else ""))
    if not report.results:
        lines.append("  nothing due.")
    return "\n".join(lines)
