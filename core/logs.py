"""Logging: a rotating file under ``SCHEDULEFLOW_HOME/logs``, text or JSON lines.

Tracebacks go here and only here; the user sees one clear line. Every record carries the
id of the job it belongs to (``-`` outside jobs), taken from a context variable so that it
follows the work into threads started with ``contextvars.copy_context()``.

Messages quote file names, titles and errors from files: in the text format every line of
the file is either one record, starting with its timestamp, or a traceback line of the
record above, indented with ``  | ``. Newlines and other controls inside the message, the
job id or the logger name are shown escaped (core/visible.py), so a file name cannot forge
a record; a traceback keeps its own line breaks but each of its lines is escaped too (an
exception message with a newline becomes two indented lines, never a record).
"""

from __future__ import annotations

import errno
import io
import json
import logging
import logging.handlers
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.paths import log_folder
from core.safefiles import RefusedFile, open_regular
from core.visible import visible

__all__ = ["JOB_ID", "LOG_FILE_NAME", "REQUEST_ID", "configure_logging", "log_failure"]

LOG_FILE_NAME = "scheduleflow.log"
JOB_ID: ContextVar[str] = ContextVar("job_id", default="-")
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
"""The HTTP request being answered (``scheduleflow serve``): its ``X-Request-ID``. Jobs copy
the context they were submitted in, so the id follows the work into its thread."""


class _JobIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.job_id = JOB_ID.get()
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, job id, message (and traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "job_id": getattr(record, "job_id", "-"),
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "-")
        if request_id != "-":
            data["request_id"] = request_id
        access = getattr(record, "access", None)
        if isinstance(access, dict):  # an access log line: its fields, for log shippers
            data.update(access)
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """One line per record: time, level, logger, job id, message; then any traceback indented."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = str(getattr(record, "request_id", "-"))
        request = f" request={visible(request_id)}" if request_id != "-" else ""
        line = (
            f"{self.formatTime(record)} {record.levelname} {visible(record.name)} "
            f"job={visible(str(getattr(record, 'job_id', '-')))}{request} "
            f"{visible(record.getMessage())}"
        )
        blocks = []
        if record.exc_info:
            blocks.append(self.formatException(record.exc_info))
        if record.stack_info:
            blocks.append(self.formatStack(record.stack_info))
        for block in blocks:
            line += "".join(f"\n  | {visible(part)}" for part in block.split("\n"))
        return line


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; when it cannot be written, logging to it stops quietly.

    logging's own ``handleError`` prints a "--- Logging error ---" traceback for every line
    that fails: on a full disk that buried the one line the user needed under a hundred.
    Here the first failure is kept (the command's message can then say the log is not
    there) and at most one line goes to stderr — none when the disk is full, because the
    command says so itself.
    """

    failure: OSError | None = None

    def __init__(self, path: Path, **options: Any) -> None:
        super().__init__(path, delay=True, **options)
        try:
            self.stream = self._open()
        except RefusedFile as error:  # a link or a FIFO at the name: one line, no log
            self._stop(error)

    def _open(self) -> io.TextIOWrapper:
        """The log file, opened as core.safefiles opens every file beside the store: a link
        (a group member's, pointing at root's ``.bashrc``) or a FIFO there is refused."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        return open(  # the handler owns the stream and closes it
            open_regular(Path(self.baseFilename), flags),
            "a",  # the only mode a log is opened in here
            encoding=self.encoding,
            errors=self.errors,
        )

    def emit(self, record: logging.LogRecord) -> None:
        if self.failure is None:
            super().emit(record)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        """Whether the file has reached its size: from where the last line ended.

        logging's own check formats every record twice and stats the file twice per line;
        the HTTP service writes an access line per request, and that was a third of the
        cost of answering its health. The file may pass the size by one record.
        """
        if self.maxBytes <= 0 or self.failure is not None:
            return False
        if self.stream is None:
            self.stream = self._open()
        return self.stream.tell() >= self.maxBytes

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)  # a bug in a log call: logging's own report
            return
        self._stop(error)

    def _stop(self, error: OSError) -> None:
        if self.failure is None:
            self.failure = error
            if error.errno not in (errno.ENOSPC, errno.EDQUOT):
                sys.stderr.write(
                    visible(
                        f"scheduleflow: cannot write the log {self.baseFilename} "
                        f"({error.strerror or error}); logging to it stops"
                    )
                    + "\n"
                )


def log_failure() -> OSError | None:
    """Why the log file could not be written, if it could not (``None`` while it works)."""
    for handler in logging.getLogger("scheduleflow").handlers:
        if isinstance(handler, _LogFile) and handler.failure is not None:
            return handler.failure
    return None


def configure_logging(
    home_dir: Path,
    *,
    level: str = "INFO",
    format: str = "text",
    max_bytes: int = 5 * 1024 * 1024,
    backups: int = 5,
) -> Path:
    """Send the ``scheduleflow`` loggers to the rotating log file; returns its path."""
    folder = log_folder(home_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    # backslashreplace: a lone surrogate that reached a message is written, not a crash
    handler = _LogFile(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", errors="backslashreplace"
    )
    handler.addFilter(_JobIdFilter())
    handler.setFormatter(JsonFormatter() if format == "json" else TextFormatter())
    root = logging.getLogger("scheduleflow")
    warnings_log = logging.getLogger("py.warnings")
    for logger in (root, warnings_log):
        for old in list(logger.handlers):
            if getattr(old, "_scheduleflow_file", False):
                logger.removeHandler(old)
                old.close()
    handler._scheduleflow_file = True  # type: ignore[attr-defined]
    # the file's level is the handler's: the logger may pass more on, to the TUI's log pane
    # when the operator asks it for debug records (LogBus.set_level)
    handler.setLevel(level.upper())
    root.addHandler(handler)
    _set_logger_level()
    root.propagate = False
    logging.captureWarnings(True)  # warnings go to the file, never to the terminal
    warnings_log.addHandler(handler)
    return path


@dataclass(frozen=True)
class LogLine:
    """One log record as the live log panel shows it (no traceback: that stays in the file)."""

    time: float
    level: str
    logger: str
    job_id: str
    message: str
    escaped: bool = False
    """The message was escaped when written (a text line read back from the log file, see
    :mod:`core.logtail`): shown as it reads there, not escaped twice."""


class LogBus(logging.Handler):
    """A handler that keeps the last lines and tells subscribers of each new one.

    The TUI subscribes its live log panel here; the core never imports Textual.
    Subscribers are called in the thread that logged: they must hand the line over to their
    own loop (Textual's ``call_from_thread``).
    """

    def __init__(self, keep: int = 2000) -> None:
        super().__init__(logging.INFO)
        self.lines: deque[LogLine] = deque(maxlen=keep)
        self._subscribers: list[Callable[[LogLine], None]] = []
        self._lock = threading.Lock()
        self.addFilter(_JobIdFilter())

    def set_level(self, level: str) -> None:
        """Hear the records from ``level`` up (``DEBUG`` when the log pane shows debug).

        The ``scheduleflow`` logger then passes them on; the log file keeps the level it was
        configured with (its handler's). Without this the pane's "debug" showed nothing: the
        logger, set to the file's INFO, dropped every debug record before any handler.
        """
        self.setLevel(level.upper())
        _set_logger_level()

    def subscribe(self, subscriber: Callable[[LogLine], None]) -> Callable[[], None]:
        """Receive every new line; returns the unsubscribe."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def emit(self, record: logging.LogRecord) -> None:
        line = LogLine(
            record.created,
            record.levelname,
            record.name,
            getattr(record, "job_id", "-"),
            record.getMessage(),
        )
        with self._lock:
            self.lines.append(line)
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(line)
            except Exception:
                continue


_BUS: LogBus | None = None


def _set_logger_level() -> None:
    """The ``scheduleflow`` logger passes on what its most listening handler wants."""
    root = logging.getLogger("scheduleflow")
    levels = [handler.level for handler in root.handlers if handler.level != logging.NOTSET]
    root.setLevel(min(levels) if levels else logging.INFO)


def log_bus() -> LogBus:
    """The process's log bus, attached to the ``scheduleflow`` loggers on first use."""
    global _BUS
    if _BUS is None:
        _BUS = LogBus()
        logging.getLogger("scheduleflow").addHandler(_BUS)
        _set_logger_level()
    return _BUS
