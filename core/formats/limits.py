"""Limits on what one input may hold: its size, one value's length, its nesting depth.

A single huge value is an attack on the parser, not data: the bundled expat (2.5.0) spends
time that grows with the square of a token's length (one 49 MB attribute took 136 s to
inspect, one 49 MB ``<title>`` 1.85 GB to import), and a JSON string that does not end in
the buffer is decoded again after every chunk. So every reader refuses a value longer than
:data:`MAX_VALUE_BYTES` *before* its parser sees the rest of it, from the raw bytes:

* XML: :class:`RunGuard` over ``<``/``>`` — text lies between ``>`` and ``<``, an attribute
  inside a tag, so no value is longer than the longest run between two delimiters;
* M3U: the longest line (a run between line feeds), checked where the chunks are cut;
* JSON: a string the decoder finds unterminated after more than the limit, and
  :func:`check_decoded` on whole documents.

Real files are far below: the longest run in the corpus (``/work/shared/corpus``) is 703
bytes of XML, 903 bytes of an M3U line, 399 bytes of a JSON string.
"""

from __future__ import annotations

import sys
from typing import Any

from core.errors import ParseError

__all__ = [
    "LOCAL_LIMIT",
    "MAX_DEPTH",
    "MAX_VALUE_BYTES",
    "NETWORK_LIMIT",
    "XML_DELIMITERS",
    "XML_VALUE",
    "RunGuard",
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

XML_DELIMITERS = b"<>"
"""No XML value (text between ``>`` and ``<``, an attribute inside ``<``…``>``) crosses these."""
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
