"""Digests posted to Slack, Teams (Workflows) and Google Chat webhooks, served locally.

The local server answers as each service does and rejects, with 400, a body
that is not in the service's documented shape, so a digest marked sent was
accepted. Waits between retries go through a ManualClock: nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.errors import ConfigProblems
from sheets_sync.jobs import ManualClock, load_config
from sheets_sync.jobs.history import HistoryStore, history_path
from sheets_sync.jobs.remind.chat import payload
from sheets_sync.jobs.remind.service import Reminders, read_workbook

from .conftest import generated_example
from .metric_server import serving

MOSCOW = dt.timezone(dt.timedelta(hours=3))
FRIDAY_0805 = dt.datetime(2027, 2, 19, 8, 5, tzinfo=MOSCOW)


def slack_problems(body: dict[str, Any]) -> list[str]:
    """Slack's incoming webhook: text, and optional header and section blocks within limits."""
    problems = []
    if not isinstance(body.get("text"), str) or not body["text"]:
        problems.append("text")
    for block in body.get("blocks", []):
        text = block.get("text", {})
        if block.get("type") == "header":
            ok = text.get("type") == "plain_text" and 0 < len(text.get("text", "")) <= 150
        elif block.get("type") == "section":
            ok = text.get("type") in ("mrkdwn", "plain_text") and 0 < len(text["text"]) <= 3000
        else:
            ok = False
        if not ok:
            problems.append(f"block {block}")
    return problems


def teams_problems(body: dict[str, Any]) -> list[str]:
    """A Workflows webhook: a message with one Adaptive Card attachment."""
    if body.get("type") != "message" or len(body.get("attachments", [])) != 1:
        return ["message"]
    attachment = body["attachments"][0]
    card = attachment.get("content", {})
    problems = []
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
        problems.append("contentType")
    if card.get("type") != "AdaptiveCard" or not isinstance(card.get("version"), str):
        problems.append("card")
    for element in card.get("body", []):
        if element.get("type") != "TextBlock" or not isinstance(element.get("text"), str):
            problems.append(f"element {element}")
    return problems


def google_chat_problems(body: dict[str, Any]) -> list[str]:
    """Google Chat's incoming webhook: a message with text."""
    return [] if isinstance(body.get("text"), str) and body["text"] else ["text"]


CHECKS = {"/slack": slack_problems, "/teams": teams_problems, "/chat": google_chat_problems}
ANSWERS = {"/slack": (200, b"ok"), "/teams": (202, b""), "/chat": (200, b"{}")}


class Hooks:
    """What the local server received, and the failures it should answer with first."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.attempts: list[str] = []
        self.url = ""

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [body for where, body in self.posts if where == path]


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    state = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            raw = self.rfile.read(length)
            state.attempts.append(self.path)
            pending = state.failures.get(self.path)
            if pending:
                status, headers = pending.pop(0)
                self._answer(status, b"busy", headers)
                return
            if not self.headers["Content-Type"].startswith("application/json"):
                self._answer(400, b"content type", {})
                return
            body = json.loads(raw.decode("utf-8"))
            problems = CHECKS[self.path](body)
            if problems:
                self._answer(400, json.dumps(problems).encode(), {})
                return
            state.posts.append((self.path, body))
            self._answer(*ANSWERS[self.path], {})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serving(Handler) as url:
        state.url = url
        yield state


@pytest.fixture
def english(tmp_path: Path) -> Path:
    return generated_example(tmp_path / "q1.xlsx")


def _config(tmp_path: Path, book: Path, url: str, chat: str = "") -> Path:
    chat = chat or (
        f'[[reminders.chat]]\nname = "marketing"\nservice = "slack"\nurl = "{url}/slack"\n'
        'owners = ["Anna Lee"]\n'
        f'[[reminders.chat]]\nname = "teams"\nservice = "teams"\nurl = "{url}/teams"\n'
        'owners = ["*"]\n'
        f'[[reminders.chat]]\nname = "leads"\nservice = "google_chat"\nurl_env = "CHAT_URL"\n'
        "lead = true\n"
    )
    path = tmp_path / "c.toml"
    path.write_text(
        f'state_dir = "{tmp_path / "state"}"\n[schedule]\ntimezone = "Europe/Moscow"\n'
        f'[[workbooks]]\nname = "emea"\npath = "{book}"\n'
        f'[reminders]\nlead = "lead@example.com"\n{chat}'
        # the example's goal values, typed with no date when it was made, count as fresh
        "\n[defaults]\nstale_after_days = 120\n",
        encoding="utf-8",
    )
    return path


def _reminders(config: Path, clock: ManualClock, url: str) -> Reminders:
    from sheets_sync.jobs.remind.chat import WebhookPoster

    poster = WebhookPoster(clock, environ={"CHAT_URL": f"{url}/chat"})
    return Reminders(
        load_config(config), clock=clock, sender=None, read=read_workbook, poster=poster
    )


def test_each_service_gets_its_owners_digests_in_its_shape(
    tmp_path: Path, hooks: Hooks, english: Path
) -> None:
    clock = ManualClock(FRIDAY_0805)
    report = _reminders(_config(tmp_path, english, hooks.url), clock, hooks.url).run()
    assert sorted((r.channel, r.owner, r.items, r.outcome) for r in report.results) == [
        ("leads", "", 9, "sent"),
        ("marketing", "Anna Lee", 2, "sent"),
        ("teams", "Anna Lee", 2, "sent"),
        ("teams", "Dmitry Volkov", 2, "sent"),
        ("teams", "Li Wei", 1, "sent"),
    ]
    [slack] = hooks.bodies("/slack")
    assert slack["text"] == "Roadmap 2027-Q1: what needs your attention (2027-02-19)"
    assert slack["blocks"][1]["text"]["text"].startswith("Hi Anna Lee,\n\n")
    assert len(hooks.bodies("/teams")) == 3
    [chat] = hooks.bodies("/chat")
    assert chat["text"].startswith(
        "*Roadmap 2027-Q1: what needs your attention (2027-02-19)*\n\nHi,\n"
    )
    assert clock.slept == []
    again = _reminders(_config(tmp_path, english, hooks.url), clock, hooks.url).run()
    assert {r.outcome for r in again.results} == {"already_sent"}
    assert len(hooks.posts) == 5


def test_429_and_500_are_retried_with_backoff_within_the_cap(
    tmp_path: Path, hooks: Hooks, english: Path
) -> None:
    hooks.failures["/slack"] = [(429, {"Retry-After": "3"}), (500, {}), (503, {})]
    clock = ManualClock(FRIDAY_0805)
    report = _reminders(_config(tmp_path, english, hooks.url), clock, hooks.url).run()
    assert [r.outcome for r in report.results if r.channel == "marketing"] == ["sent"]
    assert clock.slept == [3.0, 2.0, 4.0]  # Retry-After, then 2 s doubling
    assert hooks.attempts.count("/slack") == 4


def test_a_webhook_that_keeps_failing_gives_up_and_retries_next_run(
    tmp_path: Path, hooks: Hooks, english: Path
) -> None:
    hooks.failures["/slack"] = [(429, {"Retry-After": "3600"})] + [(500, {})] * 3
    clock = ManualClock(FRIDAY_0805)
    reminders = _reminders(_config(tmp_path, english, hooks.url), clock, hooks.url)
    first = reminders.run()
    [slack] = [r for r in first.results if r.channel == "marketing"]
    assert (slack.outcome, slack.error) == ("failed", "ChatError: HTTP 500 after 4 attempts")
    assert clock.slept == [60.0, 2.0, 4.0]  # a Retry-After beyond the cap waits the cap
    assert [r.outcome for r in first.results if r.channel != "marketing"] == ["sent"] * 4
    second = reminders.run()
    assert [(r.channel, r.outcome) for r in second.results if r.outcome != "already_sent"] == [
        ("marketing", "sent")
    ]
    assert len(hooks.bodies("/slack")) == 1


def test_a_rejected_post_is_not_retried(tmp_path: Path, hooks: Hooks, english: Path) -> None:
    hooks.failures["/teams"] = [(404, {})]
    clock = ManualClock(FRIDAY_0805)
    report = _reminders(_config(tmp_path, english, hooks.url), clock, hooks.url).run()
    failed = [(r.owner, r.error) for r in report.results if r.outcome == "failed"]
    assert failed == [("Anna Lee", "ChatError: HTTP 404 Not Found")]
    assert clock.slept == []
    with HistoryStore(history_path(tmp_path / "state")) as store:
        states = {(n["channel"], n["state"]) for n in store.notices()}
    assert ("teams", "pending") in states and ("marketing", "sent") in states


@pytest.mark.parametrize("service", ["slack", "teams", "google_chat"])
def test_a_long_digest_stays_within_each_services_limits(service: str) -> None:
    body = payload(service, "T" * 400, "line\n" * 2000)  # type: ignore[arg-type]
    check = {"slack": slack_problems, "teams": teams_problems, "google_chat": google_chat_problems}
    assert check[service](body) == []


def test_a_webhook_needs_one_url(tmp_path: Path, english: Path) -> None:
    path = _config(
        tmp_path, english, "", chat='[[reminders.chat]]\nname = "x"\nservice = "slack"\n'
    )
    with pytest.raises(ConfigProblems) as caught:
        load_config(path)
    assert str(caught.value).splitlines()[1:] == [
        "  reminders.chat[0] (line 7): give either url or url_env"
    ]


def test_webhook_names_are_unique_and_not_email(tmp_path: Path, english: Path) -> None:
    hook = '[[reminders.chat]]\nname = "{}"\nservice = "slack"\nurl = "https://hooks.example"\n'
    for names, problem in (
        (["team", "team"], "each webhook needs its own name; repeated: team"),
        (["email"], "'email' is the email channel's name; give the webhook another"),
    ):
        chat = "".join(hook.format(name) for name in names)
        with pytest.raises(ConfigProblems) as caught:
            load_config(_config(tmp_path, english, "", chat=chat))
        assert str(caught.value).splitlines()[1:] == [f"  reminders.chat (line 7): {problem}"]
