"""Running the service: the socket, uvicorn, the presence file, and a clean stop.

The socket is bound here, before uvicorn starts, so a port in use is one line and exit 2
(uvicorn would log and exit 1). uvicorn handles SIGTERM and SIGINT: it stops accepting,
lets requests in flight finish (a few seconds at most), then the lifespan's end cancels
every queued and running job — their transactions roll back, as on a timeout — and waits
for their threads to let go of the store before the process exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from core.engine import Engine
from core.errors import FileProblem
from core.presence import ServicePresence, clear_presence, write_presence
from tui.service.app import build_app
from tui.service.state import Service

__all__ = ["serve"]

log = logging.getLogger("scheduleflow.service")

_PRESENCE_EVERY = 2.0
_ROLLBACK_WAIT = 30.0
"""Seconds a stop waits for cancelled jobs to roll back (they look every thousand items)."""


def _protocol(head_seconds: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, with a limit on the time a request's head may take to arrive.

    uvicorn waits for a head as long as its sender likes: a client sending a header line now
    and then (slow loris) holds a connection and its descriptor for ever, without a key, and
    enough of them stop the service accepting anyone. A connection with no request being
    answered whose head is not complete within ``head_seconds`` is closed. (A request's body
    is not timed: an upload may be slow, and it needs a key.)
    """

    class Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._head_timer = self.loop.call_later(head_seconds, self._head_too_slow)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._answering():
                self._stop_head_timer()
            elif self._head_timer is None and not self.transport.is_closing():
                # part of the next head on a kept-alive connection
                self._head_timer = self.loop.call_later(head_seconds, self._head_too_slow)

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_head_timer()
            super().connection_lost(exc)

        def _answering(self) -> bool:
            return self.cycle is not None and not self.cycle.response_complete

        def _stop_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if not self._answering() and not self.transport.is_closing():
                self.transport.close()

    return Protocol


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, or the one line that says why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise FileProblem(f"cannot listen on {host}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise FileProblem(
            f"cannot listen on {host}:{port} ({error.strerror})",
            hint="another service may use that port: choose one with --port",
        ) from None
    listener.setblocking(False)
    return listener


def _url(listener: socket.socket) -> str:
    host, port = listener.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def _stop_jobs(service: Service) -> None:
    """Cancel every job of this service and wait for their operations to let go."""
    queue = service.engine.queue
    for job in list(queue.jobs.values()):
        if not job.state.finished:
            queue.cancel(job.id)
            log.info("job %s cancelled: the service is stopping", job.id)
    deadline = time.monotonic() + _ROLLBACK_WAIT
    while time.monotonic() < deadline:
        if not service.operations_running:
            return
        await asyncio.sleep(0.05)
    log.warning("jobs still running after %.0f s; the service stops anyway", _ROLLBACK_WAIT)


def serve(engine: Engine, host: str, port: int, announce: Any = print) -> None:
    """Serve the API on ``host:port`` until SIGTERM or SIGINT."""
    listener = _bind(host, port)
    address = _url(listener)
    # An access line per request: what logging gathers and no line of ours shows (the
    # caller's file and line, thread and process names) is left out, as the logging HOWTO's
    # "Optimization" section describes: a tenth of the cost of answering health.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    # uvicorn's own records (a client cut off at a stop, with its traceback) go where ours
    # go, the log file: without a handler, logging's last resort prints them on the terminal
    web_server = logging.getLogger("uvicorn")
    web_server.handlers = list(logging.getLogger("scheduleflow").handlers)
    web_server.propagate = False
    service = Service(engine, engine.config.service, address)
    database = engine.database
    pid = os.getpid()

    async def keep_presence() -> None:
        while True:
            now = time.time()
            presence = ServicePresence(address, pid, service.requests_last_minute(now), now)
            try:
                write_presence(database, presence)
            except OSError as error:
                log.warning("the presence file cannot be written: %s", error)
            await asyncio.sleep(_PRESENCE_EVERY)

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        presence = asyncio.create_task(keep_presence())
        log.info("serving the HTTP API on %s (pid %d)", address, pid)
        announce(f"scheduleflow serve: listening on {address} (Ctrl-C or SIGTERM stops)")
        try:
            yield
        finally:
            presence.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await presence
            await _stop_jobs(service)
            clear_presence(database, pid)
            log.info("the HTTP API on %s stopped", address)

    cache = Path(tempfile.mkdtemp(prefix="scheduleflow-players-"))
    app = build_app(service, cache, lifespan)
    config = uvicorn.Config(
        app,
        http=_protocol(service.settings.request_head_seconds),
        log_config=None,
        access_log=False,  # ours has the request id and the key (tui.service.app.Front)
        proxy_headers=False,  # the peer's address is the client's: see the README
        lifespan="on",
        timeout_graceful_shutdown=5,
        server_header=False,
    )
    server = uvicorn.Server(config)
    # uvicorn raises the signal that stopped it again once it is done, with the handlers it
    # found: these note it, so a stop asked for is a clean exit (0), not a death by signal
    stopped_by: list[int] = []
    previous = {
        number: signal.signal(number, lambda sig, frame: stopped_by.append(sig))
        for number in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        asyncio.run(server.serve(sockets=[listener]))
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        listener.close()
        service.close()
        shutil.rmtree(cache, ignore_errors=True)
    if stopped_by:
        log.info("stopped by signal %d", stopped_by[0])
