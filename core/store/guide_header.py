"""The ``<tv>`` attributes and namespaces of an XMLTV export, from the guides it came from.

A guide says where its data came from (``source-info-name``, ``source-info-url``,
``source-data-url``, ``date``); each import keeps that, and an export passes it on:

- from one source guide, its attributes as they were;
- from several (an ffplayout or JSON import is a source without attributes), each
  attribute they all give with one value; differing ``source-info-name``\\ s are joined
  with "; " (in import order), so no source goes unnamed, while a URL or date that differs
  is left out rather than credit one source with all;
- ``generator-info-name`` names the program that wrote the file, which is ScheduleFlow; the
  source's ``generator-info-name``/``-url`` (the DTD allows one of each, and they name a
  program that did not write this file) stay in the store and are not written.

Namespace prefixes (for lossless exports) are those every import recorded; where two
imports gave one prefix different URIs the later import's wins.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from core.store.codec import to_ms

__all__ = ["GENERATOR", "combine_headers", "guide_header", "recorded_namespaces"]

GENERATOR = (("generator-info-name", "ScheduleFlow"),)
_OURS = frozenset(name for name, _ in GENERATOR) | {"generator-info-url"}
_JOINED = "source-info-name"


def combine_headers(headers: Sequence[Sequence[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The ``<tv>`` attributes for an export of data from these sources (oldest first)."""
    combined: list[tuple[str, str]] = []
    names: dict[str, None] = {}
    for header in headers:
        names.update({value: None for key, value in header if key == _JOINED and value})
    for key, value in headers[0] if headers else ():
        if key == _JOINED:
            combined.append((key, "; ".join(names)))
        elif key not in _OURS and all(dict(other).get(key) == value for other in headers[1:]):
            combined.append((key, value))
    if names and not any(key == _JOINED for key, _ in combined):
        combined.append((_JOINED, "; ".join(names)))
    return combined + list(GENERATOR)


def _window(
    connection: sqlite3.Connection,
    channel_keys: Sequence[int],
    start: datetime | None,
    stop: datetime | None,
) -> tuple[str, list[int]]:
    marks = ",".join("?" * len(channel_keys))
    where = f"channel_id IN ({marks})"
    values = list(channel_keys)
    if start is not None:
        # a programme still on at the start is exported too (as Store.programmes does); it
        # began at most the channels' longest programme earlier, which keeps the search on
        # the index instead of reading every earlier programme
        reach = connection.execute(
            f"SELECT coalesce(max(max_length_ms), 0) FROM channel WHERE id IN ({marks})",
            list(channel_keys),
        ).fetchone()[0]
        where += " AND start >= ? AND (start >= ? OR stop > ?)"
        values += [to_ms(start) - int(reach), to_ms(start), to_ms(start)]
    if stop is not None:
        where += " AND start < ?"
        values.append(to_ms(stop))
    return where, values


def guide_header(
    connection: sqlite3.Connection,
    channel_keys: Sequence[int],
    start: datetime | None = None,
    stop: datetime | None = None,
) -> list[tuple[str, str]]:
    """The ``<tv>`` attributes for the programmes of these channels in ``[start, stop)``."""
    if not channel_keys:
        return list(GENERATOR)
    where, values = _window(connection, channel_keys, start, stop)
    rows = connection.execute(
        # every source counts: one without a header (ffplayout, JSON) agrees on nothing
        "SELECT header FROM import_source WHERE id IN "
        f"(SELECT DISTINCT source_id FROM programme WHERE {where}) ORDER BY id",
        values,
    ).fetchall()
    return combine_headers([[tuple(pair) for pair in json.loads(row[0])] for row in rows])


def recorded_namespaces(connection: sqlite3.Connection) -> dict[str, str]:
    """Every namespace prefix an import recorded, and its URI (later imports win)."""
    namespaces: dict[str, str] = {}
    for (text,) in connection.execute(
        "SELECT namespaces FROM import_source WHERE namespaces != '{}' ORDER BY id"
    ):
        namespaces.update(json.loads(text))
    return namespaces
