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
