"""Whether now is a time to send the day's digests: pure, the moment passed in."""

from __future__ import annotations

import datetime as dt

from sheets_sync.jobs.remind.config import RemindersConfig


def digest_day(
    now: dt.datetime, config: RemindersConfig, tz: dt.tzinfo
) -> tuple[dt.date | None, str]:
    """The day whose digests may go out at ``now``, or ``None`` and why not.

    Any run from ``send_at`` to midnight may send the day's digests (each owner's
    only once), so a run missed at 08:00 still sends at 08:15; none on Saturday or
    Sunday when ``weekdays_only``, none inside the quiet hours.
    """
    local = now.astimezone(tz)
    if config.weekdays_only and local.weekday() >= 5:
        return None, "weekend"
    if config.in_quiet_hours(local.time()):
        return None, f"quiet hours ({config.quiet_hours})"
    if local.time() < config.at:
        return None, f"before {config.send_at}"
    return local.date(), "due"
