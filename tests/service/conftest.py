"""A real ``scheduleflow serve`` process on a free loopback port, and keys for it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, run_cli

ROLES = ("viewer", "operator", "admin")


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    """Poll ``condition`` until it is true (its value), failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@dataclass
class Server:
    """One running service: its process, its address, its data directory and keys."""

    process: subprocess.Popen[str]
    home: Path
    url: str = ""
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, role: str | None = None, **options: object) -> httpx.Client:
        """An httpx client for the service, with the key of ``role`` (none: no key)."""
        headers = {"Authorization": f"Bearer {self.keys[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **options)  # type: ignore[arg-type]

    def log(self) -> str:
        """The service's log file as written so far."""
        return (self.home / "logs" / "scheduleflow.log").read_text(encoding="utf-8")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        """Send ``sig`` and wait for the process to exit; its status."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout)


def _address(home: Path) -> str | None:
    try:
        data = json.loads((home / "service.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    address = data.get("address")
    return address if isinstance(address, str) else None


def start_server(home: Path, *extra: str, env: dict[str, str] | None = None) -> Server:
    """Start ``scheduleflow serve --port 0`` and wait until its health answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--port", "0", *extra],
        cwd=ROOT,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(home), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = Server(process, home)

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}: {process.stderr.read()}")  # type: ignore[union-attr]
        address = _address(home)
        if address is None:
            return False
        try:
            # 401: health needs a key there ([service] health_needs_key); it answers all the same
            return httpx.get(f"{address}/api/health", timeout=5).status_code in (200, 401, 503)
        except httpx.TransportError:
            return False

    wait_until(ready, "the service's health to answer")
    server.url = _address(home) or ""
    return server


def make_keys(home: Path) -> dict[str, str]:
    """One key per role, made with ``scheduleflow keys add``."""
    keys = {}
    for role in ROLES:
        made = run_cli("keys", "add", f"{role}-key", "--role", role, home=home)
        assert made.returncode == 0, made.stderr
        keys[role] = made.stdout.strip()
    return keys


@pytest.fixture
def server(sf_home: Path) -> Iterator[Server]:
    """A running service with a key per role, stopped (SIGTERM) after the test."""
    keys = make_keys(sf_home)
    # tests poll job states quickly: the rate limit has its own test (test_limits.py)
    running = start_server(sf_home, env={"SCHEDULEFLOW_SERVICE__RATE_LIMIT_PER_MINUTE": "100000"})
    running.keys = keys
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()
        if running.process.stderr is not None:
            running.process.stderr.close()
