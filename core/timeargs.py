"""Instants as operators type them: ISO 8601 with offset, ``now``, ``today``, ``+6h``, ``-2d``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

__all__ = ["parse_duration", "parse_instant"]

_RELATIVE = re.compile(r"^([+-])(\d+(?:\.\d+)?)([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw]?)$")


def parse_duration(text: str) -> timedelta:
    """``30m``, ``1h``, ``90`` (seconds) or ``2d`` as a timedelta; ValueError explains."""
    match = _DURATION.match(text.strip().lower())
    if match is None:
        raise ValueError(f"'{text}' is not a duration (examples: 90s, 30m, 1h, 2d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2) or "s"])


def parse_instant(
    text: str, *, now: datetime | None = None, zone: tzinfo | None = None
) -> datetime:
    """Turn what the operator typed into an aware datetime.

    ``today`` is local midnight in ``zone`` (the machine's zone when not given); an ISO time
    without an offset is refused rather than guessed.
    """
    current = now or datetime.now(UTC)
    value = text.strip()
    lowered = value.lower()
    if lowered == "now":
        return current
    if lowered in ("today", "tomorrow", "yesterday"):
        local = current.astimezone(zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        shift = {"today": 0, "tomorrow": 1, "yesterday": -1}[lowered]
        return (midnight + timedelta(days=shift)).astimezone(local.tzinfo)
    relative = _RELATIVE.match(lowered)
    if relative:
        sign, amount, unit = relative.groups()
        delta = timedelta(seconds=float(amount) * _UNITS[unit])
        return current + delta if sign == "+" else current - delta
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"'{text}' is not a time (use ISO 8601 with offset such as "
            "2026-12-01T06:00:00+01:00, or now, today, +6h, -2d)"
        ) from None
    if parsed.tzinfo is None:
        raise ValueError(f"'{text}' has no UTC offset; add one, e.g. {value}+00:00")
    return parsed
