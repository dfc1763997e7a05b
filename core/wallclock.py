"""The one rule for which instant a wall-clock time names, across clock changes.

A wall-clock time ("02:30 on 8 March in New York") names one instant on most days, none on
a spring-forward night (the clocks skip from 02:00 to 03:00) and two on a fall-back night
(01:30 comes round twice). Python leaves the choice to ``fold``, and its two sources of zones
choose differently inside a skipped hour (``ZoneInfo`` reads it with the offset from before
the jump, 03:30; the C library's local time with the one from after it, 01:30). The planner
(a template's ``06:00``) and the time arguments (``today``, ``+1d``) must agree, so both
ask here:

- a skipped time is the first instant after the gap: the moment the clocks jump (03:00 in
  New York, 02:30 on Lord Howe, whose clocks skip half an hour);
- a time shown twice is its first occurrence (01:30 summer time, the earlier instant): a
  block or a day that starts in the repeated hour starts the first time the clock shows it,
  so nothing the operator planned for "01:30" is an hour late.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

__all__ = ["instant_at", "wall_time"]

_SECOND = timedelta(seconds=1)


def wall_time(instant: datetime, zone: tzinfo | None) -> datetime:
    """What the clock in ``zone`` shows at ``instant``, as a naive datetime (``None``: the
    operator's zone). Through UTC: ``astimezone`` to a datetime's own zone hands it back
    unread, with the ``fold`` it was made with."""
    return instant.astimezone(UTC).astimezone(zone).replace(tzinfo=None, fold=0)


def _read(wall: datetime, fold: int, zone: tzinfo | None) -> datetime:
    """``wall`` read with one of the day's offsets; ``None``: the C library's local time."""
    if zone is None:
        return wall.replace(fold=fold).astimezone(UTC)  # a naive datetime is local time
    return wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def instant_at(wall: datetime, zone: tzinfo | None) -> datetime:
    """The instant (UTC) at which the clock in ``zone`` first shows the naive ``wall``; for a
    skipped time, the instant the clocks jump over it. ``zone`` ``None`` is the operator's
    zone as the C library resolves it (``TZ``, a POSIX rule string included)."""
    naive = wall.replace(tzinfo=None, fold=0)
    first, second = _read(naive, 0, zone), _read(naive, 1, zone)
    shown = sorted(instant for instant in {first, second} if wall_time(instant, zone) == naive)
    if shown:
        return shown[0]
    # Skipped: read with the offsets from before and after the jump, the two instants
    # bracket it; the jump is the first instant whose clock is past ``wall``.
    low, high = min(first, second), max(first, second)
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        if wall_time(middle, zone) > naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)
