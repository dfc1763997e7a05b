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
import dataclasses
import itertools
import logging
import os
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache, partial
from typing import Any

from core.commits import COMMIT_GATE
from core.errors import Cancelled, OperationTimeout, ScheduleFlowError
from core.logs import JOB_ID, REQUEST_ID

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


class _Workers:
    """Reused job threads, one more whenever none is idle.

    Starting a thread per job made 1,000 small jobs cost half a second here, and a
    ``ThreadPoolExecutor`` (a future, a lock and a condition per task) was still most of a
    no-op job's cost; a ``SimpleQueue`` hand-off is what is left. The threads are daemons:
    a job abandoned after its timeout may never return, and must not keep the process
    alive at exit. ``limit`` is larger than any sane ``max_active`` for the same reason —
    an abandoned job keeps its thread, and the queue must not run short meanwhile.
    """

    def __init__(self, limit: int = 64) -> None:
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._threads = 0
        self._limit = limit

    def run(self, task: Callable[[], None]) -> None:
        """Run ``task`` in an idle thread, or a new one."""
        with self._lock:
            if self._idle:
                self._idle -= 1
            elif self._threads < self._limit:
                self._threads += 1
                name = f"scheduleflow-job-{self._threads}"
                threading.Thread(target=self._serve, name=name, daemon=True).start()
        self._tasks.put(task)

    def _serve(self) -> None:
        while True:
            self._tasks.get()()
            with self._lock:
                self._idle += 1


_WORKERS = _Workers()


@lru_cache(maxsize=1)
def _stamp(second: int) -> str:
    return time.strftime("%Y%m%d%H%M%S", time.localtime(second))


def _new_id() -> str:
    return f"{_stamp(int(time.time()))}-{os.getpid()}-{next(_ids)}"


@dataclass
class Job:
    """One run of a core operation."""

    kind: str
    label: str
    timeout: float | None = None
    id: str = field(default_factory=_new_id)
    who: str = ""
    request_id: str | None = None
    """The HTTP request that started the job (``scheduleflow serve``), for its log lines."""
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
            "request_id": self.request_id,
        }


class JobContext:
    """What an operation gets: progress reporting and the stop check."""

    def __init__(self, job: Job, notify: Callable[[Job], None]) -> None:
        self.job = job
        self._notify = notify
        # A plain attribute, not a threading.Event: one thread sets it, the job's thread
        # reads it, and an Event (a lock and a condition) per job was a tenth of a no-op
        # job's cost.
        self._reason: ScheduleFlowError | None = None
        self._last_report = 0.0
        # held while the job's thread commits, and by the queue while it gives the job up:
        # a stop and a commit never cross (core.commits)
        self.commit_lock = threading.Lock()
        self.commits = 0  # transactions the operation committed (kept, whatever comes next)

    def stop(self, reason: ScheduleFlowError) -> None:
        """Ask the operation to stop (cancel or timeout)."""
        self._reason = reason

    @contextlib.contextmanager
    def committing(self, keep: bool = False) -> Iterator[None]:
        """Around each commit in the job's thread: the stop reason is raised instead when
        the job was asked to stop (the transaction is then rolled back) — unless the write
        ``keep``s what the job measured on purpose — and the job is not given up while the
        commit runs."""
        with self.commit_lock:
            if self._reason is not None and not keep:
                raise self._reason
            yield
            self.commits += 1

    @property
    def stopping(self) -> bool:
        """True once the job was asked to stop."""
        return self._reason is not None

    def check(self) -> None:
        """Raise the stop reason if the job was asked to stop: call this often."""
        if self._reason is not None:
            raise self._reason

    def should_stop(self) -> bool:
        """The import/export hook: True when the job should stop."""
        return self._reason is not None

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


Run = Callable[[], "tuple[Any, BaseException | None]"]
"""A queued job's operation, bound to its context: returns its value or its error."""


class JobQueue:
    """Runs jobs on the current event loop, ``max_active`` at a time, in order.

    A job's thread, when its operation returns, takes the next waiting job itself rather
    than waiting for the loop to hand it one: a burst of small jobs runs at the speed of
    the threads, and the loop hears of what happened in one wake-up per batch. The lock
    guards what both sides touch — the waiting line, the jobs' states and the slots in
    use; listeners, history, timers and waiters are only ever called on the loop.

    A slot belongs to a running job until its operation returns (the thread then hands it
    to the next waiting job) or until the loop gives the job up (timeout, cancel): a job
    given up keeps its thread until its operation looks, but not its slot.
    """

    def __init__(
        self,
        *,
        max_active: int = 4,
        timeouts: dict[str, float] | None = None,
        who: str = "",
        record: Listener | None = None,
        keep: int = 200,
    ) -> None:
        self.max_active = max_active
        self.keep = keep  # finished jobs kept in memory; the history in the store has them all
        self.timeouts = timeouts or {}
        self.who = who
        self.jobs: dict[str, Job] = {}
        self._finished: deque[str] = deque()  # ids of the finished jobs in ``jobs``, oldest first
        self._contexts: dict[str, JobContext] = {}
        self._lock = threading.Lock()
        self._waiting: deque[tuple[Job, Run]] = deque()
        self._slots_used = 0
        self._returned: set[str] = set()  # operation returned, not yet settled on the loop
        # what the threads did, for the loop: a job started (None) or its outcome
        self._events: deque[tuple[Job, tuple[Any, BaseException | None] | None]] = deque()
        self._waking = False
        self._starting = False
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._waiters: dict[str, list[asyncio.Future[Job]]] = {}
        self._listeners: list[Listener] = []
        self._record = record
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
        self._from_thread(self._emit, job)

    def _from_thread(self, callback: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # closed meanwhile
                loop.call_soon_threadsafe(callback, *args)

    # -- counts ---------------------------------------------------------------------------
    @property
    def active(self) -> int:
        """Jobs running now (the slots in use)."""
        return self._slots_used

    @property
    def queued(self) -> int:
        """Jobs waiting for a slot."""
        return self._counts[JobState.QUEUED]

    @property
    def running(self) -> int:
        """Jobs marked running, given up or not: kept under the lock, so any thread may read
        it (health is measured in a worker thread while the loop changes ``jobs``)."""
        return self._counts[JobState.RUNNING]

    # -- submitting -----------------------------------------------------------------------
    def submit(
        self,
        kind: str,
        operation: Operation,
        *,
        label: str = "",
        timeout: float | None = None,
        who: str | None = None,
    ) -> Job:
        """Queue ``operation`` as a job of ``kind``; returns at once, the job still queued.

        ``who`` names another than the queue's person (an API key of ``scheduleflow serve``).
        """
        self._loop = asyncio.get_running_loop()
        job = Job(kind, label or kind, timeout if timeout is not None else self.timeouts.get(kind))
        job.who = self.who if who is None else who
        request_id = REQUEST_ID.get()
        job.request_id = None if request_id == "-" else request_id
        self.jobs[job.id] = job
        context = self._contexts[job.id] = JobContext(job, self._emit_threadsafe)
        # The job's thread sees the submitter's context variables (the log's job id too).
        variables = contextvars.copy_context()
        run = partial(variables.run, _run_operation, job, operation, context)
        with self._lock:
            self._counts[JobState.QUEUED] += 1
            self._waiting.append((job, run))
        self._changed(job)
        self._start_soon()
        return job

    async def wait(self, job: Job) -> Job:
        """Wait until the job has finished (whatever its outcome)."""
        if not job.state.finished:
            done: asyncio.Future[Job] = asyncio.get_running_loop().create_future()
            self._waiters.setdefault(job.id, []).append(done)
            await done
        return job

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False when it had already finished.

        The job is marked cancelled at once; its operation stops at its next check and
        rolls back what it wrote.
        """
        job = self.jobs.get(job_id)
        if job is None:
            return False
        self._contexts[job_id].stop(Cancelled("the job was cancelled; nothing it did was kept"))
        if job.state is JobState.QUEUED:
            before = "cancelled before it started"
            return self._give_up(job, JobState.CANCELLED, "unexpected", before)
        return self._give_up(job, JobState.CANCELLED, "unexpected", "cancelled", kept=True)

    # -- running --------------------------------------------------------------------------
    def _start_soon(self) -> None:
        """Start waiting jobs on the loop's next turn (one pass for a burst of calls)."""
        if not self._starting and self._loop is not None:
            self._starting = True
            self._loop.call_soon(self._start_waiting)

    def _start_waiting(self) -> None:
        """Start waiting jobs, in order, while there are free slots."""
        self._starting = False
        while True:
            with self._lock:
                claimed = self._claim()
            if claimed is None:
                return
            job, run = claimed
            self._started(job)
            _WORKERS.run(partial(self._serve, job, run))

    def _claim(self) -> tuple[Job, Run] | None:
        """With the lock held: the next waiting job, now running, when a slot is free."""
        while self._waiting and self._slots_used < self.max_active:
            job, run = self._waiting.popleft()
            if job.state is not JobState.QUEUED:  # cancelled while it waited
                continue
            self._move(job, JobState.RUNNING)
            job.started = wall_clock()
            self._slots_used += 1
            self.peak_active = max(self.peak_active, self._slots_used)
            return job, run
        return None

    def _serve(self, job: Job, run: Run) -> None:
        """In a job thread: run the job, then the next waiting ones while there are any."""
        while True:
            outcome = run()
            with self._lock:
                self._returned.add(job.id)
                self._events.append((job, outcome))
                if job.state is JobState.RUNNING:  # not given up: its slot is free now
                    self._slots_used -= 1
                claimed = self._claim()
                if claimed is not None:
                    self._events.append((claimed[0], None))
                wake, self._waking = not self._waking, True
            if wake:  # the loop has not been woken for earlier events yet
                self._from_thread(self._settle_events)
            if claimed is None:
                return
            job, run = claimed

    def _settle_events(self) -> None:
        with self._lock:
            self._waking = False
            events = list(self._events)
            self._events.clear()
        for job, outcome in events:
            if outcome is None:
                self._started(job)
            else:
                self._settle(job, *outcome)

    def _started(self, job: Job) -> None:
        """On the loop: a job started; tell the listeners and start its timeout."""
        _log(job, logging.INFO, "%s started: %s", job.kind, job.label)
        self._changed(job)
        running = job.state is JobState.RUNNING and job.id not in self._returned
        if job.timeout is not None and running:
            assert self._loop is not None
            self._timers[job.id] = self._loop.call_later(job.timeout, self._time_out, job)

    def _settle(self, job: Job, value: Any, error: BaseException | None) -> None:
        self._returned.discard(job.id)
        timer = self._timers.pop(job.id, None)
        if timer is not None:
            timer.cancel()
        if job.state.finished:  # given up already (timed out or cancelled)
            return
        if error is None:
            job.result = value
            self._finish(job, JobState.SUCCEEDED, None, None)
            _log(
                job,
                logging.INFO,
                "%s succeeded in %.2f s%s",
                job.label,
                job.elapsed,
                _counts(value),
            )
        elif isinstance(error, Cancelled):
            job.error = error
            self._finish(job, JobState.CANCELLED, "unexpected", str(error))
            _log(job, logging.INFO, "%s cancelled after %.2f s", job.label, job.elapsed)
        elif isinstance(error, ScheduleFlowError):
            job.error = error
            self._finish(job, JobState.FAILED, error.category, str(error))
            _log(job, logging.INFO, "%s failed after %.2f s: %s", job.label, job.elapsed, error)
        else:
            job.error = error
            self._finish(job, JobState.FAILED, "unexpected", f"unexpected error: {error}")
            _log(job, logging.ERROR, "%s failed", job.label, exc_info=error)

    def _time_out(self, job: Job) -> None:
        self._timers.pop(job.id, None)
        assert job.timeout is not None
        # Stopped first: recording the give-up may wait for the store the job is writing.
        self._contexts[job.id].stop(
            OperationTimeout(f"{job.label} ran past its {job.timeout:g} s limit")
        )
        message = f"stopped after {job.timeout:g} s"
        if self._give_up(job, JobState.TIMED_OUT, "timeout", message, kept=True):
            _log(job, logging.WARNING, "%s timed out after %s s", job.label, job.timeout)

    def _give_up(
        self, job: Job, state: JobState, category: str, message: str, *, kept: bool = False
    ) -> bool:
        """Stop waiting for a queued or running job; False when its outcome is in.

        A commit of the job's in progress is waited for (it is short: the transaction's
        work is done); with ``kept``, the message then says what of the job's work stays."""
        context = self._contexts[job.id]
        with context.commit_lock, self._lock:
            if job.state.finished or job.id in self._returned:
                return False
            if job.state is JobState.RUNNING:
                self._slots_used -= 1
            self._move(job, state)
        if kept:  # transactions committed before the stop stay in the store
            saved = "what it had saved by then is kept" if context.commits else None
            message = f"{message}; {saved or 'nothing it did was kept'}"
        self._done(job, category, message)
        self._start_soon()  # its slot is free
        return True

    def _finish(self, job: Job, state: JobState, category: str | None, message: str | None) -> None:
        with self._lock:
            self._move(job, state)
        self._done(job, category, message)

    def _done(self, job: Job, category: str | None, message: str | None) -> None:
        """On the loop: a job has finished; record it and wake who waits for it."""
        job.ended = wall_clock()
        job.error_category = category
        job.error_message = message
        self._changed(job)
        for waiter in self._waiters.pop(job.id, ()):
            if not waiter.done():  # its waiter may have been cancelled
                waiter.set_result(job)
        self._forget_finished(job)

    def _forget_finished(self, job: Job) -> None:
        """Note that ``job`` finished, and drop the oldest finished jobs (and their results)
        past ``keep``; jobs still queued or running are never dropped.

        A TUI left open for days runs a check after every edit; each result is the list of
        every finding, and keeping them all would grow without end. (Finding the oldest by
        scanning every job made a burst of 1,000 queued jobs cost ten times as much.)
        """
        self._finished.append(job.id)
        while len(self._finished) > self.keep:
            oldest = self._finished.popleft()
            self.jobs.pop(oldest, None)
            self._contexts.pop(oldest, None)

    def _move(self, job: Job, state: JobState) -> None:
        self._counts[job.state] -= 1
        self._counts[state] += 1
        job.state = state

    def _changed(self, job: Job) -> None:
        """A state change: record it (job history), then tell the listeners."""
        if self._record is not None:
            try:
                self._record(job)
            except Exception:
                log.exception("recording job %s failed", job.id)
        self._emit(job)


def _run_operation(
    job: Job, operation: Operation, context: JobContext
) -> tuple[Any, BaseException | None]:
    """In the job's thread, in its own copy of the context variables."""
    JOB_ID.set(job.id)
    COMMIT_GATE.set(context.committing)
    try:
        return operation(context), None
    except BaseException as failure:
        return None, failure


def _counts(result: Any) -> str:
    """What a job's result counts (``: added=120 skipped=3 warnings=2``), for its log line.

    The whole numbers of a result dataclass, and the length of its lists: what the job did,
    without a summary written for every kind of job (and without building its JSON).
    """
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        return ""
    numbers = []
    for field_ in dataclasses.fields(result):
        value = getattr(result, field_.name)
        if isinstance(value, (list, tuple)):
            value = len(value)
        if isinstance(value, int) and not isinstance(value, bool):
            numbers.append(f"{field_.name}={value}")
    return ": " + " ".join(numbers) if numbers else ""


def _log(job: Job, level: int, message: str, *args: Any, exc_info: Any = None) -> None:
    """Log about a job from the event loop, with the job's id (and its request's) on the line."""
    token = JOB_ID.set(job.id)
    request = REQUEST_ID.set(job.request_id or "-")
    try:
        log.log(level, message, *args, exc_info=exc_info)
    finally:
        REQUEST_ID.reset(request)
        JOB_ID.reset(token)
