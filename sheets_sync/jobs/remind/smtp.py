"""Sending one email over SMTP: STARTTLS, SSL or plain, with a login from the environment.

The password is read from the environment when a message is sent and handed to
smtplib only; it is never part of an error or a log line.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Protocol

from sheets_sync.jobs.remind.config import SmtpConfig


class Sender(Protocol):
    """Sends one message or raises (``smtplib.SMTPException`` or ``OSError``)."""

    def send(self, message: EmailMessage) -> None: ...


class SmtpSender:
    """One connection per message: a digest run sends a handful, and a dropped
    connection then costs only the message in flight."""

    def __init__(
        self,
        config: SmtpConfig,
        *,
        environ: Mapping[str, str] | None = None,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config
        self.environ = os.environ if environ is None else environ
        self.context = context or ssl.create_default_context()

    def send(self, message: EmailMessage) -> None:
        config = self.config
        client: smtplib.SMTP
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(
                config.host, config.port_number, timeout=config.timeout_s, context=self.context
            )
        else:
            client = smtplib.SMTP(config.host, config.port_number, timeout=config.timeout_s)
        with client:
            if config.security == "starttls":
                client.starttls(context=self.context)
            username = self.environ.get(config.username_env)
            if username:
                client.login(username, self.environ.get(config.password_env, ""))
            client.send_message(message)
