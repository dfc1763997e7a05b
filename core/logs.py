"""Logging: a rotating file under ``SCHEDULEFLOW_HOME/logs``, text or JSON lines.

Tracebacks go here and only here; the user sees one clear line. Every record carries the
id of the job it belongs to (``-`` outside jobs), taken from a context variable so that it
follows the work into threads started with ``contextvars.copy_context()``.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

from core.paths import log_folder

__all__ = ["JOB_ID", "LOG_FILE_NAME", "configure_logging"]

LOG_FILE_NAME = "scheduleflow.log"
JOB_ID: ContextVar[str] = ContextVar("job_id", default="-")


class _JobIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.job_id = JOB_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, job id, message (and traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "job_id": getattr(record, "job_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s job=%(job_id)s %(message)s"


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
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.addFilter(_JobIdFilter())
    handler.setFormatter(JsonFormatter() if format == "json" else logging.Formatter(_TEXT_FORMAT))
    root = logging.getLogger("scheduleflow")
    for old in list(root.handlers):
        if getattr(old, "_scheduleflow_file", False):
            root.removeHandler(old)
            old.close()
    handler._scheduleflow_file = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    root.propagate = False
    return path
