"""Running many probes politely, on one event loop, until done or stopped.

A run hands out probes host by host, round robin: at most ``concurrency`` at once in all, at
most ``per_host`` at once on one host, and ``min_interval`` seconds between two starts on
one host. Hosts held back by their own limit or interval never block the others' turn (a
list of a thousand URLs on one CDN must not stall the rest). A probe that timed out or met
a 5xx is tried again after ``backoff`` seconds, doubling; other failures are answers.

The run looks at ``should_stop`` twenty times a second: once it says so, every probe still
running is cancelled (an ffprobe is killed) and the run returns with what was measured.
Every result goes to ``on_result`` as soon as it is known, so a stopped run keeps it.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import re
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from core.errors import RefusedLocator
from core.locators import is_local, spawnable_locator
from core.probe.addresses import GuardedResolver
from core.probe.headers import request_headers
from core.probe.http import probe_http
from core.probe.model import ProbeResult, ProbeSettings, ProbeTarget
from core.probe.spawned import probe_spawned

__all__ = ["RunSummary", "probe_all", "probe_one"]

log = logging.getLogger("scheduleflow.probe")

_SPAWNED = frozenset(("rtmp", "rtmps", "rtsp", "rtsps", "srt", "udp", "rtp"))
_STOP_POLL = 0.05
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass(frozen=True, slots=True)
class RunSummary:
    """How a run ended: how many probes finished, and whether it was stopped early."""

    done: int
    total: int
    stopped: bool


def _now_ms() -> int:
    return int(time.time() * 1000)


def _host(locator: str) -> str:
    """The politeness key: the URL's host and port (local files share one key)."""
    text = locator.partition("|")[0].strip()
    if is_local(text):
        return ""
    try:
        return urlsplit(text).netloc.lower()
    except ValueError:
        return ""


async def _attempt(
    target: ProbeTarget,
    settings: ProbeSettings,
    session: aiohttp.ClientSession,
    ffprobe: str | None,
) -> tuple[ProbeResult, bool]:
    """One try: the result and whether it may be tried again (timeout or 5xx)."""
    started = time.monotonic()
    locator = target.locator

    def result(
        ok: bool,
        reason: str,
        *,
        status: int | None = None,
        media_type: str | None = None,
        duration: float | None = None,
        latency: float | None = None,
    ) -> ProbeResult:
        """The attempt's result; its latency is to the first media bytes when known."""
        elapsed = latency if latency is not None else time.monotonic() - started
        return ProbeResult(
            locator,
            target.fingerprint,
            ok,
            reason,
            _now_ms(),
            status,
            round(elapsed * 1000),
            media_type,
            duration,
        )

    try:  # the project's one gate: no control character, no option, a known scheme
        spawnable_locator(locator)
    except RefusedLocator as refused:
        return result(False, f"refused: {refused}"), False
    match = _SCHEME.match(locator)
    scheme = match.group(1).lower() if match is not None else ""
    if scheme in ("http", "https"):
        asked = request_headers(locator, target.tags)
        if asked.problem is not None:
            return result(False, f"refused: {asked.problem}"), False
        try:
            async with asyncio.timeout(settings.timeout):
                found = await probe_http(
                    session,
                    asked.url,
                    asked.headers,
                    max_redirects=settings.max_redirects,
                    media_bytes=settings.media_bytes,
                )
        except TimeoutError:
            return result(False, f"no media bytes within {settings.timeout:g} s"), True
        latency = found.first_byte - started if found.first_byte is not None else None
        return (
            result(
                found.ok,
                found.reason,
                status=found.status,
                media_type=found.media_type,
                duration=found.duration,
                latency=latency,
            ),
            found.retry,
        )
    if scheme in _SPAWNED or scheme == "file" or not scheme:
        spawned = await probe_spawned(
            ffprobe,
            locator,
            timeout=settings.timeout,
            expected=target.expected if not scheme or scheme == "file" else None,
            tolerance=settings.duration_tolerance,
        )
        return (
            result(
                spawned.ok,
                spawned.reason,
                media_type=spawned.media_type,
                duration=spawned.duration,
            ),
            spawned.timed_out,
        )
    return result(False, f"'{scheme}' locators cannot be probed"), False


async def probe_one(
    target: ProbeTarget,
    settings: ProbeSettings,
    session: aiohttp.ClientSession,
    ffprobe: str | None = None,
) -> ProbeResult:
    """Probe ``target``, trying again after a timeout or a 5xx (``settings.retries`` times)."""
    delay = settings.backoff
    attempt = 1
    while True:
        found, again = await _attempt(target, settings, session, ffprobe)
        if not again or attempt > settings.retries:
            if attempt == 1:
                return found
            return ProbeResult(
                found.locator,
                found.fingerprint,
                found.ok,
                found.reason,
                found.checked_at,
                found.status,
                found.latency_ms,
                found.media_type,
                found.duration,
                attempt,
            )
        await asyncio.sleep(delay)
        delay *= 2
        attempt += 1


class _Scheduler:
    """Which host's probe starts next (see the module's docstring)."""

    def __init__(self, targets: Iterable[ProbeTarget], settings: ProbeSettings) -> None:
        self.settings = settings
        self.pending: dict[str, deque[ProbeTarget]] = {}
        for target in targets:
            self.pending.setdefault(_host(target.locator), deque()).append(target)
        self.total = sum(len(queue) for queue in self.pending.values())
        self.eligible: deque[str] = deque(self.pending)
        self.scheduled = set(self.pending)  # in ``eligible`` or ``later``
        self.later: list[tuple[float, str]] = []
        self.active: dict[str, int] = {}
        self.next_start: dict[str, float] = {}

    def take(self, now: float) -> tuple[str, ProbeTarget] | None:
        """The next probe to start now, or ``None`` when every host must wait."""
        while self.later and self.later[0][0] <= now:
            self.eligible.append(heapq.heappop(self.later)[1])
        if not self.eligible:
            return None
        host = self.eligible.popleft()
        self.scheduled.discard(host)
        queue = self.pending[host]
        target = queue.popleft()
        self.active[host] = self.active.get(host, 0) + 1
        # local files (host "") are not a server to be polite to
        self.next_start[host] = now + (self.settings.min_interval if host else 0.0)
        self._place(host, now)
        return host, target

    def finished(self, host: str, now: float) -> None:
        """A probe of ``host`` ended: the host may take another turn."""
        self.active[host] -= 1
        self._place(host, now)

    def _place(self, host: str, now: float) -> None:
        if host in self.scheduled or not self.pending[host]:
            return
        if host and self.active.get(host, 0) >= self.settings.per_host:
            return  # placed again when one of its probes ends
        self.scheduled.add(host)
        when = self.next_start.get(host, 0.0)
        if when > now:
            heapq.heappush(self.later, (when, host))
        else:
            self.eligible.append(host)

    def wait_hint(self, now: float) -> float | None:
        """Seconds until a host held back by its interval may start, if any is."""
        return max(0.0, self.later[0][0] - now) if self.later else None


def _outcome(task: asyncio.Task[ProbeResult], target: ProbeTarget) -> ProbeResult:
    """The task's result; a failure no probe foresaw is this locator's failure (its
    traceback in the log), never the end of the run."""
    error = task.exception()
    if error is None:
        return task.result()
    log.error("probing a locator failed unexpectedly", exc_info=error)
    reason = f"the probe failed unexpectedly ({type(error).__name__}); details in the log"
    return ProbeResult(target.locator, target.fingerprint, False, reason, _now_ms())


async def probe_all(
    targets: Iterable[ProbeTarget],
    settings: ProbeSettings,
    *,
    on_result: Callable[[ProbeResult], None],
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Probe every target politely; each result goes to ``on_result`` as it is known."""
    scheduler = _Scheduler(targets, settings)
    total = scheduler.total
    ffprobe = settings.ffprobe or shutil.which("ffprobe")
    loop = asyncio.get_running_loop()
    running: dict[asyncio.Task[ProbeResult], str] = {}
    targets_of: dict[asyncio.Task[ProbeResult], ProbeTarget] = {}
    done = 0
    wake: asyncio.Future[None] = loop.create_future()

    def rouse(_: object = None) -> None:
        if not wake.done():
            wake.set_result(None)

    # each lookup in the task of the probe that asked, through the resolver that keeps it
    # from addresses more private than its list's locator (core/probe/addresses.py)
    connector = aiohttp.TCPConnector(
        limit=0, use_dns_cache=False, resolver=GuardedResolver(), enable_cleanup_closed=True
    )
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, auto_decompress=False
    ) as session:
        try:
            while True:
                if should_stop():
                    return RunSummary(done, total, True)
                now = time.monotonic()
                while len(running) < settings.concurrency:
                    taken = scheduler.take(now)
                    if taken is None:
                        break
                    host, target = taken
                    task = loop.create_task(probe_one(target, settings, session, ffprobe))
                    task.add_done_callback(rouse)
                    running[task] = host
                    targets_of[task] = target
                if not running and scheduler.wait_hint(now) is None:
                    return RunSummary(done, total, False)
                hint = scheduler.wait_hint(now)
                timer = loop.call_later(min(_STOP_POLL, hint or _STOP_POLL), rouse)
                await wake
                timer.cancel()
                wake = loop.create_future()
                now = time.monotonic()
                for task in [task for task in running if task.done()]:
                    scheduler.finished(running.pop(task), now)
                    on_result(_outcome(task, targets_of.pop(task)))
                    done += 1
                if progress is not None:
                    progress(done, total)
        finally:
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)
