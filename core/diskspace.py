"""A full disk: recognised wherever it surfaces, told in one line, watched by health.

SQLite reports a full disk as ``SQLITE_FULL`` when a write finds no room, but as a plain
``disk I/O error`` when it cannot even size its shared-memory file on open; Python reports
``ENOSPC`` (or ``EDQUOT``, over quota). Any of them, or an I/O error while the filesystem
has (almost) nothing free, is a full disk: never a damaged database, never a traceback.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from core.errors import DiskFull

__all__ = ["disk_full", "free_bytes", "is_disk_full"]

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_NEARLY_NOTHING = 1024 * 1024  # less than this free: an I/O error is the disk being full


def free_bytes(path: Path) -> int | None:
    """Bytes free to us on the filesystem holding ``path`` (or its nearest existing
    folder); ``None`` when it cannot be asked."""
    place = Path(path).absolute()
    while not place.exists() and place != place.parent:
        place = place.parent
    try:
        return shutil.disk_usage(place).free
    except OSError:
        return None


def is_disk_full(error: BaseException, path: Path) -> bool:
    """Whether ``error`` (or an error it was raised from) means ``path``'s disk is full."""
    seen: BaseException | None = error
    for _ in range(5):  # an error, its cause, their context: never a long chain
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in _FULL_ERRNOS:
            return True
        if isinstance(seen, sqlite3.Error):
            code = getattr(seen, "sqlite_errorcode", None)
            text = str(seen).lower()
            if (code is not None and code & 0xFF == _SQLITE_FULL) or "disk is full" in text:
                return True
            io_error = (code is not None and code & 0xFF == _SQLITE_IOERR) or "i/o error" in text
            if io_error:
                free = free_bytes(path)
                return free is not None and free < _NEARLY_NOTHING
        seen = seen.__cause__ or seen.__context__
    return False


def disk_full(path: Path) -> DiskFull:
    """The one line for a full disk under ``path``: what is full and what to free."""
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    free = free_bytes(folder)
    left = f"{free / (1024 * 1024):.1f} MB free" if free is not None else "no space left"
    return DiskFull(
        f"the disk is full ({left}); nothing was changed",
        path=folder,
        hint="free space on that filesystem (old files in backups/ and logs/ there, or "
        "anything else large), then run the command again",
    )
