"""The one error tree of ScheduleFlow.

Every failure a user can meet is one of these, raised by the core with a message the user
can act on: which file, which line (and column where known), what is wrong, what to do.
Errors from libraries (expat, json, sqlite3, OSError…) are caught at the edge and re-raised
as one of ours; the traceback goes to the log file, the user sees ``str(error)``.

::

    ScheduleFlowError                 category
    ├── InputError                    parse        the input cannot be used as given
    │   ├── ParseError                parse        malformed content at file:line:col
    │   ├── UnsupportedFormat         parse        not a format we read (HLS, unknown)
    │   ├── TooLarge                  file         over the size limit (also after gunzip)
    │   ├── UnsafeXML                 parse        entities, external references, DTD tricks
    │   ├── RefusedLocator            validation   a locator we never hand to a program
    │   └── SchemaError               validation   JSON of the wrong shape (names the JSON path)
    ├── FileProblem                   file         missing, unreadable, exists without --force
    │   └── DiskFull                  file         no space left where we write (what to free)
    ├── PermissionDenied              permission   the role does not allow the operation
    ├── StoreError                    unexpected   the database cannot do what was asked
    │   ├── StoreCorrupt              file         integrity check failed; copy kept aside
    │   ├── StaleRevision             validation   the channel changed since it was read
    │   ├── UnknownChannel            validation   no channel has that id
    │   └── NothingToUndo             validation   every change is undone already
    ├── OperationTimeout              timeout      a job ran past its limit
    └── Cancelled                     unexpected   a job was cancelled by the operator

The category is what jobs, health and the log record; it never depends on the message.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

__all__ = [
    "Cancelled",
    "Category",
    "DiskFull",
    "FileProblem",
    "InputError",
    "NothingToUndo",
    "OperationTimeout",
    "ParseError",
    "PermissionDenied",
    "RefusedLocator",
    "ScheduleFlowError",
    "SchemaError",
    "StaleRevision",
    "StoreCorrupt",
    "StoreError",
    "TooLarge",
    "UnknownChannel",
    "UnsafeXML",
    "UnsupportedFormat",
]

Category = Literal["parse", "file", "permission", "validation", "timeout", "unexpected"]


class ScheduleFlowError(Exception):
    """Base of every error ScheduleFlow raises on purpose.

    ``str(error)`` is the one line the user sees: ``where: what — hint``.
    """

    category: ClassVar[Category] = "unexpected"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.__str__())

    @property
    def where(self) -> str:
        """``file:line:column`` as far as it is known, or an empty string."""
        parts: list[str] = []
        if self.path is not None:
            parts.append(self.path)
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class InputError(ScheduleFlowError):
    """The input cannot be used as it is; nothing was stored."""

    category: ClassVar[Category] = "parse"


class ParseError(InputError):
    """Malformed content at a known place in a file."""


class UnsupportedFormat(InputError):
    """A file that is not one of the formats ScheduleFlow reads (or one it refuses)."""


class TooLarge(InputError):
    """The input passed the size limit; reading stopped at the limit."""

    category: ClassVar[Category] = "file"


class UnsafeXML(InputError):
    """XML that asks for entities, external resources or DTD processing."""


class RefusedLocator(InputError):
    """A locator that may not reach a command line: not a file path nor an allowed URL."""

    category: ClassVar[Category] = "validation"


class SchemaError(InputError):
    """A document of the right format but the wrong shape (JSON path named)."""

    category: ClassVar[Category] = "validation"


class FileProblem(ScheduleFlowError):
    """A file that is missing, unreadable, unwritable or already there."""

    category: ClassVar[Category] = "file"


class DiskFull(FileProblem):
    """The filesystem we write to has no space left; nothing was changed."""


class PermissionDenied(ScheduleFlowError):
    """The operator's role does not allow the operation."""

    category: ClassVar[Category] = "permission"


class StoreError(ScheduleFlowError):
    """The schedule store cannot do what was asked."""


class StoreCorrupt(StoreError):
    """The database failed its integrity check; a copy was kept aside."""

    category: ClassVar[Category] = "file"


class StaleRevision(StoreError):
    """A change was based on a revision of a channel that is no longer current."""

    category: ClassVar[Category] = "validation"


class UnknownChannel(StoreError):
    """No channel of the store has the id asked for: the asker's mistake, not the store's
    failure (health does not count it; the HTTP API answers 404)."""

    category: ClassVar[Category] = "validation"


class NothingToUndo(StoreError):
    """``undo`` found no change left to undo: an answer, not a failure of the store (a script
    that undoes until it stops must not make health degraded)."""

    category: ClassVar[Category] = "validation"


class OperationTimeout(ScheduleFlowError):
    """A job ran past its timeout and was stopped."""

    category: ClassVar[Category] = "timeout"


class Cancelled(ScheduleFlowError):
    """A job was cancelled before it finished."""
