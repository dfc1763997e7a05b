"""Models to rows and back: the only place that knows how a programme is laid out in SQL.

A programme row holds what queries and rules need as columns (channel, start, stop, title,
episode, fingerprint, locator) and the rest as one compact JSON array (``body``), so a
round trip through the store loses nothing and a page of rows decodes quickly.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zlib import crc32

import orjson

from core.models import (
    Asset,
    Channel,
    EpisodeNum,
    Icon,
    Programme,
    Rating,
    RawElement,
    Text,
    Url,
)
from core.timestamps import fixed_zone

__all__ = [
    "asset_from_row",
    "asset_row",
    "channel_from_row",
    "channel_row",
    "from_ms",
    "offset_minutes",
    "programme_from_row",
    "programme_row",
    "to_ms",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
# Not orjson: it reads integers past 64 bits as floats, silently.
_decode = json.JSONDecoder().decode
_new = tuple.__new__


def _encode_body(value: list[Any]) -> str:
    """A programme's body as compact JSON, byte for byte what ``_encode`` writes.

    orjson (Rust) writes it three times faster than the standard library's C encoder, which
    hands back dozens of small strings to join; every imported programme has a body.
    ``default=tuple`` turns the models' named tuples into arrays, as the standard library
    does; what orjson refuses (lone surrogates, integers past 64 bits) is left to it.
    """
    try:
        return orjson.dumps(value, default=tuple).decode()
    except TypeError:
        return _encode(value)


_EPOCH_DAY = _EPOCH.toordinal()
_OFFSETS: dict[tzinfo, int] = {}


def _fixed_offset(zone: tzinfo | None) -> int | None:
    """Seconds east of UTC of a fixed-offset ``timezone`` (every XMLTV time has one), or
    ``None`` for any other zone, whose offset depends on the date."""
    if type(zone) is not timezone:
        return None
    seconds = _OFFSETS.get(zone)
    if seconds is None:
        offset = zone.utcoffset(None)
        if offset.microseconds:
            return None
        seconds = _OFFSETS[zone] = offset.days * 86400 + offset.seconds
    return seconds


def to_ms(value: datetime) -> int:
    """An aware datetime as UTC milliseconds since the epoch."""
    seconds = _fixed_offset(value.tzinfo)
    if seconds is None or value.microsecond:
        return (value - _EPOCH) // _MS  # exact for any zone and fractions of a second
    # Whole seconds in a fixed offset, by arithmetic: datetime.timestamp() builds a
    # timedelta and a float for each call, twice the time, and an import makes two per
    # programme.
    return (
        (value.toordinal() - _EPOCH_DAY) * 86400
        + value.hour * 3600
        + value.minute * 60
        + value.second
        - seconds
    ) * 1000


def offset_minutes(value: datetime) -> int:
    """The UTC offset a datetime carries, in minutes."""
    seconds = _fixed_offset(value.tzinfo)
    if seconds is None:
        offset = value.utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
    return seconds // 60


def from_ms(milliseconds: int, offset: int) -> datetime:
    """UTC milliseconds back to an aware datetime in the offset it was given in."""
    return (_EPOCH + milliseconds * _MS).astimezone(fixed_zone(offset))


def _body(programme: Programme) -> str:
    parts: list[Any] = [
        programme.titles,
        programme.sub_titles,
        programme.descs,
        programme.categories,
        programme.episode_nums,
        programme.icons,
        programme.ratings,
        programme.attrs,
        programme.extras,
    ]
    while parts and not parts[-1]:
        parts.pop()
    return _encode_body(parts)


def programme_row(programme: Programme, channel_id: int, *extra: Any) -> tuple[Any, ...]:
    """The row of a programme on the channel with database id ``channel_id``.

    ``(channel_id, start, stop, start_offset, stop_offset, title, episode, fingerprint,
    locator, body, content_hash, *extra)``; the importer appends the import's id.
    """
    start = programme.start
    stop = programme.stop
    start_ms = to_ms(start)
    start_offset = offset_minutes(start)
    if stop is not None:
        stop_ms: int | None = to_ms(stop)
        stop_offset: int | None = offset_minutes(stop)
    else:
        stop_ms = stop_offset = None
    body = _body(programme)
    locator = programme.locator
    titles = programme.titles
    episodes = programme.episode_nums
    # Only programmes of one channel starting at the same instant are compared: a CRC-32
    # is plenty there, and four times cheaper than MD5.
    identity = crc32(f"{stop_ms}|{start_offset}|{stop_offset}|{locator}|{body}".encode())
    return (
        channel_id,
        start_ms,
        stop_ms,
        start_offset,
        stop_offset,
        titles[0][0] if titles else "",
        episodes[0][0] if episodes else "",
        programme.fingerprint,
        locator,
        body,
        identity,
        *extra,
    )


def _texts(items: Sequence[Sequence[Any]]) -> tuple[Text, ...]:
    return tuple(_new(Text, item) for item in items)


def _icons(items: Sequence[Sequence[Any]]) -> tuple[Icon, ...]:
    return tuple(_new(Icon, item) for item in items)


def programme_from_row(row: Sequence[Any], channel: str) -> Programme:
    """A programme from ``(id, start, stop, start_offset, stop_offset, fingerprint, locator,
    body)`` on the channel with XMLTV id ``channel``."""
    identifier, start, stop, start_offset, stop_offset, fingerprint, locator, body = row
    parts = _decode(body)
    parts += [[]] * (9 - len(parts))
    titles, sub_titles, descs, categories, episodes, icons, ratings, attrs, extras = parts
    return Programme(
        channel,
        from_ms(start, start_offset),
        from_ms(stop, stop_offset) if stop is not None else None,
        _texts(titles),
        _texts(sub_titles),
        _texts(descs),
        _texts(categories),
        tuple(_new(EpisodeNum, item) for item in episodes),
        _icons(icons),
        tuple(
            Rating(value, system, _icons(rating_icons)) for value, system, rating_icons in ratings
        ),
        locator,
        fingerprint,
        tuple(tuple(pair) for pair in attrs),
        tuple(_new(RawElement, item) for item in extras),
        identifier,
        None,
    )


def channel_row(channel: Channel) -> dict[str, Any]:
    """The column values of a channel (without its database id and revision)."""
    return {
        "xmltv_id": channel.id,
        "name": channel.name,
        "number": channel.number,
        "display_names": _encode(channel.display_names),
        "icons": _encode(channel.icons),
        "urls": _encode(channel.urls),
        "extras": _encode(channel.extras),
        "timezone": channel.timezone,
        "day_start": channel.day_start.isoformat(),
        "cooldown_hours": channel.cooldown_hours,
        "cooldown_scope": channel.cooldown_scope,
        "gap_tolerance_seconds": channel.gap_tolerance_seconds,
    }


def channel_from_row(row: sqlite3.Row) -> Channel:
    """A channel from a row with the columns of :func:`channel_row`."""
    names = _texts(_decode(row["display_names"]))
    if not names and row["name"] != row["xmltv_id"]:
        names = (Text(row["name"]),)
    return Channel(
        id=row["xmltv_id"],
        display_names=names,
        icons=_icons(_decode(row["icons"])),
        urls=tuple(_new(Url, item) for item in _decode(row["urls"])),
        number=row["number"],
        timezone=row["timezone"],
        # an older version let an offset in ("06:00+05:00"); the clock time is what counts
        day_start=time.fromisoformat(row["day_start"]).replace(tzinfo=None),
        extras=tuple(_new(RawElement, item) for item in _decode(row["extras"])),
        cooldown_hours=row["cooldown_hours"],
        cooldown_scope=row["cooldown_scope"],
        gap_tolerance_seconds=row["gap_tolerance_seconds"],
    )


def asset_row(asset: Asset, source_id: int | None) -> tuple[Any, ...]:
    """(fingerprint, title, locator, duration, extinf, tags, extinf_duration, tvg_id,
    content_hash, source_id, duration_source) of an asset.

    ``content_hash`` is the entry as its file wrote it (the duration's source is not part of
    it): a re-import of the same entry finds it unchanged.
    """
    tags = _encode(asset.tags)
    identity = "|".join(
        (asset.title, asset.locator, str(asset.duration), asset.extinf, tags, asset.extinf_duration)
    )
    return (
        asset.fingerprint,
        asset.title,
        asset.locator,
        asset.duration,
        asset.extinf,
        tags,
        asset.extinf_duration,
        asset.attr("tvg-id"),
        hashlib.md5(identity.encode(), usedforsecurity=False).hexdigest(),
        source_id,
        asset.duration_source if asset.duration is not None else None,
    )


def asset_from_row(row: Sequence[Any]) -> Asset:
    """An asset from ``(id, fingerprint, title, locator, duration, extinf, tags,
    extinf_duration, duration_source)``."""
    identifier, fingerprint, title, locator, duration, extinf, tags, extinf_duration, source = row
    return Asset(
        title,
        locator,
        fingerprint,
        duration,
        extinf,
        tuple(_decode(tags)),
        extinf_duration,
        identifier,
        duration_source=source,
    )
