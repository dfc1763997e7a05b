"""HTTP API benchmarks (issue 16): health against a bare app, health during an import, guides.

Both servers are real processes on loopback ports, measured in turn in the same run: the
``scheduleflow serve`` service and a hello-world Starlette app on the same uvicorn, which
is the floor any endpoint on this framework and server can reach. The load comes from a
small keep-alive HTTP/1.1 client on asyncio streams (httpx costs more per request than the
servers do, and would hide the difference being measured).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.formats import xmltv_67k
from bench.generate import write_bench_xmltv
from bench.harness import DATA, ROOT, Row, Table

__all__ = ["run"]

_HELLO = """
import asyncio, socket, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def hello(request):
    return JSONResponse({"status": "healthy"})

app = Starlette(routes=[Route("/api/health", hello)])
# IPPROTO_TCP named, as the service's own listener has it: asyncio sets TCP_NODELAY only on
# connections whose socket says TCP, and without it every answer waits for a delayed ACK
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
listener.bind(("127.0.0.1", 0))
listener.listen(128)
print(listener.getsockname()[1], flush=True)
config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off",
                        server_header=False)
asyncio.run(uvicorn.Server(config).serve(sockets=[listener]))
"""


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, float]:
    """Send one request on a kept-alive connection; its status and seconds."""
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    if length:
        await reader.readexactly(length)
    return status, time.perf_counter() - started


def _request(path: str, headers: dict[str, str] | None = None) -> bytes:
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n{extra}\r\n".encode()


async def _hammer(port: int, request: bytes, count: int, connections: int) -> list[float]:
    """``count`` requests over ``connections`` kept-alive connections; each one's seconds."""
    latencies: list[float] = []
    share = count // connections

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in range(share):
                status, seconds = await _get(reader, writer, request)
                assert status == 200, status
                latencies.append(seconds)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies


def _p99(latencies: list[float]) -> float:
    return sorted(latencies)[max(0, int(len(latencies) * 0.99) - 1)]


def _throughput(port: int, count: int, connections: int = 4) -> tuple[float, float]:
    """Requests a second and p99 seconds of GET /api/health."""
    asyncio.run(_hammer(port, _request("/api/health"), connections * 20, connections))  # warm
    started = time.perf_counter()
    latencies = asyncio.run(_hammer(port, _request("/api/health"), count, connections))
    return len(latencies) / (time.perf_counter() - started), _p99(latencies)


def _wait(condition: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextmanager
def _hello() -> Iterator[int]:
    process = subprocess.Popen(
        [sys.executable, "-c", _HELLO], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def _service(home: Path) -> Iterator[int]:
    environment = {**os.environ, "SCHEDULEFLOW_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--port", "0"],
        cwd=ROOT,
        env=environment,
        stderr=subprocess.DEVNULL,
    )
    presence = home / "service.json"
    try:
        _wait(presence.exists, "the service to start")
        _wait(lambda: presence.stat().st_size > 0, "the service to start")
        address = json.loads(presence.read_text(encoding="utf-8"))["address"]
        yield int(address.rsplit(":", 1)[1])
    finally:
        process.terminate()
        process.wait(60)


def _key(home: Path) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "tui.cli", "keys", "add", "bench", "--role", "operator"],
        cwd=ROOT,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def _import(port: int, key: str, guide: Path) -> str:
    """POST the guide to the import endpoint; the job id."""
    import httpx

    with guide.open("rb") as body:
        answer = httpx.post(
            f"http://127.0.0.1:{port}/api/import-schedule",
            content=body.read(),
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
        )
    answer.raise_for_status()
    return str(answer.json()["job"])


def _state(port: int, key: str, job: str) -> str:
    import httpx

    answer = httpx.get(
        f"http://127.0.0.1:{port}/api/jobs/{job}", headers={"Authorization": f"Bearer {key}"}
    )
    return str(answer.json()["state"])


async def _health_during(port: int, key: str, job: str) -> list[float]:
    """A monitor's polls of health, back to back on one connection, while the job runs."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = _request("/api/health")
    latencies: list[float] = []
    try:
        while True:
            for _ in range(20):
                latencies.append((await _get(reader, writer, request))[1])
            state = await asyncio.to_thread(_state, port, key, job)
            if state not in ("queued", "running"):
                return latencies
    finally:
        writer.close()


def _guide_rows(table: Table, port: int, key: str, repeat: int) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}
    url = f"http://127.0.0.1:{port}/guide.xml"
    started = time.perf_counter()
    first = httpx.get(url, headers=headers, timeout=600)
    built = time.perf_counter() - started
    first.raise_for_status()
    etag = first.headers["etag"]
    programmes = first.text.count("<programme ")
    request = _request("/guide.xml", {"Authorization": f"Bearer {key}", "If-None-Match": etag})

    async def revalidate() -> list[float]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            found = []
            for _ in range(repeat):
                writer.write(request)
                await writer.drain()
                started = time.perf_counter()
                head = await reader.readuntil(b"\r\n\r\n")
                assert b" 304 " in head.split(b"\r\n", 1)[0], head
                found.append(time.perf_counter() - started)
            return found
        finally:
            writer.close()

    latencies = asyncio.run(revalidate())
    table.add(
        Row(
            f"GET /guide.xml of a {programmes:,}-programme store: first request (export + gzip)",
            f"{built:.2f} s",
            "—",
            "—",
            "—",
            None,
        )
    )
    table.add(
        Row(
            f"GET /guide.xml with its ETag: 304, median / p99 of {repeat}",
            f"{statistics.median(latencies) * 1000:.1f} ms",
            f"p99 {_p99(latencies) * 1000:.1f} ms",
            "—",
            "p99 < 50 ms",
            _p99(latencies) < 0.05,
        )
    )


def run(small: bool = False) -> list[Table]:
    """Run the service benchmarks (``small``: a quick check that the suite works)."""
    table = Table("HTTP API")
    print(table.title)
    count = 400 if small else 8000
    home = DATA / "service-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    # one client asks hundreds of times a minute here: the limit is what a deployment
    # configures, not what is measured
    (home / "config.toml").write_text(
        "[service]\nrate_limit_per_minute = 1000000\n", encoding="utf-8"
    )
    key = _key(home)
    if small:
        guide = DATA / "xmltv-10ch-3d.xml"
        if not guide.exists():
            write_bench_xmltv(guide, channels=10, days=3)
    else:
        guide = xmltv_67k()
    with _service(home) as ours, _hello() as hello:
        rates: dict[str, list[float]] = {"ours": [], "hello": []}
        p99s: dict[str, list[float]] = {"ours": [], "hello": []}
        for _ in range(1 if small else 3):  # in turn: both meet the same moments of the machine
            for name, port in (("ours", ours), ("hello", hello)):
                rate, p99 = _throughput(port, count)
                rates[name].append(rate)
                p99s[name].append(p99)
        best, floor = max(rates["ours"]), max(rates["hello"])
        table.add(
            Row(
                f"GET /api/health, {count:,} requests on 4 connections: requests/s",
                f"{best:,.0f}/s",
                f"hello world {floor:,.0f}/s",
                f"{floor / best:.2f}× slower",
                "within 2×",
                floor / best <= 2,
            )
        )
        ours_p99, hello_p99 = min(p99s["ours"]), min(p99s["hello"])
        table.add(
            Row(
                "GET /api/health p99 latency",
                f"{ours_p99 * 1000:.1f} ms",
                f"hello world {hello_p99 * 1000:.1f} ms",
                f"{ours_p99 / hello_p99:.2f}×",
                "within 2×",
                ours_p99 / hello_p99 <= 2,
            )
        )
        job = _import(ours, key, guide)
        latencies = asyncio.run(_health_during(ours, key, job))
        size = guide.stat().st_size / 1024 / 1024
        table.add(
            Row(
                f"GET /api/health p99 while a {size:.0f} MB import runs as a job "
                f"({len(latencies)} polls)",
                f"{_p99(latencies) * 1000:.1f} ms",
                f"max {max(latencies) * 1000:.1f} ms",
                "—",
                "< 50 ms",
                _p99(latencies) < 0.05,
            )
        )
        _guide_rows(table, ours, key, 50 if small else 500)
    shutil.rmtree(home, ignore_errors=True)
    return [table]
