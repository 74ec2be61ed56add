"""Reminders by email, received by a real SMTP server (aiosmtpd) on localhost.

The clock is a ManualClock: a test moves it to 08:05 on a Friday, to a Saturday,
into the quiet hours; nothing waits on the wall clock.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import ipaddress
import json
import socket
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sheets_sync.cli import main
from sheets_sync.core.layout import Lang
from sheets_sync.errors import ConfigProblems
from sheets_sync.jobs import ManualClock, RunOutcome, WorkbookConfig, load_config, run_watch
from sheets_sync.jobs.history import HistoryStore, history_path
from sheets_sync.jobs.remind.message import body
from sheets_sync.jobs.remind.service import Reminders, read_workbook
from sheets_sync.jobs.remind.smtp import SmtpSender
from sheets_sync.sync.compute import Overrides
from sheets_sync.sync.digest import Digest, Item, build_digests

from .conftest import generated_example

MOSCOW = dt.timezone(dt.timedelta(hours=3))
FRIDAY_0805 = dt.datetime(2027, 2, 19, 8, 5, tzinfo=MOSCOW)
SATURDAY_0805 = dt.datetime(2027, 2, 20, 8, 5, tzinfo=MOSCOW)


class Inbox:
    """An aiosmtpd handler keeping every message; it can hang up on the next DATA."""

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, EmailMessage]] = []
        self.drop_next = False

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.drop_next:
            self.drop_next = False
            assert server.transport is not None
            server.transport.abort()  # the connection drops before the reply
            return "421 dropped"
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((envelope, parsed))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for e, m in self.messages if address in e.rcpt_tos]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _config(
    tmp_path: Path, port: int, books: dict[str, Path], extra: str = "", stale_after: int = 120
) -> Path:
    """The config; the example's goal values, typed with no date when it was made
    (2026-12-01), count as fresh for ``stale_after`` days."""
    lines = [
        f'state_dir = "{tmp_path / "state"}"',
        "[schedule]",
        'timezone = "Europe/Moscow"',
        "[defaults]",
        f"stale_after_days = {stale_after}",
    ]
    for name, book in books.items():
        lines += ["[[workbooks]]", f'name = "{name}"', f'path = "{book}"']
    lines += [
        "[reminders]",
        'lead = "lead@example.com"',
        'quiet_hours = "21:00-07:30"',
        extra,
        "[reminders.smtp]",
        'host = "127.0.0.1"',
        f"port = {port}",
        'security = "none"',
        'sender = "roadmap@example.com"',
    ]
    path = tmp_path / "sheets_sync.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _reminders(config: Path, clock: ManualClock, **sender: Any) -> Reminders:
    loaded = load_config(config)
    assert loaded.reminders is not None and loaded.reminders.smtp is not None
    smtp = SmtpSender(loaded.reminders.smtp, **sender)
    return Reminders(loaded, clock=clock, sender=smtp, read=read_workbook)


@pytest.fixture
def english(tmp_path: Path) -> Path:
    return generated_example(tmp_path / "q1.xlsx", lang="en")


def test_one_digest_per_owner_with_what_is_due(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    report = _reminders(_config(tmp_path, port, {"emea": english}), ManualClock(FRIDAY_0805)).run()
    assert report.day == dt.date(2027, 2, 19)
    assert sorted((r.owner, r.email, r.items, r.outcome) for r in report.results) == [
        ("", "lead@example.com", 9, "sent"),
        ("Anna Lee", "anna.lee@example.com", 2, "sent"),
        ("Dmitry Volkov", "dmitry.volkov@example.com", 2, "sent"),
        ("Li Wei", "li.wei@example.com", 1, "sent"),
    ]
    assert sorted(r for e, _ in server.messages for r in e.rcpt_tos) == [
        "anna.lee@example.com",
        "dmitry.volkov@example.com",
        "lead@example.com",
        "li.wei@example.com",
    ]
    [anna] = server.to("anna.lee@example.com")
    assert anna["From"] == "roadmap@example.com"
    assert anna["To"] == "Anna Lee <anna.lee@example.com>"
    assert anna["Subject"] == "Roadmap 2027-Q1: what needs your attention (2027-02-19)"
    assert anna["Auto-Submitted"] == "auto-generated"
    assert anna["Message-ID"].startswith("<reminder.") and anna["Message-ID"].endswith(
        "@example.com>"
    )
    assert anna.get_content().replace("\r\n", "\n") == (
        "Hi Anna Lee,\n\n"
        "Here is what needs your attention in the 2027-Q1 roadmap today.\n\n"
        "Initiatives due soon\n"
        "- Reorganise the blog into topic clusters around three pillar pages so visitors"
        " find the ri… (IN-001), due 2027-02-25\n\n"
        "Goals off track\n"
        "- Website appeal: Blog subscribers (GO-003), due 2027-03-31\n\n"
        f"Open the workbook: {english.as_uri()}\n\n"
        "-- \nThis reminder was sent by sheets-sync.\n"
    )
    [lead] = server.to("lead@example.com")
    body = lead.get_content().replace("\r\n", "\n")
    assert "Overdue checklist items\n- Annual strategy alignment (CL-001), due 2027-01-14\n" in body
    assert "Mid-quarter reviews due\n- Website appeal (RV-001), due 2027-02-14\n" in body


def test_goals_with_an_out_of_date_value_go_to_their_focus_areas_owners(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    config = _config(tmp_path, port, {"emea": english}, stale_after=14)
    report = _reminders(config, ManualClock(FRIDAY_0805)).run()
    assert ("Maria Garcia", 1) in [(r.owner, r.items) for r in report.results]
    [anna] = server.to("anna.lee@example.com")
    assert (
        "Goals with an out-of-date value\n"
        "- Website appeal: Blog subscribers (GO-003), due 2027-03-31\n"
    ) in anna.get_content().replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("lang", "subject", "greeting", "heading"),
    [
        (
            "zh",
            "路线图 2027-Q1：需要你跟进的事项（2027年2月19日）",
            "Anna Lee，你好：",
            "即将到期的举措",
        ),
        (
            "ru",
            "Дорожная карта 2027-Q1: что требует внимания (19.02.2027)",
            "Anna Lee, добрый день!",
            "Скоро срок по инициативам",
        ),
    ],
)
def test_the_digest_speaks_the_workbooks_language(
    tmp_path: Path,
    inbox: tuple[Inbox, int],
    lang: str,
    subject: str,
    greeting: str,
    heading: str,
) -> None:
    server, port = inbox
    book = generated_example(tmp_path / f"{lang}.xlsx", lang=lang)
    _reminders(_config(tmp_path, port, {lang: book}), ManualClock(FRIDAY_0805)).run()
    [(raw, message)] = [(e, m) for e, m in server.messages if "anna.lee@example.com" in e.rcpt_tos]
    assert message["Subject"] == subject
    assert "=?utf-8?" in (raw.original_content or b"").decode("ascii")
    content = message.get_content().replace("\r\n", "\n")
    assert content.startswith(greeting + "\n"), content
    assert f"\n{heading}\n" in content
    assert message.get_content_charset() == "utf-8"


def test_none_repeated_across_runs_the_same_day(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    clock = ManualClock(FRIDAY_0805)
    reminders = _reminders(_config(tmp_path, port, {"emea": english}), clock)
    reminders.run()
    clock.advance(15 * 60)
    again = reminders.run()
    assert {r.outcome for r in again.results} == {"already_sent"}
    assert len(server.messages) == 4


def test_none_on_a_weekend_by_default(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    report = _reminders(
        _config(tmp_path, port, {"emea": english}), ManualClock(SATURDAY_0805)
    ).run()
    assert (report.day, report.reason, report.results) == (None, "weekend", [])
    assert server.messages == []


def test_a_weekend_digest_when_weekdays_only_is_off(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    config = _config(tmp_path, port, {"emea": english}, extra="weekdays_only = false")
    assert _reminders(config, ManualClock(SATURDAY_0805)).run().day == dt.date(2027, 2, 20)
    assert len(server.messages) == 5  # a day later, Maria Garcia's goal is at risk too


@pytest.mark.parametrize(
    ("moment", "send_at", "reason"),
    [
        (dt.datetime(2027, 2, 19, 7, 29, tzinfo=MOSCOW), "08:00", "quiet hours (21:00-07:30)"),
        (dt.datetime(2027, 2, 19, 4, 29, tzinfo=dt.UTC), "08:00", "quiet hours (21:00-07:30)"),
        (dt.datetime(2027, 2, 19, 7, 31, tzinfo=MOSCOW), "08:00", "before 08:00"),
        (dt.datetime(2027, 2, 19, 8, 5, tzinfo=MOSCOW), "08:30", "before 08:30"),
        (dt.datetime(2027, 2, 19, 21, 0, tzinfo=MOSCOW), "08:00", "quiet hours (21:00-07:30)"),
    ],
)
def test_none_before_the_hour_or_in_quiet_hours(
    tmp_path: Path,
    inbox: tuple[Inbox, int],
    english: Path,
    moment: dt.datetime,
    send_at: str,
    reason: str,
) -> None:
    server, port = inbox
    config = _config(tmp_path, port, {"emea": english}, extra=f'send_at = "{send_at}"')
    report = _reminders(config, ManualClock(moment)).run()
    assert (report.day, report.reason, report.results) == (None, reason, [])
    assert server.messages == []


def test_a_dropped_connection_is_retried_once_on_the_next_run(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    clock = ManualClock(FRIDAY_0805)
    reminders = _reminders(_config(tmp_path, port, {"emea": english}), clock)
    server.drop_next = True
    first = reminders.run()
    failed = [r for r in first.results if r.outcome == "failed"]
    assert [(r.owner, r.error) for r in failed] == [
        ("", "SMTPServerDisconnected: Connection unexpectedly closed")
    ]
    assert len(server.messages) == 3  # the other owners' digests went out
    assert server.to("lead@example.com") == []
    clock.advance(15 * 60)
    second = reminders.run()
    assert [(r.owner, r.outcome) for r in second.results if r.outcome != "already_sent"] == [
        ("", "sent")
    ]
    clock.advance(15 * 60)
    third = reminders.run()
    assert {r.outcome for r in third.results} == {"already_sent"}
    assert len(server.to("lead@example.com")) == 1
    with HistoryStore(history_path(tmp_path / "state")) as store:
        lead = [n for n in store.notices() if n["recipient"] == "lead@example.com"]
    assert {(n["state"], n["attempts"], n["error"]) for n in lead} == {("sent", 2, None)}


def test_a_notice_left_pending_by_a_crash_is_resent_with_the_same_message_id(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    clock = ManualClock(FRIDAY_0805)
    reminders = _reminders(_config(tmp_path, port, {"emea": english}), clock)
    reminders.run()
    first_ids = {m["To"]: m["Message-ID"] for _, m in server.messages}
    with HistoryStore(history_path(tmp_path / "state")) as store:  # killed before recording
        store._db.execute("UPDATE notices SET state = 'pending'")
    reminders.run()
    again = {m["To"]: m["Message-ID"] for _, m in server.messages[4:]}
    assert again == first_ids


def test_a_refused_address_is_reported_on_that_owner_only(tmp_path: Path, english: Path) -> None:
    class Refusing(Inbox):
        async def handle_RCPT(
            self,
            server: SMTP,
            session: Session,
            envelope: Envelope,
            address: str,
            options: list[str],
        ) -> str:
            if address.startswith("li.wei@"):
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    handler = Refusing()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        report = _reminders(
            _config(tmp_path, port, {"emea": english}), ManualClock(FRIDAY_0805)
        ).run()
    finally:
        controller.stop()
    outcomes = {r.owner: (r.outcome, r.error) for r in report.results}
    assert outcomes["Li Wei"][0] == "failed"
    assert "no such user" in (outcomes["Li Wei"][1] or "")
    assert [o for o, _ in outcomes.values()].count("sent") == 3
    assert len(handler.messages) == 3


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, so STARTTLS and SSL are tested for real."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_login_from_the_environment_over_tls_never_printed(
    tmp_path: Path, english: Path, caplog: pytest.LogCaptureFixture, security: str
) -> None:
    seen: list[tuple[bytes, bytes]] = []

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        seen.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret-pw")

    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    # aiosmtpd does not count an SSL connection as TLS for AUTH; the socket is TLS anyway.
    tls: dict[str, Any] = (
        {"tls_context": server_tls, "require_starttls": True, "auth_required": True}
        if security == "starttls"
        else {"ssl_context": server_tls, "auth_require_tls": False}
    )
    handler = Inbox()
    port = _free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        server_hostname="127.0.0.1",
        **tls,
    )
    controller.start()
    try:
        env = {"SHEETS_SYNC_SMTP_USERNAME": "roadmap", "SHEETS_SYNC_SMTP_PASSWORD": "s3cret-pw"}
        config = _config(tmp_path, port, {"emea": english})
        config.write_text(config.read_text().replace('"none"', f'"{security}"'))
        client_tls = ssl.create_default_context(cafile=str(cert))
        reminders = _reminders(config, ManualClock(FRIDAY_0805), environ=env, context=client_tls)
        report = reminders.run()
    finally:
        controller.stop()
    assert {(r.outcome, r.error) for r in report.results} == {("sent", None)}
    assert seen == [(b"roadmap", b"s3cret-pw")] * 4
    assert len(handler.messages) == 4
    assert "s3cret-pw" not in caplog.text + json.dumps(report.as_json())


def test_remind_command_dry_run_sends_nothing(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    config = _config(tmp_path, port, {"emea": english}, extra="weekdays_only = false")
    result = CliRunner().invoke(
        main,
        ["remind", "--config", str(config), "--dry-run", "--now", "2027-02-19T08:05:00+03:00"],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Reminders for 2027-02-19:"
    assert "  emea  Anna Lee <anna.lee@example.com>  2 item(s)  dry_run" in lines
    assert len(lines) == 5
    assert server.messages == []
    with HistoryStore(history_path(tmp_path / "state")) as store:
        assert store.notices() == []


def test_an_item_that_turns_overdue_is_in_the_next_digest_once(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    thursday = dt.datetime(2027, 2, 25, 8, 5, tzinfo=MOSCOW)  # IN-001 is due today
    clock = ManualClock(thursday)
    reminders = _reminders(_config(tmp_path, port, {"emea": english}), clock)
    for _ in range(2):
        reminders.run()
        clock.advance(60 * 60)
    clock.advance(24 * 60 * 60)
    for _ in range(2):
        reminders.run()
        clock.advance(60 * 60)
    bodies = [m.get_content() for m in server.to("anna.lee@example.com")]
    assert len(bodies) == 2
    assert "Initiatives due soon\r\n- Reorganise the blog" in bodies[0]
    assert "Overdue initiatives\r\n- Reorganise the blog" in bodies[1]


def test_addresses_in_the_config_win_and_owners_without_one_are_reported(
    tmp_path: Path, english: Path
) -> None:
    snapshot = read_workbook(load_config(_config(tmp_path, 25, {"emea": english})).workbooks[0])
    found = build_digests(
        snapshot,
        as_of=dt.date(2027, 2, 19),
        addresses={"anna lee": "anna@team.example"},
        overrides=Overrides(stale_after_days=120),  # as _config says
    )
    assert [(d.owner, d.email, len(d.items)) for d in found.digests] == [
        ("Anna Lee", "anna@team.example", 2),
        ("Dmitry Volkov", "dmitry.volkov@example.com", 2),
        ("Li Wei", "li.wei@example.com", 1),
    ]
    assert found.unreachable == {"": 9}  # no lead configured: the reviews and checklist


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (
            'send_at = "08:00"\nquiet_hours = "07:00-09:00"',
            "reminders (line 6): send_at 08:00 falls in quiet_hours 07:00-09:00",
        ),
        ('lead = "the boss"', "reminders.lead (line 8): expected an email address, got 'the boss'"),
        (
            'quiet_hours = "late"',
            "reminders.quiet_hours (line 8): expected a span of the day such as '20:00-07:00',"
            " got 'late'",
        ),
    ],
)
def test_a_bad_reminders_table_is_reported(tmp_path: Path, table: str, problem: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[schedule]\ntimezone = "UTC"\n[[workbooks]]\npath = "a.xlsx"\n\n[reminders]\n\n{table}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    assert str(caught.value).splitlines()[1:] == [f"  {problem}"]


def test_the_shipped_example_reminders_table_is_valid_once_uncommented(tmp_path: Path) -> None:
    example = (Path(__file__).parent.parent / "config" / "sheets_sync.toml").read_text("utf-8")
    start = example.index("# [reminders]")
    block = example[start:].split("\n\n")[0]  # up to the next blank line: both tables
    uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    path = tmp_path / "c.toml"
    path.write_text(example.replace(block, uncommented), encoding="utf-8")
    reminders = load_config(path).reminders
    assert reminders is not None and reminders.smtp is not None
    assert (reminders.send_at, reminders.quiet_hours, reminders.smtp.port_number) == (
        "08:00",
        "20:00-07:00",
        587,
    )
    assert reminders.addresses == {"Anna Lee": "anna@example.com"}


def test_the_watcher_sends_the_days_digests_once_after_its_pass(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path
) -> None:
    server, port = inbox
    config = _config(tmp_path, port, {"emea": english})
    clock = ManualClock(FRIDAY_0805)
    synced: list[str] = []

    def sync(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        synced.append(workbook.name)
        return RunOutcome(rows_read=52, invalid_rows=0, cells_written=0)

    stream = io.StringIO()
    for _ in range(2):
        code = run_watch(config, sync_fn=sync, once=True, clock=clock, log_stream=stream)
        assert code == 0
        clock.advance(15 * 60)
    assert synced == ["emea"]  # the second pass skips the unchanged workbook
    assert len(server.messages) == 4  # ... and sends no digest twice
    assert "emea: reminder to Anna Lee via email: sent" in stream.getvalue()


def test_a_reminder_that_fails_never_fails_the_sync(tmp_path: Path, english: Path) -> None:
    config = _config(tmp_path, _free_port(), {"emea": english})  # nothing listens there
    clock = ManualClock(FRIDAY_0805)

    def sync(workbook: WorkbookConfig, as_of: dt.date) -> RunOutcome:
        return RunOutcome(rows_read=52, invalid_rows=0, cells_written=0)

    stream = io.StringIO()
    assert run_watch(config, sync_fn=sync, once=True, clock=clock, log_stream=stream) == 0
    assert "emea: reminder to Anna Lee via email: failed" in stream.getvalue()
    with HistoryStore(history_path(tmp_path / "state")) as store:
        assert {n["state"] for n in store.notices()} == {"pending"}


def test_status_lists_the_reminders_not_yet_sent(tmp_path: Path, english: Path) -> None:
    config = _config(tmp_path, _free_port(), {"emea": english})  # nothing listens there
    _reminders(config, ManualClock(FRIDAY_0805)).run()
    result = CliRunner().invoke(main, ["status", "--config", str(config)])
    lines = result.output.splitlines()
    start = lines.index("reminders not yet sent:")
    refused = "ConnectionRefusedError: [Errno 111] Connection refused"
    assert sorted(line.split("  ")[1:4] for line in lines[start + 1 :]) == [
        ["emea", "anna.lee@example.com (email)", f"2 notice(s): {refused}"],
        ["emea", "dmitry.volkov@example.com (email)", f"2 notice(s): {refused}"],
        ["emea", "lead@example.com (email)", f"9 notice(s): {refused}"],
        ["emea", "li.wei@example.com (email)", f"1 notice(s): {refused}"],
    ]


@pytest.mark.parametrize(
    ("setting", "where"),
    [
        ('{ dir = "reports" }', "{tmp}/reports/emea-2027-Q1-mid.html"),
        (
            '{ dir = "reports", url_base = "https://files.example.com/reviews/" }',
            "https://files.example.com/reviews/emea-2027-Q1-mid.html",
        ),
    ],
)
def test_the_leads_reminder_says_where_the_review_report_is(
    tmp_path: Path, inbox: tuple[Inbox, int], english: Path, setting: str, where: str
) -> None:
    from sheets_sync.jobs.adapter import sync_configured

    server, port = inbox
    config = _config(tmp_path, port, {"emea": english})
    text = config.read_text("utf-8").replace(
        f'path = "{english}"', f'path = "{english}"\nreport = {setting}'
    )
    config.write_text(text, "utf-8")
    lead = "lead@example.com"
    _reminders(config, ManualClock(FRIDAY_0805 - dt.timedelta(days=7))).run()  # no report yet
    assert "report" not in _plain(server.to(lead)[-1])
    mid_review = dt.datetime(2027, 2, 14, 9, 0, tzinfo=MOSCOW)  # a Sunday: no reminders
    run_watch(config, sync_fn=sync_configured, once=True, clock=ManualClock(mid_review))
    _reminders(config, ManualClock(FRIDAY_0805)).run()
    mail = _plain(server.to(lead)[-1])
    assert f"The mid-quarter review report is ready: {where.format(tmp=tmp_path)}\n" in mail
    assert all("report" not in _plain(m) for e, m in server.messages if lead not in e.rcpt_tos)


def _plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("lang", "mid", "final"),
    [
        (
            "en",
            "The mid-quarter review report is ready",
            "The final quarter review report is ready",
        ),
        ("zh", "季中回顾报告已生成", "季度最终评估报告已生成"),
        (
            "ru",
            "Готов отчёт к промежуточной оценке квартала",
            "Готов отчёт к итоговой оценке квартала",
        ),
    ],
)
def test_the_report_lines_in_each_language(lang: Lang, mid: str, final: str) -> None:
    item = Item("review_final_due", "REV-1", "Demand generation", dt.date(2027, 3, 17))
    digest = Digest("", "lead@example.com", (item,))
    reports = {"mid": "/srv/reviews/emea-2027-Q1-mid.pdf", "final": "https://f.example/x.pdf"}
    text = body(
        digest, lang=lang, quarter="2027-Q1", link="https://docs.example/1", reports=reports
    )
    lines = text.splitlines()
    link = lines.index(next(line for line in lines if "https://docs.example/1" in line))
    sep = "：" if lang == "zh" else ": "
    assert lines[link - 2 : link] == [
        f"{mid}{sep}/srv/reviews/emea-2027-Q1-mid.pdf",
        f"{final}{sep}https://f.example/x.pdf",
    ]
    assert mid not in body(digest, lang=lang, quarter="2027-Q1", link="x")
