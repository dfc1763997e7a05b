"""The schedule store: the query API that the rules, the command line and the TUI share.

Reads never load a whole channel: a window of programmes is found through the
``(channel, start)`` index, and pages are keyset-paginated (``start, id`` after a cursor), so
the page after row 600,000 costs what the first page costs.
"""

from __future__ import annotations

import logging
import sqlite3
import time as _time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from core.audit import AuditRecord, append_jsonl, insert_audit, read_audit
from core.errors import InputError, StoreError, UnknownChannel
from core.identity import Actor
from core.models import Asset, Channel, Programme
from core.roles import Role, require
from core.store.codec import asset_from_row, channel_from_row, from_ms, programme_from_row, to_ms
from core.store.database import Database
from core.store.settings import check_rule_settings, settings_record, stored_rule_settings
from core.words import natural_key

__all__ = ["ChannelFacts", "ChannelSummary", "Cursor", "Page", "Store"]

_PROGRAMME_COLUMNS = "id, start, stop, start_offset, stop_offset, fingerprint, locator, body"
_ASSET_COLUMNS = (
    "id, fingerprint, title, locator, duration, extinf, tags, extinf_duration, duration_source"
)
_FAR_PAST = -(2**62)
_FAR_FUTURE = 2**62


@dataclass(frozen=True)
class ChannelSummary:
    """What the channel list shows."""

    id: str
    name: str
    number: str | None
    programmes: int
    revision: int
    declared: bool
    timezone: str | None
    changed_by: str | None
    changed_at: datetime | None


@dataclass(frozen=True)
class ChannelFacts:
    """What the rules need to know about a channel besides its programmes.

    The rule settings are ``None`` where the channel uses the config file's default.
    """

    id: str
    timezone: str | None
    day_start: time
    declared: bool
    max_length_ms: int
    cooldown_hours: float | None
    cooldown_scope: str | None
    gap_tolerance_seconds: float | None


@dataclass(frozen=True)
class Cursor:
    """A place in a channel's schedule: the (start, row id) of a programme."""

    start_ms: int
    row_id: int

    @classmethod
    def of(cls, programme: Programme) -> Cursor:
        """The cursor at a stored programme."""
        if programme.id is None:
            raise ValueError("only stored programmes have a place in the store")
        return cls(to_ms(programme.start), programme.id)


@dataclass(frozen=True)
class Page:
    """Consecutive programmes of one channel."""

    programmes: list[Programme]
    has_more: bool

    @property
    def last(self) -> Cursor | None:
        """The cursor of the last programme, to ask for the next page."""
        return Cursor.of(self.programmes[-1]) if self.programmes else None

    @property
    def first(self) -> Cursor | None:
        """The cursor of the first programme, to ask for the previous page."""
        return Cursor.of(self.programmes[0]) if self.programmes else None


_log = logging.getLogger("scheduleflow.store")
_LOGGED_CHANGES = 200  # per record at debug; the audit keeps them all


def channel_order(number: str | None, name: str | None, xmltv_id: str) -> tuple[object, ...]:
    """How channels are listed: by number, then by name and id in natural order.

    ``Big 7``, ``Big 69``, ``Big 70`` — as an operator counts, not as characters sort (which
    put ``Big 69`` first). A number that is not a whole number sorts after the numbered ones.
    """
    digits = (number or "").strip()
    numbered = digits.isdigit()
    return (
        not numbered,
        int(digits) if numbered else 0,
        natural_key(name or xmltv_id),
        natural_key(xmltv_id),
    )


class Store:
    """The open store. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self, database: Database, log_folder: Path | None = None, role: Role = Role.OPERATOR
    ) -> None:
        self.database = database
        self.role = role
        self.log_folder = log_folder or database.path.parent / "logs"
        self.connection = database.connection
        self.connection.row_factory = None
        self._channel_ids: dict[str, int] | None = None
        self._channel_names: dict[int, str] | None = None

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        log_folder: Path | None = None,
        check: bool = True,
        role: Role = Role.OPERATOR,
    ) -> Store:
        """Open (and create or migrate) the store at ``path``, working with ``role``."""
        return cls(Database(path, check=check), log_folder, role)

    def require(self, operation: str) -> None:
        """Refuse ``operation`` when this store's role does not allow it."""
        require(self.role, operation)

    def close(self) -> None:
        """Close the database."""
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        """The database file."""
        return self.database.path

    # -- channels -------------------------------------------------------------------------
    def forget_channel_cache(self) -> None:
        """Drop cached channel ids after a change that adds or removes channels."""
        self._channel_ids = None
        self._channel_names = None

    def channel_ids(self) -> dict[str, int]:
        """XMLTV channel id → database id, for every channel."""
        if self._channel_ids is None:
            rows = self.connection.execute("SELECT xmltv_id, id FROM channel").fetchall()
            self._channel_ids = dict(rows)
            self._channel_names = {number: name for name, number in rows}
        return self._channel_ids

    def channel_key(self, channel: str) -> int:
        """The database id of a channel; ``UnknownChannel`` names the channel when it is unknown."""
        key = self.channel_ids().get(channel)
        if key is None:
            raise UnknownChannel(
                f"there is no channel '{channel}'",
                hint="`scheduleflow check` or the TUI's channel list shows the channels",
            )
        return key

    def _channel_name(self, key: int) -> str:
        self.channel_ids()
        assert self._channel_names is not None
        return self._channel_names[key]

    def channel(self, channel: str) -> Channel:
        """The channel with this XMLTV id."""
        self.connection.row_factory = sqlite3.Row
        try:
            row = self.connection.execute(
                "SELECT * FROM channel WHERE xmltv_id = ?", (channel,)
            ).fetchone()
        finally:
            self.connection.row_factory = None
        if row is None:
            self.channel_key(channel)  # raises with the message
        return channel_from_row(row)

    def channels(self) -> list[Channel]:
        """Every channel, in channel-number then natural name order (:func:`channel_order`)."""
        self.connection.row_factory = sqlite3.Row
        try:
            rows = self.connection.execute("SELECT * FROM channel").fetchall()
        finally:
            self.connection.row_factory = None
        channels = [channel_from_row(row) for row in rows]
        return sorted(channels, key=lambda c: channel_order(c.number, c.name, c.id))

    def channel_summaries(self) -> list[ChannelSummary]:
        """What the channel list shows, for every channel (no programme is read)."""
        rows = self.connection.execute(
            "SELECT xmltv_id, name, number, programme_count, revision, declared, timezone,"
            " changed_by, changed_at FROM channel"
        ).fetchall()
        rows.sort(key=lambda row: channel_order(row[2], row[1], row[0]))
        return [
            ChannelSummary(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                bool(row[5]),
                row[6],
                row[7],
                from_ms(row[8], 0) if row[8] is not None else None,
            )
            for row in rows
        ]

    def revision(self, channel: str) -> int:
        """The channel's current revision (bumped by every change to it)."""
        row = self.connection.execute(
            "SELECT revision FROM channel WHERE id = ?", (self.channel_key(channel),)
        ).fetchone()
        return int(row[0])

    # -- programmes -----------------------------------------------------------------------
    def _decode(self, rows: Iterable[tuple[object, ...]], channel: str) -> list[Programme]:
        return [programme_from_row(row, channel) for row in rows]

    def page(
        self,
        channel: str,
        *,
        after: Cursor | None = None,
        before: Cursor | None = None,
        limit: int = 50,
    ) -> Page:
        """``limit`` programmes after (or before) a cursor, in (start, id) order."""
        key = self.channel_key(channel)
        if before is not None:
            rows = self.connection.execute(
                f"SELECT {_PROGRAMME_COLUMNS} FROM programme WHERE channel_id = ? AND start <= ?"
                " AND (start < ? OR id < ?) ORDER BY start DESC, id DESC LIMIT ?",
                (key, before.start_ms, before.start_ms, before.row_id, limit + 1),
            ).fetchall()
            more = len(rows) > limit
            return Page(self._decode(reversed(rows[:limit]), channel), more)
        if after is None:
            after = Cursor(_FAR_PAST, -1)
        rows = self.connection.execute(
            # "start >= ?" keeps SQLite on the index range; the OR only sorts out ties.
            f"SELECT {_PROGRAMME_COLUMNS} FROM programme WHERE channel_id = ? AND start >= ? "
            "AND (start > ? OR id > ?) ORDER BY start, id LIMIT ?",
            (key, after.start_ms, after.start_ms, after.row_id, limit + 1),
        ).fetchall()
        return Page(self._decode(rows[:limit], channel), len(rows) > limit)

    def page_at(self, channel: str, instant: datetime, limit: int = 50) -> Page:
        """A page that starts with the programme on air at ``instant`` (or the next one)."""
        key = self.channel_key(channel)
        moment = to_ms(instant)
        row = self.connection.execute(
            "SELECT start, id FROM programme WHERE channel_id = ? AND start <= ? "
            "ORDER BY start DESC, id DESC LIMIT 1",
            (key, moment),
        ).fetchone()
        # every programme with that start, then the rest: (start, -1) precedes them all
        after = Cursor(row[0], -1) if row else None
        return self.page(channel, after=after, limit=limit)

    def position(self, channel: str, cursor: Cursor, near: tuple[Cursor, int] | None = None) -> int:
        """How many of the channel's programmes come before ``cursor`` in (start, id) order.

        The table says "1,204 of 613,623". Counting from the channel's first programme walks
        the index up to the cursor (90 ms deep in 600,000 rows); with ``near``, a cursor whose
        position is known, only the rows between the two are counted, so the timeline's pans
        cost what their few rows cost.
        """
        key = self.channel_key(channel)
        if near is None:
            low, high, base, sign = Cursor(_FAR_PAST, -1), cursor, 0, 1
        else:
            known, base = near
            forward = (known.start_ms, known.row_id) <= (cursor.start_ms, cursor.row_id)
            low, high, sign = (known, cursor, 1) if forward else (cursor, known, -1)
        row = self.connection.execute(  # the rows in [low, high)
            "SELECT count(*) FROM programme WHERE channel_id = ? AND start >= ? AND start <= ?"
            " AND (start > ? OR id >= ?) AND (start < ? OR id < ?)",
            (
                key,
                low.start_ms,
                high.start_ms,
                low.start_ms,
                low.row_id,
                high.start_ms,
                high.row_id,
            ),
        ).fetchone()
        return base + sign * int(row[0])

    def programmes(
        self, channel: str, start: datetime | None = None, stop: datetime | None = None
    ) -> Iterator[Programme]:
        """Programmes of one channel that overlap ``[start, stop)``, in time order.

        A programme that began before ``start`` but is still on is included: the query
        reaches back by the channel's longest programme, so it stays on the index.
        """
        key = self.channel_key(channel)
        low = to_ms(start) if start is not None else _FAR_PAST
        high = to_ms(stop) if stop is not None else _FAR_FUTURE
        reach = self.connection.execute(
            "SELECT max_length_ms FROM channel WHERE id = ?", (key,)
        ).fetchone()[0]
        cursor = self.connection.execute(
            f"SELECT {_PROGRAMME_COLUMNS} FROM programme WHERE channel_id = ? AND start >= ? "
            "AND start < ? ORDER BY start, id",
            (key, low - reach if low != _FAR_PAST else low, high),
        )
        while rows := cursor.fetchmany(2000):
            for row in rows:
                stop_ms = row[2]
                if start is not None and row[1] < low and (stop_ms is None or stop_ms <= low):
                    continue
                yield programme_from_row(row, channel)

    def programme(self, programme_id: int) -> Programme:
        """One stored programme, whole."""
        row = self.connection.execute(
            f"SELECT channel_id, {_PROGRAMME_COLUMNS} FROM programme WHERE id = ?",
            (programme_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"there is no programme {programme_id}", hint="reload the channel")
        return programme_from_row(row[1:], self._channel_name(row[0]))

    def count(self, channel: str | None = None) -> int:
        """How many programmes one channel (or the whole store) holds."""
        if channel is None:
            row = self.connection.execute("SELECT sum(programme_count) FROM channel").fetchone()
            return int(row[0] or 0)
        row = self.connection.execute(
            "SELECT programme_count FROM channel WHERE id = ?", (self.channel_key(channel),)
        ).fetchone()
        return int(row[0])

    def busiest(self, at: datetime | None = None) -> tuple[datetime, set[str]] | None:
        """Where a first look at the schedule starts, and the channels on air then.

        ``at`` (now), when it is inside a channel's schedule; else the earliest instant
        inside the schedules of the most channels — not the earliest programme, which may
        start on a day where one channel of five has anything. ``None`` for a store without
        programmes. Each channel's first and last start come from the (channel, start)
        index: a store of 670,000 programmes costs one seek per channel, not a pass over it.
        """
        rows = self.connection.execute(
            "SELECT xmltv_id, (SELECT min(start) FROM programme WHERE channel_id = channel.id),"
            " (SELECT max(start) FROM programme WHERE channel_id = channel.id) FROM channel"
        ).fetchall()
        spans = [(name, first, last) for name, first, last in rows if first is not None]

        def on_air(instant: int) -> set[str]:
            return {name for name, first, last in spans if first <= instant <= last}

        if at is not None and on_air(to_ms(at)):
            return at, on_air(to_ms(at))
        # at equal instants, a schedule that starts counts before one that ends
        edges = sorted(edge for _, first, last in spans for edge in ((first, -1), (last, 1)))
        best, best_count, running = None, 0, 0
        for instant, kind in edges:
            running -= kind
            if running > best_count:
                best, best_count = instant, running
        return None if best is None else (from_ms(best, 0), on_air(best))

    def time_range(self, channel: str | None = None) -> tuple[datetime | None, datetime | None]:
        """The first start and the last stop (or start) of one channel or the whole store.

        For one channel both ends come from the (channel, start) index: the last stop is
        among the programmes that start within the channel's longest programme of its last
        start, so a channel of 600,000 programmes costs what one of 100 does.
        """
        if channel is None:
            row = self.connection.execute(
                "SELECT min(start), max(coalesce(stop, start)) FROM programme"
            ).fetchone()
            first, last = row
        else:
            key = self.channel_key(channel)
            first, last_start, longest = self.connection.execute(
                "SELECT (SELECT min(start) FROM programme WHERE channel_id = ?1),"
                " (SELECT max(start) FROM programme WHERE channel_id = ?1),"
                " max_length_ms FROM channel WHERE id = ?1",
                (key,),
            ).fetchone()
            last = (
                None
                if last_start is None
                else self.connection.execute(
                    "SELECT max(coalesce(stop, start)) FROM programme "
                    "WHERE channel_id = ? AND start >= ?",
                    (key, last_start - longest),
                ).fetchone()[0]
            )
        if first is None:
            return None, None
        return from_ms(first, 0), from_ms(last, 0)

    def programmes_by_id(self, channel: str, ids: list[int]) -> list[Programme]:
        """These programmes of ``channel``, in the order given; ids no longer stored are skipped."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.connection.execute(
            # "+channel_id": look the ids up by primary key, not by walking the channel's
            # index (which made a page of a 600,000-programme channel take 80 ms, not 1)
            f"SELECT {_PROGRAMME_COLUMNS} FROM programme WHERE id IN ({marks}) AND +channel_id = ?",
            (*ids, self.channel_key(channel)),
        ).fetchall()
        found = {row[0]: row for row in rows}
        return [programme_from_row(found[i], channel) for i in ids if i in found]

    def iter_programmes(
        self,
        channels: Iterable[str] | None = None,
        start: datetime | None = None,
        stop: datetime | None = None,
    ) -> Iterator[Programme]:
        """Every programme of the chosen channels (all when ``None``), channel by channel."""
        names = list(channels) if channels is not None else sorted(self.channel_ids())
        for channel in names:
            yield from self.programmes(channel, start, stop)

    def rule_rows(
        self, channel: str, low_ms: int | None = None, high_ms: int | None = None
    ) -> list[tuple[Any, ...]]:
        """What the rules read of a channel's programmes starting in ``[low, high)``, in order.

        ``(id, start, stop, start_offset, title, episode, fingerprint, locator, body)`` where
        ``body`` is only filled for a programme that may belong to an XMLTV clump or have an
        out point (its attributes decide: the text may also be in a title).
        """
        return self.connection.execute(
            "SELECT id, start, stop, start_offset, title, episode, fingerprint, locator, "
            "CASE WHEN instr(body, 'clumpidx') OR instr(body, 'ffplayout:out') THEN body END "
            "FROM programme "
            "WHERE channel_id = ? AND start >= ? AND start < ? ORDER BY start, id",
            (
                self.channel_key(channel),
                low_ms if low_ms is not None else _FAR_PAST,
                high_ms if high_ms is not None else _FAR_FUTURE,
            ),
        ).fetchall()

    def channel_facts(self) -> dict[str, ChannelFacts]:
        """Time zone, day start, declared flag, longest programme and rule settings of each
        channel (what the rules need besides the programmes)."""
        rows = self.connection.execute(
            "SELECT xmltv_id, timezone, day_start, declared, max_length_ms, cooldown_hours,"
            " cooldown_scope, gap_tolerance_seconds FROM channel"
        ).fetchall()
        return {
            row[0]: ChannelFacts(
                row[0],
                row[1],
                time.fromisoformat(row[2]),
                bool(row[3]),
                row[4],
                row[5],
                row[6],
                row[7],
            )
            for row in rows
        }

    def set_rule_settings(
        self,
        channel: str,
        *,
        actor: Actor,
        cooldown_hours: float | None = None,
        cooldown_scope: str | None = None,
        gap_tolerance_seconds: float | None = None,
        job_id: str | None = None,
    ) -> None:
        """Set (or with ``None``, reset to the config default) a channel's rule settings;
        audited with the values before and after."""
        self.require("settings")
        after = {
            "cooldown_hours": cooldown_hours,
            "cooldown_scope": cooldown_scope,
            "gap_tolerance_seconds": gap_tolerance_seconds,
        }
        check_rule_settings(after)
        key = self.channel_key(channel)
        with self.database.write() as connection:
            before = stored_rule_settings(connection, key)
            connection.execute(
                "UPDATE channel SET cooldown_hours = ?, cooldown_scope = ?, "
                "gap_tolerance_seconds = ?, revision = revision + 1 WHERE id = ?",
                (cooldown_hours, cooldown_scope, gap_tolerance_seconds, key),
            )
            record = settings_record(actor, channel, before, after, how="settings", job_id=job_id)
            self.record(connection, record)
        self.publish(record)

    def storage_roots(self) -> dict[str, str]:
        """The channels that set a storage root of their own: channel id → folder.

        Relative video paths are found under it, as ffplayout finds a playlist's relative
        ``source`` under its channel's ``storage`` folder. Kept in the ``setting`` table
        (``storage_root:<channel id>``), so no schema change was needed.
        """
        rows = self.connection.execute(
            "SELECT key, value FROM setting WHERE substr(key, 1, 13) = 'storage_root:'"
        ).fetchall()
        return {str(key).partition(":")[2]: str(value) for key, value in rows}

    def set_storage_root(self, channel: str, root: str | None) -> None:
        """Set (or with ``None``, reset to the config default) a channel's storage root."""
        self.require("settings")
        self.channel_key(channel)  # an unknown channel is named in the error
        if root is not None and not Path(root).is_absolute():
            raise StoreError(
                f"the storage root '{root}' is not an absolute folder",
                hint="give the folder ffplayout's channel storage points at, from /",
            )
        with self.database.write() as connection:
            if root is None:
                connection.execute(
                    "DELETE FROM setting WHERE key = ?", (f"storage_root:{channel}",)
                )
            else:
                connection.execute(
                    "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                    (f"storage_root:{channel}", root),
                )

    def asset_durations(self) -> dict[str, float]:
        """Known durations (seconds) of the library's assets, by fingerprint."""
        return {
            str(fingerprint): float(duration)
            for fingerprint, duration in self.connection.execute(
                "SELECT fingerprint, max(duration) FROM asset WHERE duration IS NOT NULL "
                "GROUP BY fingerprint"
            )
        }

    def probed_durations(self, fingerprints: Iterable[str]) -> dict[str, float | None]:
        """Durations ffprobe measured before (``None``: it could not), by fingerprint."""
        wanted = list(fingerprints)
        found: dict[str, float | None] = {}
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            found.update(
                self.connection.execute(
                    "SELECT fingerprint, seconds FROM probe WHERE fingerprint IN "
                    f"({', '.join('?' for _ in chunk)})",
                    chunk,
                ).fetchall()
            )
        return found

    def remember_durations(self, measured: Iterable[tuple[str, float | None]]) -> None:
        """Keep what ffprobe measured: on every asset of that fingerprint still without a
        duration (source ``ffprobe``, so every command uses it), and in the probe cache,
        which also remembers the files it could not measure.

        A measurement is a fact about a file, not an operator's change to the schedule: no
        role is needed, and it is neither audited nor undone.
        """
        now = int(_time.time() * 1000)
        rows = list(measured)
        with self.database.write() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO probe (fingerprint, seconds, probed_at) VALUES (?, ?, ?)",
                [(fingerprint, seconds, now) for fingerprint, seconds in rows],
            )
            connection.executemany(
                "UPDATE asset SET duration = ?, duration_source = 'ffprobe' "
                "WHERE fingerprint = ? AND duration IS NULL",
                [(seconds, fingerprint) for fingerprint, seconds in rows if seconds],
            )

    # -- library --------------------------------------------------------------------------
    def assets(self, group: str | None = None) -> Iterator[Asset]:
        """The library, optionally one group of it, in the order it was imported."""
        if group is None:
            cursor = self.connection.execute(f"SELECT {_ASSET_COLUMNS} FROM asset ORDER BY id")
        else:
            cursor = self.connection.execute(
                f"SELECT {_ASSET_COLUMNS} FROM asset WHERE id IN "
                "(SELECT asset_id FROM asset_group WHERE name = ?) ORDER BY id",
                (group,),
            )
        while rows := cursor.fetchmany(2000):
            yield from (asset_from_row(row) for row in rows)

    def groups(self) -> list[tuple[str, int]]:
        """Library groups with how many assets each holds."""
        return [
            (str(name), int(count))
            for name, count in self.connection.execute(
                "SELECT name, count(*) FROM asset_group GROUP BY name ORDER BY name"
            )
        ]

    def require_group(self, name: str) -> str:
        """``name`` when the library has that group; else an ``InputError`` naming the groups.

        Groups are matched exactly, as written in the playlists; a group that differs only
        in case is offered as the likely one (``--group filler`` for ``Filler``). An unknown
        group used to export an empty playlist, or fill nothing, without a word.
        """
        groups = [group for group, _ in self.groups()]
        if name in groups:
            return name
        alike = [group for group in groups if group.casefold() == name.casefold()]
        listed = ", ".join(f"'{group}'" for group in groups[:12]) or "none yet"
        raise InputError(
            f"the library has no group '{name}'"
            + (f" (did you mean '{alike[0]}'?)" if alike else f"; its groups: {listed}"),
            hint="group names are exact; `scheduleflow export --format m3u --library` lists "
            "the library",
        )

    def asset_count(self) -> int:
        """How many assets the library holds."""
        return int(self.connection.execute("SELECT count(*) FROM asset").fetchone()[0])

    def stream_for(self, channel: str) -> str | None:
        """The stream locator of a channel: a library entry whose tvg-id is the channel id."""
        row = self.connection.execute(
            "SELECT locator FROM asset WHERE tvg_id = ? ORDER BY id LIMIT 1", (channel,)
        ).fetchone()
        return str(row[0]) if row else None

    # -- audit ----------------------------------------------------------------------------
    def record(self, connection: sqlite3.Connection, record: AuditRecord) -> None:
        """Store an audit record in the current transaction (see :meth:`publish`)."""
        insert_audit(connection, record)

    def publish(self, record: AuditRecord) -> None:
        """After the transaction committed: append the record to ``logs/audit.jsonl``, and
        say it in the log (each change at debug): the TUI's log pane shows what an import,
        an edit, a fix, an undo or a plan did while its job runs."""
        append_jsonl(self.log_folder, record)
        where = f" on {record.channel}" if record.channel else ""
        _log.info("%s%s: %s", record.action, where, record.summary)
        for line in record.changes[:_LOGGED_CHANGES]:
            _log.debug("%s%s: %s", record.action, where, line)
        if len(record.changes) > _LOGGED_CHANGES:
            more = len(record.changes) - _LOGGED_CHANGES
            _log.debug("%s%s: … %d more changes (in the audit)", record.action, where, more)

    def audit(self, since: datetime | None = None, limit: int = 1000) -> list[AuditRecord]:
        """Audit records, newest first."""
        return read_audit(self.connection, since, limit)
