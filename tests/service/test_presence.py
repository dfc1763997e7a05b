"""The presence file: read as hostile, believed only while its process lives and it is fresh."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.presence import ServicePresence, clear_presence, read_presence, write_presence


def test_a_fresh_file_of_a_live_process_is_a_service(tmp_path: Path) -> None:
    database = tmp_path / "scheduleflow.db"
    write_presence(database, ServicePresence("http://127.0.0.1:1", os.getpid(), 3, time.time()))
    found = read_presence(database)
    assert found is not None and found.requests_last_minute == 3
    clear_presence(database, os.getpid())
    assert read_presence(database) is None


def test_a_dead_process_is_no_service(tmp_path: Path) -> None:
    database = tmp_path / "scheduleflow.db"
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    write_presence(database, ServicePresence("http://x", int(gone.stdout), 0, time.time()))
    assert read_presence(database) is None


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        json.dumps({"address": 1, "pid": 1, "requests_last_minute": 0, "updated": 0}),
        json.dumps({"address": "x", "pid": -5, "requests_last_minute": 0, "updated": time.time()}),
        json.dumps({"address": "x", "pid": "1", "requests_last_minute": 0, "updated": 0}),
        # nested past the JSON decoder's recursion: RecursionError, not ValueError (a group
        # member's file in a shared store must not stop a colleague's TUI)
        "[" * 2000 + "]" * 2000,
    ],
)
def test_a_malformed_file_is_no_service(tmp_path: Path, content: str) -> None:
    (tmp_path / "service.json").write_text(content, encoding="utf-8")
    assert read_presence(tmp_path / "scheduleflow.db") is None
