"""The modes of the files ScheduleFlow creates: nothing for others, the group as the store's.

A store shared by a group of operators needs its files (the database, the ``-wal``/``-shm``
files SQLite makes at any moment, backups, logs, ``audit.jsonl``) readable and writable by
that group, and by no one else. SQLite creates some of them itself, so the process umask is
the one place to say it: ``others`` always get nothing, and the group gets what the
database's folder gives its group — a ``2770`` shared folder: read and write; a private
``0700`` folder: nothing; a folder not made yet: what the operator's own umask gives.
SQLite makes a new database file ``0644`` before the umask: :func:`new_store_file` gives it
the umask's mode instead, and SQLite makes the ``-wal``/``-shm`` files like the database.

Exports are the operator's own output files, not the store's: they get the modes the
operator's own umask (as it was when ScheduleFlow started) gives.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from core.safefiles import open_regular

__all__ = ["new_store_file", "operator_file_mode", "protect_new_files"]

_NOTHING_FOR_OTHERS = 0o007
_operator_umask: int | None = None
_store_umask: int | None = None


def _current_umask() -> int:
    # the only portable way to read the umask is to set it, and put it straight back
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def protect_new_files(store_folder: Path) -> int:
    """Set the umask for what this process creates around the store in ``store_folder``.

    Call it once, at start-up, before any thread runs (the umask belongs to the process).
    Returns the umask set.
    """
    global _operator_umask, _store_umask
    if _operator_umask is None:
        _operator_umask = _current_umask()
    try:
        group = stat.S_IMODE(store_folder.stat().st_mode) & 0o070
    except OSError:  # not made yet: it will be made with this umask
        group = ~_operator_umask & 0o070
    mask = _NOTHING_FOR_OTHERS | (~group & 0o070)
    os.umask(mask)
    _store_umask = mask
    return mask


def new_store_file(path: Path) -> None:
    """Give a database file SQLite has just made the store's mode (it makes them 0644)."""
    if _store_umask is None:
        return  # not a ScheduleFlow session (a library caller): its umask, its modes
    with contextlib.suppress(OSError):  # someone else's file: it keeps the mode it has
        # by the open file, never by name: a link swapped in would pass the mode on
        descriptor = open_regular(path, os.O_RDONLY)
        try:
            os.fchmod(descriptor, 0o666 & ~_store_umask)
        finally:
            os.close(descriptor)


def operator_file_mode() -> int:
    """The mode of a file the operator asked for (an export): as their own umask makes it."""
    mask = _operator_umask if _operator_umask is not None else _current_umask()
    return 0o666 & ~mask
