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
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import TextIO

from core.errors import UnsupportedFormat
from core.extinf import format_attributes, parse_attributes, split_extinf
from core.formats.source import Source, WarningLog, decode_chunks
from core.locators import line_breaking
from core.models import Asset
from core.timestamps import LONGEST_SECONDS

__all__ = ["M3uReader", "left_out_warning", "locator_line_problem", "one_line", "write_m3u"]

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
    """The ``#EXTINF`` duration in seconds; unknown when it is not a length a file can have
    (``-1`` for a live stream, ``inf``, ``1e300``: the rules add it to instants) or not a
    plain number (``float`` also takes ``1_000`` and other scripts' digits, ``٣``)."""
    if not duration.isascii() or "_" in duration:
        return None
    try:
        value = float(duration)
    except ValueError:
        return None
    return value if 0 < value <= LONGEST_SECONDS else None


class M3uReader:
    """Reads an IPTV playlist as a stream of :class:`Asset`, one per entry."""

    format = "m3u"

    def __init__(self, source: Source) -> None:
        self.source = source
        self.warnings = WarningLog()
        self.header: list[tuple[str, str]] = []
        self.lines = 0
        self._seen_header = False
        # (line, text after "#EXTINF:") of the entry being read, and its tag lines so far
        self._pending: tuple[int, str] | None = None
        self._tags: list[str] = []

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
        """Each chunk is cut at ``#EXTINF:`` lines into blocks. A block that is just an
        entry's ``#EXTINF``, tag and locator lines (nearly all of them) becomes an asset at
        once; anything else (headers, comments, blank lines, entries cut by the chunk's end)
        goes line by line through :meth:`_read_lines`, which gives the same result.
        """
        self._pending = None
        base = self.source.folder
        number = 1
        with self.source.open() as stream:
            for text in decode_chunks(self.source, stream):
                blocks = text.split("\n#EXTINF:")
                lines = blocks[0].split("\n")
                yield from self._read_lines(number, lines, base)
                number += len(lines)
                for block in islice(blocks, 1, None):
                    extinf, newline, rest = block.partition("\n")
                    if newline and self._pending is None:
                        if "\n" in rest:
                            lines = rest.split("\n")
                            tags = _tag_lines(lines)
                            rest = lines[-1]
                            below = len(lines)
                        else:
                            tags, below = (), 1
                        locator = rest.strip()
                        if locator and locator[0] != "#" and tags is not None:
                            # _asset, inlined: the call alone is 7 % of reading a playlist
                            if " " in locator:
                                self._check_locator(number + below, locator)
                            duration, attributes, title = split_extinf(extinf.rstrip())
                            yield Asset(
                                title,
                                locator,
                                None,
                                _seconds(duration) if duration and duration[0] != "-" else None,
                                attributes,
                                tags,
                                duration or "-1",
                                None,
                                number,
                                base,
                            )
                            number += below + 1
                            continue
                    lines = block.split("\n")
                    lines[0] = "#EXTINF:" + lines[0]
                    yield from self._read_lines(number, lines, base)
                    number += len(lines)
        self._no_locator()
        self.lines = number - 1

    def _asset(
        self, line: int, extinf: str, below: int, locator: str, tags: tuple[str, ...], base: Path
    ) -> Asset:
        """The asset of the entry whose ``#EXTINF`` line ``line`` holds ``extinf`` (the text
        after the colon) and whose locator is ``below`` lines further down."""
        if " " in locator:
            self._check_locator(line + below, locator)
        duration, attributes, title = split_extinf(extinf)
        seconds = _seconds(duration) if duration and duration[0] != "-" else None
        return Asset(
            title, locator, None, seconds, attributes, tags, duration or "-1", None, line, base
        )

    def _check_locator(self, number: int, locator: str) -> None:
        scheme_end = locator.find("://")
        if scheme_end > 0 and " " in locator[:scheme_end]:  # "new: https://…"
            self.warnings.add(number, f"'{locator[:60]}' does not look like a URL or a path")

    def _no_locator(self) -> None:
        if self._pending is not None:
            number, extinf = self._pending
            title = split_extinf(extinf)[2]
            self.warnings.add(number, f"#EXTINF '{title}' has no URL; skipped")

    def _read_lines(self, first: int, lines: list[str], base: Path) -> Iterator[Asset]:
        """Read ``lines`` (the first is line ``first``) one at a time; the entry still being
        read is carried to the next call in ``_pending`` and ``_tags``. A locator without
        ``#EXTINF`` is titled by its file name.
        """
        warn = self.warnings.add
        for number, raw in enumerate(lines, first):
            line = raw.strip()
            if not line:
                continue
            if line[0] == "#":
                if line.startswith("#EXTINF:") or line[:8].upper() == "#EXTINF:":
                    self._no_locator()
                    self._pending = (number, line[8:])
                    self._tags = []
                    continue
                upper = line[:8].upper()
                if upper.startswith("#EXT-X-"):
                    raise self._refuse_hls(number)
                if upper.startswith("#EXTM3U"):
                    self._header_line(number, line)
                elif self._pending is not None and upper.startswith(("#EXT", "#KODIPRO")):
                    self._tags.append(line)
                continue
            if self._pending is not None:
                start, extinf = self._pending
                self._pending = None
                yield self._asset(start, extinf, number - start, line, tuple(self._tags), base)
            elif _URL.match(line) or (PurePosixPath(line).suffix.lower() in _MEDIA_SUFFIXES):
                title = PurePosixPath(line.partition("|")[0].rstrip("/")).stem
                yield Asset(title, line, None, None, "", (), "-1", None, number, base)
            else:
                warn(number, f"'{line[:60]}' is outside any entry; ignored")


def _tag_lines(lines: list[str]) -> tuple[str, ...] | None:
    """The tag lines before the last of ``lines`` (the entry's locator line), or ``None`` when
    any of them is something else (which :meth:`M3uReader._read_lines` then sorts out)."""
    tags = []
    for index in range(len(lines) - 1):
        line = lines[index].strip()
        if not line.startswith(("#EXT", "#KODIPROP")) or line.startswith(
            ("#EXT-X-", "#EXTM3U", "#EXTINF")
        ):
            return None
        tags.append(line)
    return tuple(tags)


def _quote(value: str) -> str:
    return f'"{value}"'


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters turned into spaces."""
    if line_breaking(text) is None:  # C speed for the usual, printable text
        return text
    return "".join(" " if line_breaking(character) else character for character in text)


def locator_line_problem(locator: str) -> str | None:
    """Why ``locator`` cannot be written as one M3U locator line (``None``: it can).

    A line break would forge the lines after it; a leading ``#`` would make it a comment or
    a tag. Such a locator cannot be encoded in a plain M3U line, so the writers leave its
    entry out.
    """
    text = locator.strip()
    if not text:
        return "it is empty"
    if text.startswith("#"):
        return "it starts with '#', which M3U reads as a comment"
    if line_breaking(text) is not None:
        return "it holds a line break or another control character"
    return None


def left_out_warning(left_out: list[str], what: str, verb: str = "left out") -> str:
    """One warning for the entries a writer left out (or ``verb``): how many, the first few
    and why."""
    shown = "; ".join(left_out[:5])
    more = f"; and {len(left_out) - 5} more" if len(left_out) > 5 else ""
    return f"{verb} {len(left_out)} {what}: {shown}{more}"


def write_m3u(
    out: TextIO,
    assets: Iterable[Asset],
    header: Iterable[tuple[str, str]] = (),
    warnings: list[str] | None = None,
) -> int:
    """Write assets as an extended M3U playlist; returns the number of entries written.

    Every value goes on its own line and stays there: line breaks in titles, attributes and
    tags become spaces, a tag that is not a ``#`` line is dropped, and an entry whose
    locator cannot be one line (:func:`locator_line_problem`) is left out, with a warning
    added to ``warnings``.
    """
    head = "".join(f" {key}={_quote(_unquoted(one_line(value)))}" for key, value in header)
    out.write(f"#EXTM3U{head}\n")
    count = 0
    left_out: list[str] = []
    mended = _Mended()
    for asset in assets:
        problem = locator_line_problem(asset.locator)
        if problem is not None:
            left_out.append(f"'{one_line(asset.title)}' ({problem})")
            continue
        tags = "".join(f"{one_line(tag)}\n" for tag in mended.tags(asset))
        extinf = one_line(f"#EXTINF:{mended.extinf(asset)}")
        out.write(f"{extinf}\n{tags}{asset.locator.strip()}\n")
        count += 1
    if warnings is not None:
        if left_out:
            warnings.append(left_out_warning(left_out, "entries whose locator is not one M3U line"))
        warnings.extend(mended.warnings())
    return count


_NUMBER = re.compile(r"(?:[-+]?\d+(?:\.\d+)?)?")
# how a plain regex reads attributes off a whole #EXTINF line, as many players do
_PLAIN_ATTRIBUTE = re.compile(r'([^\s=,"\']+)="([^"]*)"')
_PLAIN_ATTRIBUTES = re.compile(r'(?:\s+[^\s=,"\']+="[^"]*")*\s*')
_STRUCTURE_TAGS = ("#EXTINF", "#EXTM3U", "#EXT-X-")


def _unquoted(value: str) -> str:
    """``value`` fit for ``"…"``: M3U has no escape, so a double quote becomes ``'``."""
    return value.replace('"', "'")


class _Mended:
    """Makes each entry's ``#EXTINF`` line and tags well-formed, and counts what it changed.

    M3U has no escapes, so an entry is written as it was read only when every reader sees
    the same attributes in it: ours, and a plain ``name="value"`` regex over the whole line
    (as players use). Otherwise a value or title holding ``"`` (from a guide's display name,
    a JSON attribute…) would add attributes for them: its attributes are written again by
    :func:`~core.extinf.format_attributes` (``"`` as ``'``) and ``"`` in its title as ``'``.
    A duration that is not a number becomes ``-1`` — or the asset's known duration (one
    ffprobe measured, or a JSON library's), as does a ``-1``; tag lines that would start an entry, a
    playlist or HLS (``#EXTINF``, ``#EXTM3U``, ``#EXT-X-``) are dropped.
    """

    def __init__(self) -> None:
        self.rewritten: list[str] = []
        self.durations: list[str] = []
        self.dropped_tags: list[str] = []

    def extinf(self, asset: Asset) -> str:
        """What follows ``#EXTINF:`` for ``asset``."""
        duration = asset.extinf_duration
        given = bool(_NUMBER.fullmatch(duration)) and duration != "" and float(duration) > 0
        if asset.duration is not None and not given:
            # the entry gave none, the asset has one (measured by ffprobe, or from JSON)
            duration = f"{round(asset.duration, 3):g}"
        elif not _NUMBER.fullmatch(duration):
            self.durations.append(f"'{one_line(asset.title)}'")
            duration = "-1"
        line = f"{duration}{asset.extinf},{asset.title}"
        if '"' not in line or (
            _PLAIN_ATTRIBUTES.fullmatch(asset.extinf) and '"' not in asset.title
        ):
            return line  # the common cases, where every reader agrees
        attrs = asset.attrs
        if split_extinf(line)[1:] == (asset.extinf, asset.title) and attrs == tuple(
            _PLAIN_ATTRIBUTE.findall(line)
        ):
            return line
        self.rewritten.append(f"'{one_line(asset.title)}'")
        return f"{duration}{format_attributes(attrs)},{_unquoted(asset.title)}"

    def tags(self, asset: Asset) -> list[str]:
        """The tag lines of ``asset`` that are tags (``#…``) and start nothing new."""
        kept = []
        for tag in asset.tags:
            if tag.upper().startswith(_STRUCTURE_TAGS):
                self.dropped_tags.append(f"'{one_line(asset.title)}'")
            elif tag.startswith("#"):
                kept.append(tag)
        return kept

    def warnings(self) -> list[str]:
        """One warning for each kind of change, naming the first entries."""
        found = []
        if self.rewritten:
            found.append(
                _changed(
                    self.rewritten,
                    "whose attributes or title held \" (M3U has no escape; wrote ' instead)",
                )
            )
        if self.durations:
            found.append(_changed(self.durations, "whose duration was not a number (wrote -1)"))
        if self.dropped_tags:
            found.append(
                left_out_warning(
                    self.dropped_tags, "tag lines that would start an entry or a playlist"
                )
            )
        return found


def _changed(entries: list[str], why: str) -> str:
    return left_out_warning(entries, f"entries {why}", "changed")
