"""Limits on what one input may hold: its size, one value's length, its nesting depth.

A single huge value is an attack on the parser, not data: the bundled expat (2.5.0) spends
time that grows with the square of a token's length (one 49 MB attribute took 136 s to
inspect, one 49 MB ``<title>`` 1.85 GB to import), and a JSON string that does not end in
the buffer is decoded again after every chunk. So every reader refuses a value longer than
:data:`MAX_VALUE_BYTES` *before* its parser sees the rest of it, from the raw bytes:

* XML: :class:`XmlGuard`. Text and attribute values cannot hold ``<`` (``>`` they may), so
  no value is longer than the longest run between two ``<``; comments, CDATA sections and
  processing instructions may hold ``<``, so each must also end within the limit;
* M3U: the longest line (a run between line feeds), checked where the chunks are cut;
* JSON: a string the decoder finds unterminated after more than the limit, and
  :func:`check_decoded` on whole documents.

Real files are far below: the longest run in the corpus (``/work/shared/corpus``) is 703
bytes of XML, 903 bytes of an M3U line, 399 bytes of a JSON string.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Protocol

from core.errors import ParseError

__all__ = [
    "LOCAL_LIMIT",
    "MAX_DEPTH",
    "MAX_VALUE_BYTES",
    "NETWORK_LIMIT",
    "XML_VALUE",
    "RunGuard",
    "ValueGuard",
    "XmlGuard",
    "check_decoded",
    "number_too_long",
    "too_deep",
    "value_too_long",
]

MIB = 1024 * 1024

NETWORK_LIMIT = 50 * MIB
"""Size limit of anything that arrives over a network (uploads to the HTTP API)."""

LOCAL_LIMIT = 2048 * MIB
"""Default size limit of a local file the operator names (2 GiB, before and after gunzip).

Published guides of 56, 189 and 250 MB are common; 2 GiB takes the largest with room to
spare while a gzip bomb still stops at a bound (inflating 2 GiB to count it takes seconds)."""

MAX_VALUE_BYTES = MIB
"""The longest single value (XML text or attribute, JSON string, M3U line), in bytes."""

XML_VALUE = "a text or attribute value"

MAX_DEPTH = 100
"""The deepest nesting of JSON arrays and objects that a whole-document reader walks."""


def _refused(name: str, message: str, line: int | None) -> ParseError:
    return ParseError(
        message,
        path=name,
        line=line,
        hint="no real guide or playlist holds this; the file is damaged or hostile",
    )


def value_too_long(name: str, what: str, line: int | None) -> ParseError:
    """The error for a value past :data:`MAX_VALUE_BYTES`."""
    return _refused(
        name, f"holds {what} longer than the limit of {MAX_VALUE_BYTES // MIB} MiB", line
    )


def too_deep(name: str, line: int | None = None) -> ParseError:
    """The error for nesting deeper than a reader follows."""
    return _refused(
        name, f"nests values deeper than ScheduleFlow reads (more than {MAX_DEPTH} levels)", line
    )


def number_too_long(name: str, line: int | None = None) -> ParseError:
    """The error for an integer of more digits than Python converts (its own guard against
    quadratic conversion)."""
    return _refused(name, f"holds a number longer than {sys.get_int_max_str_digits()} digits", line)


class RunGuard:
    """Watches bytes as they stream past and knows where the longest run without any of
    ``delimiters`` would start, so the caller can refuse it at :data:`MAX_VALUE_BYTES`.

    Each chunk costs a find and an rfind per delimiter at C speed: a run that ends inside a
    chunk no longer than the limit is no longer than the limit itself, so only the run that
    crosses chunk boundaries is counted. Longer chunks are looked at in slices of the limit.
    """

    def __init__(self, delimiters: bytes, what: str) -> None:
        self.what = what  # what a run is, for the message: "a string"
        self._delimiters = [bytes([byte]) for byte in delimiters]
        self.run = 0  # bytes since the last delimiter
        self.offset = 0  # bytes seen so far
        self.run_start = 0  # offset of the first byte of the current run

    def feed(self, chunk: bytes | memoryview) -> bool:
        """Account for ``chunk``; ``False`` once a run passed the limit (at ``run_start``)."""
        data = chunk if isinstance(chunk, bytes) else bytes(chunk)
        if len(data) <= MAX_VALUE_BYTES:
            return self._feed(data)
        for begin in range(0, len(data), MAX_VALUE_BYTES):
            if not self._feed(data[begin : begin + MAX_VALUE_BYTES]):
                return False
        return True

    def _feed(self, piece: bytes) -> bool:
        firsts = [found for d in self._delimiters if (found := piece.find(d)) >= 0]
        if not firsts:
            self.run += len(piece)
            self.offset += len(piece)
            return self.run <= MAX_VALUE_BYTES
        if self.run + min(firsts) > MAX_VALUE_BYTES:
            return False
        last = max(piece.rfind(d) for d in self._delimiters)
        self.run = len(piece) - last - 1
        self.run_start = self.offset + last + 1
        self.offset += len(piece)
        return True


class ValueGuard(Protocol):
    """What :class:`~core.formats.source.Source` asks of a guard on the bytes it reads."""

    what: str  # what the value past the limit is, for the message: "a string"
    run_start: int  # offset of its first byte, for the line number

    def feed(self, chunk: bytes | memoryview) -> bool:
        """Account for ``chunk``; ``False`` once a value passed the limit."""
        ...


_XML_SPECIAL = re.compile(rb"<(?:!--|!\[CDATA\[|\?)")
_XML_SPECIAL_END = {
    b"<!--": (b"-->", "a comment"),
    b"<![CDATA[": (b"]]>", "a CDATA section"),
    b"<?": (b"?>", "a processing instruction"),
}
_LONGEST_OPENING = len(b"<![CDATA[")
_MISSES = 32


class _Openings:
    """The comment, CDATA and instruction openings of one window, found left to right.

    ``<`` is everywhere in XML, so a search for ``<!--`` stops at every tag; ``!`` and ``?``
    are rare in guides and found at memchr speed, so those are looked for first (each
    position kept until passed) and the bytes around them checked. A window full of them
    (:data:`_MISSES` that open nothing) is searched the slower way for the rest, which costs
    the same whatever it holds.
    """

    def __init__(self, window: bytes) -> None:
        self.window = window
        self.bang = self.ask = -2  # next "!" and "?" at or after the last cursor; -1: none
        self.misses = 0

    def next(self, cursor: int) -> re.Match[bytes] | None:
        """The first opening at or after ``cursor``."""
        window = self.window
        while self.misses < _MISSES:
            if -1 != self.bang < cursor:
                self.bang = window.find(b"!", cursor)
            if -1 != self.ask < cursor:
                self.ask = window.find(b"?", cursor)
            bang, ask = self.bang, self.ask
            if bang < 0 and ask < 0:
                return None
            at = ask if bang < 0 or 0 <= ask < bang else bang
            if at > 0 and window[at - 1] == 0x3C and (match := _XML_SPECIAL.match(window, at - 1)):
                return match
            self.misses += 1
            cursor = at + 1
        return _XML_SPECIAL.search(window, cursor)


class XmlGuard:
    """The value limit for XML, from the raw bytes, in time linear in the input.

    Text and attribute values cannot hold ``<``: a :class:`RunGuard` over ``<`` alone bounds
    them (``>`` may appear inside both, so it delimits nothing). Comments, CDATA sections and
    processing instructions may hold ``<``; each is found by its opening (``<!--``,
    ``<![CDATA[``, ``<?``, see :class:`_Openings`) and must reach its end (``-->``,
    ``]]>``, ``?>``) within the limit. An opening cut by a chunk boundary is looked at again
    with the next chunk.
    """

    def __init__(self) -> None:
        self._runs = RunGuard(b"<", XML_VALUE)
        self.what = XML_VALUE
        self.run_start = 0
        self._offset = 0  # bytes fed so far
        self._held = b""  # the last bytes of the previous chunk, not yet looked at
        self._open: tuple[bytes, int] | None = None  # (end, its opening's offset) when inside

    def feed(self, chunk: bytes | memoryview) -> bool:
        """Account for ``chunk``; ``False`` once a value passed the limit (at ``run_start``)."""
        data = chunk if isinstance(chunk, bytes) else bytes(chunk)
        if not self._specials(data):
            return False
        if not self._runs.feed(data):
            self.what, self.run_start = XML_VALUE, self._runs.run_start
            return False
        return True

    def _specials(self, data: bytes) -> bool:
        window = self._held + data
        base = self._offset - len(self._held)  # offset of window[0]
        self._offset += len(data)
        cursor = 0
        if self._open is not None:  # inside one since an earlier chunk
            end, opened = self._open
            found = window.find(end, cursor)
            if found < 0:
                self._held = window[max(0, len(window) - len(end) + 1) :]
                return self._within(opened, self._offset)
            if not self._within(opened, base + found + len(end)):
                return False
            self._open = None
            cursor = found + len(end)
        # an opening must lie wholly in the window to be recognised: the last few bytes are
        # looked at again with the next chunk
        last = len(window) - _LONGEST_OPENING + 1
        openings = _Openings(window)
        while (match := openings.next(cursor)) is not None and match.start() < last:
            end, self.what = _XML_SPECIAL_END[match[0]]
            found = window.find(end, match.end())
            if found < 0:
                self._open = (end, base + match.start())
                self._held = window[max(match.end(), len(window) - len(end) + 1) :]
                return self._within(base + match.start(), self._offset)
            cursor = found + len(end)
            if cursor - match.start() > MAX_VALUE_BYTES:
                return self._within(base + match.start(), base + cursor)
        self._held = window[max(cursor, last) :]
        return True

    def _within(self, opened: int, reached: int) -> bool:
        if reached - opened > MAX_VALUE_BYTES:
            self.run_start = opened
            return False
        return True


def check_decoded(value: Any, name: str, line: int | None = None, depth: int = 0) -> None:
    """Refuse decoded JSON with a string past the limit, a lone surrogate (``"\\ud800"``:
    not text, it fails when encoded later) or nesting past :data:`MAX_DEPTH`; for whole
    documents and for rare elements past the limit as a whole."""
    if depth > MAX_DEPTH:
        raise too_deep(name, line)
    if isinstance(value, str):
        if len(value) > MAX_VALUE_BYTES:
            raise value_too_long(name, "a string", line)
        if not value.isascii():
            _refuse_surrogates(value, name, line)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_decoded(key, name, line, depth + 1)
            check_decoded(item, name, line, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_decoded(item, name, line, depth + 1)


def _refuse_surrogates(value: str, name: str, line: int | None) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError(
            # no backslash in the message: every output would show it doubled
            "holds a lone surrogate escape (U+D800 to U+DFFF without its pair), which is not text",
            path=name,
            line=line,
            hint="escape characters as pairs, or write them as UTF-8",
        ) from None
