"""One SQLite database: opening it safely, write transactions, integrity and backups.

WAL lets readers work while one writer writes; every write is one ``BEGIN IMMEDIATE``
transaction, retried with back-off while another process holds the write lock, so two
operators importing at once both finish. A damaged store is never written to: how damage is
noticed, and what happens then, is :mod:`core.store.integrity`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.atomic import atomic_path
from core.commits import commit_gate
from core.diskspace import disk_full, is_disk_full
from core.errors import FileProblem, StoreCorrupt, StoreError
from core.identity import user_name
from core.paths import resolve_links
from core.permissions import new_store_file
from core.roles import Role, require
from core.safefiles import open_input, read_text, replace_text, same_file
from core.store.integrity import (
    forget_damage,
    found_sound,
    is_corruption,
    is_damaged,
    known_sound,
    marker,
    refuse_what_is_not_sqlite,
    signature,
    store_damaged,
)
from core.store.partials import (
    RESTORING_SUFFIX,
    claimed,
    remove_stale_partials,
)
from core.store.schema import migrate

__all__ = ["BACKUPS_KEPT", "Database", "RestoreResult", "restore_database"]

log = logging.getLogger("scheduleflow.store")

BACKUPS_KEPT = 10
_LOCK_WAIT_SECONDS = 600.0
_SQLITE_READONLY = 8


def _is_read_only(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF == _SQLITE_READONLY) or "readonly" in str(error)


def _is_io_failure(detail: str) -> bool:
    text = detail.lower()
    return "i/o error" in text or "disk is full" in text


def _is_locked(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _store_files(path: Path) -> tuple[Path, Path, Path]:
    """The database and the ``-wal``/``-shm`` files SQLite keeps beside it."""
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _refuse_links(path: Path) -> None:
    """``StoreError`` when the database (a link :func:`resolve_links` did not follow: someone
    else made it) or its ``-wal``/``-shm`` is a symbolic link: SQLite would open it by name,
    and a member of a shared folder's group could point it at any file of the caller's."""
    for file in _store_files(path):
        try:
            status = os.lstat(file)
        except OSError:
            continue
        if stat.S_ISLNK(status.st_mode):
            raise StoreError(
                f"is a symbolic link made by {user_name(status.st_uid)}; the store is not "
                "opened through it",
                path=file,
                hint=f"if you did not make it, remove it (rm {file}) and tell the store's owner",
            )


class Database:
    """An open ScheduleFlow database file."""

    def __init__(self, path: Path, *, check: bool = True, busy_timeout: float = 5.0) -> None:
        self.path = resolve_links(Path(path))
        _refuse_links(self.path)
        self.backups = self.path.parent / "backups"
        self.backups_kept = BACKUPS_KEPT  # the config's backups_kept, set by core.engine
        existed = self.path.exists() and self.path.stat().st_size > 0
        self._verified = not existed  # a database we create is sound; one we find, once checked
        # a connection that did not check, to a file this process found sound (a job's):
        # it may record the file as it leaves it only if nobody wrote to it since the last
        # record (see close)
        self._trusted = existed and known_sound(self.path)
        if existed:
            refuse_what_is_not_sqlite(self.path)
            if is_damaged(self.path):
                raise store_damaged(self.path, "found earlier in this run", "is damaged")
        else:
            forget_damage(self.path)  # a fresh start where a damaged file was moved away
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise FileProblem(
                f"cannot create the folder for the database ({error.strerror})",
                path=self.path.parent,
            ) from None
        try:
            self.connection = sqlite3.connect(
                self.path,
                isolation_level=None,
                timeout=busy_timeout,
                check_same_thread=False,
            )
        except sqlite3.Error as error:
            raise FileProblem(f"cannot open the database ({error})", path=self.path) from None
        if not existed:
            new_store_file(self.path)
        remove_stale_partials(self.path)
        try:
            if existed and check:
                self._check_on_open()
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute("PRAGMA foreign_keys=ON")
            self.connection.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            with self.write() as connection:
                migrate(connection)
            if self._verified:
                found_sound(self.path)
        except sqlite3.DatabaseError as error:
            self.connection.close()
            if is_disk_full(error, self.path):
                raise disk_full(self.path) from None
            if _is_read_only(error):
                raise self._read_only() from None
            if is_corruption(error):
                raise self.corruption(error) from None
            raise StoreError(f"cannot use the database ({error})", path=self.path) from None
        except BaseException:
            self.connection.close()
            raise

    # -- integrity ------------------------------------------------------------------------
    def _check_on_open(self) -> None:
        # A database exactly as ScheduleFlow last closed it cleanly is not checked again: on
        # a 250 MB store the check takes a second, and the TUI must open in one. A crash, or
        # any other program writing to the file (even one that puts its mtime back), leaves
        # a signature that no longer matches, and this open checks.
        if _recorded(self.path) == signature(self.path):
            self._verified = True
            return
        result = self.quick_check()
        if result != "ok":
            self.connection.close()
            if _is_io_failure(result):  # the disk failed us, the file is not damaged
                raise self._unreadable(result)
            raise store_damaged(self.path, result)
        forget_damage(self.path)
        self._verified = True
        self._remember_verified()

    def _remember_verified(self) -> None:
        with contextlib.suppress(OSError):  # a read-only folder: check again next time
            replace_text(marker(self.path), json.dumps(signature(self.path)))

    def quick_check(self) -> str:
        """``ok``, or what SQLite's quick check found wrong."""
        try:
            rows = self.connection.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            return str(error)
        return "; ".join(str(row[0]) for row in rows[:5])

    def _read_only(self) -> FileProblem:
        return FileProblem(
            "the database is read-only (this user may not write the file or its folder); "
            "reading commands work",
            path=self.path,
            hint="ask the store's owner for write access, or use --read-only to work as a viewer",
        )

    def _unreadable(self, detail: str) -> FileProblem | StoreError:
        if is_disk_full(sqlite3.OperationalError(detail), self.path):
            return disk_full(self.path)
        return StoreError(
            f"cannot be read ({detail})",
            path=self.path,
            hint="check the disk (dmesg) and the file's permissions, then retry",
        )

    def corruption(self, error: sqlite3.DatabaseError) -> StoreCorrupt:
        """What to raise for a corruption SQLite reported during a command: the file is
        marked damaged (no more writes), copied aside once, and the way back is named."""
        self._verified = False
        return store_damaged(self.path, str(error), "is damaged")

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        Waits (with back-off) while another process holds the write lock instead of failing
        with "database is locked".
        """
        if is_damaged(self.path):
            raise store_damaged(self.path, "found earlier in this run", "is damaged")
        connection = self.connection
        deadline = time.monotonic() + _LOCK_WAIT_SECONDS
        pause = 0.05
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as error:
                if is_disk_full(error, self.path):
                    raise disk_full(self.path) from None
                if not _is_locked(error) or time.monotonic() > deadline:
                    raise StoreError(
                        f"cannot start a change ({error})",
                        path=self.path,
                        hint="another ScheduleFlow may be busy with a long change; retry later",
                    ) from None
                time.sleep(pause * (1 + random.random()))
                pause = min(pause * 2, 1.0)
        changes_before = connection.total_changes
        try:
            yield connection
        except BaseException as error:
            self._roll_back(connection)
            if isinstance(error, sqlite3.Error) and _is_read_only(error):
                raise self._read_only() from None
            if isinstance(error, sqlite3.DatabaseError) and is_corruption(error):
                raise self.corruption(error) from None
            raise
        try:
            if connection.total_changes == changes_before:  # nothing to keep or to lose
                connection.execute("COMMIT")
            else:
                with commit_gate():  # a job asked to stop rolls back here (core.commits)
                    connection.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            self._roll_back(connection)
            if is_disk_full(error, self.path):
                raise disk_full(self.path) from None
            if is_corruption(error):
                raise self.corruption(error) from None
            raise StoreError(f"the change could not be saved ({error})", path=self.path) from None
        except BaseException:
            self._roll_back(connection)
            raise

    @staticmethod
    def _roll_back(connection: sqlite3.Connection) -> None:
        """Roll the open transaction back (SQLite did already on a full disk; a damaged file
        may refuse)."""
        with contextlib.suppress(sqlite3.DatabaseError):
            if connection.in_transaction:
                connection.execute("ROLLBACK")

    # -- backups --------------------------------------------------------------------------
    def backup_to(self, target: Path, *, force: bool = False, make_folders: bool = False) -> Path:
        """Write a consistent online copy to ``target`` (temp file + rename); an existing
        regular file is replaced only with ``force``, anything else never (core.atomic).

        The temporary file is removed whatever goes wrong, and claimed while written: one
        left by a killed process is removed when a later one opens the store
        (:func:`remove_stale_partials`).
        """
        target = Path(target)
        for own in _store_files(self.path):
            if same_file(target, own) or resolve_links(target) == own:
                raise FileProblem(
                    f"is the live database's own file ({own.name}); a backup never replaces it",
                    path=target,
                    hint="give the backup another name (backups/ keeps them)",
                )
        with atomic_path(target, force=force, make_folders=make_folders) as partial:
            try:
                _copy_into(self.connection, partial)
            except sqlite3.Error as error:
                if is_disk_full(error, target):
                    raise disk_full(target) from None
                raise
        return target

    def automatic_backup(self, reason: str, keep: int | None = None) -> Path:
        """A backup into ``backups/`` before a destructive change; keeps the last ``keep``
        (the config's ``backups_kept`` when not given)."""
        keep = keep or self.backups_kept
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        slug = "".join(c if c.isalnum() else "-" for c in reason)[:40]
        target = self.backups / f"{self.path.stem}-{stamp}-{slug}.db"
        self.backup_to(target, make_folders=True)
        for old in sorted(self.backups.glob(f"{self.path.stem}-*.db"))[:-keep]:
            old.unlink(missing_ok=True)
        return target

    def restore_from(self, source: Path) -> RestoreResult:
        """Replace the contents with a backup's, after checking it and backing up the current;
        the audit records written since the backup are carried over."""
        other = _open_backup(Path(source))
        try:
            audit = _audit_rows(self.connection)
            before = self.automatic_backup("before-restore")
            other.backup(self.connection)
        finally:
            other.close()
        with self.write() as connection:
            migrate(connection)
            carried = _carry_audit(connection, audit)
        return RestoreResult(before, carried)

    def close(self) -> None:
        """Close the connection (WAL content is checkpointed into the file); a database that
        passed its check when opened is remembered as sound in the state we leave it in.

        A connection that trusted this process's check (a job's) remembers it too, when the
        file is still exactly as last recorded: then it is the last to close (a job still
        reading when the session closed), SQLite folds the WAL into the file now, and the
        note must say so — or the next start checks a sound file. A file written since the
        record (damaged by another program, say) is not vouched for: the next start checks.
        """
        unchanged = self._trusted and _recorded(self.path) == signature(self.path)
        self.connection.close()
        if (self._verified or unchanged) and not is_damaged(self.path):
            self._remember_verified()


def _recorded(path: Path) -> object:
    """The signature noted when the file was last left sound (``None``: no readable note)."""
    try:
        return json.loads(read_text(marker(path)))
    except (OSError, ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the backup of the state it replaced (``None`` for a damaged file,
    which is kept aside as ``*.corrupt``) and how many newer audit records it carried over."""

    previous: Path | None
    audit_carried: int


_AUDIT_COLUMNS = (
    "at, who, ssh_client, action, job_id, channel, summary, before, after, changes, request_id"
)
_AUDIT_ADDED = {"changes": "'[]'", "request_id": "NULL"}
"""Audit columns a store from before them lacks (schema 4, schema 8), and what stands in."""


def _audit_rows(connection: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Every audit record, whole: its change lines and its request id too (an older
    store's stand-ins where it has none)."""
    names = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
    columns = ", ".join(
        name if name in names else _AUDIT_ADDED[name] for name in _AUDIT_COLUMNS.split(", ")
    )
    return connection.execute(f"SELECT {columns} FROM audit ORDER BY id").fetchall()


def _damaged_audit_rows(path: Path) -> list[tuple[object, ...]]:
    """The audit records still readable in a damaged file (read as immutable: no write)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return []
    try:
        return _audit_rows(connection)
    except sqlite3.DatabaseError as error:
        log.warning("the audit of the damaged %s could not be read: %s", path, error)
        return []
    finally:
        connection.close()


def _carry_audit(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> int:
    """Add to the restored audit the records it lacks: the audit trail survives a restore."""
    present = set(_audit_rows(connection))
    missing = [row for row in rows if row not in present]
    connection.executemany(
        f"INSERT INTO audit ({_AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", missing
    )
    return len(missing)


def _copy_into(
    source: sqlite3.Connection,
    partial: Path,
    *,
    on_copy: Callable[[sqlite3.Connection], None] | None = None,
    while_claimed: Callable[[], None] | None = None,
) -> None:
    """Write a copy of ``source`` into the temporary file ``partial``, claimed while it is
    written (:func:`claimed`), with the store's mode: a backup and a restore both become
    the store. ``on_copy`` may add to the copy before it is closed; ``while_claimed`` runs
    once it is, with the claim still held (a restore puts the copy in place then, so that no
    clean-up takes it for a stopped one's)."""
    with claimed(partial) as still_ours:
        copy = sqlite3.connect(partial)
        try:
            still_ours()  # SQLite opened it by name: the file we claimed?
            new_store_file(partial)
            source.backup(copy)
            if on_copy is not None:
                on_copy(copy)
        finally:
            copy.close()
        if while_claimed is not None:
            while_claimed()


def _copy_database(
    source: sqlite3.Connection,
    target: Path,
    partial_name: str,
    before_replace: Callable[[], None] | None = None,
    on_copy: Callable[[sqlite3.Connection], None] | None = None,
) -> None:
    """Copy ``source`` to ``target`` through a claimed temporary file beside it, which is
    removed whatever goes wrong (a full disk is then one line); ``on_copy`` may add to the
    copy before it takes the target's place."""
    partial = target.with_name(partial_name)

    def put_in_place() -> None:
        if before_replace is not None:
            before_replace()
        partial.replace(target)

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_into(source, partial, on_copy=on_copy, while_claimed=put_in_place)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        if isinstance(error, OSError | sqlite3.Error) and is_disk_full(error, target):
            raise disk_full(target) from None
        raise


def _drop_journals(path: Path) -> Callable[[], None]:
    """Remove a damaged database's WAL and shared memory (its copy aside keeps them)."""

    def drop() -> None:
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)

    return drop


def _open_backup(source: Path) -> sqlite3.Connection:
    """A read-only connection to a backup that passed its integrity check."""
    if not source.exists():
        raise FileProblem("no such backup", path=source, hint="list backups/ for the files")
    open_input(source, "backup").close()  # a FIFO would make SQLite wait for ever
    try:
        other = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        rows = other.execute("PRAGMA quick_check").fetchall()
        version = other.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise StoreCorrupt(
            f"is not a usable backup ({error})", path=source, hint="choose another backup"
        ) from None
    if [row[0] for row in rows] != ["ok"]:
        other.close()
        raise StoreCorrupt("is damaged too", path=source, hint="choose an older backup")
    if version == 0:
        other.close()
        raise StoreError("is not a ScheduleFlow database", path=source, hint="choose a backup")
    return other


def restore_database(path: Path, source: Path, role: Role = Role.ADMIN) -> RestoreResult:
    """Restore ``path`` from the backup ``source``, whatever state ``path`` is in.

    A healthy database is backed up first and then overwritten in place. A damaged one was
    already copied aside as ``*.corrupt`` when it was found, so it is replaced by the backup.
    Either way the audit records the backup lacks are carried into the restored database.
    """
    require(role, "restore")
    path = resolve_links(Path(path))
    try:
        database = Database(path)
    except StoreCorrupt:
        other = _open_backup(Path(source))
        audit = _damaged_audit_rows(path)
        carried: list[int] = []

        def carry(copy: sqlite3.Connection) -> None:
            with copy:  # one transaction, committed; an older backup gets today's schema
                migrate(copy)
                carried.append(_carry_audit(copy, audit))

        try:
            _copy_database(
                other,
                path,
                f".{path.name}{RESTORING_SUFFIX}",
                before_replace=_drop_journals(path),
                on_copy=carry,
            )
        finally:
            other.close()
        forget_damage(path)
        return RestoreResult(None, carried[0])
    try:
        return database.restore_from(source)
    finally:
        database.close()
