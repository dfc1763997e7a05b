"""One SQLite database: opening it safely, write transactions, integrity and backups.

WAL lets readers work while one writer writes; every write is one ``BEGIN IMMEDIATE``
transaction, retried with back-off while another process holds the write lock, so two
operators importing at once both finish. Opening checks integrity (``PRAGMA quick_check``);
a damaged file is copied aside as ``*.corrupt``, never written to, and the error says which
backup to restore.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from core.atomic import atomic_path
from core.errors import FileProblem, StoreCorrupt, StoreError
from core.permissions import new_store_file
from core.roles import Role, require
from core.store.schema import migrate

__all__ = ["BACKUPS_KEPT", "Database", "restore_database"]

log = logging.getLogger("scheduleflow.store")

BACKUPS_KEPT = 10
_LOCK_WAIT_SECONDS = 600.0
_CORRUPTION_MARKERS = ("malformed", "not a database", "corrupt", "disk image")


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in _CORRUPTION_MARKERS)


def _is_locked(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class Database:
    """An open ScheduleFlow database file."""

    def __init__(self, path: Path, *, check: bool = True, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.backups = self.path.parent / "backups"
        existed = self.path.exists() and self.path.stat().st_size > 0
        self._verified = not existed  # a database we create is sound; one we find, once checked
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
        try:
            if existed and check:
                self._check_on_open()
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute("PRAGMA foreign_keys=ON")
            self.connection.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            with self.write() as connection:
                migrate(connection)
        except sqlite3.DatabaseError as error:
            self.connection.close()
            if _is_corruption(error):
                raise self._quarantine(str(error)) from None
            raise StoreError(f"cannot use the database ({error})", path=self.path) from None
        except BaseException:
            self.connection.close()
            raise

    # -- integrity ------------------------------------------------------------------------
    def _signature(self) -> list[int]:
        parts: list[int] = []
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                stat = path.stat()
                parts += [stat.st_size, stat.st_mtime_ns]
            except FileNotFoundError:
                parts += [-1, -1]
        return parts

    @property
    def _marker(self) -> Path:
        return self.path.with_name(f".{self.path.name}.verified")

    def _check_on_open(self) -> None:
        # A database that has not changed since it last passed, or since ScheduleFlow last
        # closed it cleanly, is not checked again: on a 250 MB store the check takes seconds,
        # and the TUI must open in one. A crash, or any other program writing to the file,
        # leaves a signature that no longer matches, and the next open checks.
        try:
            if json.loads(self._marker.read_text()) == self._signature():
                self._verified = True
                return
        except (OSError, ValueError):
            pass
        result = self.quick_check()
        if result != "ok":
            self.connection.close()
            raise self._quarantine(result)
        self._verified = True
        self._remember_verified()

    def _remember_verified(self) -> None:
        with contextlib.suppress(OSError):  # a read-only folder: check again next time
            self._marker.write_text(json.dumps(self._signature()))

    def quick_check(self) -> str:
        """``ok``, or what SQLite's quick check found wrong."""
        try:
            rows = self.connection.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            return str(error)
        return "; ".join(str(row[0]) for row in rows[:5])

    def _quarantine(self, detail: str) -> StoreCorrupt:
        """Copy the damaged file aside (never touching it) and say how to recover."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt")
        if target.exists():
            target = self.path.with_name(f"{self.path.name}.{stamp}.corrupt")
        try:
            shutil.copy2(self.path, target)
            wal = self.path.with_name(self.path.name + "-wal")
            if wal.exists():
                shutil.copy2(wal, target.with_name(target.name + "-wal"))
            kept = f"a copy is kept at {target}"
        except OSError as error:
            kept = f"the copy aside failed too ({error.strerror})"
        backups = sorted(self.backups.glob("*.db")) if self.backups.exists() else []
        if backups:
            hint = f"restore the latest backup: scheduleflow db restore {backups[-1]}"
        else:
            hint = (
                f"no backups in {self.backups}; move the damaged file away to start afresh, "
                "or salvage it with sqlite3's .recover"
            )
        log.error("database %s failed its integrity check: %s", self.path, detail)
        return StoreCorrupt(
            f"failed its integrity check ({detail[:200]}); {kept}", path=self.path, hint=hint
        )

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        Waits (with back-off) while another process holds the write lock instead of failing
        with "database is locked".
        """
        connection = self.connection
        deadline = time.monotonic() + _LOCK_WAIT_SECONDS
        pause = 0.05
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as error:
                if not _is_locked(error) or time.monotonic() > deadline:
                    raise StoreError(
                        f"cannot start a change ({error})",
                        path=self.path,
                        hint="another ScheduleFlow may be busy with a long change; retry later",
                    ) from None
                time.sleep(pause * (1 + random.random()))
                pause = min(pause * 2, 1.0)
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        try:
            connection.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            connection.execute("ROLLBACK")
            raise StoreError(f"the change could not be saved ({error})", path=self.path) from None

    # -- backups --------------------------------------------------------------------------
    def backup_to(self, target: Path, *, force: bool = False, make_folders: bool = False) -> Path:
        """Write a consistent online copy to ``target`` (temp file + rename); an existing
        regular file is replaced only with ``force``, anything else never (core.atomic)."""
        target = Path(target)
        with atomic_path(target, force=force, make_folders=make_folders) as partial:
            copy = sqlite3.connect(partial)
            new_store_file(partial)  # a copy of the store: the store's mode, not 0600
            try:
                self.connection.backup(copy)
            finally:
                copy.close()
        return target

    def automatic_backup(self, reason: str, keep: int = BACKUPS_KEPT) -> Path:
        """A backup into ``backups/`` before a destructive change; keeps the last ``keep``."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        slug = "".join(c if c.isalnum() else "-" for c in reason)[:40]
        target = self.backups / f"{self.path.stem}-{stamp}-{slug}.db"
        self.backup_to(target, make_folders=True)
        for old in sorted(self.backups.glob(f"{self.path.stem}-*.db"))[:-keep]:
            old.unlink(missing_ok=True)
        return target

    def restore_from(self, source: Path) -> Path:
        """Replace the contents with a backup's, after checking it and backing up the current.

        Returns the backup taken of the current state.
        """
        other = _open_backup(Path(source))
        try:
            before = self.automatic_backup("before-restore")
            other.backup(self.connection)
        finally:
            other.close()
        with self.write() as connection:
            migrate(connection)
        return before

    def close(self) -> None:
        """Close the connection (WAL content is checkpointed into the file); a database that
        passed its check when opened is remembered as sound in the state we leave it in."""
        self.connection.close()
        if self._verified:
            self._remember_verified()


def _open_backup(source: Path) -> sqlite3.Connection:
    """A read-only connection to a backup that passed its integrity check."""
    if not source.exists():
        raise FileProblem("no such backup", path=source, hint="list backups/ for the files")
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


def restore_database(path: Path, source: Path, role: Role = Role.ADMIN) -> Path | None:
    """Restore ``path`` from the backup ``source``, whatever state ``path`` is in.

    A healthy database is backed up first and then overwritten in place (returns that
    backup). A damaged one was already copied aside as ``*.corrupt`` when it failed its
    check, so it is replaced by the backup (returns ``None``).
    """
    require(role, "restore")
    try:
        database = Database(path)
    except StoreCorrupt:
        other = _open_backup(Path(source))
        partial = path.with_name(f".{path.name}.restoring")
        partial.unlink(missing_ok=True)
        copy = sqlite3.connect(partial)
        new_store_file(partial)
        try:
            other.backup(copy)
        finally:
            copy.close()
            other.close()
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        partial.replace(path)
        return None
    try:
        return database.restore_from(source)
    finally:
        database.close()
