"""Readers and writers of the formats ScheduleFlow speaks: M3U, XMLTV, JSON and ffplayout.

Every reader is an iterator over models (:class:`~core.models.Channel`,
:class:`~core.models.Asset`, :class:`~core.models.Programme`) with a bounded memory
footprint, reading its bytes through :class:`~core.formats.source.Source` (size limit,
transparent gzip). Warnings about what was read anyway collect in ``reader.warnings``;
what cannot be read raises an :class:`~core.errors.InputError`. Writers stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, time, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from core.errors import UnsupportedFormat
from core.formats.detect import FORMATS, detect_format
from core.formats.source import DEFAULT_LIMIT, InputWarning, Source, WarningLog
from core.lazy import lazy_attributes
from core.models import Item

if TYPE_CHECKING:
    from core.formats.ffplayout import FfplayoutReader, write_ffplayout
    from core.formats.json_format import JsonReader, write_json
    from core.formats.m3u import M3uReader, write_m3u
    from core.formats.xmltv_read import XmltvReader
    from core.formats.xmltv_write import (
        XmltvWriter,
        is_dns_like,
        stand_in_channels,
        write_xmltv,
    )

__all__ = [
    "DEFAULT_LIMIT",
    "EXPORT_FORMATS",
    "FORMATS",
    "FfplayoutReader",
    "InputWarning",
    "JsonReader",
    "M3uReader",
    "Reader",
    "Source",
    "WarningLog",
    "XmltvReader",
    "XmltvWriter",
    "detect_format",
    "is_dns_like",
    "open_reader",
    "stand_in_channels",
    "write_ffplayout",
    "write_json",
    "write_m3u",
    "write_xmltv",
]

EXPORT_FORMATS = ("xmltv", "json", "m3u", "playlist", "ffplayout")
"""What ``export --format`` writes (``playlist``: an M3U to play one channel offline)."""

# The readers and writers load on first use (core.lazy): an `inspect` of a playlist
# need not import the XML and JSON machinery.
__getattr__ = lazy_attributes(
    __name__,
    {
        "FfplayoutReader": "ffplayout",
        "write_ffplayout": "ffplayout",
        "JsonReader": "json_format",
        "write_json": "json_format",
        "M3uReader": "m3u",
        "write_m3u": "m3u",
        "XmltvReader": "xmltv_read",
        "XmltvWriter": "xmltv_write",
        "is_dns_like": "xmltv_write",
        "stand_in_channels": "xmltv_write",
        "write_xmltv": "xmltv_write",
    },
)


class Reader(Protocol):
    """What every reader offers."""

    format: str
    source: Source
    warnings: WarningLog

    def __iter__(self) -> Iterator[Item]: ...


def open_reader(
    path: str | Path,
    format: str = "auto",
    *,
    limit: int = DEFAULT_LIMIT,
    channel_id: str | None = None,
    day_start: time = time(0),
    zone: tzinfo = UTC,
) -> Reader:
    """A reader for ``path``; ``format="auto"`` looks at the content to choose.

    ``channel_id``, ``day_start`` and ``zone`` place an ffplayout playlist (which carries no
    clock times) on a channel's broadcast day.
    """
    source = Source(Path(path), limit)
    chosen = detect_format(source) if format == "auto" else format
    if chosen == "m3u":
        from core.formats.m3u import M3uReader

        return M3uReader(source)
    if chosen == "xmltv":
        from core.formats.xmltv_read import XmltvReader

        return XmltvReader(source)
    if chosen == "json":
        from core.formats.json_format import JsonReader

        return JsonReader(source)
    if chosen == "ffplayout":
        from core.formats.ffplayout import FfplayoutReader

        return FfplayoutReader(source, channel_id=channel_id, day_start=day_start, zone=zone)
    raise UnsupportedFormat(
        f"'{format}' is not a format ScheduleFlow reads",
        hint=f"choose one of: auto, {', '.join(FORMATS)}",
    )
