"""Digests posted to chat: Slack incoming webhooks, Teams Workflows webhooks, Google Chat.

Each service gets its documented message shape (:func:`payload`, pure). A post
that meets 429 or a 5xx, or no connection at all, is tried again after a growing
wait (the ``Retry-After`` a 429 gives, when it gives one), at most
``attempts`` times and never waiting longer than ``max_wait_s``; the wait goes
through the injected clock. A webhook has no Message-ID: a post that reached the
service but whose answer was lost is posted again on the next run.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from sheets_sync.jobs.remind.config import ChatConfig, Service

RETRIED = frozenset({429, 500, 502, 503, 504})
SLACK_SECTION_MAX = 3000  # characters in a section block's text
SLACK_HEADER_MAX = 150  # characters in a header block's plain text


def payload(service: Service, title: str, text: str) -> dict[str, Any]:
    """The message in the shape ``service`` documents for its incoming webhooks."""
    if service == "slack":
        return {
            "text": title,  # the notification's text, and the fallback
            "blocks": [
                {
                    "type": "header",
                    "text": {"type": "plain_text", "text": _cut(title, SLACK_HEADER_MAX)},
                },
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": _cut(text, SLACK_SECTION_MAX)},
                },
            ],
        }
    if service == "teams":
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
                {"type": "TextBlock", "text": text, "wrap": True},
            ],
        }
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }
    return {"text": f"*{title}*\n\n{text}"}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ChatError(Exception):
    """A post the service refused, or that still failed after every attempt."""


Opener = Callable[[urllib.request.Request, float], Any]


def _open(request: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)


class Sleeper(Protocol):
    def sleep(self, seconds: float) -> None: ...


class WebhookPoster:
    """Posts JSON to a webhook, retrying 429/5xx and lost connections within a cap."""

    def __init__(
        self,
        clock: Sleeper,
        *,
        environ: Mapping[str, str] | None = None,
        opener: Opener = _open,
        timeout_s: float = 30.0,
    ) -> None:
        self.clock = clock
        self.environ = os.environ if environ is None else environ
        self.opener = opener
        self.timeout_s = timeout_s

    def post(self, chat: ChatConfig, title: str, text: str) -> None:
        url = chat.resolved_url(self.environ)
        if not url:
            raise ChatError(f"no URL: set {chat.url_env}")
        body = json.dumps(payload(chat.service, title, text), ensure_ascii=False).encode()
        for attempt in range(1, chat.attempts + 1):
            wait = self._try(url, body)
            if wait is None:
                return
            if attempt == chat.attempts:
                raise ChatError(f"{wait[1]} after {attempt} attempts")
            self.clock.sleep(min(wait[0] or 2.0 ** (attempt - 1), chat.max_wait_s))

    def _try(self, url: str, body: bytes) -> tuple[float | None, str] | None:
        """``None`` when posted; else how long to wait (``None``: back off) and why."""
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with self.opener(request, self.timeout_s) as response:
                response.read()
            return None
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code not in RETRIED:
                raise ChatError(f"HTTP {exc.code} {exc.reason}") from None
            return _retry_after(exc.headers.get("Retry-After")), f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            return None, f"{type(exc).__name__}: {exc}"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None  # an HTTP date: back off as usual
