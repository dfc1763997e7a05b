"""Read XMLTV guides as a stream of channels and programmes, in flat memory.

The C parser does the work (after :func:`~core.formats.safexml.check_prolog` refused what
defusedxml refuses); each top-level element is turned into a model and dropped at once, so
memory stays flat however large the guide. The C parser gives no line numbers, so lines are
found by searching the raw bytes for each top-level start tag as the parser reports it.

Real guides break the DTD in many ways (elements out of order, unknown elements, missing
titles, programmes on undeclared channels, Latin-1); all of those read with a warning that
says where. Only malformed XML stops the read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, cast

from core.cutpoints import CUT_POINTS, cut_points_problem
from core.errors import ParseError, UnsupportedFormat
from core.formats.limits import XmlGuard, too_deep
from core.formats.safexml import check_prolog
from core.formats.source import Source, WarningLog
from core.formats.xmlns import Namespaces
from core.formats.xmltv_dtd import PROGRAMME_ORDER, allowed_in, order_key
from core.locators import fingerprint
from core.models import (
    Channel,
    EpisodeNum,
    Icon,
    Programme,
    Rating,
    RawElement,
    Text,
    Url,
    channel_id_problem,
)
from core.timestamps import LONGEST_SECONDS, parse_xmltv_time

__all__ = ["XmltvReader"]

# 16 KB, as iterparse reads: larger chunks keep more elements alive at once and run slower.
_CHUNK = 16 * 1024
_TAG_ENDS = frozenset(b" \t\r\n>/")
_TEXT_FIELDS = {"title": 0, "sub-title": 1, "desc": 2, "category": 3}
_LANG_ONLY = frozenset({"lang"})
_ICON_KEYS = frozenset({"src", "width", "height"})
_SYSTEM_ONLY = frozenset({"system"})
_MAIN_ATTRIBUTES = frozenset({"start", "stop", "channel"})
_RANK = {name: rank for rank, (name, _) in enumerate(PROGRAMME_ORDER)}
_UNKNOWN_RANK = len(_RANK)
_UNKNOWN = (_UNKNOWN_RANK, -1)
# tag -> (rank in the DTD's sequence, index of the text field it fills or -1)
_CHILDREN = {tag: (rank, _TEXT_FIELDS.get(tag, -1)) for tag, rank in _RANK.items()}
# Building a NamedTuple through tuple.__new__ skips its Python-level __new__ (half the cost).
_new_text = tuple.__new__


def _raw(element: ET.Element, namespaces: Namespaces) -> RawElement:
    element.tail = None
    if namespaces:
        namespaces.qualify_tree(element)
    return RawElement(element.tag, ET.tostring(element, encoding="unicode"))


def _icon(element: ET.Element) -> Icon | None:
    attributes = element.attrib
    if len(element) or "src" not in attributes or not attributes.keys() <= _ICON_KEYS:
        return None
    return Icon(attributes["src"], attributes.get("width"), attributes.get("height"))


def _rating(element: ET.Element) -> Rating | None:
    if not element.attrib.keys() <= _SYSTEM_ONLY or len(element) == 0:
        return None
    value = element[0]
    if value.tag != "value" or len(value) or value.attrib:
        return None
    icons: list[Icon] = []
    for child in element[1:]:
        icon = _icon(child) if child.tag == "icon" else None
        if icon is None:
            return None
        icons.append(icon)
    return Rating(value.text or "", element.get("system"), tuple(icons))


class _LineFinder:
    """Line numbers of top-level elements, found by searching the raw bytes in order.

    The C parser reports no positions; searching for ``<tag`` followed by a delimiter, in
    document order, finds each top-level element's start tag at C speed. Chunks are joined
    only when searched, and bytes before the next possible start tag are dropped as soon as
    no top-level element is open, so the work stays linear even for one huge element or
    megabytes of whitespace. (A comment containing such text could shift the numbers; it
    cannot change what is read.)
    """

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.pending: list[bytes] = []
        self.buffer = b""
        self.cursor = 0
        self.line = 1

    def add(self, chunk: bytes) -> None:
        if self.enabled and chunk:
            self.pending.append(chunk)

    def _join(self) -> bytes:
        if self.pending:
            self.buffer = self.buffer[self.cursor :] + b"".join(self.pending)
            self.cursor = 0
            self.pending.clear()
        return self.buffer

    def idle(self) -> None:
        """No top-level element is open: skip ahead to the last possible start of one."""
        if not self.enabled:
            return
        buffer = self._join()
        # A start tag cut by the chunk boundary is short; look for it near the end only.
        stop = buffer.rfind(b"<", max(self.cursor, len(buffer) - _CHUNK))
        if stop < 0:
            stop = len(buffer)
        self.line += buffer.count(b"\n", self.cursor, stop)
        self.cursor = stop

    def next(self, tag: str) -> int | None:
        if not self.enabled:
            return None
        buffer = self._join()
        needle = b"<" + tag.encode()
        found = buffer.find(needle, self.cursor)
        while found >= 0:
            after = found + len(needle)
            if after < len(buffer) and buffer[after] in _TAG_ENDS:
                self.line += buffer.count(b"\n", self.cursor, found)
                self.cursor = found + 1
                return self.line
            found = buffer.find(needle, found + 1)
        return None


class XmltvReader:
    """Reads an XMLTV document; yields :class:`Channel` and :class:`Programme` in file order."""

    format = "xmltv"

    def __init__(self, source: Source) -> None:
        self.source = source
        self.warnings = WarningLog()
        self.header: list[tuple[str, str]] = []
        self.namespaces = Namespaces()
        self.extras: list[RawElement] = []
        self.encoding = "UTF-8"
        self.declared: set[str] = set()
        self.undeclared: dict[str, int | None] = {}
        self._reported: set[str] = set()
        self._times: dict[str, datetime] = {}
        self._fingerprints: dict[str, str] = {}

    @property
    def undeclared_channels(self) -> list[str]:
        """Channel ids that programmes use but no ``<channel>`` declares, in first-use order."""
        return [channel_id for channel_id in self.undeclared if channel_id not in self.declared]

    # -- one warning per kind of problem, where it is first seen -------------------------
    def _once(self, key: str, line: int | None, message: str) -> None:
        if key not in self._reported:
            self._reported.add(key)
            self.warnings.add(line, message)

    def __iter__(self) -> Iterator[Channel | Programme]:
        prolog = check_prolog(self.source)
        if prolog.root != "tv":
            raise UnsupportedFormat(
                f"is XML with a <{prolog.root}> root, not an XMLTV guide (<tv>)",
                path=self.source.name,
                hint="export the guide as XMLTV, or choose the right file",
            )
        if prolog.encoding:
            self.encoding = prolog.encoding
            if prolog.encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
                self.warnings.add(
                    None, f"encoded as {prolog.encoding}; exports are written as UTF-8"
                )
        lines = _LineFinder(
            enabled=not self.encoding.upper().startswith(("UTF-16", "UTF-32", "UCS"))
        )
        # Only "start" events, and only to get hold of the root: after each feed every
        # top-level child but the last (which may still be growing) is complete.
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "start-ns"))
        queue = getattr(parser, "_events_queue", None)
        root: ET.Element | None = None
        folder = self.source.folder
        namespaced = False
        stream_tail = b""
        with self.source.open(guard=XmlGuard()) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                try:
                    if chunk:
                        parser.feed(chunk)
                    else:
                        parser.close()
                except SyntaxError as error:
                    self._raise_parse_error(error)
                lines.add(chunk)
                # Namespace declarations are rare: their events are looked for only from the
                # chunk that holds the bytes "xmlns" on (no event comes before its bytes).
                namespaced = namespaced or b"xmlns" in chunk or b"xmlns" in stream_tail + chunk[:5]
                stream_tail = chunk[-5:]
                if root is None:
                    for event in parser.read_events():
                        kind, value = cast(tuple[str, Any], event)
                        if kind == "start-ns":
                            self.namespaces.declare(*cast(tuple[str, str], value))
                            continue
                        root = cast(ET.Element, value)
                        self.header = [
                            (self.namespaces.qualify(key), text)
                            for key, text in root.attrib.items()
                        ]
                        break
                # The queue holds start events we do not need (drop them in C) and, last, the
                # parse error if the chunk had one: XMLPullParser queues errors, not raises.
                if queue is not None:
                    if queue and isinstance(queue[-1], Exception):
                        self._raise_parse_error(queue[-1])
                    if namespaced:
                        for event in queue:
                            if event[0] == "start-ns":
                                self.namespaces.declare(*event[1])
                    queue.clear()
                else:  # pragma: no cover - another Python's XMLPullParser
                    for _ in parser.read_events():
                        pass
                if root is not None:
                    complete = root[:-1] if chunk else root[:]
                    for element in complete:
                        line = lines.next(element.tag)
                        try:
                            item = self._top_level(element, line, folder)
                        except RecursionError:  # kept verbatim, it is serialised recursively
                            raise too_deep(self.source.name, line) from None
                        if item is not None:
                            yield item
                    del root[: len(complete)]
                    if not len(root):
                        lines.idle()
                if not chunk:
                    break
        for channel_id in self.undeclared_channels:
            self.warnings.add(
                self.undeclared[channel_id],
                f"programmes on channel '{channel_id}', which has no <channel> entry",
            )

    def _raise_parse_error(self, error: object) -> NoReturn:
        position = getattr(error, "position", None) or (None, None)
        row, column = position
        raise ParseError(
            f"is not well-formed XML ({str(error).split(':')[0]})",
            path=self.source.name,
            line=row,
            column=column + 1 if column is not None else None,
            hint="the guide may be truncated or damaged; fetch it again",
        ) from None

    def _top_level(
        self, element: ET.Element, line: int | None, folder: Path
    ) -> Channel | Programme | None:
        tag = element.tag
        if tag == "programme":
            return self._programme(element, line, folder)
        if tag == "channel":
            return self._channel(element, line)
        self._once(
            f"top:{tag}",
            line,
            f"<{self.namespaces.qualify(tag)}> is not part of XMLTV; kept, but left out of "
            "DTD-valid exports",
        )
        self.extras.append(_raw(element, self.namespaces))
        return None

    def _time(self, text: str) -> datetime:
        # A stop is usually the next programme's start: most timestamps repeat.
        value = self._times.get(text)
        if value is None:
            if len(self._times) > 65536:
                self._times.clear()
            value = self._times[text] = parse_xmltv_time(text)
        return value

    def _fingerprint(self, locator: str, folder: Path) -> str:
        value = self._fingerprints.get(locator)
        if value is None:
            if len(self._fingerprints) > 65536:
                self._fingerprints.clear()
            value = self._fingerprints[locator] = fingerprint(locator, folder)
        return value

    def _programme(self, element: ET.Element, line: int | None, folder: Path) -> Programme | None:
        get = element.get
        channel = get("channel")
        start_text = get("start")
        if not channel:
            self.warnings.add(line, "<programme> without a channel attribute; skipped")
            return None
        if channel not in self.declared and (problem := channel_id_problem(channel)):
            self.warnings.add(line, f"<programme> on channel id '{channel}' {problem}; skipped")
            return None
        if not start_text:
            self.warnings.add(line, f"<programme> on '{channel}' without a start; skipped")
            return None
        try:
            start = self._time(start_text)
        except ValueError as error:
            self.warnings.add(line, f"start {error}; programme skipped")
            return None
        stop = None
        stop_text = get("stop")
        if stop_text:
            try:
                stop = self._time(stop_text)
            except ValueError as error:
                self.warnings.add(line, f"stop {error}; taken as missing")
            else:
                if (stop - start).total_seconds() > LONGEST_SECONDS:
                    self.warnings.add(
                        line,
                        f"stop '{stop_text}' is more than 31 days after start; taken as missing",
                    )
                    stop = None
        if channel not in self.declared and channel not in self.undeclared:
            self.undeclared[channel] = line
        texts: tuple[list[Text], ...] = ([], [], [], [])
        episodes: list[EpisodeNum] = []
        icons: list[Icon] = []
        ratings: list[Rating] = []
        extras: list[RawElement] = []
        locator: str | None = None
        last_rank = -1
        last_tag = ""
        out_of_order: tuple[str, str] | None = None
        for child in element:
            tag = child.tag
            rank, slot = _CHILDREN.get(tag, _UNKNOWN)
            if rank < last_rank and out_of_order is None:
                out_of_order = (last_tag, tag)
            last_rank = rank
            last_tag = tag
            if slot >= 0:
                attributes = child.attrib
                if not len(child) and (not attributes or attributes.keys() <= _LANG_ONLY):
                    texts[slot].append(_new_text(Text, (child.text or "", child.get("lang"))))
                    continue
            elif tag == "episode-num":
                attributes = child.attrib
                if not len(child) and attributes.keys() <= _SYSTEM_ONLY:
                    episodes.append(
                        _new_text(
                            EpisodeNum, (child.text or "", attributes.get("system", "onscreen"))
                        )
                    )
                    continue
            elif tag == "url":
                attributes = child.attrib
                text = child.text
                if (
                    locator is None
                    and text
                    and len(attributes) == 1
                    and attributes.get("system") == "video"
                    and not len(child)
                    and text.strip()
                ):
                    locator = text.strip()
                    continue
            elif tag == "icon":
                icon = _icon(child)
                if icon is not None:
                    icons.append(icon)
                    continue
            elif tag == "rating":
                rating = _rating(child)
                if rating is not None:
                    ratings.append(rating)
                    continue
            elif rank == _UNKNOWN_RANK:
                self._once(
                    f"programme:{tag}",
                    line,
                    f"<{self.namespaces.qualify(tag)}> is not an XMLTV programme element; kept, "
                    "but left out of DTD-valid exports",
                )
            extras.append(_raw(child, self.namespaces))
        if out_of_order is not None:
            self._once(
                "order",
                line,
                f"<{out_of_order[0]}> comes before <{out_of_order[1]}>, against the DTD's order "
                "(reported once); exports write programme elements in order",
            )
        titles = texts[0]
        if not titles or not titles[0].value.strip():
            self.warnings.add(line, f"programme on '{channel}' at {start_text} has no title")
        if len(extras) > 1:
            extras.sort(key=lambda raw: _RANK.get(raw.tag, _UNKNOWN_RANK))
        attributes = element.attrib
        other = (
            tuple(
                (self.namespaces.qualify(key), value)
                for key, value in attributes.items()
                if key not in _MAIN_ATTRIBUTES
            )
            if len(attributes) > 3 or (stop is None and len(attributes) > 2)
            else ()
        )
        if other and (problem := cut_points_problem(other)) is not None:
            self.warnings.add(line, f"{problem}; cut points ignored")
            other = tuple(pair for pair in other if pair[0] not in CUT_POINTS)
        return Programme(
            channel,
            start,
            stop,
            tuple(titles),
            tuple(texts[1]),
            tuple(texts[2]),
            tuple(texts[3]),
            tuple(episodes),
            tuple(icons),
            tuple(ratings),
            locator,
            self._fingerprint(locator, folder) if locator else None,
            other,
            tuple(extras),
            None,
            line,
        )

    def _channel(self, element: ET.Element, line: int | None) -> Channel | None:
        channel_id = element.get("id")
        if not channel_id:
            self.warnings.add(line, "<channel> without an id; skipped")
            return None
        if channel_id in self.declared:
            self.warnings.add(line, f"channel '{channel_id}' is declared twice; first one kept")
            return None
        problem = channel_id_problem(channel_id)
        if problem is not None:
            self.warnings.add(line, f"channel id '{channel_id}' {problem}; skipped")
            return None
        self.declared.add(channel_id)
        names: list[Text] = []
        icons: list[Icon] = []
        urls: list[Url] = []
        extras: list[RawElement] = []
        number: str | None = None
        for child in element:
            tag = child.tag
            plain = not len(child)
            if tag == "display-name" and plain and child.attrib.keys() <= _LANG_ONLY:
                names.append(Text(child.text or "", child.get("lang")))
                continue
            if tag == "icon":
                icon = _icon(child)
                if icon is not None:
                    icons.append(icon)
                    continue
            elif tag == "url" and plain and child.attrib.keys() <= _SYSTEM_ONLY:
                urls.append(Url(child.text or "", child.get("system")))
                continue
            elif tag == "lcn" and plain and not child.attrib and number is None:
                number = (child.text or "").strip()
                continue
            if not allowed_in(tag, "channel"):
                self._once(
                    f"channel:{tag}",
                    line,
                    f"<{self.namespaces.qualify(tag)}> is not an XMLTV channel element; kept, "
                    "but left out of DTD-valid exports",
                )
            extras.append(_raw(child, self.namespaces))
        if not names:
            self.warnings.add(line, f"channel '{channel_id}' has no display name")
        extras.sort(key=lambda raw: order_key(raw.tag, "channel"))
        return Channel(
            id=channel_id,
            display_names=tuple(names),
            icons=tuple(icons),
            urls=tuple(urls),
            number=number,
            extras=tuple(extras),
            line=line,
        )
