"""The moment a job's write becomes final, so that a stop and a commit never cross.

A job past its timeout, or cancelled, is marked so at once and its line says "nothing it
did was kept". Its operation stops at its next check and rolls back — but an operation past
its last check (a plan or a fix writes its changes in one transaction, with no check
between the last change and the commit) committed all the same: the job was reported timed
out with nothing kept, and its changes were in the store. Every commit of a store
connection (``Database.write``) therefore passes the gate of the job whose thread runs it:
a job asked to stop raises there instead, and its transaction is rolled back; a commit in
progress makes the stop wait for it, and the job's line then says what was kept.

The gate is a context variable, set in the job's thread by the queue: the store knows
nothing of jobs, and a commit outside any job (a command's own write) passes freely. Writes
that keep what a stopped job measured, on purpose (the stream doctor keeps every probe
result, cancelled or not), run under :func:`keeping`: they commit, and count as kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from contextvars import ContextVar

__all__ = ["COMMIT_GATE", "commit_gate", "keeping"]

COMMIT_GATE: ContextVar[Callable[[bool], AbstractContextManager[None]] | None] = ContextVar(
    "commit_gate", default=None
)
"""The running job's gate (:meth:`core.jobs.JobContext.committing`), in its thread."""

_KEEPING: ContextVar[bool] = ContextVar("keeping", default=False)


@contextlib.contextmanager
def keeping() -> Iterator[None]:
    """Commits that keep what the job did even once it was asked to stop."""
    token = _KEEPING.set(True)
    try:
        yield
    finally:
        _KEEPING.reset(token)


@contextlib.contextmanager
def commit_gate() -> Iterator[None]:
    """Around a commit: the running job's gate, or nothing outside a job."""
    gate = COMMIT_GATE.get()
    if gate is None:
        yield
        return
    with gate(_KEEPING.get()):
        yield
