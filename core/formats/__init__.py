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
from typing import Protocol

from core.errors import UnsupportedFormat
from core.formats.detect import FORMATS, detect_format
from core.formats.ffplayout import FfplayoutReader, write_ffplayout
from core.formats.json_format import JsonReader, write_json
from core.formats.m3u import M3uReader, write_m3u
from core.formats.source import DEFAULT_LIMIT, InputWarning, Source, WarningLog
from core.formats.xmltv_read import XmltvReader
from core.formats.xmltv_write import XmltvWriter, is_dns_like, stand_in_channels, write_xmltv
from core.models import Item

__all__ = [
    "DEFAULT_LIMIT",
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
        return M3uReader(source)
    if chosen == "xmltv":
        return XmltvReader(source)
    if chosen == "json":
        return JsonReader(source)
    if chosen == "ffplayout":
        return FfplayoutReader(source, channel_id=channel_id, day_start=day_start, zone=zone)
    raise UnsupportedFormat(
        f"'{format}' is not a format ScheduleFlow reads",
        hint=f"choose one of: auto, {', '.join(FORMATS)}",
    )
