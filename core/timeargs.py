"""Instants as operators type them: ISO 8601 with offset, ``now``, ``today``, ``+6h``, ``-2d``.

Calendar words and days count in a time zone: ``today`` is midnight there, ``tomorrow`` the
next midnight there (23 or 25 hours later across a DST change), ``+1d`` the same wall-clock
time on the next day. Seconds, minutes and hours are elapsed time: ``+24h`` is always 24 hours.
A wall time the clocks skip or show twice follows the planner's rule (:mod:`core.wallclock`):
the moment the clocks jump, the first occurrence.
Without an explicit zone the zone is the operator's: ``TZ`` when set, else the machine's, as
the C library resolves it (so a POSIX ``TZ`` such as ``CET-1CEST,M3.5.0,M10.5.0/3`` works too).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from core.timestamps import check_instant
from core.wallclock import instant_at, wall_time

__all__ = ["parse_duration", "parse_instant"]

# ASCII digits only: float() reads "١٠" too, which no operator means to type
_RELATIVE = re.compile(r"^([+-])(\d+(?:\.\d+)?)([smhdw])$", re.ASCII)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw]?)$", re.ASCII)
_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_FORMS = "ISO 8601 with offset such as 2026-12-01T06:00:00+01:00, or now, today, +6h, -2d"


def parse_duration(text: str) -> timedelta:
    """``30m``, ``1h``, ``90`` (seconds) or ``2d`` as a timedelta; ValueError explains."""
    match = _DURATION.match(text.strip().lower())
    if match is None:
        raise ValueError(f"'{text}' is not a duration (examples: 90s, 30m, 1h, 2d)")
    try:
        return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2) or "s"])
    except OverflowError:
        raise ValueError(f"'{text}' is too long a duration") from None


def parse_instant(
    text: str,
    *,
    now: datetime | None = None,
    zone: tzinfo | None = None,
    relative_to: datetime | None = None,
) -> datetime:
    """Turn what the operator typed into an aware datetime; ValueError explains in one line.

    ``today``/``tomorrow``/``yesterday`` and days of ``+Nd``/``+Nw`` are calendar days in
    ``zone`` (the operator's zone when not given). A relative value counts from
    ``relative_to`` when given (``--to +1d`` after ``--from``), else from ``now``. An ISO time
    without an offset is refused rather than guessed. The instant must lie in the years a
    schedule can hold (:func:`core.timestamps.check_instant`): a plan or an export past them
    would write what no later command can read.
    """
    instant = _parse(text, now=now, zone=zone, relative_to=relative_to)
    try:
        return check_instant(instant)
    except ValueError as error:
        raise ValueError(f"'{text}': {error}") from None


def _parse(
    text: str,
    *,
    now: datetime | None = None,
    zone: tzinfo | None = None,
    relative_to: datetime | None = None,
) -> datetime:
    current = now or datetime.now(UTC)
    value = text.strip()
    lowered = value.lower()
    try:
        if lowered == "now":
            return current
        if lowered in _DAYS:
            midnight = wall_time(current, zone).replace(hour=0, minute=0, second=0, microsecond=0)
            return _aware(midnight + timedelta(days=_DAYS[lowered]), zone)
        relative = _RELATIVE.match(lowered)
        if relative:
            sign, amount, unit = relative.groups()
            return _shift(
                relative_to or current, float(amount) * (-1 if sign == "-" else 1), unit, zone
            )
    except OverflowError:
        raise ValueError(f"'{text}' is too far from today") from None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{text}' is not a time (use {_FORMS})") from None
    if parsed.tzinfo is None:
        raise ValueError(f"'{text}' has no UTC offset; add one, e.g. {parsed.isoformat()}+00:00")
    return parsed


def _shift(origin: datetime, amount: float, unit: str, zone: tzinfo | None) -> datetime:
    """``origin`` moved by ``amount`` units: whole days on the calendar, the rest in seconds."""
    if unit not in "dw":
        return _elapsed(origin, timedelta(seconds=amount * _UNITS[unit]))
    days = amount * (7 if unit == "w" else 1)
    whole = int(days)
    if whole:
        moved = _aware(wall_time(origin, zone) + timedelta(days=whole), zone)
    else:  # no calendar move: read back from the wall, a repeated hour's second pass
        moved = _fixed(origin, zone)  # would become its first
    return _elapsed(moved, timedelta(days=days - whole))


def _elapsed(origin: datetime, delta: timedelta) -> datetime:
    """``origin`` plus real time: aware arithmetic in a named zone would add wall time."""
    return (origin.astimezone(UTC) + delta).astimezone(origin.tzinfo)


def _aware(wall: datetime, zone: tzinfo | None) -> datetime:
    """The instant a naive wall-clock time names in ``zone``, with that day's own offset.

    One rule with the planner's local clock (:func:`core.wallclock.instant_at`): a time the
    clocks skip is the moment they jump (``+1d`` from 02:30 onto a spring-forward night is
    03:00), a time shown twice its first occurrence. The result carries a fixed offset, so
    that ``stop - start`` of two results is elapsed time, not wall time.
    """
    return _fixed(instant_at(wall, zone), zone)


def _fixed(instant: datetime, zone: tzinfo | None) -> datetime:
    """``instant`` with the offset ``zone`` has at it, as a fixed offset."""
    moment = instant.astimezone(UTC).astimezone(zone)
    if zone is None:
        return moment  # the C library's local time already carries a fixed offset
    return moment.replace(tzinfo=timezone(moment.utcoffset() or timedelta()))
