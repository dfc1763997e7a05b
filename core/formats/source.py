"""Opening an input file safely: size limit (also after gunzip), transparent gzip, warnings.

Every reader gets its bytes through :class:`Source`, so the limits hold for every format:
a file over the limit, or a small gzip that inflates past it, stops with ``TooLarge`` as soon
as the limit is crossed, never after the whole thing was read into memory.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NamedTuple

from core.errors import FileProblem, ParseError, TooLarge
from core.formats.limits import (
    LOCAL_LIMIT,
    MAX_VALUE_BYTES,
    RunGuard,
    ValueGuard,
    value_too_long,
)
from core.safefiles import open_input

__all__ = [
    "DEFAULT_LIMIT",
    "InputWarning",
    "Source",
    "WarningLog",
    "decode_chunks",
]

DEFAULT_LIMIT = LOCAL_LIMIT
"""Default size limit of one input, in bytes, before and after decompression."""

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


class InputWarning(NamedTuple):
    """Something in an input that was read anyway, and where it is."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


@dataclass
class WarningLog:
    """The warnings of one read, the first ``keep`` of them in full and a count of the rest."""

    keep: int = 1000
    items: list[InputWarning] = field(default_factory=list)
    total: int = 0

    def add(self, line: int | None, message: str) -> None:
        """Record a warning at ``line`` (1-based, or ``None`` for the whole file)."""
        self.total += 1
        if len(self.items) < self.keep:
            self.items.append(InputWarning(line, message))

    def __iter__(self) -> Iterator[InputWarning]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.total


class _LimitedStream(io.RawIOBase):
    """A read-only stream that raises ``TooLarge`` once more than ``limit`` bytes came out."""

    def __init__(
        self, inner: BinaryIO, limit: int, source: Source, guard: ValueGuard | None = None
    ) -> None:
        self._inner = inner
        self._limit = limit
        self._source = source
        self._guard = guard
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            count = self._inner.readinto(buffer)  # type: ignore[attr-defined]
        except (EOFError, OSError, zlib.error) as error:
            raise ParseError(
                f"the compressed data is damaged ({error})",
                path=self._source.name,
                hint="download the file again",
            ) from error
        self.consumed += count
        if self.consumed > self._limit:
            raise self._source.too_large(after_gunzip=self._source.is_gzip)
        if self._guard is not None and not self._guard.feed(buffer[:count]):
            line = _lines_before(self._source, self._guard.run_start) + 1
            raise value_too_long(self._source.name, self._guard.what, line)
        return int(count)

    def close(self) -> None:
        self._inner.close()
        super().close()


@dataclass
class Source:
    """One input file, opened under a size limit; gzip is recognised by its content."""

    path: Path
    limit: int = DEFAULT_LIMIT
    is_gzip: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        with open_input(self.path) as handle:  # not a FIFO or device: they never end
            size = os.fstat(handle.fileno()).st_size
            try:
                self.is_gzip = handle.read(2) == _GZIP_MAGIC
            except OSError as error:  # /proc/self/mem is "regular" and fails to read
                raise FileProblem(
                    f"cannot be read ({error.strerror or error})", path=self.path
                ) from None
        if size > self.limit:
            raise self.too_large(after_gunzip=False)
        if self.is_gzip:
            self._check_inflated_size()

    def _check_inflated_size(self) -> None:
        """Inflate once, counting bytes only, so a gzip bomb is refused in a fraction of a
        second instead of after the parser has chewed through the limit."""
        total = 0
        try:
            with open_input(self.path) as raw, gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > self.limit:
                        raise self.too_large(after_gunzip=True)
        except (EOFError, OSError, zlib.error) as error:
            raise ParseError(
                f"the compressed data is damaged ({error})",
                path=self.name,
                hint="download the file again",
            ) from error

    @property
    def name(self) -> str:
        """The path as the user gave it, for messages."""
        return str(self.path)

    @property
    def folder(self) -> Path:
        """The absolute folder of the file: relative locators inside it start from here."""
        return self.path.resolve().parent

    def too_large(self, *, after_gunzip: bool) -> TooLarge:
        """The error for an input past the limit."""
        where = "once decompressed " if after_gunzip else ""
        return TooLarge(
            f"is larger {where}than the input limit of {self.limit / (1024 * 1024):g} MB",
            path=self.name,
            hint="raise the limit with --max-size (MB) if you trust this file",
        )

    def open(
        self, *, values_between: bytes = b"", what: str = "", guard: ValueGuard | None = None
    ) -> io.BufferedReader:
        """The file's bytes (decompressed when it is gzip), limited to ``limit`` bytes.

        ``values_between``: the bytes that delimit values (``"`` in JSON); a longer run than
        :data:`~core.formats.limits.MAX_VALUE_BYTES` without one is refused as ``what`` before
        the parser sees it. ``guard``: a guard of its own instead (XML's
        :class:`~core.formats.limits.XmlGuard`).
        """
        raw: BinaryIO = open_input(self.path)
        if self.is_gzip:
            raw = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        if guard is None and values_between:
            guard = RunGuard(values_between, what)
        limited = _LimitedStream(raw, self.limit, self, guard)
        return io.BufferedReader(limited, buffer_size=_CHUNK)

    def head(self, size: int = 64 * 1024) -> bytes:
        """The first ``size`` bytes of the (decompressed) content, for format detection."""
        with self.open() as stream:
            return stream.read(size)


def decode_chunks(source: Source, stream: io.BufferedReader) -> Iterator[str]:
    """Yield the file decoded as UTF-8, chunk by chunk, each chunk whole lines.

    A chunk holds its lines without the line break after the last one, so splitting it at
    line feeds gives exactly its lines; they keep a trailing carriage return (strip it); a
    BOM is removed. Reads a megabyte at a time and decodes it at once. Lines are not
    counted here (the readers count what they split anyway): only bad bytes send us back
    to count the lines before them, so that they are reported where they are.
    """
    offset = 0  # bytes of the file before ``data``
    rest = b""
    first = True
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            if not rest:
                return
            data, rest = rest, b""
        else:
            data = rest + chunk
            # Lines inside a chunk are no longer than the chunk (= the limit); only the line
            # that began in an earlier chunk can be longer.
            first_break = data.find(b"\n")
            if (first_break if first_break >= 0 else len(data)) > MAX_VALUE_BYTES:
                line = _lines_before(source, offset) + 1
                raise value_too_long(source.name, "a line", line)
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            data, rest = data[: cut + 1], data[cut + 1 :]
        if first:
            first = False
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
                offset = 3
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            start = data.rfind(b"\n", 0, error.start) + 1
            raise ParseError(
                f"is not valid UTF-8 (byte 0x{data[error.start]:02X})",
                path=source.name,
                line=_lines_before(source, offset + start) + 1,
                column=error.start - start + 1,
                hint="save the file as UTF-8 and import it again",
            ) from None
        offset += len(data)
        yield text[:-1] if text.endswith("\n") else text


def _lines_before(source: Source, offset: int) -> int:
    """How many line breaks the first ``offset`` bytes of the (decompressed) file hold."""
    count = 0
    with source.open() as stream:
        while offset > 0:
            chunk = stream.read(min(_CHUNK, offset))
            if not chunk:
                break
            count += chunk.count(b"\n")
            offset -= len(chunk)
    return count
