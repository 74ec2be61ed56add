"""Where each workbook falls: its stable offset within an interval, its shard, and the
service account it is synced with when several are configured.

All come from one hash of the workbook's stable identity (the spreadsheet ID of
a Google sheet, the configured name of a local file), never from Python's
``hash()``, which is salted per process: two machines, or one machine after a
restart, must agree on every workbook's offset and shard.

With offsets, 500 workbooks "every 15 minutes" start evenly over the quarter
hour instead of all at :00, so a per-account quota of 60 requests a minute is
spent smoothly. Runs sit on a grid anchored at the Unix epoch, so a restart or a
second watcher keeps each workbook on the same minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.backends.target import GoogleSheet

if TYPE_CHECKING:  # the config assigns accounts with stable_hash: no cycle at run time
    from sheets_sync.jobs.config import WatchConfig, WorkbookConfig

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SCALE = 2**64


def identity(workbook: WorkbookConfig) -> str:
    """What stays the same wherever the config runs: the sheet's ID, or the name."""
    location = workbook.location
    if isinstance(location, GoogleSheet):
        return f"gsheet:{location.spreadsheet_id}"
    return f"name:{workbook.name}"


def stable_hash(key: str) -> int:
    """A 64-bit hash of ``key``, equal in every process and on every machine."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def offset(key: str, interval: dt.timedelta) -> dt.timedelta:
    """``key``'s place within ``interval``: in ``[0, interval)``, whole microseconds."""
    micros = interval // dt.timedelta(microseconds=1)
    return dt.timedelta(microseconds=stable_hash(key) * micros // _SCALE)


def next_slot(
    key: str, interval: dt.timedelta, after: dt.datetime, *, inclusive: bool
) -> dt.datetime:
    """The first instant of ``key``'s grid (epoch + offset + k * interval) at or after
    ``after`` when ``inclusive``, else strictly after it; aware UTC."""
    since = after.astimezone(dt.UTC) - EPOCH - offset(key, interval)
    steps = since // interval
    slot = EPOCH + offset(key, interval) + steps * interval
    if slot < after or (slot == after and not inclusive):
        slot += interval
    return slot


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (``index`` counts from 0, as Kubernetes' job index does)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"the number of shards must be at least 1, got {self.count}")
        if not 0 <= self.index < self.count:
            raise ValueError(
                f"shard {self.index} does not exist among {self.count}:"
                f" give an index from 0 to {self.count - 1}"
            )

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, key: str) -> bool:
        return stable_hash(key) % self.count == self.index

    def workbooks(self, workbooks: Sequence[WorkbookConfig]) -> list[WorkbookConfig]:
        """The workbooks of this shard, in config order."""
        return [wb for wb in workbooks if self.holds(identity(wb))]


_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> Shard:
    """``"2/5"`` -> shard 2 of 5; a :class:`ValueError` saying what is wrong otherwise."""
    match = _SHARD.match(text)
    if not match:
        raise ValueError(f"expected I/N, such as 0/4 (shard 0 of 4), got {text!r}")
    return Shard(int(match.group(1)), int(match.group(2)))


def shard_config(config: WatchConfig, shard: Shard) -> WatchConfig:
    """The config one shard watches: its workbooks only, and a state folder of its own
    (``shard-I-of-N`` inside the config's), so shards on one machine never share a
    lock or a status file. ``status`` reads them all back together."""
    return config.model_copy(
        update={
            "state_dir": config.state_dir / shard_folder(shard),
            "workbooks": shard.workbooks(config.workbooks),
            "shard": shard,  # a folder's workbooks are sharded as they are found
        }
    )


def shard_folder(shard: Shard) -> str:
    return f"shard-{shard.index}-of-{shard.count}"


def shard_folders(state_dir: Path) -> list[tuple[str, Path]]:
    """The shard state folders a config's state folder holds, as ``("I/N", folder)``."""
    found = []
    for folder in state_dir.glob("shard-*-of-*"):
        match = _FOLDER.match(folder.name)
        if match and folder.is_dir():
            found.append(((int(match.group(2)), int(match.group(1))), folder))
    return [(f"{index}/{count}", folder) for (count, index), folder in sorted(found)]


_FOLDER = re.compile(r"^shard-(\d+)-of-(\d+)$")
