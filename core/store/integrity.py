"""Keeping a damaged store from being written: how damage is noticed, and what happens then.

Opening a database runs ``PRAGMA quick_check`` unless the file is exactly as ScheduleFlow
last closed it cleanly (see :func:`signature`: inode, size, mtime *and ctime* of the file and
its WAL; a program that writes to the file changes its ctime, and ``touch -r`` cannot set it
back). Any corruption error SQLite raises later, in any command, goes through
:func:`store_damaged`: the file is marked damaged for the rest of the process (nothing writes
to it again, not even the job history), the note that it was sound is removed (so the next
command checks it and refuses), and it is copied aside as ``*.corrupt`` once: the same
damaged file is not copied again by every command that meets it. A file that is not SQLite at
all is refused before SQLite opens it, without a copy and without a write.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from core.errors import FileProblem, StoreCorrupt, StoreError
from core.roles import OPERATIONS
from core.safefiles import RefusedFile, copy_regular, open_regular, read_text, replace_text

__all__ = [
    "forget_damage",
    "found_sound",
    "is_corruption",
    "is_damaged",
    "known_sound",
    "marker",
    "refuse_what_is_not_sqlite",
    "signature",
    "store_damaged",
]

log = logging.getLogger("scheduleflow.store")

_CORRUPTION_MARKERS = ("malformed", "not a database", "corrupt", "disk image")
_CORRUPTION_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_SQLITE_HEADER = b"SQLite format 3\x00"

_damaged: set[Path] = set()
"""Databases this process found damaged: nothing writes to them again."""

_sound: set[Path] = set()
"""Databases this process created, or checked and found sound, and has not found damaged
since. A connection of the process to one of them that did not check it itself (a job's)
records, when it closes, the file as it leaves it — if nobody wrote to it since the last
record. Only the session's own connection did, and a job still reading when the session
closed (the first check on a big store, when the operator quits at once) then closed last —
SQLite folds the WAL into the file on the last close — and the next start checked a sound
file again."""


def is_corruption(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite's error says the file is damaged (not busy, full or read-only)."""
    if str(getattr(error, "sqlite_errorname", "")).startswith(_CORRUPTION_CODES):
        return True
    text = str(error).lower()
    return any(word in text for word in _CORRUPTION_MARKERS)


def is_damaged(path: Path) -> bool:
    """Whether this process found ``path`` damaged (then nothing may write to it)."""
    return Path(path).resolve() in _damaged


def forget_damage(path: Path) -> None:
    """``path`` is sound again (restored, or passed its check): it may be written again, and
    damage found later is a new damage, copied aside anew."""
    _damaged.discard(Path(path).resolve())
    with contextlib.suppress(OSError):
        _damage_note(path).unlink(missing_ok=True)


def found_sound(path: Path) -> None:
    """This process created ``path`` or found it sound when it opened it."""
    _sound.add(Path(path).resolve())


def known_sound(path: Path) -> bool:
    """Whether this process found ``path`` sound and has not found it damaged since."""
    resolved = Path(path).resolve()
    return resolved in _sound and resolved not in _damaged


def marker(path: Path) -> Path:
    """The note, beside the database, of the signature it had when last known sound."""
    return path.with_name(f".{path.name}.verified")


def signature(path: Path) -> list[int]:
    """What changes whenever anything writes to the database or its WAL."""
    parts: list[int] = []
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            stat = file.stat()
            parts += [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
        except FileNotFoundError:
            parts += [-1, -1, -1, -1]
    return parts


_held: dict[tuple[int, int], int] = {}
"""Descriptors of database files whose header was read, by (device, inode): kept open.

Closing any descriptor of a file drops every POSIX lock the process holds on it — SQLite's
too. A process that opens the store again while it has it open (each job does) would
otherwise lose its locks, and another process closing its last connection would then take
itself for the last one and delete the WAL and shared memory under this one's feet
("file is not a database"). So a database file's header is read through one descriptor per
file, opened once and never closed."""


def _header(path: Path) -> bytes:
    """The first bytes of the database file, read without ever closing a descriptor of it."""
    try:
        status = path.stat()
        descriptor = _held.get((status.st_dev, status.st_ino))
    except OSError:
        descriptor = None
    if descriptor is None:
        descriptor = open_regular(path, os.O_RDONLY)
        status = os.fstat(descriptor)
        _held[(status.st_dev, status.st_ino)] = descriptor
    return os.pread(descriptor, len(_SQLITE_HEADER), 0)


def refuse_what_is_not_sqlite(path: Path) -> None:
    """``StoreError`` for a file that is not SQLite at all (``--db guide.xml``): somebody's
    other file, left exactly as it is: no copy aside, no write."""
    try:
        header = _header(path)
    except RefusedFile as error:
        raise StoreError(f"{error.strerror}; it was left as it is", path=path) from None
    except OSError as error:
        raise FileProblem(f"cannot read the database ({error.strerror})", path=path) from None
    if header != _SQLITE_HEADER:
        raise StoreError(
            "is not a ScheduleFlow database (not an SQLite file); it was left as it is",
            path=path,
            hint="check --db: it names the database, not a file to import",
        )


def store_damaged(
    path: Path, detail: str, found: str = "failed its integrity check"
) -> StoreCorrupt:
    """Mark ``path`` damaged for this process, forget that it was sound, copy it aside once,
    and say how to recover (what to restore, and who may)."""
    path = Path(path)
    _damaged.add(path.resolve())
    _sound.discard(path.resolve())
    with contextlib.suppress(OSError):
        marker(path).unlink(missing_ok=True)
    log.error("database %s is damaged: %s", path, detail)
    return StoreCorrupt(
        f"{found} ({detail[:200]}); {_copy_aside(path)}; nothing more is written to it",
        path=path,
        hint=_recovery(path),
    )


def _damage_note(path: Path) -> Path:
    """Names the copy made when the damage was first found, until the file is sound again."""
    return path.with_name(f".{path.name}.damaged")


def _copy_aside(path: Path) -> str:
    """Copy the damaged file (and its WAL) to ``*.corrupt`` once per damage: later commands
    that meet the same damage find the note and point to that copy. Only regular files are
    copied, to names that were free (core.safefiles): a link put there is never followed."""
    note = _damage_note(path)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        earlier = Path(read_text(note))
        if earlier.exists():
            return f"a copy was kept at {earlier} when it was first found"
    target = path.with_name(f"{path.name}.corrupt")
    if os.path.lexists(target):  # from an earlier damage, since repaired: keep it too
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.name}.{stamp}.corrupt")
    try:
        copy_regular(path, target)
        wal = path.with_name(path.name + "-wal")
        if os.path.lexists(wal):
            copy_regular(wal, target.with_name(target.name + "-wal"))
        replace_text(note, str(target))
    except OSError as error:
        log.warning("copying %s aside failed: %s", path, error)
        return f"the copy aside failed too ({error.strerror})"
    return f"a copy is kept at {target}"


def _recovery(path: Path) -> str:
    backups_folder = path.parent / "backups"
    backups = sorted(backups_folder.glob("*.db")) if backups_folder.exists() else []
    who = OPERATIONS["restore"]
    if backups:
        return (
            f"restore the latest backup (needs the {who} role): "
            f"scheduleflow db restore {backups[-1]}"
        )
    return (
        f"no backups in {backups_folder}; move the damaged file away to start afresh, "
        "or salvage it with sqlite3's .recover"
    )
