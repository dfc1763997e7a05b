"""Job history in the store, written by a thread of its own.

Jobs are recorded as they start and finish, from the event loop, while their own work runs
in transactions on other connections: sharing a connection would put the record inside (and
roll it back with) the job's transaction. And the record is not written on the loop: while
an import holds the store's write lock, a job starting or ending would otherwise freeze the
TUI until the import commits. ``record`` takes a copy of the row and returns; the writer
thread stores rows in batches, one transaction each.
"""

from __future__ import annotations

import json
import logging
import math
import os
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.jobs import Job, JobState, wall_clock
from core.storable import storable
from core.store.integrity import is_damaged

__all__ = ["HistoryStats", "JobHistory", "RecordedJob", "jobs_elsewhere"]

log = logging.getLogger("scheduleflow.history")


@dataclass(frozen=True)
class HistoryStats:
    """Counts of recorded jobs (the health numbers from history)."""

    running: int
    queued: int
    succeeded: int
    failed: int
    timed_out: int
    cancelled: int
    recent_failures: int


class JobHistory:
    """Recorded jobs, newest first, the last ``keep`` of them kept."""

    def __init__(self, database: Path, keep: int = 500) -> None:
        self.keep = keep
        self.database = database
        self.connection = _connect(database)  # for reading, on the caller's thread
        self._rows: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write, name="job-history", daemon=True)
        self._writer.start()

    def close(self) -> None:
        """Write what is pending, stop the writer and close the connections."""
        self._rows.put(None)
        self._writer.join()
        self.connection.close()

    def flush(self) -> None:
        """Wait until every recorded state is written (a command's end, a full health)."""
        self._rows.join()

    def record(self, job: Job) -> None:
        """Store the job's current state (insert or update) soon, pruning old jobs."""
        result = job.result
        summary = result.to_json() if hasattr(result, "to_json") else result
        try:
            encoded = json.dumps(summary, default=str) if summary is not None else None
        except (TypeError, ValueError):
            encoded = json.dumps(str(summary))
        self._rows.put(
            (
                job.id,
                job.kind,
                str(job.state),
                job.who,
                _ms(job.created),
                _ms(job.started),
                _ms(job.ended),
                job.fraction or 0.0,
                job.error_category,
                storable(job.error_message),  # a file name that is not UTF-8 (surrogates)
                encoded,
                storable(job.label),
                os.getpid(),
                job.done,
            )
        )

    def _write(self) -> None:
        """The writer thread: store pending rows, a batch per transaction, until closed."""
        connection = _connect(self.database)
        try:
            while True:
                batch = [self._rows.get()]
                while not self._rows.empty():
                    batch.append(self._rows.get_nowait())
                rows = [row for row in batch if row is not None]
                try:
                    if rows:
                        self._store(connection, rows)
                except Exception:  # history is not worth failing a job over, and the
                    # writer must live on: flush() waits for every row it was given
                    log.exception("recording %d job states failed", len(rows))
                finally:
                    for _ in batch:
                        self._rows.task_done()
                if len(rows) < len(batch):  # closed
                    return
        finally:
            connection.close()

    def _store(self, connection: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        if is_damaged(self.database):
            return  # a damaged store is not written to, not even to say a job failed
        with connection:
            connection.executemany(
                "INSERT OR REPLACE INTO job (id, kind, state, who, created_at, started_at,"
                " ended_at, progress, error_category, error_message, result, label, pid,"
                " items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            if any(JobState(row[2]).finished for row in rows):
                connection.execute(
                    "DELETE FROM job WHERE id IN (SELECT id FROM job ORDER BY created_at DESC "
                    "LIMIT -1 OFFSET ?)",
                    (self.keep,),
                )

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest jobs, as ``jobs --json`` shows them."""
        rows = self.connection.execute(
            "SELECT id, kind, label, state, who, created_at, started_at, ended_at, progress,"
            " items, error_category, error_message, pid FROM job ORDER BY created_at DESC,"
            " rowid DESC LIMIT ?",
            (limit,),
        ).fetchall()
        jobs = []
        for row in rows:
            state = row[3]
            if state in (JobState.RUNNING, JobState.QUEUED) and not _alive(row[12]):
                state = "abandoned"  # its process is gone (killed, or the machine rebooted)
            jobs.append(
                {
                    "id": row[0],
                    "kind": row[1],
                    "label": row[2],
                    "state": state,
                    "who": row[4],
                    "created": _seconds(row[5]),
                    "started": _seconds(row[6]),
                    "ended": _seconds(row[7]),
                    "progress": row[8],
                    "items": row[9],
                    "error_category": row[10],
                    "error_message": row[11],
                }
            )
        return jobs

    def stats(self, window_seconds: float = 3600) -> HistoryStats:
        """Counts over the history, and the failures and timeouts of the last window."""
        counts: dict[str, int] = {}
        running = queued = 0
        for state, pid, count in self.connection.execute(
            "SELECT state, pid, count(*) FROM job GROUP BY state, pid"
        ):
            if state in (JobState.RUNNING, JobState.QUEUED):
                if _alive(pid):
                    running += count if state == JobState.RUNNING else 0
                    queued += count if state == JobState.QUEUED else 0
                continue
            counts[state] = counts.get(state, 0) + count
        since = _ms(time.time() - window_seconds)
        # The operator's mistakes (a wrong path, a bad file, a refused role) are not failures
        # of the service: only unexpected errors and timeouts make health degraded.
        recent = self.connection.execute(
            "SELECT count(*) FROM job WHERE ended_at >= ? AND (state = ? OR"
            " (state = ? AND error_category = 'unexpected'))",
            (since, str(JobState.TIMED_OUT), str(JobState.FAILED)),
        ).fetchone()[0]
        return HistoryStats(
            running,
            queued,
            counts.get(JobState.SUCCEEDED, 0),
            counts.get(JobState.FAILED, 0),
            counts.get(JobState.TIMED_OUT, 0),
            counts.get(JobState.CANCELLED, 0),
            int(recent),
        )


@dataclass(frozen=True)
class RecordedJob:
    """A job as another process recorded it (a ``scheduleflow serve``, a command, a TUI).

    The TUI's jobs pane shows these beside its own: an import started through the API
    carries its request id in its label. Every text field is as the store holds it, and the
    store is written by other processes: shown escaped, like any stored text.
    """

    id: str
    kind: str
    label: str
    state: str
    """A job state, or ``abandoned`` when it was left unfinished by a process now gone."""
    who: str
    created: float
    started: float | None
    ended: float | None
    progress: float
    items: int
    error_category: str | None
    error_message: str | None
    pid: int | None

    @property
    def finished(self) -> bool:
        """True once the job will not change any more (its process ended it, or is gone)."""
        return self.state not in (JobState.QUEUED, JobState.RUNNING)

    @property
    def elapsed(self) -> float:
        """Seconds it ran (so far, while it runs; none known for an abandoned one)."""
        if self.started is None:
            return 0.0
        if self.ended is not None:
            return max(0.0, self.ended - self.started)
        return 0.0 if self.finished else max(0.0, wall_clock() - self.started)


def jobs_elsewhere(database: Path, *, since: float, limit: int = 50) -> list[RecordedJob] | None:
    """The jobs of other processes on the store: those created since ``since``, and the
    ones still running or queued in a live process; newest first. ``None`` when the history
    cannot be read now (the caller keeps what it showed).

    Opens a read-only connection of its own, for a worker thread: the TUI asks every two
    seconds, and a store opened the usual way migrates under the write lock, which an
    import may hold for minutes.
    """
    try:
        connection = sqlite3.connect(f"{database.absolute().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as error:
        log.debug("the job history cannot be read: %s", error)
        return None
    try:
        rows = connection.execute(
            "SELECT id, kind, label, state, who, created_at, started_at, ended_at, progress,"
            " items, error_category, error_message, pid FROM job WHERE pid IS NOT ? AND"
            " (created_at >= ? OR state IN (?, ?)) ORDER BY created_at DESC, rowid DESC"
            " LIMIT ?",
            (os.getpid(), _ms(since), str(JobState.QUEUED), str(JobState.RUNNING), limit),
        ).fetchall()
    except sqlite3.Error as error:  # locked past the timeout, an old store, a damaged one
        log.debug("the job history cannot be read: %s", error)
        return None
    finally:
        connection.close()
    jobs = []
    for row in rows:
        pid = row[12] if isinstance(row[12], int) else None
        created = _number(row[5])
        state = str(row[3])
        if state in (JobState.RUNNING, JobState.QUEUED) and not _alive(pid):
            if created is None or created < since:
                continue  # left by a process gone before this session began: old news
            state = "abandoned"
        started, ended = _number(row[6]), _number(row[7])
        jobs.append(
            RecordedJob(
                id=str(row[0]),
                kind=str(row[1]),
                label=str(row[2] or row[1]),
                state=state,
                who=str(row[4] or ""),
                created=created or 0.0,
                started=started,
                ended=ended,
                progress=min(1.0, max(0.0, row[8])) if _finite(row[8]) else 0.0,
                items=row[9] if isinstance(row[9], int) else 0,
                error_category=None if row[10] is None else str(row[10]),
                error_message=None if row[11] is None else str(row[11]),
                pid=pid,
            )
        )
    return jobs


_MAX_MS = 253402300800000  # 10000-01-01, in milliseconds


def _connect(database: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(database, timeout=30, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def _ms(seconds: float | None) -> int | None:
    return int(seconds * 1000) if seconds is not None else None


def _number(milliseconds: object) -> float | None:
    """Seconds from a stored time, or ``None`` when the column holds something else."""
    return milliseconds / 1000 if _finite(milliseconds) else None  # type: ignore[operator]


def _finite(value: object) -> bool:
    """A stored number that is one (a forged row may hold text, NaN, an infinity, or a
    time past the year 9999 that no clock can show)."""
    return isinstance(value, int | float) and math.isfinite(value) and 0 <= value < _MAX_MS


def _seconds(milliseconds: int | None) -> float | None:
    return milliseconds / 1000 if milliseconds is not None else None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
