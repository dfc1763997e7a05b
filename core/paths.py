"""Where ScheduleFlow keeps its files: ``SCHEDULEFLOW_HOME`` and what lives under it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from platformdirs import user_data_dir

__all__ = ["database_path", "home", "log_folder", "resolve_links"]

_MOST_LINKS = 40  # as the kernel's own limit for one path


def home(override: str | Path | None = None) -> Path:
    """The data directory: ``--home``, else ``$SCHEDULEFLOW_HOME``, else the platform's own."""
    if override is not None:
        return Path(override).expanduser()
    configured = os.environ.get("SCHEDULEFLOW_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("scheduleflow", appauthor=False))


def database_path(home_dir: Path, override: str | Path | None = None) -> Path:
    """The database: ``--db`` when given, else ``scheduleflow.db`` in the data directory;
    where it really is (:func:`resolve_links`), since its folder decides its owner and roles."""
    given = Path(override).expanduser() if override is not None else home_dir / "scheduleflow.db"
    return resolve_links(given)


def resolve_links(path: Path) -> Path:
    """Where the file at ``path`` really is: its folders resolved, and the symbolic links at
    the file itself followed while the caller or root made them.

    A ``--db`` link of one's own to a shared store is the shared store (its folder, owner and
    roles: a link in a folder one owns makes no one the admin). A link made by anyone else
    stays unfollowed, for the store to refuse: a member of a shared folder's group could have
    put it in place of the database.
    """
    current = Path(os.path.realpath(path.parent)) / path.name
    for _ in range(_MOST_LINKS):
        if current.name in ("", ".", ".."):
            return Path(os.path.realpath(current))
        try:
            status = os.lstat(current)
        except OSError:  # not made yet: it will be made here
            return current
        if not stat.S_ISLNK(status.st_mode) or status.st_uid not in (0, os.getuid()):
            return current
        pointed = current.parent / os.readlink(current)
        current = Path(os.path.realpath(pointed.parent)) / pointed.name
    return current


def log_folder(home_dir: Path) -> Path:
    """``logs/`` under the data directory (``scheduleflow.log``, ``audit.jsonl``)."""
    return home_dir / "logs"
