"""Whether an HTTP service (``scheduleflow serve``) works on a store: its presence file.

The service writes ``service.json`` beside the database every few seconds (its address, its
process id, the requests of the last minute) and removes it when it stops; the TUI's header
reads it. A file left by a killed service is recognised by its process being gone, or by
being older than :data:`STALE_SECONDS`. The file is read as hostile like any other: a
value of the wrong type means no service, and the address is shown escaped by the reader.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from core.safefiles import RefusedFile, read_text, replace_text

__all__ = ["PRESENCE_NAME", "ServicePresence", "clear_presence", "read_presence", "write_presence"]

PRESENCE_NAME = "service.json"
STALE_SECONDS = 30.0
"""The service rewrites the file every two seconds; one this old belongs to a stopped one."""


@dataclass(frozen=True)
class ServicePresence:
    """A running service: where it listens and how busy it is."""

    address: str
    pid: int
    requests_last_minute: int
    updated: float

    def describe(self) -> str:
        """``API http://127.0.0.1:8470 · 12 req/min``: the TUI header's words."""
        return f"API {self.address} · {self.requests_last_minute} req/min"


def presence_path(database: Path) -> Path:
    """``service.json`` beside the database."""
    return database.parent / PRESENCE_NAME


def write_presence(database: Path, presence: ServicePresence) -> None:
    """Replace the presence file (a link or a FIFO at its name is not written through)."""
    text = json.dumps(
        {
            "address": presence.address,
            "pid": presence.pid,
            "requests_last_minute": presence.requests_last_minute,
            "updated": presence.updated,
        }
    )
    replace_text(presence_path(database), text)


def clear_presence(database: Path, pid: int) -> None:
    """Remove the presence file if it is this process's (another service may have taken over)."""
    found = read_presence(database, check_alive=False)
    if found is not None and found.pid == pid:
        with contextlib.suppress(OSError):
            presence_path(database).unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's service
    return True


def read_presence(
    database: Path, *, now: float | None = None, check_alive: bool = True
) -> ServicePresence | None:
    """The service working on the store at ``database``, or ``None`` when there is none."""
    try:
        data = json.loads(read_text(presence_path(database), 4096))
    except (OSError, RefusedFile, ValueError, RecursionError):  # "[[[…" recurses per level
        return None
    if not isinstance(data, dict):
        return None
    address, pid = data.get("address"), data.get("pid")
    count, updated = data.get("requests_last_minute"), data.get("updated")
    if not (
        isinstance(address, str)
        and isinstance(pid, int)
        and isinstance(count, int)
        and isinstance(updated, int | float)
        and 0 < pid < 2**31
    ):
        return None
    if check_alive:
        now = time.time() if now is None else now
        if now - updated > STALE_SECONDS or not _alive(pid):
            return None
    return ServicePresence(address[:200], pid, max(0, count), float(updated))
