"""Opening files only when they are regular files: ours beside a store without following
anyone's links, and the inputs an operator names without hanging on a FIFO or a device.

A shared store's folders (``2770``) let every member of the group make, rename and remove
names in them. A member could put a symbolic link (or a FIFO) where ScheduleFlow, run by
someone else (root, the store's admin), will write its next note or log line, and so make
that user overwrite, append to or copy a file of theirs. So every file ScheduleFlow writes
beside the store is opened with ``O_NOFOLLOW`` (a link at the name is refused, never
followed) and ``O_NONBLOCK`` (a FIFO cannot hang the open), and used only when ``fstat`` says
it is a regular file; a whole note is written to a fresh temporary name and renamed into
place (the rename replaces the name, never writes into what it held); a copy is made only of
a regular file, into a name that did not exist (``O_EXCL`` never follows a link either).

Folders above the file are not checked: a personal store reached through a linked home
folder is fine; it is the files in the store's folders that others can swap. An input the
operator names (:func:`open_input`) may be their own link; what it leads to must still be a
regular file, checked with ``fstat`` on the descriptor that is read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

from core.errors import FileProblem

__all__ = [
    "RefusedFile",
    "append_text",
    "copy_regular",
    "open_input",
    "open_regular",
    "read_input",
    "read_text",
    "replace_text",
    "same_file",
]

_NO_FOLLOW = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_FOLLOW = os.O_NONBLOCK | os.O_CLOEXEC


class RefusedFile(OSError):
    """A name that holds a link or something other than a regular file (``mode`` says what)."""

    mode: int = 0


def _what(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "is a symbolic link; links in the store's folders are not followed"
    return "is not a regular file; only regular files are opened in the store's folders"


def _refuse(path: Path, mode: int) -> RefusedFile:
    refused = RefusedFile(
        errno.ELOOP if stat.S_ISLNK(mode) else errno.EINVAL, _what(mode), str(path)
    )
    refused.mode = mode
    return refused


def open_regular(path: Path, flags: int, mode: int = 0o666, *, follow_links: bool = False) -> int:
    """A descriptor of the regular file at ``path`` (made with ``O_CREAT`` in ``flags``);
    ``RefusedFile`` when a link or anything else is at the name: it is not opened (a device
    may act on an open) and not followed. ``follow_links`` is for a file the operator named
    (an input: their link is theirs to follow); what it leads to must still be a file."""
    if not follow_links:
        with contextlib.suppress(FileNotFoundError):
            found = os.lstat(path).st_mode
            if not stat.S_ISREG(found):
                raise _refuse(path, found)
    try:
        descriptor = os.open(path, flags | (_FOLLOW if follow_links else _NO_FOLLOW), mode)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO):  # swapped in since the look above
            raise _refuse(path, os.lstat(path).st_mode) from None
        raise
    found = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(found):
        os.close(descriptor)
        raise _refuse(path, found)
    return descriptor


def read_text(path: Path, limit: int = 1 << 16) -> str:
    """The start of a small note we wrote (at most ``limit`` bytes), as UTF-8."""
    with os.fdopen(open_regular(path, os.O_RDONLY), "rb") as handle:
        return handle.read(limit).decode("utf-8")


def append_text(path: Path, text: str) -> None:
    """Append ``text`` to the regular file at ``path`` (made if missing)."""
    with os.fdopen(open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT), "ab") as handle:
        handle.write(text.encode("utf-8"))


def replace_text(path: Path, text: str) -> None:
    """Put a file holding ``text`` at ``path``: written under a fresh name, renamed over.

    In a sticky folder (``3770``) only a file's owner may replace it: another member then
    rewrites it in place, if it is a regular file with no other name (a hard link to a file
    elsewhere would pass the write on).
    """
    # a fresh name made with O_EXCL, mode 0666 less the process's umask (core.permissions):
    # mkstemp's 0600 would need the umask read, and reading it means setting it, which races
    # with every other thread that creates a file
    name = str(path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp"))
    descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NO_FOLLOW, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.replace(name, path)
    except PermissionError:
        os.unlink(name)
        _rewrite(path, text)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def _rewrite(path: Path, text: str) -> None:
    with os.fdopen(open_regular(path, os.O_WRONLY), "wb") as handle:
        if os.fstat(handle.fileno()).st_nlink != 1:
            raise RefusedFile(errno.EMLINK, "has other names (hard links); not rewritten", path)
        handle.truncate(0)
        handle.write(text.encode("utf-8"))


def copy_regular(source: Path, target: Path) -> None:
    """Copy the regular file ``source`` to the new name ``target``, with its mode and times;
    a link at either name is refused, and nothing at ``target`` is ever replaced."""
    with os.fdopen(open_regular(source, os.O_RDONLY), "rb") as reader:
        status = os.fstat(reader.fileno())
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        descriptor = os.open(target, flags, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as writer:
                while chunk := reader.read(1 << 20):
                    writer.write(chunk)
                os.fchmod(writer.fileno(), stat.S_IMODE(status.st_mode))
                os.utime(writer.fileno(), ns=(status.st_atime_ns, status.st_mtime_ns))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(target)
            raise


def same_file(path: Path, other: Path) -> bool:
    """Whether the two names are one file (same device and inode), links followed."""
    try:
        first, second = os.stat(path), os.stat(other)
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def open_input(path: Path | str, what: str = "file") -> BinaryIO:
    """A file the operator named, open for reading, or ``FileProblem`` (missing, unreadable,
    not a file). ``open()`` on a FIFO waits for a writer that may never come and
    ``/dev/zero`` never ends: an input must be a regular file, checked on the descriptor read."""
    try:
        descriptor = open_regular(Path(path), os.O_RDONLY, follow_links=True)
    except FileNotFoundError:
        raise FileProblem(
            f"no such {what}", path=str(path), hint="check the path and try again"
        ) from None
    except RefusedFile as refused:
        kind = (
            "a folder, not a file"
            if stat.S_ISDIR(refused.mode)
            else "not a regular file (a pipe or device?)"
        )
        raise FileProblem(f"is {kind}", path=str(path), hint=f"give the path of a {what}") from None
    except OSError as error:
        raise FileProblem(
            f"cannot be opened ({error.strerror or error})",
            path=str(path),
            hint=f"the {what} must be a file this user can read",
        ) from None
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def read_input(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The whole of an input file of at most ``limit`` bytes; ``FileProblem`` otherwise."""
    with open_input(path, what) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:  # /proc files can be "regular" and still fail to read
            raise FileProblem(
                f"cannot be read ({error.strerror or error})", path=str(path)
            ) from None
    if len(data) > limit:
        raise FileProblem(
            f"is larger than {limit // 1024} KiB, more than a {what} needs",
            path=str(path),
            hint=f"check that this is the {what} you meant",
        )
    return data
