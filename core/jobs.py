"""Jobs: every core operation runs as one, with an id, a state, progress, a timeout.

The queue lives on an asyncio event loop (the TUI's, or one ``asyncio.run`` for a command)
but the work does not: each job runs in a thread of its own, so the loop keeps answering
while a 100 MB import parses. Threads, not processes, by measurement: an operation needs the
store, progress and cancellation at every step, and the event loop's longest stall while an
import runs in a thread stays far below 50 ms (``make bench``, "engine").

At most ``max_active`` jobs run at once; the rest wait in order. A job past its kind's
timeout, or cancelled, is asked to stop (its operation polls :meth:`JobContext.check` every
thousand items and raises, which rolls its transaction back) and is marked timed out or
cancelled at once — an operation that never looks is abandoned in its thread, and the queue
carries on without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.errors import Cancelled, OperationTimeout, ScheduleFlowError
from core.logs import JOB_ID

__all__ = ["Job", "JobContext", "JobQueue", "JobState", "Operation"]

log = logging.getLogger("scheduleflow.jobs")


class JobState(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed out"

    @property
    def finished(self) -> bool:
        """True once the job will not change any more."""
        return self not in (JobState.QUEUED, JobState.RUNNING)


_ids = itertools.count(1)


def wall_clock() -> float:
    """Seconds since the epoch: when jobs are created, start and end (tests freeze it)."""
    return time.time()


# Job threads are reused (starting a thread per job made 1,000 small jobs cost half a second
# here). The pool is larger than any sane max_active: a job abandoned after its timeout keeps
# its worker until its operation returns, and the queue must not run short meanwhile.
_WORKERS = ThreadPoolExecutor(max_workers=64, thread_name_prefix="scheduleflow-job")


def _new_id() -> str:
    return f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{next(_ids)}"


@dataclass
class Job:
    """One run of a core operation."""

    kind: str
    label: str
    timeout: float | None = None
    id: str = field(default_factory=_new_id)
    who: str = ""
    state: JobState = JobState.QUEUED
    created: float = field(default_factory=lambda: wall_clock())
    started: float | None = None
    ended: float | None = None
    done: int = 0
    total: int | None = None
    rate: float = 0.0
    result: Any = None
    error_category: str | None = None
    error_message: str | None = None
    error: BaseException | None = field(default=None, repr=False)

    @property
    def fraction(self) -> float | None:
        """Progress from 0 to 1 when the total is known."""
        if self.state is JobState.SUCCEEDED:
            return 1.0
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    @property
    def elapsed(self) -> float:
        """Seconds since the job started (until it ended)."""
        if self.started is None:
            return 0.0
        return (self.ended or wall_clock()) - self.started

    def to_json(self) -> dict[str, Any]:
        """The ``jobs --json`` shape of one job."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "state": str(self.state),
            "who": self.who,
            "created": self.created,
            "started": self.started,
            "ended": self.ended,
            "progress": self.fraction,
            "items": self.done,
            "rate": round(self.rate, 1),
            "error_category": self.error_category,
            "error_message": self.error_message,
        }


class JobContext:
    """What an operation gets: progress reporting and the stop check."""

    def __init__(self, job: Job, notify: Callable[[Job], None]) -> None:
        self.job = job
        self._notify = notify
        self._stop = threading.Event()
        self._reason: ScheduleFlowError | None = None
        self._last_report = 0.0

    def stop(self, reason: ScheduleFlowError) -> None:
        """Ask the operation to stop (cancel or timeout)."""
        self._reason = reason
        self._stop.set()

    @property
    def stopping(self) -> bool:
        """True once the job was asked to stop."""
        return self._stop.is_set()

    def check(self) -> None:
        """Raise the stop reason if the job was asked to stop: call this often."""
        if self._reason is not None:
            raise self._reason

    def should_stop(self) -> bool:
        """The import/export hook: True when the job should stop."""
        return self._stop.is_set()

    def progress(self, done: int, total: int | None = None) -> None:
        """Report progress; listeners hear of it at most ten times a second."""
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        if job.started:
            job.rate = done / max(wall_clock() - job.started, 1e-6)
        now = time.monotonic()
        if now - self._last_report >= 0.1:
            self._last_report = now
            self._notify(job)


Operation = Callable[[JobContext], Any]
"""The work of a job. Runs in a thread; returns the job's result."""

Listener = Callable[[Job], None]


class JobQueue:
    """Runs jobs on the current event loop, ``max_active`` at a time, in order."""

    def __init__(
        self,
        *,
        max_active: int = 4,
        timeouts: dict[str, float] | None = None,
        who: str = "",
        record: Listener | None = None,
    ) -> None:
        self.max_active = max_active
        self.timeouts = timeouts or {}
        self.who = who
        self.jobs: dict[str, Job] = {}
        self._contexts: dict[str, JobContext] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._listeners: list[Listener] = []
        self._record = record
        self._outcomes: dict[str, asyncio.Future[Any]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.started_at = wall_clock()
        self.peak_active = 0
        self._counts: Counter[JobState] = Counter()

    # -- listeners ------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear of every state change and (coalesced) progress; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, job: Job) -> None:
        for listener in list(self._listeners):
            try:
                listener(job)
            except Exception:  # a broken listener must not break the job
                log.exception("job listener failed")

    def _emit_threadsafe(self, job: Job) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # closed meanwhile
                loop.call_soon_threadsafe(self._emit, job)

    # -- counts ---------------------------------------------------------------------------
    @property
    def active(self) -> int:
        """Jobs running now."""
        return self._counts[JobState.RUNNING]

    @property
    def queued(self) -> int:
        """Jobs waiting for a slot."""
        return self._counts[JobState.QUEUED]

    # -- submitting -----------------------------------------------------------------------
    def submit(
        self, kind: str, operation: Operation, *, label: str = "", timeout: float | None = None
    ) -> Job:
        """Queue ``operation`` as a job of ``kind``; returns at once."""
        self._loop = asyncio.get_running_loop()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_active)
        job = Job(kind, label or kind, timeout if timeout is not None else self.timeouts.get(kind))
        job.who = self.who
        self.jobs[job.id] = job
        self._counts[JobState.QUEUED] += 1
        self._contexts[job.id] = JobContext(job, self._emit_threadsafe)
        self._tasks[job.id] = asyncio.create_task(self._run(job, operation))
        self._changed(job)
        return job

    async def wait(self, job: Job) -> Job:
        """Wait until the job has finished (whatever its outcome)."""
        task = self._tasks.get(job.id)
        if task is not None:
            await asyncio.shield(task)
        return job

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False when it had already finished.

        The job is marked cancelled at once; its operation stops at its next check and
        rolls back what it wrote.
        """
        job = self.jobs.get(job_id)
        if job is None or job.state.finished:
            return False
        self._contexts[job_id].stop(Cancelled("the job was cancelled; nothing it did was kept"))
        if job.state is JobState.QUEUED:
            self._finish(job, JobState.CANCELLED, "unexpected", "cancelled before it started")
        else:
            self._finish(job, JobState.CANCELLED, "unexpected", "cancelled; nothing was kept")
            outcome = self._outcomes.get(job_id)
            if outcome is not None:
                _settle(outcome, None, _CANCELLED)
        return True

    async def _run(self, job: Job, operation: Operation) -> None:
        assert self._slots is not None
        context = self._contexts[job.id]
        async with self._slots:
            if job.state.finished:  # cancelled while queued
                return
            self._move(job, JobState.RUNNING)
            job.started = wall_clock()
            self.peak_active = max(self.peak_active, self.active)
            self._changed(job)
            loop = asyncio.get_running_loop()
            # One future settles the job: the operation's end (from its thread), its
            # timeout (a timer) or a cancel — whichever comes first.
            outcome: asyncio.Future[Any] = loop.create_future()
            # A job given up (timed out, cancelled) may still end later in its thread; its
            # outcome is then never awaited, and must not be reported as "never retrieved".
            outcome.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._outcomes[job.id] = outcome

            def work() -> None:
                token = JOB_ID.set(job.id)
                value: Any = None
                error: BaseException | None = None
                try:
                    value = operation(context)
                except BaseException as failure:
                    error = failure
                finally:
                    JOB_ID.reset(token)
                # a closed loop means nobody waits for this (abandoned) job any more
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_settle, outcome, value, error)

            _WORKERS.submit(contextvars.copy_context().run, work)
            timer = (
                loop.call_later(job.timeout, _settle, outcome, None, _TIMED_OUT)
                if job.timeout is not None
                else None
            )
            try:
                result = await outcome
            except _Stop as stop:
                if stop is _TIMED_OUT:
                    context.stop(
                        OperationTimeout(f"{job.label} ran past its {job.timeout:g} s limit")
                    )
                    message = f"stopped after {job.timeout:g} s; nothing it did was kept"
                    self._finish(job, JobState.TIMED_OUT, "timeout", message)
                    _log(job, logging.WARNING, "%s timed out after %s s", job.label, job.timeout)
                return  # a cancel() marked the job already
            except Cancelled as error:
                job.error = error
                self._finish(job, JobState.CANCELLED, "unexpected", str(error))
                return
            except ScheduleFlowError as error:
                job.error = error
                self._finish(job, JobState.FAILED, error.category, str(error))
                _log(job, logging.INFO, "%s failed: %s", job.label, error)
                return
            except Exception as error:
                job.error = error
                self._finish(job, JobState.FAILED, "unexpected", f"unexpected error: {error}")
                _log(job, logging.ERROR, "%s failed", job.label, exc_info=error)
                return
            finally:
                if timer is not None:
                    timer.cancel()
                self._outcomes.pop(job.id, None)
            job.result = result
            self._finish(job, JobState.SUCCEEDED, None, None)

    def _finish(self, job: Job, state: JobState, category: str | None, message: str | None) -> None:
        if job.state.finished:
            return
        self._move(job, state)
        job.ended = wall_clock()
        job.error_category = category
        job.error_message = message
        self._changed(job)

    def _move(self, job: Job, state: JobState) -> None:
        self._counts[job.state] -= 1
        self._counts[state] += 1
        job.state = state

    def _changed(self, job: Job) -> None:
        """A state change: tell the listeners and record it (job history)."""
        self._emit(job)
        if self._record is not None:
            try:
                self._record(job)
            except Exception:
                log.exception("recording job %s failed", job.id)


class _Stop(Exception):
    """Why a job was given up before its operation ended."""


_TIMED_OUT = _Stop("timed out")
_CANCELLED = _Stop("cancelled")


def _log(job: Job, level: int, message: str, *args: Any, exc_info: Any = None) -> None:
    """Log about a job from the event loop, with the job's id on the line."""
    token = JOB_ID.set(job.id)
    try:
        log.log(level, message, *args, exc_info=exc_info)
    finally:
        JOB_ID.reset(token)


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.done():  # the job was already given up (timeout)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
