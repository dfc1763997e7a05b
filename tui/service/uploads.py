"""Uploads: the request body streamed to a temporary file, refused past the size limit.

The body is never held in memory. A ``Content-Length`` over the limit is refused before a
byte of the body is read; a body without one (chunked) is counted as it arrives and refused
as soon as it passes the limit — the rest is not read. A ``multipart/form-data`` body is
parsed as it streams (python-multipart): its ``file`` part (or the first part with a file
name) is what is written, and small text fields (``format``, ``channel``, ``replace``) are
kept as parameters. The file name a client gives is only ever a label, never a path.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from core.errors import InputError, TooLarge

__all__ = ["Upload", "receive_upload"]

_FIELD_LIMIT = 1024  # a format, a channel id, a flag
_FIELDS = ("format", "channel", "replace")


@dataclass
class Upload:
    """A received body: where it is on disk, its size, the name and fields it came with."""

    path: Path
    size: int
    filename: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        """Remove the temporary file (the import job does once it has read it)."""
        with contextlib.suppress(OSError):
            self.path.unlink()


def _too_large(limit: int) -> TooLarge:
    return TooLarge(
        f"the upload is larger than the limit of {limit / 1024 / 1024:g} MB; nothing was read "
        "past it and nothing was stored",
        hint="split the file, or raise [service] max_upload_mb in the config",
    )


def _declared_length(request: Request, limit: int) -> None:
    text = request.headers.get("content-length")
    if text is None:
        return
    if not text.isascii() or not text.isdigit():
        raise InputError("the Content-Length header is not a number")
    if int(text) > limit:
        raise _too_large(limit)


class _Parts:
    """python-multipart's callbacks: the file part to ``handle``, short fields kept."""

    def __init__(self, handle: object, limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.fields: dict[str, str] = {}
        self.filename = ""
        self.size = 0
        self._headers: dict[bytes, bytes] = {}
        self._header = b""
        self._value = b""
        self._target: str | None = None  # "file", a field's name, or None (ignored)
        self._field = bytearray()
        self._file_seen = False

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._headers = {}
        self._target = None
        self._field = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header.lower()] = self._value
        self._header = self._value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if not self._file_seen and (name == "file" or filename is not None):
            self._file_seen = True
            self._target = "file"
            self.filename = (filename or b"").decode("utf-8", "replace")
        elif name in _FIELDS:
            self._target = name

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._target == "file":
            self.size += end - start
            if self.size > self.limit:
                raise _too_large(self.limit)
            self.handle.write(data[start:end])  # type: ignore[attr-defined]
        elif self._target is not None:
            self._field += data[start:end]
            if len(self._field) > _FIELD_LIMIT:
                raise InputError(f"the form field '{self._target}' is too long")

    def _end(self) -> None:
        if self._target not in (None, "file"):
            self.fields[self._target] = self._field.decode("utf-8", "replace")


async def _chunks(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body as it arrives; refused once it passes ``limit`` (the rest stays unread)."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise _too_large(limit)
        yield chunk


async def receive_upload(request: Request, limit: int, folder: Path | None = None) -> Upload:
    """Stream the request's body (raw, or a multipart ``file``) to a temporary file."""
    _declared_length(request, limit)
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    descriptor, name = tempfile.mkstemp(prefix="scheduleflow-upload-", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if content_type == b"multipart/form-data":
                boundary = options.get(b"boundary")
                if not boundary:
                    raise InputError("the multipart body names no boundary")
                # the whole body counts against the limit, the file part too (a body of
                # many small fields must not be read for ever)
                parts = _Parts(handle, limit)
                parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
                try:
                    async for chunk in _chunks(request, limit):
                        parser.write(chunk)
                    parser.finalize()
                except MultipartParseError as error:
                    raise InputError(f"the multipart body is malformed ({error})") from None
                if not parts._file_seen:
                    raise InputError(
                        "the multipart body has no file part",
                        hint="send the file as the part named 'file' (curl -F file=@guide.xml)",
                    )
                return Upload(path, parts.size, parts.filename, parts.fields)
            size = 0
            async for chunk in _chunks(request, limit):
                handle.write(chunk)
                size += len(chunk)
        if size == 0:
            raise InputError(
                "the request has no body: send the file as the body or as multipart 'file'"
            )
        return Upload(path, size)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
