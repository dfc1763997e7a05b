"""Writing a file so that a failure half-way leaves the old one as it was.

The new content goes to a temporary file in the target's own folder (same filesystem), is
flushed to disk, and then renamed over the target in one step.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from core.errors import FileProblem
from core.permissions import operator_file_mode

__all__ = ["atomic_text_file", "refuse_overwrite"]


def refuse_overwrite(path: Path, force: bool) -> None:
    """``FileProblem`` when ``path`` exists and ``force`` is not given."""
    if path.exists() and not force:
        raise FileProblem(
            "already exists", path=path, hint="add --force to replace it, or choose another name"
        )


@contextmanager
def atomic_text_file(path: Path, *, force: bool = False) -> Iterator[TextIO]:
    """A text handle whose content replaces ``path`` only when the block succeeds."""
    path = Path(path)
    refuse_overwrite(path, force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=path.parent
        )
    except OSError as error:
        raise FileProblem(f"cannot be written ({error.strerror})", path=path) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, operator_file_mode())  # the operator's file: their umask
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise FileProblem(f"cannot be written ({error.strerror})", path=path) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
