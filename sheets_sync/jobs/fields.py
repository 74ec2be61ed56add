"""Values the config file's tables check alike: a time of day, a time zone, an email.

The watch schedule and the reminders both take them, so both give the same message
for the same mistake.
"""

from __future__ import annotations

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
