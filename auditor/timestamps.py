"""Times as the reports write them: UTC, to the second, `YYYY-MM-DDTHH:MM:SSZ`.

One place for it, since crawl dates arrive in several shapes (a --crawl-date, a WARC-Date, an HTTP
Date header, a file's modification time) and must come out the same, byte for byte.
"""

from __future__ import annotations

from datetime import datetime, timezone


def utc_stamp(when: datetime) -> str | None:
    """`when` in UTC (a time without a zone is taken as UTC); None when it leaves datetime's range
    once moved to UTC ("0001-01-01T00:00:00+14:00")."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):
        return None


def parse_utc(value: str) -> str | None:
    """A date or ISO 8601 time ("2026-11-01", "2026-11-01T10:00:00+01:00", "...Z") as a UTC stamp;
    None when it is not one."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return utc_stamp(when)


def stamp_of_epoch(seconds: float) -> str | None:
    try:
        return utc_stamp(datetime.fromtimestamp(seconds, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None
