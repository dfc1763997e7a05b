"""API keys of the HTTP API (``scheduleflow serve``): a name, a role, when made and last used.

A key is shown once, when it is made, and stored only as its SHA-256: 32 random bytes need
no slow password hash (nothing to guess), and a lookup by hash is one index probe per
request. Making and revoking a key are admin operations (:mod:`core.roles`), audited like
every change; the key's role then goes through the same role rule as an OS user's.

Each request's "last used" is remembered at most once a minute per key: a monitor polling
health every second must not turn every request into a write.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.audit import AuditRecord
from core.errors import InputError
from core.identity import Actor
from core.roles import Role
from core.store import Store

__all__ = [
    "KEY_PREFIX",
    "ApiKey",
    "add_key",
    "find_key",
    "key_hash",
    "list_keys",
    "mark_used",
    "needs_marking",
    "revoke_key",
]

KEY_PREFIX = "sf_"
"""Every key starts so: a secret scanner (or a reader of a leaked script) can tell it is one."""

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_USED_EVERY_MS = 60_000


@dataclass(frozen=True)
class ApiKey:
    """One key as ``keys list`` shows it: never the key itself."""

    name: str
    role: Role
    created: datetime
    created_by: str
    last_used: datetime | None

    def to_json(self) -> dict[str, Any]:
        """The ``keys list --json`` shape of one key."""
        return {
            "name": self.name,
            "role": str(self.role),
            "created": self.created.isoformat(timespec="seconds"),
            "created_by": self.created_by,
            "last_used": self.last_used.isoformat(timespec="seconds") if self.last_used else None,
        }


def key_hash(key: str) -> str:
    """What the store keeps of a key."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InputError(
            f"'{name[:80]}' is not a key name",
            hint="use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return name


def _instant(milliseconds: int | None) -> datetime | None:
    return datetime.fromtimestamp(milliseconds / 1000, UTC) if milliseconds is not None else None


_COLUMNS = "name, role, created_at, created_by, last_used_at"


def _key(row: tuple[Any, ...]) -> ApiKey:
    return ApiKey(
        row[0],
        Role[row[1].upper()],
        datetime.fromtimestamp(row[2] / 1000, UTC),
        row[3],
        _instant(row[4]),
    )


def add_key(store: Store, name: str, role: Role, *, actor: Actor) -> str:
    """Make a key named ``name`` with ``role``; returns the key (the only time it is seen)."""
    store.require("keys")
    _check_name(name)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = AuditRecord.by(actor, "keys add", f"made API key '{name}' ({role})")
    with store.database.write() as connection:
        try:
            connection.execute(
                "INSERT INTO api_key (name, role, key_hash, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, str(role), key_hash(key), int(time.time() * 1000), actor.user),
            )
        except sqlite3.IntegrityError:
            raise InputError(
                f"there is already a key named '{name}'",
                hint=f"revoke it first (scheduleflow keys revoke {name}) or choose another name",
            ) from None
        store.record(connection, record)
    store.publish(record)
    return key


def revoke_key(store: Store, name: str, *, actor: Actor) -> None:
    """Remove the key named ``name``: requests with it get 401 from then on."""
    store.require("keys")
    record = AuditRecord.by(actor, "keys revoke", f"revoked API key '{name}'")
    with store.database.write() as connection:
        gone = connection.execute("DELETE FROM api_key WHERE name = ?", (name,)).rowcount
        if not gone:
            raise InputError(
                f"there is no key named '{name[:80]}'", hint="scheduleflow keys list shows them"
            )
        store.record(connection, record)
    store.publish(record)


def list_keys(store: Store) -> list[ApiKey]:
    """Every key, by name (without the keys: only their hashes are stored)."""
    store.require("keys")
    rows = store.connection.execute(f"SELECT {_COLUMNS} FROM api_key ORDER BY name").fetchall()
    return [_key(row) for row in rows]


def find_key(connection: sqlite3.Connection, key: str) -> ApiKey | None:
    """The key a request presented, or ``None`` when no such key exists (or it was revoked)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    row = connection.execute(
        f"SELECT {_COLUMNS} FROM api_key WHERE key_hash = ?", (key_hash(key),)
    ).fetchone()
    return None if row is None else _key(row)


def needs_marking(key: ApiKey, now: float) -> bool:
    """Whether ``key``'s last use is older than a minute (and worth a write)."""
    return key.last_used is None or now - key.last_used.timestamp() >= _USED_EVERY_MS / 1000


def mark_used(connection: sqlite3.Connection, key: ApiKey, now: float | None = None) -> bool:
    """Remember that ``key`` was used now, unless that was noted less than a minute ago;
    True when a write was made. Not audited: it changes no schedule. (The service calls it
    off its event loop: the write may wait for an import's lock.)"""
    now = time.time() if now is None else now
    if not needs_marking(key, now):
        return False
    now_ms = int(now * 1000)
    with connection:
        connection.execute("UPDATE api_key SET last_used_at = ? WHERE name = ?", (now_ms, key.name))
    return True
