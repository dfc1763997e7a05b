"""Health: healthy or degraded, with the numbers behind it.

Degraded when, within the last hour, failed or timed-out jobs reach the configured threshold
(three by default), when the store fails its integrity check, or while the store's
filesystem has less free space than ``[jobs] degraded_below_free_mb`` (1 GiB by default):
a full disk stops every change, so health warns before it is full.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from core.history import JobHistory
from core.jobs import JobQueue
from core.words import count

__all__ = ["Health", "measure_health"]


@dataclass(frozen=True)
class Health:
    """The health numbers of ``health --json`` and the TUI's header."""

    status: Literal["healthy", "degraded"]
    uptime_seconds: float | None
    """How long the process answering has been up (a TUI, a service); ``None`` for one
    command, whose process lives only as long as its answer."""
    active: int
    queued: int
    peak_active: int
    completed: int
    failed: int
    timed_out: int
    total_errors: int
    store: str
    reasons: tuple[str, ...] = ()
    free_mb: float | None = None

    @classmethod
    def unopened(cls, reason: str, free_bytes: int | None) -> Health:
        """Degraded with nothing measured: the store could not be opened, on a full disk or
        because it is damaged (a monitor asking ``health`` hears "degraded", not "could not
        run")."""
        return cls(
            status="degraded",
            uptime_seconds=None,
            active=0,
            queued=0,
            peak_active=0,
            completed=0,
            failed=0,
            timed_out=0,
            total_errors=0,
            store="not opened",
            reasons=(reason,),
            free_mb=_megabytes(free_bytes),
        )

    def to_json(self) -> dict[str, Any]:
        """The ``health --json`` shape."""
        return {
            "status": self.status,
            "uptime_seconds": (
                None if self.uptime_seconds is None else round(self.uptime_seconds, 1)
            ),
            "active": self.active,
            "queued": self.queued,
            "peak_active": self.peak_active,
            "completed": self.completed,
            "failed": self.failed,
            "timed_out": self.timed_out,
            "total_errors": self.total_errors,
            "store": self.store,
            "reasons": list(self.reasons),
            "free_mb": self.free_mb,
        }


def measure_health(
    history: JobHistory,
    *,
    store_check: str,
    queue: JobQueue | None = None,
    started_at: float,
    failure_threshold: int = 3,
    free_bytes: int | None = None,
    min_free_mb: float = 0.0,
) -> Health:
    """Health from the job history (all processes), this process's queue and the store."""
    stats = history.stats()
    active, queued, peak = stats.running, stats.queued, stats.running
    if queue is not None:
        peak = max(peak, queue.peak_active, queue.running)
    reasons = []
    if stats.recent_failures >= failure_threshold:
        failed = count(stats.recent_failures, "job")
        reasons.append(f"{failed} failed or timed out in the last hour")
    if store_check != "ok":
        reasons.append(f"the store failed its check: {store_check}")
    free_mb = _megabytes(free_bytes)
    if free_mb is not None and free_mb < min_free_mb:
        reasons.append(
            f"only {free_mb:,.1f} MB free on the store's filesystem, below {min_free_mb:,.0f} MB "
            "([jobs] degraded_below_free_mb); free space before the disk fills"
        )
    return Health(
        status="degraded" if reasons else "healthy",
        uptime_seconds=time.time() - started_at,
        active=active,
        queued=queued,
        peak_active=peak,
        completed=stats.succeeded,
        failed=stats.failed,
        timed_out=stats.timed_out,
        total_errors=stats.failed + stats.timed_out,
        store=store_check,
        reasons=tuple(reasons),
        free_mb=free_mb,
    )


def _megabytes(free_bytes: int | None) -> float | None:
    return round(free_bytes / (1024 * 1024), 1) if free_bytes is not None else None
