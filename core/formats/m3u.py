"""Extended M3U / M3U8 as IPTV playlists use it: read into assets, write back losslessly.

An entry is ``#EXTINF:<duration> key="value" …,Title``, any tag lines (``#EXTVLCOPT``,
``#KODIPROP``, ``#EXTGRP``…), then the locator line. Everything the entry holds is kept:
the attribute text as written, tag lines verbatim, the ``|User-Agent=…`` suffix on the
locator. Comment and junk lines are skipped with a warning; an ``#EXTINF`` without a locator
is reported with its line number and skipped. HLS playlists (``#EXT-X-…``) are refused: they
describe the segments of one stream, not a channel line-up or a library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import TextIO

from core.errors import UnsupportedFormat
from core.extinf import parse_attributes, split_extinf
from core.formats.source import Source, WarningLog, decode_chunks
from core.models import Asset

__all__ = ["M3uReader", "write_m3u"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S")
_MEDIA_SUFFIXES = frozenset(
    [
        ".mp4",
        ".mkv",
        ".avi",
        ".mov",
        ".m4v",
        ".ts",
        ".mts",
        ".m2ts",
        ".mpg",
        ".mpeg",
        ".webm",
        ".flv",
        ".wmv",
        ".mp3",
        ".aac",
        ".flac",
        ".ogg",
        ".opus",
        ".wav",
        ".m4a",
        ".m3u8",
        ".mxf",
    ]
)


def _seconds(duration: str) -> float | None:
    try:
        value = float(duration)
    except ValueError:
        return None
    return value if value > 0 else None


class M3uReader:
    """Reads an IPTV playlist as a stream of :class:`Asset`, one per entry."""

    format = "m3u"

    def __init__(self, source: Source) -> None:
        self.source = source
        self.warnings = WarningLog()
        self.header: list[tuple[str, str]] = []
        self.lines = 0
        self._seen_header = False

    def _refuse_hls(self, number: int) -> UnsupportedFormat:
        return UnsupportedFormat(
            "is an HLS stream playlist (#EXT-X- tags): the segments or variants of one "
            "stream, not a channel or library list",
            path=self.source.name,
            line=number,
            hint="import the IPTV playlist that points at this stream instead",
        )

    def _header_line(self, number: int, line: str) -> None:
        if self._seen_header:
            self.warnings.add(number, "a second #EXTM3U header inside the playlist")
        self._seen_header = True
        known = {key.lower() for key, _ in self.header}
        self.header.extend(
            pair for pair in parse_attributes(line[7:]) if pair[0].lower() not in known
        )

    def __iter__(self) -> Iterator[Asset]:
        base = self.source.folder
        warn = self.warnings.add
        # (line of #EXTINF, duration, attribute text, title) of the entry being read
        pending: tuple[int, str, str, str] | None = None
        tags: list[str] = []
        number = 0
        with self.source.open() as stream:
            for before, lines in decode_chunks(self.source, stream):
                for number, raw in enumerate(lines, before + 1):
                    line = raw.strip()
                    if not line:
                        continue
                    if line[0] == "#":
                        if line.startswith("#EXTINF:") or line[:8].upper() == "#EXTINF:":
                            if pending is not None:
                                warn(pending[0], f"#EXTINF '{pending[3]}' has no URL; skipped")
                            duration, attributes, title = split_extinf(line[8:])
                            pending = (number, duration, attributes, title)
                            tags = []
                            continue
                        upper = line[:8].upper()
                        if upper.startswith("#EXT-X-"):
                            raise self._refuse_hls(number)
                        if upper.startswith("#EXTM3U"):
                            self._header_line(number, line)
                        elif pending is not None and upper.startswith(("#EXT", "#KODIPRO")):
                            tags.append(line)
                        continue
                    if pending is None:
                        if _URL.match(line) or (
                            PurePosixPath(line).suffix.lower() in _MEDIA_SUFFIXES
                        ):
                            title = PurePosixPath(line.partition("|")[0].rstrip("/")).stem
                            pending = (number, "-1", "", title)
                            tags = []
                        else:
                            warn(number, f"'{line[:60]}' is outside any entry; ignored")
                            continue
                    else:
                        scheme_end = line.find("://")
                        if scheme_end > 0 and " " in line[:scheme_end]:  # "new: https://…"
                            warn(number, f"'{line[:60]}' does not look like a URL or a path")
                    start, duration, attributes, title = pending
                    yield Asset(
                        title,
                        line,
                        None,
                        _seconds(duration) if duration and duration[0] != "-" else None,
                        attributes,
                        tuple(tags) if tags else (),
                        duration or "-1",
                        None,
                        start,
                        base=base,
                    )
                    pending = None
        if pending is not None:
            warn(pending[0], f"#EXTINF '{pending[3]}' has no URL; skipped")
        self.lines = number


def _quote(value: str) -> str:
    return f'"{value}"'


def write_m3u(
    out: TextIO,
    assets: Iterable[Asset],
    header: Iterable[tuple[str, str]] = (),
) -> int:
    """Write assets as an extended M3U playlist; returns the number of entries written."""
    head = "".join(f" {key}={_quote(value)}" for key, value in header)
    out.write(f"#EXTM3U{head}\n")
    count = 0
    for asset in assets:
        tags = "".join(f"{tag}\n" for tag in asset.tags)
        out.write(
            f"#EXTINF:{asset.extinf_duration}{asset.extinf},{asset.title}\n{tags}{asset.locator}\n"
        )
        count += 1
    return count
