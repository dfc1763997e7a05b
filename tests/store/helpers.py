"""Helpers for the store tests."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from core.identity import Actor
from core.roles import Role
from core.store import Store

ACTOR = Actor("tester", "192.0.2.7")
TABLES = ("channel", "programme", "asset", "asset_group", "import_source", "audit", "undo_entry")


def snapshot(database: Path) -> dict[str, str]:
    """Every table's rows, hashed: equal snapshots mean nothing changed."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        result = {}
        for table in TABLES:
            rows = connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            result[table] = f"{len(rows)}:" + hashlib.md5(repr(rows).encode()).hexdigest()
        return result
    finally:
        connection.close()


def new_store(tmp: Path, role: Role = Role.ADMIN) -> Store:
    """An empty store in a temporary folder (worked by an admin unless told otherwise)."""
    return Store.open(tmp / "home" / "scheduleflow.db", log_folder=tmp / "home" / "logs", role=role)
