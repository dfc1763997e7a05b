"""Where ScheduleFlow keeps its files: ``SCHEDULEFLOW_HOME`` and what lives under it."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

__all__ = ["database_path", "home", "log_folder"]


def home(override: str | Path | None = None) -> Path:
    """The data directory: ``--home``, else ``$SCHEDULEFLOW_HOME``, else the platform's own."""
    if override is not None:
        return Path(override).expanduser()
    configured = os.environ.get("SCHEDULEFLOW_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("scheduleflow", appauthor=False))


def database_path(home_dir: Path, override: str | Path | None = None) -> Path:
    """The database: ``--db`` when given, else ``scheduleflow.db`` in the data directory."""
    return Path(override).expanduser() if override is not None else home_dir / "scheduleflow.db"


def log_folder(home_dir: Path) -> Path:
    """``logs/`` under the data directory (``scheduleflow.log``, ``audit.jsonl``)."""
    return home_dir / "logs"
