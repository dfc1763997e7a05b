"""What each job of the main screen is about, and what the screen redraws when it ends.

A job is the core's (:mod:`core.jobs`); the screen keeps beside it, by job id, the
:class:`JobScope` it submitted it with — the channel it changes, the window to check again,
the programme the table's cursor is to stay on — instead of setting attributes on the job.
:data:`REFRESHES` says, per kind of job, what its success changes on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Flag, auto

__all__ = ["READS", "REFRESHES", "JobScope", "Refresh"]


class Refresh(Flag):
    """What the screen reads again when a job succeeds."""

    NOTHING = 0
    FINDINGS = auto()
    """The job's result is the check's findings."""
    VIEW = auto()
    """The job's result is a programmes view (another order or a filter)."""
    SCHEDULE = auto()
    """The store changed: the channels, the lanes and the table's rows are read again."""
    CHECK = auto()
    """The store changed: the rules run again (over the scope's window, else everything)."""
    CHANGED = SCHEDULE | CHECK


REFRESHES: dict[str, Refresh] = {
    "check": Refresh.FINDINGS,
    "view": Refresh.VIEW,
    "export": Refresh.NOTHING,
    "import": Refresh.CHANGED,
    "fix": Refresh.CHANGED,
    "edit": Refresh.CHANGED,
    "undo": Refresh.CHANGED,
    "dedupe": Refresh.CHANGED,
    "plan": Refresh.CHANGED,
    "settings": Refresh.CHANGED,
    "probe": Refresh.CHECK,  # the streams' states changed: their findings and the flags
}
"""Per kind of job, what its success redraws (a kind not named here redraws nothing)."""

READS = frozenset({"check", "view"})
"""Kinds of job that only read: quitting while one runs loses nothing, so ``q`` does not ask
(the check that follows every change would otherwise make ``q`` ask after each edit)."""


@dataclass(frozen=True)
class JobScope:
    """What one job is about, as the screen needs it when the job ends."""

    channel: str | None = None
    """The one channel it changes (``None``: any, or several)."""
    window: tuple[datetime, datetime] | None = None
    """The stretch of that channel to check again (``None``: check everything)."""
    programme: int | None = None
    """The programme the table's cursor stays on, or follows when it moved."""

    @property
    def recheck(self) -> tuple[str, datetime, datetime] | None:
        """The channel and window a check after this job may limit itself to."""
        if self.channel is None or self.window is None:
            return None
        return (self.channel, *self.window)
