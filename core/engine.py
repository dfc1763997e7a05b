"""One ScheduleFlow session: who is working, with which role, on which store, running jobs.

The command line and the TUI both go through an :class:`Engine`: it resolves the role from
the config beside the store (:mod:`core.access`), opens the store (integrity-checked once),
keeps the job queue and its history, and measures health. Each job opens its own store
connection, so jobs never share a transaction with each other or with the TUI's reads.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from core.access import store_roles
from core.config import Config, load_config
from core.diskspace import free_bytes
from core.errors import Cancelled, OperationTimeout
from core.health import Health, measure_health
from core.history import JobHistory
from core.identity import Actor, current_actor
from core.jobs import Job, JobContext, JobQueue, JobState
from core.paths import database_path, log_folder, resolve_links
from core.roles import Role, may, require, role_for
from core.store import Store
from core.store.integrity import is_corruption

__all__ = ["Engine", "StoreOperation", "outcome"]

T = TypeVar("T")
StoreOperation = Callable[[Store, JobContext], Any]
"""A job's work: given its own store connection and the job's context."""


class Engine:
    """The services of one session."""

    def __init__(
        self,
        home: Path,
        database: Path | None = None,
        *,
        read_only: bool = False,
        config: Config | None = None,
        actor: Actor | None = None,
        check: bool = True,
    ) -> None:
        self.home = home
        self.database = resolve_links(database) if database else database_path(home)
        roles = store_roles(self.database)
        # the caller's own file and environment never decide roles: the store's config does
        self.config = dataclasses.replace(config or load_config(home), roles=roles.settings)
        self.actor = actor or current_actor()
        self.role = role_for(
            roles.settings, self.actor, owner_uid=roles.owner_uid, read_only=read_only
        )
        self.started_at = time.time()
        self.store_state: str | None = "ok" if check else None
        self.store = self.open_store(check=check)  # creates, migrates and checks the database
        self.history = JobHistory(self.database, keep=self.config.jobs.history)
        self.queue = JobQueue(
            max_active=self.config.jobs.max_active,
            timeouts=self.config.jobs.timeouts,
            who=str(self.actor),
            record=self.history.record,
        )

    def open_store(self, *, check: bool = False) -> Store:
        """A store connection working with this session's role."""
        store = Store.open(
            self.database, log_folder=log_folder(self.home), check=check, role=self.role
        )
        store.database.backups_kept = self.config.backups_kept
        return store

    def close(self) -> None:
        """Close the session's connections (running job threads keep their own)."""
        self.history.close()  # first: the store's close remembers the file as it is left
        self.store.close()

    def may(self, operation: str) -> bool:
        """Whether this session's role allows ``operation`` (the TUI hides what it may not)."""
        return may(self.role, operation)

    def submit(
        self,
        kind: str,
        operation: StoreOperation,
        *,
        label: str = "",
        permission: str | None = None,
        timeout: float | None = None,
        role: Role | None = None,
        who: str | None = None,
    ) -> Job:
        """Queue ``operation`` as a job of ``kind`` (refused at once if the role forbids it).

        ``role`` and ``who``: an API key's, for ``scheduleflow serve`` — the key's role must
        allow the operation as well as the session's own (a key never lifts the service's
        OS user above its role).
        """
        if role is not None:
            require(role, permission or kind)
        require(self.role, permission or kind)

        def run(context: JobContext) -> Any:
            with self.open_store() as store:
                try:
                    return operation(store, context)
                except sqlite3.DatabaseError as error:
                    # a read that meets damage: the file is marked, copied aside once, and
                    # no write (this job's, another's, the job history's) reaches it
                    if is_corruption(error):
                        raise store.database.corruption(error) from None
                    raise

        return self.queue.submit(kind, run, label=label or kind, timeout=timeout, who=who)

    def run(
        self,
        kind: str,
        operation: StoreOperation,
        *,
        label: str = "",
        permission: str | None = None,
    ) -> Job:
        """Run one job to its end on a fresh event loop (the command line's way)."""

        async def main() -> Job:
            job = self.submit(kind, operation, label=label, permission=permission)
            return await self.queue.wait(job)

        return asyncio.run(main())

    def health(self, *, check_store: bool = True) -> Health:
        """Health now: job history of every process, this queue, and the store's check.

        ``check_store=False`` reuses the last check's answer and reads the job history as
        written so far (the TUI refreshes its header every few seconds, and must not wait
        for a big store's check, nor for job records queued behind an import's write lock).
        """
        if check_store or self.store_state is None:
            self.history.flush()
            self.store_state = self.store.database.quick_check()
        return measure_health(
            self.history,
            store_check=self.store_state,
            queue=self.queue,
            started_at=self.started_at,
            failure_threshold=self.config.jobs.degraded_after_failures,
            free_bytes=free_bytes(self.database),
            min_free_mb=self.config.jobs.degraded_below_free_mb,
        )


def outcome(job: Job) -> Any:
    """The job's result, or its error raised again (for callers that wait on one job)."""
    if job.state is JobState.SUCCEEDED:
        return job.result
    if job.error is not None:
        raise job.error
    message = job.error_message or str(job.state)
    if job.state is JobState.TIMED_OUT:
        raise OperationTimeout(message)
    raise Cancelled(message)
