"""Programmes a file holds twice, exactly: stored once, and the operator told where.

A programme already stored by an earlier import is skipped; one that the same file repeats
is something else, a fault of the feed the operator should hear about with both lines. The
store tells the two apart while it inserts: a repeat meets the row this very import stored
(its ``source_id``), and a no-op update of that row fires a temporary trigger that notes it.
Keeping every programme's identity in memory to spot repeats would cost ~90 MB on a
700,000-programme guide; instead, only when the count is not zero, the file is read a
second time to find the lines of the few identities the trigger noted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from core.formats import InputWarning
from core.models import Item, Programme
from core.store.codec import programme_row, to_ms

__all__ = ["SAME_IMPORT_AGAIN", "RepeatCounter", "repeat_warnings"]

SAME_IMPORT_AGAIN = (
    " ON CONFLICT (channel_id, start, content_hash) DO UPDATE SET source_id = excluded.source_id"
    " WHERE programme.source_id = excluded.source_id"
)
"""Appended to a programme INSERT: a row this import stored already is "updated" (noted)."""

_SHOWN = 20  # warnings with lines; the count in the result is exact beyond that


class RepeatCounter:
    """Notes, for one import's transaction, every programme row that the file repeats."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS repeated (id INTEGER NOT NULL)")
        connection.execute("DELETE FROM repeated")
        connection.execute(
            "CREATE TEMP TRIGGER IF NOT EXISTS programme_repeated AFTER UPDATE OF source_id "
            "ON main.programme BEGIN INSERT INTO repeated (id) VALUES (NEW.id); END"
        )

    def finish(self) -> tuple[int, set[tuple[int, int, int]]]:
        """How many repeats the file held, and the identities of the first few."""
        count = int(self.connection.execute("SELECT count(*) FROM repeated").fetchone()[0])
        identities = {
            (int(row[0]), int(row[1]), int(row[2]))
            for row in self.connection.execute(
                "SELECT channel_id, start, content_hash FROM programme WHERE id IN "
                f"(SELECT id FROM repeated LIMIT {_SHOWN})"
            )
        }
        self.connection.execute("DROP TRIGGER temp.programme_repeated")
        self.connection.execute("DELETE FROM repeated")
        return count, identities


def _when(programme: Programme) -> str:
    start = programme.start
    return start.isoformat(sep=" ", timespec="seconds" if start.second else "minutes")


def repeat_warnings(
    items: Iterable[Item],
    identities: set[tuple[int, int, int]],
    keys: dict[str, int],
    only: str | None,
) -> list[InputWarning]:
    """One warning per repeat of the noted identities, read again from the file."""
    starts = {(key, start) for key, start, _ in identities}
    first: dict[tuple[int, int, int], int | None] = {}
    seen: dict[tuple[int, int, int], int] = {}
    warnings: list[InputWarning] = []
    for item in items:
        if not isinstance(item, Programme) or (only is not None and item.channel != only):
            continue
        key = keys.get(item.channel)
        if key is None or (key, to_ms(item.start)) not in starts:
            continue
        row: tuple[Any, ...] = programme_row(item, key, 0)
        identity = (key, row[1], row[10])
        if identity not in identities:
            continue
        if identity not in first:
            first[identity] = item.line
            seen[identity] = 1
            continue
        seen[identity] += 1
        times = "twice" if seen[identity] == 2 else f"{seen[identity]} times"
        also = f" (also line {first[identity]})" if first[identity] is not None else ""
        warnings.append(
            InputWarning(
                item.line,
                f"programme '{item.title}' {_when(item)} on '{item.channel}' appears {times} "
                f"in this file{also}; stored once",
            )
        )
    return warnings
