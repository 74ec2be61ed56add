"""The shipped recipes for running shards: their commands parse, their key fields are set."""

from __future__ import annotations

import configparser
import re
import shlex
import threading
from pathlib import Path

from sheets_sync.jobs.commands import watch_command
from sheets_sync.jobs.spread import Shard

from .watch_support import START, FakeSync, StoppingClock

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def _watch_shard(args: list[str]) -> Shard:
    """Parse ``watch`` arguments as the CLI does; the shard they select."""
    command = watch_command(FakeSync(StoppingClock(START, threading.Event(), until=START)))
    with command.make_context("watch", args) as ctx:
        shard = ctx.params["shard"]
    assert isinstance(shard, Shard)
    return shard


def _yaml_lines(text: str) -> list[tuple[int, str]]:
    """(indent, content) of each meaningful line; spaces only, as YAML demands."""
    out = []
    for line in text.splitlines():
        assert "\t" not in line, "YAML is indented with spaces"
        content = line.split(" #", 1)[0].rstrip() if not line.lstrip().startswith("#") else ""
        if content.strip():
            out.append((len(content) - len(content.lstrip()), content.strip()))
    return out


def _list_under(key: str, lines: list[tuple[int, str]]) -> list[str]:
    """The items of the block list under ``key``."""
    start = next(i for i, (_, content) in enumerate(lines) if content == key)
    items = []
    for indent, content in lines[start + 1 :]:
        if indent <= lines[start][0] or not content.startswith("- "):
            break
        items.append(content.removeprefix("- "))
    return items


def test_the_kubernetes_cronjob_is_indexed_and_never_overlaps() -> None:
    text = (EXAMPLES / "kubernetes-cronjob.yaml").read_text(encoding="utf-8")
    lines = _yaml_lines(text)
    fields = dict(
        (content.split(":", 1)[0].lstrip("- "), content.split(":", 1)[1].strip())
        for _, content in lines
        if ":" in content and not content.startswith("- $")
    )
    assert fields["kind"] == "CronJob"
    assert fields["concurrencyPolicy"] == "Forbid"
    assert fields["completionMode"] == "Indexed"
    assert fields["fieldPath"] == "metadata.annotations['batch.kubernetes.io/job-completion-index']"
    assert "- name: SHEETS_SYNC_QUOTA__REDIS" in text  # one quota for pods on any node
    count = int(fields["completions"])
    assert int(fields["parallelism"]) == count
    # Indentation only ever grows by two spaces at a time.
    previous = 0
    for indent, _ in lines:
        assert indent % 2 == 0 and indent <= previous + 4
        previous = indent
    args = _list_under("args:", lines)
    assert args[0] == "watch" and "--once" in args
    for index in range(count):
        filled = [arg.replace("$(SHARD)", str(index)) for arg in args[1:]]
        assert _watch_shard(filled) == Shard(index, count)


def test_the_systemd_template_runs_one_shard_per_instance() -> None:
    text = (EXAMPLES / "sheets-sync-shard@.service").read_text(encoding="utf-8")
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(text)
    found = re.search(r"^Environment=SHARDS=(\d+)$", text, re.MULTILINE)
    assert found is not None
    shards = int(found.group(1))
    command = shlex.split(unit["Service"]["ExecStart"])
    assert command[0].endswith("/sheets-sync") and command[1] == "watch"
    assert unit["Service"]["KillSignal"] == "SIGTERM"
    for index in range(shards):
        args = [a.replace("%i", str(index)).replace("${SHARDS}", str(shards)) for a in command]
        assert _watch_shard(args[2:]) == Shard(index, shards)


def test_the_crontab_covers_every_shard_once() -> None:
    text = (EXAMPLES / "sheets-sync-shards.cron").read_text(encoding="utf-8")
    jobs = [line for line in text.splitlines() if line.startswith("*/15 ")]
    shards = []
    for line in jobs:
        command = shlex.split(line.split(" ", 5)[5])
        redirect = command.index(next(a for a in command if a.startswith(">>")))
        assert command[1] == "watch" and "--once" in command
        shards.append(_watch_shard(command[2:redirect]))
    count = shards[0].count
    assert sorted(shard.index for shard in shards) == list(range(count))
    assert {shard.count for shard in shards} == {count}


def test_the_operations_guide_points_at_the_recipes() -> None:
    guide = (EXAMPLES.parent / "operations.md").read_text(encoding="utf-8")
    for path in EXAMPLES.iterdir():
        assert f"examples/{path.name}" in guide
