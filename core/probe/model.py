"""What a probe finds, how a run is set up, and what a stream's history says about it."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.jobs import Job

__all__ = [
    "FLAPPING_WINDOW",
    "ProbeResult",
    "ProbeSettings",
    "ProbeTarget",
    "StreamState",
    "Verdict",
    "eta_seconds",
    "state_of",
]

FLAPPING_WINDOW = 6
"""How many of a stream's latest results are read to tell flapping from a one-off failure."""


class StreamState(StrEnum):
    """What a stream's history says: one failed probe is not a verdict."""

    UP = "up"
    DOWN = "down"
    FLAPPING = "flapping"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """One locator to probe, with what players would send along with it.

    ``tags`` are the M3U entry's tag lines (``#EXTVLCOPT:http-user-agent=…``) and
    ``expected`` the length its ``#EXTINF`` or slot gives (local files are measured against
    it); ``label`` is what the operator knows it by (a title), for messages only.
    """

    locator: str
    fingerprint: str
    tags: tuple[str, ...] = ()
    expected: float | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One probe of one locator: what came back, and when (UTC milliseconds)."""

    locator: str
    fingerprint: str
    ok: bool
    reason: str
    checked_at: int
    status: int | None = None
    latency_ms: int | None = None
    media_type: str | None = None
    duration: float | None = None
    attempts: int = 1


@dataclass(frozen=True)
class ProbeSettings:
    """How a run probes: how many at once, how long each may take, how politely.

    ``concurrency`` is the whole run's bound (4 by default, as the job pool's); each host
    gets at most ``per_host`` probes at once and ``min_interval`` seconds between the starts
    of two. A probe that times out or meets a 5xx is tried again up to ``retries`` times,
    ``backoff`` seconds later, doubling; any other failure is an answer and is not retried.
    """

    concurrency: int = 4
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    per_host: int = 4
    min_interval: float = 0.0
    max_redirects: int = 5
    media_bytes: int = 1024
    down_after: int = 2
    duration_tolerance: float = 1.0
    ffprobe: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """A stream's state from its history, with the latest result and, when down, since when."""

    fingerprint: str
    locator: str
    state: StreamState
    latest: ProbeResult | None
    down_since: int | None = None


def eta_seconds(job: Job) -> float | None:
    """Seconds a job still needs at its rate so far (``None`` until it has one)."""
    if not job.total or job.rate <= 0:
        return None
    return max(0, job.total - job.done) / job.rate


def state_of(history: Sequence[ProbeResult], down_after: int = 2) -> tuple[StreamState, int | None]:
    """The state ``history`` (oldest first) shows, and when the failures began when down.

    Down: the last ``down_after`` probes all failed. Flapping: in the latest
    :data:`FLAPPING_WINDOW` probes it went between playing and failing at least twice and
    failed at least twice (``ok, fail, ok`` is a blip, not flapping). Up otherwise.
    """
    if not history:
        return StreamState.UNKNOWN, None
    failing = 0
    for result in reversed(history):
        if result.ok:
            break
        failing += 1
    if failing >= max(1, down_after):
        return StreamState.DOWN, history[len(history) - failing].checked_at
    recent = history[-FLAPPING_WINDOW:]
    changes = sum(1 for a, b in itertools.pairwise(recent) if a.ok != b.ok)
    failures = sum(1 for result in recent if not result.ok)
    if changes >= 2 and failures >= 2:
        since = next((r.checked_at for r in reversed(recent) if not r.ok), None)
        return StreamState.FLAPPING, since
    return StreamState.UP, None
