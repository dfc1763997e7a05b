"""Schema versions: a database made by the first schema opens and is migrated forward."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.errors import StoreError
from core.store import Store
from core.store.schema import MIGRATIONS, SCHEMA_VERSION


def _version_one(path: Path) -> None:
    connection = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        connection.execute(statement)
    connection.execute("PRAGMA user_version = 1")
    connection.execute(
        "INSERT INTO channel (xmltv_id, name) VALUES ('old.example.org', 'Old Channel')"
    )
    connection.commit()
    connection.close()


def test_a_version_one_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    _version_one(path)
    with Store.open(path) as store:
        assert store.channel("old.example.org").name == "Old Channel"
        version = store.connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            row[0]
            for row in store.connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
    assert version == SCHEMA_VERSION >= 2
    assert "undo_entry" in tables


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Store.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="newer than this ScheduleFlow"):
        Store.open(path)


def test_the_store_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
