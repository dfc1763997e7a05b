"""What the service keeps while it runs: the engine, keys, the rate limit, request counts.

One :class:`~core.engine.Engine` serves every request: the same session, job queue, history
and health as the CLI and the TUI. A request's caller is its API key — the key's role goes
through the core's role rule (:func:`core.roles.require`) and the service's own OS user's
role still applies on top (a key never lifts the service above its user).
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from core.apikeys import ApiKey, find_key, mark_used, needs_marking
from core.config import ServiceSettings
from core.engine import Engine
from core.health import Health
from core.identity import Actor
from core.jobs import Job
from core.roles import Role, require
from tui.service.errors import ApiError

__all__ = ["Caller", "Service"]

log = logging.getLogger("scheduleflow.service")

_HEALTH_FOR = 0.5
"""Seconds one health answer is reused: a monitor's poll reads the job history at most twice
a second, however many monitors poll (the numbers move in seconds, not microseconds)."""


@dataclass(frozen=True)
class Caller:
    """Who is asking: the key (if any), its role, and the actor the audit records."""

    key: ApiKey | None
    role: Role
    actor: Actor

    @property
    def who(self) -> str:
        """The job history's and the access log's name for the caller."""
        return self.actor.user


def client_address(request: Request) -> str:
    """The peer's IP address, as the socket gives it (no proxy header is believed: see the
    README)."""
    client = request.client
    return client.host if client is not None else "unknown"


class Service:
    """The running service's state (one per process)."""

    def __init__(self, engine: Engine, settings: ServiceSettings, address: str) -> None:
        self.engine = engine
        self.settings = settings
        self.address = address
        self.upload_limit = max(1, int(settings.max_upload_mb * 1024 * 1024))
        # keys are looked up on the loop, on a connection of their own (reads never wait in
        # WAL mode); "last used" is written on another, off the loop: that write may wait
        # behind an import's lock, and must not hold up a lookup meanwhile
        self._keys = sqlite3.connect(engine.database, check_same_thread=False)
        self._uses = sqlite3.connect(engine.database, check_same_thread=False)
        self._uses.execute("PRAGMA busy_timeout=30000")
        self._uses_lock = threading.Lock()
        self._marking: set[str] = set()  # keys whose "last used" is being written
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._limit = RateLimitItemPerMinute(settings.rate_limit_per_minute)
        self._requests: collections.deque[float] = collections.deque()
        self._health: tuple[float, Health, bytes] | None = None
        self.operations_running: set[str] = set()
        """Jobs whose operations are in their threads now (a stop waits for their rollback);
        a job cancelled before it started never enters."""
        self._when_finished: dict[str, Callable[[], None]] = {}
        engine.queue.subscribe(self._job_changed)

    def close(self) -> None:
        """Close the key connections (the engine is closed by its owner)."""
        self._keys.close()
        with self._uses_lock:
            self._uses.close()

    # -- requests ---------------------------------------------------------------------------
    def counted(self, now: float) -> None:
        """Count one request (the TUI header shows those of the last minute)."""
        self._requests.append(now)

    def requests_last_minute(self, now: float) -> int:
        """Requests answered in the last 60 seconds."""
        while self._requests and self._requests[0] < now - 60:
            self._requests.popleft()
        return len(self._requests)

    def rate_limited(self, client: str) -> int | None:
        """``None`` when ``client`` may make another request; else the seconds until it may."""
        if self._limiter.hit(self._limit, client):
            return None
        reset, _ = self._limiter.get_window_stats(self._limit, client)
        return max(1, math.ceil(reset - time.time()))

    # -- callers ----------------------------------------------------------------------------
    def caller(
        self,
        request: Request,
        operation: str,
        *,
        key_needed: bool = True,
        key_in_query: bool = False,
    ) -> Caller:
        """The request's caller, allowed ``operation``: 401 without a valid key, 403 when the
        key's role (or the service user's) does not allow it. ``key_in_query``: the key may
        come as ``?key=`` (players' URLs, which cannot carry a header)."""
        address = client_address(request)
        request_id = request.state.request_id
        header = request.headers.get("authorization", "")
        if not header and key_in_query and request.query_params.get("key"):
            header = f"Bearer {request.query_params['key']}"
        scheme, _, token = header.partition(" ")
        key: ApiKey | None = None
        if scheme.lower() == "bearer" and token.strip():
            key = find_key(self._keys, token.strip())
        if key is None:
            if key_needed or header:
                raise ApiError(
                    401,
                    "authentication",
                    "a valid API key is needed: Authorization: Bearer KEY "
                    "(scheduleflow keys add NAME --role R makes one)",
                    {"WWW-Authenticate": 'Bearer realm="scheduleflow"'},
                )
            return Caller(None, Role.VIEWER, Actor("anonymous", address, request_id=request_id))
        request.state.key_name = key.name
        self._remember_use(key)
        require(key.role, operation)
        require(self.engine.role, operation)
        return Caller(key, key.role, Actor(f"key:{key.name}", address, request_id=request_id))

    def _remember_use(self, key: ApiKey) -> None:
        if key.name in self._marking or not needs_marking(key, time.time()):
            return
        self._marking.add(key.name)

        def write() -> None:
            try:
                with self._uses_lock:
                    mark_used(self._uses, key)
            except sqlite3.Error as error:  # the store busy for long: next minute, again
                log.warning("the last use of key %s was not recorded: %s", key.name, error)
            finally:
                self._marking.discard(key.name)

        asyncio.get_running_loop().run_in_executor(None, write)

    # -- health -----------------------------------------------------------------------------
    def health(self) -> Health:
        """Health now (reused for half a second); the store's check is the one made at start."""
        return self._measured()[0]

    def health_document(self) -> tuple[Health, bytes]:
        """Health and its JSON document, as ``/api/health`` answers it."""
        return self._measured()

    def _measured(self) -> tuple[Health, bytes]:
        now = time.monotonic()
        if self._health is None or now - self._health[0] > _HEALTH_FOR:
            health = self.engine.health(check_store=False)
            self._health = (now, health, json.dumps(health.to_json()).encode())
        return self._health[1], self._health[2]

    # -- jobs -------------------------------------------------------------------------------
    def submit(
        self,
        caller: Caller,
        kind: str,
        operation: Any,
        *,
        label: str,
        permission: str | None = None,
        when_finished: Callable[[], None] | None = None,
    ) -> Job:
        """Run ``operation`` as a job for ``caller``; its label carries the request id.
        ``when_finished`` runs on the loop once the job is over, however it ended (run,
        failed, timed out, or cancelled before it started)."""

        def run(store: Any, context: Any) -> Any:
            self.operations_running.add(context.job.id)
            try:
                return operation(store, context)
            finally:
                self.operations_running.discard(context.job.id)

        request_id = caller.actor.request_id
        job = self.engine.submit(
            kind,
            run,
            label=f"{label} (request {request_id})" if request_id else label,
            permission=permission,
            role=caller.role,
            who=caller.who,
        )
        if when_finished is not None:
            if job.state.finished:
                when_finished()
            else:
                self._when_finished[job.id] = when_finished
        return job

    def _job_changed(self, job: Job) -> None:
        """A job's state changed (on the loop): once it is over, whatever its end, its
        ``when_finished`` runs — a job cancelled while queued never runs its operation."""
        if job.state.finished:
            done = self._when_finished.pop(job.id, None)
            if done is not None:
                done()

    async def finish(self, job: Job) -> Job:
        """Wait for ``job``; forget its thread's marker once it is over."""
        await self.engine.queue.wait(job)
        return job
