"""The HTTP service's access log, read from the shared log file as it grows.

``scheduleflow serve`` writes an access line per request (logger ``scheduleflow.access``) to
the same log file as every other process on the data directory; the TUI's log pane shows
them while a service runs. :class:`AccessLogTail` reads on from where its last read ended —
never the whole file — and at most ``limit`` bytes a time: when the service logs faster than
that (a benchmark, a flood of requests), the lines in between are skipped with a note, and
the pane stays current (the file keeps them all). A rotated file (another name, or shorter
than where the last read ended) is read from its start; what the old file got after the
last read is not shown.

The file is hostile like any other: it may hold anything, in either format (text lines of
the TUI and the commands, JSON lines of a service started with ``--log-format json``). A
line that is not a well-formed access record is passed over; the messages are shown
escaped by the reader (``LogLine.escaped`` says a text line's message was escaped already).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path

from core.logs import LogLine
from core.safefiles import open_regular

__all__ = ["ACCESS_LOGGER", "AccessLogTail", "access_line"]

ACCESS_LOGGER = "scheduleflow.access"
_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})

log = logging.getLogger("scheduleflow.logtail")


class AccessLogTail:
    """The access lines added to the log file at ``path`` since the last :meth:`read`.

    Starts at the file's end: what the service logged before is in the file. Safe to call
    from a worker thread (one read at a time).
    """

    def __init__(self, path: Path, *, limit: int = 64 * 1024, max_lines: int = 200) -> None:
        self.path = path
        self.limit = limit
        self.max_lines = max_lines
        self.offset = 0
        self._identity: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self.skip_to_end()

    def skip_to_end(self) -> None:
        """Forget what the file holds now (no service runs: nothing to show)."""
        with self._lock:
            try:
                info = os.stat(self.path)
            except OSError:
                self._identity, self.offset = None, 0
                return
            self._identity, self.offset = (info.st_dev, info.st_ino), info.st_size

    def read(self) -> list[LogLine]:
        """The access lines of the complete lines added since the last read (a line still
        being written waits for the next), at most ``max_lines``, then a note if some were
        skipped."""
        with self._lock:
            data, skipped = self._read_bytes()
        lines = [
            line
            for raw in data.decode("utf-8", "replace").split("\n")
            if raw and (line := access_line(raw)) is not None
        ]
        if len(lines) > self.max_lines:
            skipped = True
            lines = lines[-self.max_lines :]
        if skipped:
            lines.append(
                LogLine(
                    time.time(),
                    "WARNING",
                    ACCESS_LOGGER,
                    "-",
                    "api: the log grows faster than this pane reads; some of the service's "
                    f"lines are skipped here (the log file {self.path} has them all)",
                )
            )
        return lines

    def _read_bytes(self) -> tuple[bytes, bool]:
        """The complete lines from the offset on (at most ``limit`` bytes), and whether
        some were skipped to keep up."""
        try:
            descriptor = open_regular(self.path, os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:
            self._identity, self.offset = None, 0  # rotated away, or not made yet
            return b"", False
        except OSError as error:  # a link or a FIFO at the name, no permission
            log.debug("the log cannot be read: %s", error)
            return b"", False
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            identity = (info.st_dev, info.st_ino)
            if identity != self._identity or info.st_size < self.offset:
                self._identity, self.offset = identity, 0  # a new file: from its start
            skipped = info.st_size - self.offset > self.limit
            if skipped:
                self.offset = info.st_size - self.limit
            handle.seek(self.offset)
            data = handle.read(self.limit)
            if skipped:  # begun inside a line: from the next one (none: all of it skipped)
                start = data.find(b"\n") + 1 or len(data)
                self.offset += start
                data = data[start:]
            end = data.rfind(b"\n") + 1
            self.offset += end
            return data[:end], skipped


def access_line(raw: str) -> LogLine | None:
    """The access record on one line of the log file (text or JSON), else ``None``."""
    if raw.startswith("{"):
        return _json_line(raw)
    parts = raw.split(" ", 4)
    if len(parts) < 5 or parts[3] != ACCESS_LOGGER or parts[2] not in _LEVELS:
        return None
    try:
        stamp = time.mktime(time.strptime(f"{parts[0]} {parts[1][:8]}", "%Y-%m-%d %H:%M:%S"))
    except (ValueError, OverflowError):
        return None
    rest = parts[4]
    if rest.startswith("job="):  # ``job=- request=… GET /path 200 …``: the job is none
        rest = rest.partition(" ")[2]
    return LogLine(stamp, parts[2], ACCESS_LOGGER, "-", f"api {rest}", escaped=True)


def _json_line(raw: str) -> LogLine | None:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("logger") != ACCESS_LOGGER:
        return None
    level, message, when = data.get("level"), data.get("message"), data.get("time")
    if level not in _LEVELS or not isinstance(message, str) or not isinstance(when, str):
        return None
    try:
        stamp = datetime.fromisoformat(when).timestamp()
    except (ValueError, OverflowError, OSError):
        return None
    request = data.get("request_id")
    request_part = f"request={request} " if isinstance(request, str) else ""
    return LogLine(stamp, str(level), ACCESS_LOGGER, "-", f"api {request_part}{message}")
