"""Importing a file into the store in one transaction: all of it, or nothing.

Merging (the default) skips programmes that are already stored exactly as they are;
``replace`` first backs the database up, then removes each channel's stored programmes
inside the time range the file covers. A parse error on the last line, a full disk, a
cancelled job or a killed process all leave the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from core.audit import AuditRecord
from core.errors import Cancelled, InputError
from core.formats import (
    DEFAULT_LIMIT,
    FfplayoutReader,
    InputWarning,
    M3uReader,
    XmltvReader,
    open_reader,
)
from core.formats.detect import detect_format
from core.formats.source import Source
from core.identity import Actor
from core.models import DURATION_SOURCES, Asset, Channel, Item, Programme
from core.roles import OPERATIONS, may
from core.storable import storable
from core.store.codec import asset_row, channel_row, programme_row
from core.store.joins import join_split
from core.store.repeats import SAME_IMPORT_AGAIN, RepeatCounter, repeat_warnings
from core.store.settings import RULE_SETTINGS, settings_record, stored_rule_settings
from core.store.store import Store
from core.words import count

__all__ = ["ImportResult", "import_file"]

_log = logging.getLogger("scheduleflow.store")

Progress = Callable[[int], None]
"""Called with the number of items read so far, every thousand items."""
ShouldStop = Callable[[], bool]
"""Polled as often as progress; True cancels the import (nothing is kept)."""

_BATCH = 2000
_CHANGES_SHOWN = 1000  # asset change lines kept in --json and the audit record
_AGREES_SECONDS = 1.0  # an #EXTINF this close to a measurement agrees with it (whole seconds)
_SETTINGS = ("timezone", "day_start", "cooldown_hours", "cooldown_scope", "gap_tolerance_seconds")
_PROGRAMME_INSERT = (
    "INSERT OR IGNORE INTO {table} (channel_id, start, stop, start_offset, stop_offset, title,"
    " episode, fingerprint, locator, body, content_hash, source_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){upsert}"
)
_COLUMNS = (
    "channel_id, start, stop, start_offset, stop_offset, title, episode, fingerprint, locator,"
    " body, content_hash, source_id"
)
_BATCH_INSERT = (
    f"INSERT OR IGNORE INTO {{table}} ({_COLUMNS}) SELECT "
    + ", ".join(f"value ->> {index}" for index in range(len(_COLUMNS.split(","))))
    + " FROM json_each(?) WHERE true{upsert}"
)


class _RowWriter:
    """Inserts batches of programme rows on a thread of its own, one batch at a time.

    The parse holds the GIL for its whole run; SQLite does not need it. A batch goes in as
    one JSON array through one ``INSERT … SELECT … FROM json_each(?)``: a single
    ``sqlite3_step``, during which the thread lets the GIL go, so the B-tree work of a batch
    runs on the other core while the next batch is parsed. (``executemany`` lets the GIL go
    for each row and then waits up to the switch interval to get it back.) A batch that
    holds a NUL, which SQLite's JSON functions cut short, or that orjson refuses, is
    inserted with ``executemany`` instead, after the batch in flight.

    The caller must :meth:`wait` before it uses the connection itself, and in the end.
    """

    def __init__(self, connection: sqlite3.Connection, table: str) -> None:
        self.connection = connection
        upsert = SAME_IMPORT_AGAIN if table == "programme" else ""
        self.rows_sql = _PROGRAMME_INSERT.format(table=table, upsert=upsert)
        self.batch_sql = _BATCH_INSERT.format(table=table, upsert=upsert)
        self.inserted = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-rows")
        self._in_flight: Future[int] | None = None

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        try:
            batch = orjson.dumps(rows).decode()
        except TypeError:
            batch = None
        self.wait()
        if batch is None or "\\u0000" in batch:
            # rowcount, not total_changes: the trigger's rows must not count
            self.inserted += self.connection.executemany(self.rows_sql, rows).rowcount
            return
        self._in_flight = self._pool.submit(self._insert, batch)

    def _insert(self, batch: str) -> int:
        return self.connection.execute(self.batch_sql, (batch,)).rowcount

    def wait(self) -> None:
        """Until the batch in flight is in; its error, if it failed, is raised here."""
        if self._in_flight is not None:
            in_flight, self._in_flight = self._in_flight, None
            self.inserted += in_flight.result()

    def close(self) -> None:
        """Wait for the batch in flight (its error is not raised) and end the thread."""
        self._in_flight = None
        self._pool.shutdown()  # waits for the batch in flight


@dataclass
class ImportResult:
    """What an import did."""

    path: str
    format: str
    added: int = 0
    skipped: int = 0
    duplicates_in_file: int = 0
    replaced: int = 0
    assets_added: int = 0
    assets_updated: int = 0
    assets_unchanged: int = 0
    assets_skipped: int = 0
    asset_changes: list[str] = field(default_factory=list)
    channels_added: int = 0
    channels_updated: int = 0
    warnings: list[InputWarning] = field(default_factory=list)
    warnings_total: int = 0
    backup: Path | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``import --json`` shape (see the README)."""
        return {
            "path": self.path,
            "format": self.format,
            "added": self.added,
            "skipped": self.skipped,
            "duplicates_in_file": self.duplicates_in_file,
            "replaced": self.replaced,
            "assets_added": self.assets_added,
            "assets_updated": self.assets_updated,
            "assets_unchanged": self.assets_unchanged,
            "assets_skipped": self.assets_skipped,
            "asset_changes": self.asset_changes[:_CHANGES_SHOWN],
            "channels_added": self.channels_added,
            "channels_updated": self.channels_updated,
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
            "warnings_total": self.warnings_total,
            "backup": str(self.backup) if self.backup else None,
            "seconds": round(self.seconds, 3),
        }


def _replaces(entry: Asset, duration: float | None, source: str | None) -> bool:
    """Whether a re-imported entry's duration replaces the stored one.

    The precedence (README, "Durations"): an entry without a duration never wipes a known
    one; one within a millisecond is the same; one within a second of an ffprobe
    measurement agrees with it (``#EXTINF`` durations are often whole seconds), and the
    measurement stays; any other value is a correction, and wins — reported, never silent.
    """
    if entry.duration is None:
        return False
    if duration is None:
        return True
    difference = abs(entry.duration - duration)
    if difference < 0.0005:
        return False
    return not (
        source == "ffprobe" and entry.duration_source != "ffprobe" and difference < _AGREES_SECONDS
    )


def _seconds_from(duration: float | None, source: str | None) -> str:
    """``1260 s (#EXTINF)``, or ``unknown``, for an asset change line."""
    if duration is None:
        return "unknown"
    return f"{round(duration, 3):g} s ({DURATION_SOURCES.get(source or '', source)})"


def _file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _Import:
    """The state of one import inside its transaction."""

    def __init__(
        self, store: Store, connection: Any, source_id: int, replace: bool, format: str
    ) -> None:
        self.store = store
        self.carries_settings = format == "json"
        self.connection = connection
        self.source_id = source_id
        self.replace = replace
        self.table = "staging" if replace else "programme"
        self.keys = dict(store.channel_ids())
        self.rows: list[tuple[Any, ...]] = []
        self.repeats = RepeatCounter(connection)
        self.writer = _RowWriter(connection, self.table)
        self.attempted = 0
        self.inserted = 0
        self.repeated = 0
        self.repeated_identities: set[tuple[int, int, int]] = set()
        self.touched: set[int] = set()  # channel keys
        self.channels_added = 0
        self.channels_updated = 0
        self.channel_names: list[str] = []  # the channels added or updated, for the audit
        self.file_channels: dict[str, None] = {}  # other channels of the file (``--channel``)
        self.matched = False  # an item of the ``--channel`` asked for was read
        self.assets_added = 0
        self.assets_updated = 0
        self.assets_unchanged = 0
        self.assets_skipped = 0
        self.asset_changes: list[str] = []
        # the library before this import: an entry whose locator it holds updates that asset
        self.library_before = int(
            connection.execute("SELECT max(id) FROM asset").fetchone()[0] or 0
        )
        self.paired: dict[str, set[int]] = {}  # stored assets an entry of this file updated
        self.duration_source = "json" if format == "json" else "extinf"
        self.notes: list[InputWarning] = []  # what the import did not do, and why
        self.settings_changed: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        if replace:
            connection.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS staging AS SELECT {_COLUMNS} "
                "FROM programme WHERE 0"
            )
            connection.execute("DELETE FROM staging")

    def channel(self, channel: Channel) -> None:
        self.writer.wait()
        values = channel_row(channel)
        key = self.keys.get(channel.id)
        if key is not None:
            # Only ScheduleFlow JSON carries time zones and day starts; other formats must
            # not reset what the operator set. A missing number keeps the stored one.
            if not self.carries_settings:
                for name in _SETTINGS:
                    del values[name]
            if values["number"] is None:
                del values["number"]
        if self.carries_settings:
            self._rule_settings(channel, key, values)
        if key is None:
            cursor = self.connection.execute(
                f"INSERT INTO channel ({', '.join(values)}) VALUES "
                f"({', '.join('?' for _ in values)})",
                tuple(values.values()),
            )
            self.keys[channel.id] = int(cursor.lastrowid or 0)
            self.channels_added += 1
            self.channel_names.append(channel.id)
            return
        assignments = ", ".join(f"{name} = ?" for name in values)
        changed = self.connection.execute(
            f"UPDATE channel SET {assignments}, declared = 1, revision = revision + 1 "
            f"WHERE id = ? AND NOT ({' AND '.join(f'{name} IS ?' for name in values)}"
            " AND declared = 1)",
            (*values.values(), key, *values.values()),
        ).rowcount
        self.channels_updated += changed
        if changed:
            self.channel_names.append(channel.id)

    def _rule_settings(self, channel: Channel, key: int | None, values: dict[str, Any]) -> None:
        """Rule settings follow the role rule of the settings dialog: a stored channel's are
        changed only by an admin's file (anyone else's keeps them and is told so); a new
        channel starts with the file's. Either way a change is audited."""
        before = (
            stored_rule_settings(self.connection, key)
            if key is not None
            else dict.fromkeys(RULE_SETTINGS)
        )
        after = {name: values[name] for name in RULE_SETTINGS}
        if after == before:
            return
        if key is not None and not may(self.store.role, "settings"):
            for name in RULE_SETTINGS:
                del values[name]
            self.notes.append(
                InputWarning(
                    channel.line,
                    f"kept the stored rule settings of channel {channel.id}: changing them "
                    f"needs {OPERATIONS['settings']} (your role is {self.store.role})",
                )
            )
            return
        self.settings_changed.append((channel.id, before, after))

    def _key(self, channel: str) -> int:
        key = self.keys.get(channel)
        if key is None:
            self.writer.wait()
            cursor = self.connection.execute(
                "INSERT INTO channel (xmltv_id, name, display_names, declared) VALUES (?, ?, ?, 0)",
                (channel, channel, json.dumps([[channel, None]])),
            )
            key = self.keys[channel] = int(cursor.lastrowid or 0)
            self.channels_added += 1
            self.channel_names.append(channel)
        return key

    def programme(self, programme: Programme) -> None:
        key = self.keys.get(programme.channel)
        if key is None:
            key = self._key(programme.channel)
        self.touched.add(key)
        self.rows.append(programme_row(programme, key, self.source_id))
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write(self.rows)
            self.attempted += len(self.rows)
            self.rows = []

    def asset(self, asset: Asset) -> None:
        self.writer.wait()
        if asset.duration is not None and asset.duration_source is None:
            asset.duration_source = self.duration_source  # the reader's own fresh object
        row = asset_row(asset, self.source_id)
        if self.library_before and self._update(asset, row):
            return
        cursor = self.connection.execute(
            "INSERT OR IGNORE INTO asset (fingerprint, title, locator, duration, extinf, tags,"
            " extinf_duration, tvg_id, content_hash, source_id, duration_source) VALUES (?, ?,"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        if cursor.rowcount == 0:
            self.assets_skipped += 1
            return
        self.assets_added += 1
        asset_id = cursor.lastrowid
        groups = asset.groups
        if groups:
            self.connection.executemany(
                "INSERT OR IGNORE INTO asset_group (name, asset_id) VALUES (?, ?)",
                [(group, asset_id) for group in groups],
            )

    def _update(self, asset: Asset, row: tuple[Any, ...]) -> bool:
        """Update the asset the library held before this import for this entry's locator
        (same fingerprint); False when it held none, and the entry is a new asset.

        Entries and stored assets of one locator are paired in order, an exact one first: a
        playlist that lists a file twice (two groups) keeps its two assets. An entry left
        over once each stored asset is paired (dedupe merged them) gives the first its
        groups; it never adds the duplicate back.
        """
        fingerprint, content_hash = row[0], row[8]
        stored = self.connection.execute(
            "SELECT id, title, duration, duration_source, extinf, tags, extinf_duration,"
            " content_hash FROM asset WHERE fingerprint = ? AND id <= ? ORDER BY id",
            (fingerprint, self.library_before),
        ).fetchall()
        if not stored:
            return False
        paired = self.paired.setdefault(fingerprint, set())
        free = [found for found in stored if found[0] not in paired]
        match = (
            next((found for found in free if found[7] == content_hash), None)
            or next((found for found in free if found[1] == asset.title), None)
            or (free[0] if free else None)
        )
        if match is None:
            changes = self._add_groups(stored[0][0], asset.groups)
            self._count(stored[0][1], changes)
            return True
        paired.add(match[0])
        identifier, title, duration, source, extinf, tags, extinf_duration, old_hash = match
        changes = self._add_groups(identifier, asset.groups)
        if old_hash == content_hash:
            self._count(title, changes)
            return True
        if _replaces(asset, duration, source):
            changes.insert(
                0,
                f"duration {_seconds_from(duration, source)} → "
                f"{_seconds_from(asset.duration, asset.duration_source)}",
            )
            duration, source, extinf_duration = asset.duration, asset.duration_source, row[6]
        if asset.title != title:
            changes.insert(0, f"title '{title}' → '{asset.title}'")
        if asset.extinf != extinf:
            changes.append("#EXTINF attributes")
        if row[5] != tags:
            changes.append("tag lines")
        if changes:
            self.connection.execute(
                "UPDATE asset SET title = ?, duration = ?, duration_source = ?, extinf = ?,"
                " tags = ?, extinf_duration = ?, tvg_id = ?, source_id = ?, content_hash ="
                " CASE WHEN EXISTS (SELECT 1 FROM asset WHERE content_hash = ?)"
                " THEN content_hash ELSE ? END WHERE id = ?",
                (asset.title, duration, source, asset.extinf, row[5], extinf_duration, row[7],
                 self.source_id, content_hash, content_hash, identifier),
            )  # fmt: skip
        self._count(title, changes)
        return True

    def _add_groups(self, identifier: int, groups: tuple[str, ...]) -> list[str]:
        """Give a stored asset the entry's groups (none is taken away); the change line."""
        added = [
            group
            for group in groups
            if self.connection.execute(
                "INSERT OR IGNORE INTO asset_group (name, asset_id) VALUES (?, ?)",
                (group, identifier),
            ).rowcount
        ]
        return [f"groups + {', '.join(added)}"] if added else []

    def _count(self, title: str, changes: list[str]) -> None:
        if not changes:
            self.assets_unchanged += 1
            return
        self.assets_updated += 1
        if len(self.asset_changes) < _CHANGES_SHOWN:
            self.asset_changes.append(f"~ asset '{title}': {'; '.join(changes)}")

    def finish(self, actor: Actor) -> int:
        """Move staged rows in (replace mode) and update the touched channels."""
        self.flush()
        self.writer.wait()
        self.inserted = self.writer.inserted
        # a file ffprobe measured before (another asset of the same locator) has a duration
        if self.assets_added:
            self.connection.execute(
                "UPDATE asset SET duration_source = 'ffprobe', duration = (SELECT seconds"
                " FROM probe WHERE probe.fingerprint = asset.fingerprint) WHERE source_id = ?"
                " AND duration IS NULL AND EXISTS (SELECT 1 FROM probe WHERE"
                " probe.fingerprint = asset.fingerprint AND probe.seconds > 0)",
                (self.source_id,),
            )
        replaced = 0
        if self.replace:
            spans = self.connection.execute(
                "SELECT channel_id, min(start), max(coalesce(stop, start)) FROM staging "
                "GROUP BY channel_id"
            ).fetchall()
            for key, low, high in spans:
                replaced += self.connection.execute(
                    "DELETE FROM programme WHERE channel_id = ? AND start >= ? AND start < ?",
                    (key, low, max(high, low + 1)),
                ).rowcount
            self.inserted = self.connection.execute(
                f"INSERT OR IGNORE INTO programme ({_COLUMNS}) SELECT {_COLUMNS} FROM staging "
                f"WHERE true ORDER BY channel_id, start{SAME_IMPORT_AGAIN}"
            ).rowcount
            self.connection.execute("DELETE FROM staging")
        # a repeat "updated" the row it repeats: counted by the statements, it added nothing
        self.repeated, self.repeated_identities = self.repeats.finish()
        self.inserted -= self.repeated
        now = int(time.time() * 1000)
        for key in self.touched:
            self.connection.execute(
                "UPDATE channel SET max_length_ms = max(max_length_ms, coalesce((SELECT"
                " max(stop - start) FROM programme WHERE channel_id = ?1 AND source_id = ?2), 0)),"
                " programme_count = (SELECT count(*) FROM programme WHERE channel_id = ?1),"
                " revision = revision + 1, changed_by = ?3, changed_at = ?4 WHERE id = ?1",
                (key, self.source_id, str(actor), now),
            )
        return replaced


def _read_into(
    state: _Import,
    reader: Iterable[Item],
    only: str | None,
    progress: Progress | None,
    should_stop: ShouldStop | None,
) -> int:
    """Hand every item of ``reader`` to ``state``; returns how many were read.

    With ``only``, the other channels' items are passed over; the first channel ids of the
    file are kept in ``state.file_channels`` for the error when ``only`` is not among them.
    """
    seen = 0
    for item in reader:
        if isinstance(item, Programme):
            if only is None or item.channel == only:
                state.programme(item)
                state.matched = True
            elif len(state.file_channels) < 10:
                state.file_channels.setdefault(item.channel)
        elif isinstance(item, Asset):
            state.asset(item)
        elif only is None or item.id == only:
            state.channel(item)
            state.matched = True
        elif len(state.file_channels) < 10:
            state.file_channels.setdefault(item.id)
        seen += 1
        if seen % 1000 == 0:
            if should_stop is not None and should_stop():
                raise Cancelled("the import was cancelled; nothing was stored")
            if progress is not None:
                progress(seen)
    if should_stop is not None and should_stop():
        raise Cancelled("the import was stopped; nothing was stored")
    return seen


def _joined_days(store: Store, reader: Iterable[Item]) -> tuple[Iterable[Item], list[int]]:
    """An ffplayout day's items with programmes split at the day start made whole again.

    Returns the items and the ids of the stored halves they replace (see ``core.store.joins``).
    """
    if not isinstance(reader, FfplayoutReader):
        return reader, []
    items = list(reader)
    programmes = [item for item in items if isinstance(item, Programme)]
    joined, halves = join_split(store, programmes)
    return [item for item in items if not isinstance(item, Programme)] + list(joined), halves


def _remove(connection: sqlite3.Connection, ids: list[int]) -> int:
    """Delete these stored programmes; returns how many went."""
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    return int(connection.execute(f"DELETE FROM programme WHERE id IN ({marks})", ids).rowcount)


def _refuse_nothing_read(
    path: Path, chosen: str, asked: str, only: str | None, seen: int, state: _Import
) -> None:
    """``InputError`` for an import that would store nothing because of how it was asked.

    ``--channel`` naming a channel the file does not have, or ``--format`` forcing a reader
    that finds nothing in a file that is not empty, used to end with "0 added" and exit 0.
    """
    if only is not None and not state.matched:
        others = ", ".join(state.file_channels) or "none"
        raise InputError(
            f"has no channel '{only}' (its channels: {others})",
            path=path,
            hint="check the id with `scheduleflow inspect`, or leave out --channel",
        )
    if asked != "auto" and seen == 0 and path.stat().st_size > 0:
        raise InputError(
            f"holds nothing ScheduleFlow reads as {chosen}",
            path=path,
            hint="leave out --format (auto) or choose the file's own format",
        )


def _library_summary(result: ImportResult) -> str:
    """``, 2 updated, 7 unchanged`` after the assets added, when the file matched stored
    assets (a re-import), for the audit."""
    if not (result.assets_updated or result.assets_unchanged):
        return ""
    return f", {result.assets_updated} updated, {result.assets_unchanged} unchanged"


def _channels_summary(state: _Import) -> str:
    """``, 1 channel added or updated (news.example.org)`` for the audit, or nothing."""
    names = state.channel_names
    if not names:
        return ""
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    plural = "channel" if len(names) == 1 else "channels"
    return f", {len(names)} {plural} added or updated ({shown})"


def import_file(
    store: Store,
    path: str | Path,
    *,
    actor: Actor,
    format: str = "auto",
    channel: str | None = None,
    replace: bool = False,
    limit: int = DEFAULT_LIMIT,
    job_id: str | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> ImportResult:
    """Import one file in one transaction; see the module docstring for the rules."""
    store.require("import")
    started = time.monotonic()
    path = Path(path)
    chosen = detect_format(Source(path, limit)) if format == "auto" else format
    options: dict[str, Any] = {"limit": limit}
    if chosen == "ffplayout" and channel is not None:
        options["channel_id"] = channel
        if channel in store.channel_ids():
            known = store.channel(channel)
            options["day_start"] = known.day_start
            options["zone"] = ZoneInfo(known.timezone) if known.timezone else UTC
    reader = open_reader(path, chosen, **options)
    _log.info("reading %s as %s", path.name, reader.format)
    if isinstance(reader, M3uReader) and channel is not None:
        raise InputError(
            "is an M3U playlist: it fills the library, not a channel",
            path=path,
            hint="leave out --channel for playlists",
        )
    only = channel if chosen in ("xmltv", "json") else None
    result = ImportResult(path=str(path), format=reader.format)
    # hashlib lets the GIL go for big updates: the file's MD5 is worked out on the other
    # core while the import reads it
    hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-md5")
    md5 = hashing.submit(_file_md5, path)
    hashing.shutdown(wait=False)
    count_before = store.count()
    if replace:
        result.backup = store.database.automatic_backup("before-import-replace")
    with store.database.write() as connection:
        source_id = int(
            connection.execute(
                "INSERT INTO import_source (path, md5, format, imported_at, who) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    storable(str(path.resolve())),
                    "",
                    reader.format,
                    int(time.time() * 1000),
                    str(actor),
                ),
            ).lastrowid
            or 0
        )
        state = _Import(store, connection, source_id, replace, reader.format)
        assets_before = int(connection.execute("SELECT count(*) FROM asset").fetchone()[0])
        items, halves = _joined_days(store, reader)
        joined = _remove(connection, halves)  # before the whole programmes go in
        with closing(state.writer):
            seen = _read_into(state, items, only, progress, should_stop)
            _refuse_nothing_read(path, chosen, format, only, seen, state)
            result.replaced = state.finish(actor) + joined
        result.added = state.inserted
        result.duplicates_in_file = state.repeated
        result.skipped = state.attempted - state.inserted - state.repeated
        result.assets_added, result.assets_skipped = state.assets_added, state.assets_skipped
        result.assets_updated = state.assets_updated
        result.assets_unchanged = state.assets_unchanged
        result.asset_changes = state.asset_changes
        result.channels_added = state.channels_added
        result.channels_updated = state.channels_updated
        result.warnings = state.notes + list(reader.warnings)
        if state.repeated_identities:
            result.warnings += repeat_warnings(
                open_reader(path, chosen, **options), state.repeated_identities, state.keys, only
            )
        result.warnings_total = len(state.notes) + len(reader.warnings) + result.duplicates_in_file
        guide = reader if isinstance(reader, XmltvReader) else None
        connection.execute(
            "UPDATE import_source SET md5 = ?, added = ?, skipped = ?, replaced = ?, warnings = ?,"
            " header = ?, namespaces = ? WHERE id = ?",
            (
                md5.result(),
                result.added,
                result.skipped,
                result.replaced,
                result.warnings_total,
                json.dumps(guide.header if guide else []),
                json.dumps(guide.namespaces.uris if guide else {}),
                source_id,
            ),
        )
        record = AuditRecord.by(
            actor,
            "import",
            f"imported {path.name}: {count(result.added, 'programme')} added, {result.skipped} "
            f"skipped, {result.replaced} replaced, {count(result.assets_added, 'asset')} added"
            + _library_summary(result)
            + _channels_summary(state),
            job_id=job_id,
            channel=channel,
            before={"programmes": count_before, "assets": assets_before},
            after={
                "programmes": count_before + result.added - result.replaced,
                "assets": assets_before + result.assets_added,
            },
            changes=tuple(result.asset_changes),
        )
        store.record(connection, record)
        settings = [
            settings_record(actor, name, before, after, how=f"import of {path.name}", job_id=job_id)
            for name, before, after in state.settings_changed
        ]
        for change in settings:
            store.record(connection, change)
    store.forget_channel_cache()
    store.publish(record)
    for change in settings:
        store.publish(change)
    result.seconds = time.monotonic() - started
    if progress is not None:
        progress(seen)
    return result
