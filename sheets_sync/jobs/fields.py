"""Values the config file's tables check alike: a duration, a time of day, a time zone,
an email.

The watch schedule and the reminders both take them, so both give the same message
for the same mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sheets_sync.core.parsing import is_email

_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def time_of_day(value: str) -> str:
    """``value`` if it is ``HH:MM`` on a 24-hour clock; else a ValueError saying so."""
    if not _TIME_OF_DAY.match(value):
        raise ValueError(f"expected a time of day as HH:MM (24-hour), got {value!r}")
    return value


def time_zone(value: str) -> str:
    """``value`` if it names an IANA time zone; else a ValueError with an example."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as 'Europe/Moscow'"
        ) from None
    return value


def email(value: str) -> str:
    """``value`` if it looks like an email address; else a ValueError saying so."""
    if not is_email(value):
        raise ValueError(f"expected an email address, got {value!r}")
    return value


_DURATION = re.compile(r"^\s*(\d+)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)


def parse_duration(
    text: str,
    *,
    minimum: dt.timedelta = dt.timedelta(0),
    maximum: dt.timedelta | None = None,
    why: str = "",
) -> dt.timedelta:
    """``"15 minutes"`` -> timedelta; units: seconds, minutes, hours, days."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"expected a duration such as '15 minutes' or '1 hour', got {text!r}")
    amount, unit = int(match.group(1)), match.group(2).lower()
    value = dt.timedelta(**{unit + "s": amount})
    if value < minimum:
        raise ValueError(f"must be at least {_human(minimum)}, got {text!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"must be at most {_human(maximum)}{why}, got {text!r}")
    return value


def _human(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}" + ("s" if n != 1 else "")
    return f"{seconds} seconds"


_GLOB_MAGIC = re.compile(r"[*?\[]")


def check_glob(value: str) -> str:
    """``value`` if it is a pattern of .xlsx files (``roadmaps/*.xlsx``); else a ValueError."""
    pattern = value.strip()
    if not pattern.lower().endswith(".xlsx"):
        raise ValueError(f"must match .xlsx files, such as 'roadmaps/*.xlsx', got {value!r}")
    if _GLOB_MAGIC.search(pattern) is None:
        raise ValueError(f"has no * or ?: for one file write path = {value!r} instead")
    return pattern


def glob_root(pattern: str) -> str:
    """The folder part of a glob before its first wildcard: ``"a/b"`` for ``a/b/*/x.xlsx``."""
    parts = pattern.replace("\\", "/").split("/")
    fixed = []
    for part in parts[:-1]:
        if _GLOB_MAGIC.search(part):
            break
        fixed.append(part)
    return "/".join(fixed) or "."


_FOLDER_ID = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_FOLDER_URL = re.compile(r"^https://drive\.google\.com/drive/(?:u/\d+/)?folders/([A-Za-z0-9_-]+)")


def folder_id(value: str) -> str:
    """A Google Drive folder's ID, from the ID itself or the folder's drive.google.com URL."""
    text = value.strip()
    url = _FOLDER_URL.match(text)
    if url:
        return url.group(1)
    if _FOLDER_ID.match(text):
        return text
    raise ValueError(
        "expected a Google Drive folder ID or its drive.google.com/drive/folders/ URL,"
        f" got {text!r}"
    )
