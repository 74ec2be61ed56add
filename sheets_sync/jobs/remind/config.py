"""The ``[reminders]`` table of the config file: when digests go out, to whom, and how.

The SMTP login comes from the environment (the variables named here), never from
the file, so the file can be shared and the password never reaches a log.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sheets_sync.jobs.fields import email, time_of_day, time_zone

Service = Literal["slack", "teams", "google_chat"]
_SPAN = re.compile(r"^\s*(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$")


class SmtpConfig(BaseModel):
    """The mail server. ``security``: STARTTLS on port 587, SSL on 465, or none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    sender: str
    username_env: str = "SHEETS_SYNC_SMTP_USERNAME"
    password_env: str = "SHEETS_SYNC_SMTP_PASSWORD"
    timeout_s: float = Field(default=30.0, gt=0, le=600)

    @field_validator("sender")
    @classmethod
    def _check_sender(cls, value: str) -> str:
        return email(value)

    @property
    def port_number(self) -> int:
        if self.port is not None:
            return self.port
        return {"starttls": 587, "ssl": 465, "none": 25}[self.security]


class ChatConfig(BaseModel):
    """One ``[[reminders.chat]]`` webhook: where it posts and whose digests it gets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    service: Service
    url: str | None = None
    url_env: str | None = None  # the URL is a secret: better kept in the environment
    owners: list[str] = []  # whose digests; "*" for every owner
    lead: bool = False  # the lead's digest too
    attempts: int = Field(default=4, ge=1, le=10)
    max_wait_s: float = Field(default=60.0, gt=0, le=600)

    @model_validator(mode="after")
    def _one_url(self) -> ChatConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give either url or url_env")
        if self.url is not None and not self.url.startswith(("https://", "http://")):
            raise ValueError(f"url must start with https://, got {self.url!r}")
        return self

    def resolved_url(self, environ: Mapping[str, str]) -> str | None:
        return self.url if self.url is not None else environ.get(self.url_env or "")

    def takes(self, owner: str) -> bool:
        """Whether this webhook gets ``owner``'s digest (``""`` is the lead's)."""
        if not owner:
            return self.lead
        return "*" in self.owners or owner.casefold() in {o.casefold() for o in self.owners}


class RemindersConfig(BaseModel):
    """One digest per owner per day at ``send_at`` (local to ``timezone``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    send_at: str = "08:00"
    timezone: str | None = None  # default: the schedule's zone
    weekdays_only: bool = True
    quiet_hours: str | None = None  # "20:00-07:00": nothing is sent inside
    lead: str | None = None  # who hears of the reviews coming due
    addresses: dict[str, str] = {}  # owner name -> email, over the Owners sheet
    smtp: SmtpConfig | None = None
    chat: list[ChatConfig] = []  # [[reminders.chat]] webhooks

    @field_validator("send_at")
    @classmethod
    def _check_send_at(cls, value: str) -> str:
        return time_of_day(value)

    @field_validator("lead")
    @classmethod
    def _check_lead(cls, value: str | None) -> str | None:
        return None if value is None else email(value)

    @field_validator("addresses")
    @classmethod
    def _check_addresses(cls, value: dict[str, str]) -> dict[str, str]:
        for address in value.values():
            email(address)
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        return None if value is None else time_zone(value)

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet(cls, value: str | None) -> str | None:
        if value is None:
            return None
        span = _SPAN.match(value)
        if not span:
            raise ValueError(f"expected a span of the day such as '20:00-07:00', got {value!r}")
        time_of_day(span[1]), time_of_day(span[2])
        return value

    @field_validator("chat")
    @classmethod
    def _check_chat_names(cls, value: list[ChatConfig]) -> list[ChatConfig]:
        names = [chat.name for chat in value]
        if "email" in names:
            raise ValueError("'email' is the email channel's name; give the webhook another")
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"each webhook needs its own name; repeated: {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _send_outside_quiet_hours(self) -> RemindersConfig:
        if self.in_quiet_hours(self.at):
            raise ValueError(f"send_at {self.send_at} falls in quiet_hours {self.quiet_hours}")
        return self

    @property
    def at(self) -> dt.time:
        return dt.time.fromisoformat(self.send_at)

    def in_quiet_hours(self, moment: dt.time) -> bool:
        if self.quiet_hours is None:
            return False
        span = _SPAN.match(self.quiet_hours)
        assert span is not None
        start, end = dt.time.fromisoformat(span[1]), dt.time.fromisoformat(span[2])
        if start <= end:
            return start <= moment < end
        return moment >= start or moment < end  # a span across midnight
