"""The probe tests' stream server: a real process on a loopback port, stopped after the test."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent / "stream_server.py"


@pytest.fixture
def stream_server() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a fresh stream_server.py process."""
    process = subprocess.Popen([sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
