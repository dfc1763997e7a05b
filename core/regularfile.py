"""Opening a file the operator named, only when it is a regular file.

``open()`` on a FIFO waits for a writer that may never come, ``/dev/zero`` never ends and
``/proc/self/mem`` fails on the first read: a command given one of them would hang or stop
with a traceback. So an input is opened with ``O_NONBLOCK`` (a FIFO then opens at once),
checked with ``fstat`` on the very descriptor that is read (no race with a rename), and
refused in one line unless it is a regular file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from core.errors import FileProblem

__all__ = ["open_regular", "read_regular"]


def open_regular(path: Path | str, what: str = "file") -> BinaryIO:
    """``path`` open for reading, or ``FileProblem`` (missing, unreadable, not a file)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileProblem(
            f"no such {what}", path=str(path), hint="check the path and try again"
        ) from None
    except OSError as error:
        raise FileProblem(
            f"cannot be opened ({error.strerror or error})",
            path=str(path),
            hint=f"the {what} must be a file this user can read",
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = (
                "a folder, not a file"
                if stat.S_ISDIR(mode)
                else "not a regular file (a pipe or device?)"
            )
            raise FileProblem(f"is {kind}", path=str(path), hint=f"give the path of a {what}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str, limit: int, what: str = "file") -> bytes:
    """The whole of a regular file of at most ``limit`` bytes; ``FileProblem`` otherwise."""
    with open_regular(path, what) as handle:
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
