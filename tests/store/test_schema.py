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


def test_durations_of_an_older_store_get_their_source_and_measurements_move_onto_assets(
    tmp_path: Path,
) -> None:
    """Version 7: each asset's one duration says where it came from; what ffprobe measured
    (only in the probe cache before) is the asset's duration."""
    path = tmp_path / "v6.db"
    connection = sqlite3.connect(path)
    for statement in (s for migration in MIGRATIONS[:6] for s in migration):
        connection.execute(statement)
    connection.execute("PRAGMA user_version = 6")
    connection.executemany(
        "INSERT INTO import_source (id, path, md5, format, imported_at, who) "
        "VALUES (?, ?, '', ?, 0, 'alice')",
        [(1, "l.m3u", "m3u"), (2, "l.json", "json")],
    )
    rows = [
        ("m3u", 1200.0, 1),
        ("json", 900.0, 2),
        ("probed", None, 1),
        ("unknown", None, 1),
    ]
    connection.executemany(
        "INSERT INTO asset (fingerprint, title, locator, duration, content_hash, source_id) "
        "VALUES (?1, ?1, ?1, ?2, ?1, ?3)",
        rows,
    )
    connection.executemany(
        "INSERT INTO probe (fingerprint, seconds, probed_at) VALUES (?, ?, 0)",
        [("probed", 3.02), ("unknown", None)],
    )
    connection.commit()
    connection.close()
    with Store.open(path) as store:
        found = {a.title: (a.duration, a.duration_source) for a in store.assets()}
    assert found == {
        "m3u": (1200.0, "extinf"),
        "json": (900.0, "json"),
        "probed": (3.02, "ffprobe"),
        "unknown": (None, None),
    }
