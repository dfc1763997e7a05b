"""The import's row writer: batches go in on a thread of their own, exactly as given."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from core.store.importer import _RowWriter
from tests.store.helpers import new_store


def _row(start: int, title: str, body: str = "[]") -> tuple[Any, ...]:
    return (1, start, start + 60_000, 60, None, title, "", None, None, body, start % 97, None)


def _stored(connection: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return connection.execute(
        "SELECT channel_id, start, stop, start_offset, stop_offset, title, episode, fingerprint,"
        " locator, body, content_hash, source_id FROM programme ORDER BY start"
    ).fetchall()


@pytest.fixture
def connection(tmp_path: Path) -> sqlite3.Connection:
    store = new_store(tmp_path)
    connection = store.database.connection
    connection.execute(
        "INSERT INTO channel (xmltv_id, name, display_names) VALUES ('a', 'a', '[]')"
    )
    return connection


def test_rows_go_in_exactly_as_given_nul_characters_too(connection: sqlite3.Connection) -> None:
    """SQLite's JSON functions cut a string at a NUL: such a batch takes executemany."""
    plain = [_row(n * 60_000, f'Title {n} é😀\u2028"\\\n', '[[["x",null]]]') for n in range(5)]
    with_nul = [_row(10**9 + n, f"a\x00b {n}") for n in range(3)]
    writer = _RowWriter(connection, "programme")
    with closing(writer):
        writer.write(plain)
        writer.write(with_nul)
        writer.write(plain)  # all already stored: ignored, not counted
        writer.wait()
    assert _stored(connection) == plain + with_nul
    assert writer.inserted == 8


def test_a_failed_batch_raises_where_the_import_waits(connection: sqlite3.Connection) -> None:
    writer = _RowWriter(connection, "no_such_table")
    with closing(writer):
        writer.write([_row(0, "A")])
        with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
            writer.wait()
    assert _stored(connection) == []
