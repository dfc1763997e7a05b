"""Instants as the formats write them, always timezone-aware.

XMLTV writes ``YYYYMMDDhhmmss ±zzzz`` or any leading part of it (``200209``), a zone that may
be a name (``BST``) and, when absent, means UTC. Every parsed instant keeps the offset it was
given so that an export writes back what was read. The fast path handles the full form; the
rest goes through one regular expression.

Every reader keeps what it accepts inside :data:`EARLIEST`..:data:`LATEST` and every length
under :data:`LONGEST_SECONDS` (see :func:`check_instant`): the rules,
exports and the TUI add days and hours to these values, and a year-1 start or an infinite
duration would make every later command fail, not the import that let it in.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

__all__ = [
    "EARLIEST",
    "LATEST",
    "LONGEST_SECONDS",
    "NAMED_ZONES",
    "SHORTEST_ITEM_SECONDS",
    "check_instant",
    "fixed_zone",
    "format_xmltv_time",
    "parse_xmltv_time",
]

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
"""The earliest instant a schedule may hold (archive guides go back decades, not centuries)."""
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""The latest instant a schedule may hold."""
_EARLIEST_YEAR, _LATEST_YEAR = EARLIEST.year, LATEST.year - 1  # a zone's offset can't cross them
LONGEST_SECONDS = 31 * 86400.0
"""The longest a programme, an asset or a playlist item may last: a month."""
SHORTEST_ITEM_SECONDS = 1.0
"""No item shorter is planned or used as filler: ffplayout skips clips under a second, and a
library entry of a few microseconds would make a window of millions of items."""


def check_instant(value: datetime) -> datetime:
    """``value`` itself, or ``ValueError`` when it lies outside the years a schedule can have."""
    # every XMLTV time passes here: a year well inside the window needs no aware comparison
    if _EARLIEST_YEAR < value.year < _LATEST_YEAR:
        return value
    if not EARLIEST <= value < LATEST:
        raise ValueError(
            f"{value.isoformat()} is outside the years a schedule can have "
            f"({EARLIEST.year}-{LATEST.year - 1}, UTC)"
        )
    return value


# Abbreviations seen in real XMLTV (the DTD's own example is 'BST'). Ambiguous names such
# as 'IST' are left out on purpose: guessing an offset is worse than a clear warning.
NAMED_ZONES: dict[str, int] = {
    "UTC": 0,
    "UT": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 60,
    "WEST": 60,
    "CET": 60,
    "MET": 60,
    "CEST": 120,
    "MEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
    "AEST": 600,
    "AEDT": 660,
    "ACST": 570,
    "AWST": 480,
    "JST": 540,
    "NZST": 720,
    "NZDT": 780,
}

_ZONES: dict[int, timezone] = {}
_ZONE_TEXT: dict[tzinfo, str] = {}
_PATTERN = re.compile(
    r"^(?P<digits>\d{4}(?:\d{2}){0,5})\s*"
    r"(?:(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2})|(?P<name>[A-Za-z]{1,5}))?$",
    re.ASCII,  # int() reads "２０２６" and "٠١" too: a guide's times are ASCII digits
)


def fixed_zone(minutes: int) -> timezone:
    """The shared fixed-offset zone ``minutes`` east of UTC (``timezone.utc`` for 0)."""
    zone = _ZONES.get(minutes)
    if zone is None:
        zone = UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
        _ZONES[minutes] = zone
    return zone


def parse_xmltv_time(text: str) -> datetime:
    """Parse an XMLTV timestamp into an aware datetime; ``ValueError`` says what is wrong.

    An instant outside :data:`EARLIEST`..:data:`LATEST` is refused like a malformed one.
    """
    return check_instant(_parse(text))


def _parse(text: str) -> datetime:
    if (
        len(text) == 20
        and text[14] == " "
        and text[15] in "+-"
        and text.isascii()  # then isdigit() means 0-9, and int() sees nothing else
        and text[:14].isdigit()
        and text[16:].isdigit()
    ):
        try:
            minutes = int(text[16:18]) * 60 + int(text[18:20])
            return datetime(
                int(text[0:4]),
                int(text[4:6]),
                int(text[6:8]),
                int(text[8:10]),
                int(text[10:12]),
                int(text[12:14]),
                tzinfo=fixed_zone(-minutes if text[15] == "-" else minutes),
            )
        except ValueError:
            pass  # the slow path below explains what is wrong
    return _parse_slow(text.strip())


def _parse_slow(text: str) -> datetime:
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(
            f"'{text}' is not an XMLTV time (expected YYYYMMDDhhmmss ±zzzz, or a leading "
            "part of it such as YYYYMMDDhhmm)"
        )
    digits = match["digits"]
    if match["sign"]:
        hours, mins = int(match["hh"]), int(match["mm"])
        if hours > 14 or mins > 59:
            raise ValueError(f"'{text}' has a time zone offset out of range")
        minutes = hours * 60 + mins
        if match["sign"] == "-":
            minutes = -minutes
    elif match["name"]:
        name = match["name"].upper()
        if name not in NAMED_ZONES:
            raise ValueError(
                f"'{text}' names an unknown time zone '{match['name']}' (write it as ±hhmm)"
            )
        minutes = NAMED_ZONES[name]
    else:
        minutes = 0
    parts = [int(digits[i : i + 2]) for i in range(4, len(digits), 2)]
    month, day, hour, minute, second = (parts + [1, 1, 0, 0, 0][len(parts) :])[:5]
    try:
        return datetime(
            int(digits[:4]), month, day, hour, minute, second, tzinfo=fixed_zone(minutes)
        )
    except ValueError as error:
        raise ValueError(f"'{text}' is not a real date and time ({error})") from None


def _offset_text(zone: tzinfo | None, value: datetime) -> str:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{value!r} has no time zone")
    total = int(offset.total_seconds()) // 60
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{sign}{total // 60:02d}{total % 60:02d}"


def format_xmltv_time(value: datetime) -> str:
    """Write an aware datetime as ``YYYYMMDDhhmmss ±zzzz`` with its own offset."""
    zone = value.tzinfo
    text = _ZONE_TEXT.get(zone) if isinstance(zone, timezone) else None
    if text is None:
        text = _offset_text(zone, value)
        if isinstance(zone, timezone):
            _ZONE_TEXT[zone] = text
    return (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"{value.hour:02d}{value.minute:02d}{value.second:02d} {text}"
    )
