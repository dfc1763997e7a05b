"""Instants as a person reads them: in the channel's time zone, with the date, naming the zone.

Operators plan in their channel's wall-clock time, so every message that carries a time says
it in that zone (``Sat 05 Dec 2026 06:00 CET``) and names the zone, so a line copied into a
ticket still means one instant. A channel without a zone reads in UTC, and says so. Seconds
appear only when they are not zero; fractions of a second never do (the store keeps
milliseconds, nobody schedules by them). A range gives each end the zone abbreviation it has:
on a DST day the two ends differ (``01:30 CET – 03:30 CEST``).

Machine output (JSON, exports) keeps ISO 8601 with offset; this module is for human text only.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["channel_zone", "moment_text", "operator_zone", "span_text", "zone_name"]


def channel_zone(name: str | None) -> tzinfo:
    """The zone a channel's times are read in: its IANA zone, or UTC when it has none."""
    return ZoneInfo(name) if name else UTC


def operator_zone() -> tzinfo:
    """The zone of the person at the terminal: the process's local zone (``TZ``), else UTC."""
    return datetime.now().astimezone().tzinfo or UTC


def zone_name(moment: datetime) -> str:
    """The zone's abbreviation at that instant (``CET``, ``EDT``), or ``UTC±hh:mm``."""
    name = moment.tzname() or ""
    if not name or name[0] in "+-":  # zones without an abbreviation ('+04') and fixed offsets
        offset = moment.strftime("%z")
        name = f"UTC{offset[:3]}:{offset[3:]}" if offset not in ("", "+0000") else "UTC"
    return name


# Names by table, not strftime: the same English words whatever the server's locale, and a
# check that reports thousands of findings does not pay for strftime on each.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    return moment.astimezone(zone if zone is not None else UTC).replace(microsecond=0)


def _day(moment: datetime, year: bool = True) -> str:
    text = f"{_DAYS[moment.weekday()]} {moment.day:02d} {_MONTHS[moment.month]}"
    return f"{text} {moment.year}" if year else text


def _clock(moment: datetime, seconds: bool) -> str:
    if seconds:
        return f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def moment_text(moment: datetime, zone: tzinfo | None) -> str:
    """``Sat 05 Dec 2026 06:00 CET`` (seconds when they are not zero)."""
    local = _local(moment, zone)
    return f"{_day(local)} {_clock(local, bool(local.second))} {zone_name(local)}"


def span_text(start: datetime, stop: datetime, zone: tzinfo | None) -> str:
    """``Sat 05 Dec 2026 06:00–07:30 CET``; the stop's date (and zone) when they differ.

    Across midnight: ``Sat 05 Dec 2026 23:30 – Sun 06 Dec 00:15 CET``; across a DST change
    each end has its own abbreviation: ``Sun 29 Mar 2026 01:30 CET – 03:30 CEST``.
    """
    begin, end = _local(start, zone), _local(stop, zone)
    seconds = bool(begin.second or end.second)
    first, last = zone_name(begin), zone_name(end)
    head = f"{_day(begin)} {_clock(begin, seconds)}"
    if begin.date() == end.date() and first == last:
        return f"{head}–{_clock(end, seconds)} {last}"
    day = ""
    if begin.date() != end.date():
        day = f"{_day(end, begin.year != end.year)} "
    head = head if first == last else f"{head} {first}"
    return f"{head} – {day}{_clock(end, seconds)} {last}"
