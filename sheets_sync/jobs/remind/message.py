"""A digest written as an email in the workbook's language (texts in reminders.toml).

The Message-ID is derived from the workbook, the recipient, the day and the
notices in it, so a digest sent again after a crash between sending and
recording carries the same ID and mail systems that deduplicate show it once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cache

from sheets_sync.core.i18n import format_date
from sheets_sync.core.layout import Lang
from sheets_sync.core.templates import load_toml
from sheets_sync.jobs.history.store import NoticeKey
from sheets_sync.sync.digest import Digest

TITLE_WIDTH = 90


@cache
def _texts() -> dict[str, dict[str, str]]:
    return {code: dict(texts) for code, texts in load_toml("reminders.toml").items()}


def text(code: str, lang: Lang, **params: str) -> str:
    return _texts()[code][lang].format(**params)


def message_id(keys: list[NoticeKey], recipient: str, domain: str) -> str:
    """The same notices to the same recipient on the same day: the same ID."""
    parts = sorted(f"{k.workbook}|{k.row_id}|{k.kind}|{k.due}|{k.digest_date}" for k in keys)
    digest = hashlib.sha256("\n".join([recipient.lower(), *parts]).encode()).hexdigest()
    return f"<reminder.{digest[:40]}@{domain}>"


def body(
    digest: Digest,
    *,
    lang: Lang,
    quarter: str,
    link: str,
    reports: Mapping[str, str] | None = None,
) -> str:
    """The digest's text; ``reports``: where each review's report is (mid / final)."""
    lines = [
        text("greeting", lang, name=digest.owner) if digest.owner else text("greeting_lead", lang),
        "",
        text("intro", lang, quarter=quarter),
    ]
    kind = None
    for item in digest.items:
        if item.kind != kind:
            kind = item.kind
            lines += ["", text(kind, lang)]
        title = (
            item.title if len(item.title) <= TITLE_WIDTH else item.title[: TITLE_WIDTH - 1] + "…"
        )
        date = format_date(item.due, lang)
        lines.append(text("item", lang, title=title, id=item.row_id, date=date))
    written = [text(f"report_{kind}", lang, link=at) for kind, at in (reports or {}).items()]
    lines += ["", *written, text("link", lang, link=link), "", "-- ", text("signature", lang)]
    return "\n".join(lines) + "\n"


def subject_text(lang: Lang, quarter: str, day: dt.date) -> str:
    return text("subject", lang, quarter=quarter, date=format_date(day, lang))


def compose(
    digest: Digest,
    content: str,
    *,
    lang: Lang,
    subject: str,
    sender: str,
    msg_id: str,
    now: dt.datetime,
) -> EmailMessage:
    """The email: UTF-8 headers and body, the digest's deterministic Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((digest.owner, digest.email)) if digest.owner else digest.email
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(content)
    message["Content-Language"] = {"en": "en", "zh": "zh-CN", "ru": "ru"}[lang]
    return message
