"""Writing a file so that a failure half-way leaves the old one as it was, and replacing only
what may be replaced.

The new content goes to a temporary file in the target's own folder (same filesystem), is
flushed to disk, and then renamed over the target in one step.

Only a regular file is ever replaced, and only with ``force``. What is at the path is looked
at with ``lstat``, never opened (opening a FIFO blocks; writing to a device reaches the
device): a directory, a FIFO, a device node, a socket and a symbolic link (dangling, or to
anything, a regular file included: the file itself is named in the hint) are refused, with
or without ``force``. Just before the new file is put in place the path is looked at again;
the rename then replaces the directory entry and never writes into what was there, and
without ``force`` a hard link puts it in place, which fails if anything appeared meanwhile.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from core.diskspace import disk_full, is_disk_full
from core.errors import Cancelled, FileProblem
from core.permissions import operator_file_mode

__all__ = [
    "PARTIAL_SUFFIX",
    "atomic_path",
    "atomic_text_file",
    "atomic_text_files",
    "output_text",
    "refuse_overwrite",
]

PARTIAL_SUFFIX = ".partial"
"""How the temporary file of a write in progress ends (core.store.partials cleans up after
a killed process by this name)."""

_STDOUT_HINT = "give a regular file's name (`export -o -` writes to standard output)"
# link() failing for these means "this filesystem has no hard links", not "something is there"
_NO_HARD_LINKS = frozenset(
    (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS)
)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _symbolic_link(path: Path) -> FileProblem:
    """Why a symbolic link is not replaced, and what to give instead."""
    try:
        pointed = os.readlink(path)
    except OSError:
        pointed = "?"
    try:
        info = os.stat(path)
    except OSError:  # dangling, or a loop
        return FileProblem(
            f"is a symbolic link to nothing ({pointed}); only regular files are replaced, "
            "even with --force",
            path=path,
            hint="remove the link or choose another name",
        )
    if stat.S_ISREG(info.st_mode):
        real = os.path.realpath(path)
        return FileProblem(
            f"is a symbolic link (to {pointed}); only regular files are replaced",
            path=path,
            hint=f"to replace the file it points to, give that file: -o {real} --force",
        )
    return FileProblem(
        f"is a symbolic link to {_kind(info.st_mode)} ({pointed}); only regular files are "
        "replaced, even with --force",
        path=path,
        hint=_STDOUT_HINT,
    )


def refuse_overwrite(path: Path, force: bool) -> None:
    """``FileProblem`` unless nothing is at ``path``, or a regular file is and ``force`` is
    given. Looks with ``lstat`` only: nothing at ``path`` is opened or followed."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise FileProblem(f"cannot be looked at ({error.strerror})", path=path) from None
    if stat.S_ISLNK(info.st_mode):
        raise _symbolic_link(path)
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem(
            f"is {_kind(info.st_mode)}; only regular files are replaced, even with --force",
            path=path,
            hint=_STDOUT_HINT if not stat.S_ISDIR(info.st_mode) else "give a file name",
        )
    if not force:
        raise FileProblem(
            "already exists", path=path, hint="add --force to replace it, or choose another name"
        )


def _place(temporary: Path, path: Path, force: bool) -> None:
    """Put the finished ``temporary`` at ``path``: rename (``force``) or link (no replace)."""
    refuse_overwrite(path, force)  # again: the path may have changed while we wrote
    if force:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise FileProblem(
            "already exists (it appeared while the file was written)",
            path=path,
            hint="add --force to replace it, or choose another name",
        ) from None
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        os.replace(temporary, path)  # the check just above is the guard here
        return
    temporary.unlink()


def _cannot_write(path: Path, error: OSError) -> FileProblem:
    if is_disk_full(error, path):
        return disk_full(path)
    return FileProblem(f"cannot be written ({error.strerror})", path=path)


@contextmanager
def _replacing(
    path: Path, force: bool, *, keep_mode: bool = False, make_folders: bool = False
) -> Iterator[tuple[int, Path]]:
    """An open temporary file next to ``path``, put in its place when the block succeeds.

    The folder must exist unless ``make_folders`` (a tree ScheduleFlow lays out itself, such
    as ffplayout's ``YYYY/MM``): a mistyped ``-o /srv/guid/x.xml`` must not make ``/srv/guid``.
    ``keep_mode`` keeps the mode the writer gave the file (a store backup's).
    """
    path = Path(path)
    _may_write(path, force, make_folders)
    descriptor, temporary = _new_partial(path, make_folders)
    try:
        yield descriptor, temporary
        if not keep_mode:
            os.chmod(temporary, operator_file_mode())  # the operator's file: their umask
        _place(temporary, path, force)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _cannot_write(path, error) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text_file(
    path: Path, *, force: bool = False, make_folders: bool = False
) -> Iterator[TextIO]:
    """A text handle whose content replaces ``path`` only when the block succeeds."""
    with (
        _replacing(path, force, make_folders=make_folders) as (descriptor, _),
        os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle,
    ):
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def atomic_path(path: Path, *, force: bool = False, make_folders: bool = False) -> Iterator[Path]:
    """A temporary file's path for a writer that opens it itself (SQLite's backup); it
    replaces ``path``, under the same rules, only when the block succeeds. The writer gives
    the file its mode (a backup of the store is the store's, not the operator's)."""
    with _replacing(path, force, keep_mode=True, make_folders=make_folders) as (
        descriptor,
        temporary,
    ):
        os.close(descriptor)
        yield temporary


@contextmanager
def output_text(
    target: Path | TextIO, *, force: bool = False, make_folders: bool = False
) -> Iterator[TextIO]:
    """Where an export goes: a file (see :func:`atomic_text_file`) or an open stream, such
    as standard output, written as the export goes and left open.

    A stream whose reader went away (``| head``) stops the export as cancelled, not failed.
    """
    if isinstance(target, Path):
        with atomic_text_file(target, force=force, make_folders=make_folders) as handle:
            yield handle
        return
    try:
        yield target
        target.flush()
    except BrokenPipeError:
        raise Cancelled("standard output was closed before the export ended") from None


def atomic_text_files(
    files: Sequence[tuple[Path, Callable[[TextIO], object]]],
    *,
    force: bool = False,
    make_folders: bool = False,
) -> None:
    """Write several files all or nothing: each ``(path, write)`` is written by ``write``
    into a temporary file; only when every one is written (and every path may take it) are
    they put in place. If putting one in place fails, those already placed are taken back:
    a new file is removed, a replaced one gets its old content again.

    Every path is looked at before anything is written, so an existing file without
    ``force`` (or a directory, a link…) refuses the whole set, not the rest of it.
    """
    for path, _ in files:
        _may_write(path, force, make_folders)
    written: list[tuple[Path, Path]] = []
    try:
        for path, write in files:
            descriptor, name = _new_partial(path, make_folders)
            written.append((name, path))
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
                    write(handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(name, operator_file_mode())
            except OSError as error:
                raise _cannot_write(path, error) from None
        _place_all(written, force)
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)


def _may_write(path: Path, force: bool, make_folders: bool) -> None:
    """Refuse before anything is written: a path that may not be replaced, or a folder
    that is not there and is not to be made."""
    refuse_overwrite(path, force)
    if not make_folders and not path.parent.is_dir():
        raise FileProblem(
            f"cannot be written: the folder {path.parent} does not exist",
            path=path,
            hint="create the folder first, or check the path",
        )


def _new_partial(path: Path, make_folders: bool) -> tuple[int, Path]:
    """A new, empty partial file beside ``path`` (its folder made first when asked)."""
    try:
        if make_folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent
        )
    except OSError as error:
        raise _cannot_write(path, error) from None
    return descriptor, Path(name)


def _place_all(written: list[tuple[Path, Path]], force: bool) -> None:
    """Put every finished temporary file in place, or none (see :func:`atomic_text_files`)."""
    placed: list[tuple[Path, Path | None]] = []  # the path, and its old content's copy
    try:
        for temporary, path in written:
            old: Path | None = None
            if force and os.path.lexists(path):
                old = path.with_name(f".{path.name}.{os.getpid()}.old{PARTIAL_SUFFIX}")
                os.link(path, old)
            try:
                _place(temporary, path, force)
            except BaseException:
                if old is not None:
                    old.unlink(missing_ok=True)
                raise
            placed.append((path, old))
    except OSError as error:
        _take_back(placed)
        raise _cannot_write(written[len(placed)][1], error) from None
    except BaseException:
        _take_back(placed)
        raise
    for _, old in placed:
        if old is not None:
            old.unlink(missing_ok=True)


def _take_back(placed: list[tuple[Path, Path | None]]) -> None:
    """Undo what :func:`_place_all` put in place: old content back, new files removed."""
    for path, old in reversed(placed):
        if old is not None:
            os.replace(old, path)
        else:
            path.unlink(missing_ok=True)
