"""The temporary files of backups and restores: claimed while written, removed when stale.

A backup is written to ``.NAME.XXXXXXXX.partial`` (core.atomic) and renamed when complete;
a failure removes it. A process killed half-way (SIGKILL, power loss) cannot, so the next
process that opens the store removes what such a process left — only files named as ours,
and only those that no living process is writing: each writer holds an exclusive ``flock``
on its file while it writes, and a file whose lock can be taken has no writer. Neither the
writer nor the clean-up opens a link or anything but a regular file at such a name
(core.safefiles): a member of a shared store's group could have put one there.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.atomic import PARTIAL_SUFFIX
from core.errors import FileProblem
from core.safefiles import RefusedFile, open_regular

__all__ = ["RESTORING_SUFFIX", "claimed", "remove_stale_partials"]

log = logging.getLogger("scheduleflow.store")

RESTORING_SUFFIX = ".restoring"


@contextmanager
def claimed(path: Path) -> Iterator[Callable[[], None]]:
    """Hold ``path`` (created empty, or emptied) as ours while the block writes it.

    The block gets a check to call once SQLite has opened the file by its name: it refuses
    when the name no longer holds the file claimed (swapped for a link meanwhile).
    """
    try:
        descriptor = open_regular(path, os.O_RDWR | os.O_CREAT, 0o644)  # as SQLite makes files
    except RefusedFile as error:
        raise FileProblem(
            str(error.strerror), path=path, hint=f"someone put it there: remove it (rm {path})"
        ) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FileProblem(
                "is being written by another ScheduleFlow",
                path=path,
                hint="wait for that backup or restore to finish",
            ) from None
        os.ftruncate(descriptor, 0)
        ours = os.fstat(descriptor)

        def still_ours() -> None:
            try:
                now = os.lstat(path)
            except OSError:
                now = None
            if now is None or (now.st_dev, now.st_ino) != (ours.st_dev, ours.st_ino):
                raise FileProblem(
                    "was replaced while it was being written", path=path, hint="retry"
                )

        yield still_ours
    finally:
        os.close(descriptor)


def _ours(database: Path) -> list[tuple[Path, re.Pattern[str]]]:
    """Where our temporary files lie, and the names they have there."""
    stem = re.escape(database.stem)
    return [
        (database.parent, re.compile(rf"\.{re.escape(database.name)}{RESTORING_SUFFIX}")),
        (
            database.parent / "backups",
            # core.atomic's temporary name: the target's, a random part, ".partial"
            re.compile(
                rf"\.{stem}-\d{{8}}T\d{{6}}(\d{{6}})?Z-[A-Za-z0-9-]{{1,40}}\.db\.[A-Za-z0-9_]{{8}}"
                + re.escape(PARTIAL_SUFFIX)
            ),
        ),
    ]


def remove_stale_partials(database: Path) -> list[Path]:
    """Remove the temporary backup and restore files of ``database`` that no process is
    writing; returns them. Never raises: cleaning up is not worth failing a command over."""
    removed: list[Path] = []
    for folder, pattern in _ours(database):
        try:
            names = [entry.name for entry in os.scandir(folder) if pattern.fullmatch(entry.name)]
        except OSError:
            continue
        for name in names:
            path = folder / name
            with contextlib.suppress(OSError):
                try:
                    descriptor = open_regular(path, os.O_RDWR)
                except RefusedFile as error:
                    log.warning("left %s alone: it %s", path, error.strerror)
                    continue
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    path.unlink()
                    removed.append(path)
                finally:
                    os.close(descriptor)
    if removed:
        log.info("removed %d temporary files left by a stopped backup: %s", len(removed), removed)
    return removed
