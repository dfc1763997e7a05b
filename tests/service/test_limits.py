"""Rate limits (429 + Retry-After) and the upload limit (413, nothing read past it)."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.service.conftest import make_keys, start_server, wait_until

MB = 1024 * 1024


def _programmes(home: Path) -> int:
    with sqlite3.connect(home / "scheduleflow.db") as connection:
        return int(connection.execute("SELECT count(*) FROM programme").fetchone()[0])


def test_110_requests_in_a_minute_get_at_least_10_429s_with_retry_after(sf_home: Path) -> None:
    keys = make_keys(sf_home)
    server = start_server(sf_home)  # the default limit: 100 a minute per client
    try:
        with server.client() as client:
            client.headers["Authorization"] = f"Bearer {keys['viewer']}"
            answers = [client.get("/api/queue-stats") for _ in range(110)]
            health = [client.get("/api/health").status_code for _ in range(5)]
    finally:
        server.stop()
    limited = [answer for answer in answers if answer.status_code == 429]
    assert len(limited) >= 10
    assert all(1 <= int(answer.headers["retry-after"]) <= 60 for answer in limited)
    assert limited[0].json()["error"]["category"] == "rate limit"
    assert health == [200] * 5  # monitoring is exempt by default


def test_health_counts_when_it_is_not_exempt(sf_home: Path) -> None:
    env = {
        "SCHEDULEFLOW_SERVICE__HEALTH_EXEMPT": "false",
        "SCHEDULEFLOW_SERVICE__RATE_LIMIT_PER_MINUTE": "5",
    }
    server = start_server(sf_home, env=env)  # its readiness poll used one or more
    try:
        with server.client() as client:
            statuses = [client.get("/api/health").status_code for _ in range(6)]
    finally:
        server.stop()
    assert statuses[-1] == 429


def _whole_answer(raw: socket.socket) -> str:
    """One HTTP answer read off a socket: its head, then as many bytes as it declares."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += raw.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(
            line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
        ).split(b":")[1]
    )
    while len(body) < length:
        body += raw.recv(65536)
    return (head + b"\r\n\r\n" + body).decode()


def _sixty_megabytes() -> Iterator[bytes]:
    chunk = b"<!-- " + b"x" * (MB - 10) + b" -->\n"
    for _ in range(60):
        yield chunk


def test_a_60_mb_upload_gets_413_and_the_store_is_unchanged(sf_home: Path) -> None:
    keys = make_keys(sf_home)
    server = start_server(sf_home)
    try:
        before = _programmes(sf_home)
        headers = {"Authorization": f"Bearer {keys['operator']}"}
        # declared: refused before a byte of the body is read (none is ever sent here)
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            raw.sendall(
                b"POST /api/import-schedule HTTP/1.1\r\nHost: x\r\n"
                + f"Authorization: {headers['Authorization']}\r\n".encode()
                + f"Content-Length: {60 * MB}\r\n\r\n".encode()
            )
            answer = _whole_answer(raw)
        assert answer.startswith("HTTP/1.1 413 "), answer
        assert '"category": "file"' in answer
        # chunked: counted as it arrives, refused at the limit
        with httpx.Client(timeout=60) as client:
            chunked = client.post(
                f"{server.url}/api/import-schedule", headers=headers, content=_sixty_megabytes()
            )
        assert chunked.status_code == 413, chunked.text
        assert "50 MB" in chunked.json()["error"]["message"]
        jobs = httpx.get(f"{server.url}/api/jobs", headers=headers).json()
    finally:
        server.stop()
    assert jobs == []  # no import was started
    assert _programmes(sf_home) == before


def _closed_by_the_server(connection: socket.socket) -> bool:
    """Whether the server has closed ``connection`` (waits a moment for a sign of it)."""
    connection.settimeout(0.2)
    try:
        return connection.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_a_request_head_that_never_ends_is_cut_off(sf_home: Path) -> None:
    """Slow loris: a client without a key sending a header line now and then held its
    connection (and a descriptor) for ever; enough of them and nobody else gets in."""
    server = start_server(sf_home, env={"SCHEDULEFLOW_SERVICE__REQUEST_HEAD_SECONDS": "1"})
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    try:
        with (
            socket.create_connection((host, int(port))) as slow,
            socket.create_connection((host, int(port))) as kept,
        ):
            slow.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
            # a kept-alive connection's next head is held to the same limit
            kept.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            kept.settimeout(10)
            assert kept.recv(1024).startswith(b"HTTP/1.1 200")
            kept.sendall(b"GET /api/health HTTP/1.1\r\n")
            wait_until(lambda: _closed_by_the_server(slow), "the slow head to be cut off", 10)
            wait_until(lambda: _closed_by_the_server(kept), "the next slow head too", 10)
        with server.client() as client:
            assert client.get("/api/health").status_code == 200
    finally:
        server.stop()
