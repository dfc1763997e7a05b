"""Times of day on a channel's local clock as instants, across clock changes.

A template says ``06:00`` and a grid says "on the hour" in the channel's wall-clock time, on
each day as that day's clock runs: a day may have 23, 24 or 25 hours (or 23½ on Lord Howe).
Python's wall-clock arithmetic on one ``ZoneInfo`` (``datetime + timedelta``, ``a - b``,
``<``) ignores the offset change, so everything here is worked in UTC instants; the local
clock is only read from them. A time the clocks skip (02:30 on a spring-forward night) is
the moment they jump (03:00); a time that happens twice is its first occurrence: the rule of
:mod:`core.wallclock`, which ``today`` and ``+1d`` on the command line follow too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from core.wallclock import instant_at, wall_time

__all__ = ["grid_line_after", "local_instant"]

_DAY = timedelta(days=1)
_REPEAT = timedelta(hours=3)  # longer than any clock change


@lru_cache(maxsize=4096)  # a plan asks for each block's day many times over
def local_instant(day: date, clock: time, zone: tzinfo) -> datetime:
    """The first instant (UTC) at which the local clock shows ``clock`` on ``day``; for a
    skipped time, the instant the clocks jump over it (:func:`core.wallclock.instant_at`,
    the rule the time arguments follow too)."""
    return instant_at(datetime.combine(day, clock), zone)


def _occurrences(line: datetime, zone: tzinfo) -> list[datetime]:
    """The instants at which the local clock shows ``line``: none when it is skipped."""
    found = {line.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)}
    return sorted(instant for instant in found if wall_time(instant, zone) == line)


def grid_line_after(moment: datetime, step: timedelta, zone: tzinfo) -> datetime:
    """The first grid line at or after ``moment``: lines run from each local midnight in
    ``step``s of the local clock, so they stay on :00 and :30 after a clock change; a
    repeated hour has its lines twice, a skipped one none."""
    here = moment.astimezone(UTC).astimezone(zone)
    local = here.replace(tzinfo=None, fold=0)
    midnight = datetime.combine(local.date(), time())
    line = min(midnight + -(-(local - midnight) // step) * step, midnight + _DAY)
    instant = line.replace(tzinfo=zone).astimezone(UTC)
    if (
        instant.astimezone(zone).utcoffset() == here.utcoffset()
        and wall_time(instant, zone) == line
    ):
        return instant  # no clock change between: the next line on the clock is the next
    # from a little before: in a repeated hour, the second pass of an earlier line may
    # come after ``moment``
    local -= _REPEAT
    midnight = datetime.combine(local.date(), time())
    line = midnight + int((local - midnight) / step) * step
    best: datetime | None = None
    while True:
        if line.date() != midnight.date():  # each day's lines start again at its midnight
            midnight = line = datetime.combine(line.date(), time())
        instants = _occurrences(line, zone)
        later = [instant for instant in instants if instant >= moment]
        if later and (best is None or later[0] < best):
            best = later[0]
        # first occurrences rise with the clock: once one is past ``moment``, no later
        # line comes sooner
        if instants and instants[0] >= moment:
            assert best is not None
            return best
        line += step
