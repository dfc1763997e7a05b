"""The database schema, versioned with ``PRAGMA user_version`` and migrated forward.

Each migration is a list of statements applied in one transaction; a database made by any
earlier version opens and is brought up to date (``tests/store/test_schema.py`` keeps a
version-1 database to prove it). Never edit a migration that has shipped: add a new one.

Instants are UTC milliseconds since the epoch plus the offset (minutes) they were given in,
so an export writes back the offsets it read and ffplayout's fractional seconds survive.
"""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

_V1 = [
    """CREATE TABLE channel (
        id INTEGER PRIMARY KEY,
        xmltv_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        number TEXT,
        display_names TEXT NOT NULL DEFAULT '[]',
        icons TEXT NOT NULL DEFAULT '[]',
        urls TEXT NOT NULL DEFAULT '[]',
        extras TEXT NOT NULL DEFAULT '[]',
        timezone TEXT,
        day_start TEXT NOT NULL DEFAULT '00:00:00',
        declared INTEGER NOT NULL DEFAULT 1,
        max_length_ms INTEGER NOT NULL DEFAULT 0,
        programme_count INTEGER NOT NULL DEFAULT 0,
        revision INTEGER NOT NULL DEFAULT 0,
        changed_by TEXT,
        changed_at INTEGER
    )""",
    """CREATE TABLE import_source (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        md5 TEXT NOT NULL,
        format TEXT NOT NULL,
        imported_at INTEGER NOT NULL,
        who TEXT NOT NULL,
        added INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        replaced INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE asset (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        title TEXT NOT NULL,
        locator TEXT NOT NULL,
        duration REAL,
        extinf TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        extinf_duration TEXT NOT NULL DEFAULT '-1',
        tvg_id TEXT,
        content_hash TEXT NOT NULL UNIQUE,
        source_id INTEGER REFERENCES import_source(id) ON DELETE SET NULL
    )""",
    "CREATE INDEX asset_fingerprint ON asset(fingerprint)",
    "CREATE INDEX asset_tvg_id ON asset(tvg_id) WHERE tvg_id IS NOT NULL",
    """CREATE TABLE asset_group (
        name TEXT NOT NULL,
        asset_id INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
        PRIMARY KEY (name, asset_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX asset_group_asset ON asset_group(asset_id)",
    """CREATE TABLE programme (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES channel(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        stop INTEGER,
        start_offset INTEGER NOT NULL DEFAULT 0,
        stop_offset INTEGER,
        title TEXT NOT NULL DEFAULT '',
        episode TEXT NOT NULL DEFAULT '',
        fingerprint TEXT,
        locator TEXT,
        body TEXT NOT NULL DEFAULT '[]',
        content_hash INTEGER NOT NULL,
        source_id INTEGER REFERENCES import_source(id) ON DELETE SET NULL
    )""",
    # One index serves both "channel between two times" (keyset pages walk it in start
    # order; ties are sorted in small runs) and "is this exact programme stored already".
    # Every index costs each of 700,000 inserts, so there is no second one.
    "CREATE UNIQUE INDEX programme_identity ON programme(channel_id, start, content_hash)",
    """CREATE TABLE job (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        who TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        progress REAL NOT NULL DEFAULT 0,
        error_category TEXT,
        error_message TEXT,
        result TEXT
    )""",
    "CREATE INDEX job_created ON job(created_at)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        ssh_client TEXT,
        action TEXT NOT NULL,
        job_id TEXT,
        channel TEXT,
        summary TEXT NOT NULL,
        before TEXT NOT NULL DEFAULT '{}',
        after TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX audit_at ON audit(at)",
    """CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
]

# Version 2: undo (each change that can be undone stores its inverse) and per-channel rule
# settings (NULL: the config file's default).
_V2 = [
    "ALTER TABLE channel ADD COLUMN cooldown_hours REAL",
    "ALTER TABLE channel ADD COLUMN cooldown_scope TEXT",
    "ALTER TABLE channel ADD COLUMN gap_tolerance_seconds REAL",
    "ALTER TABLE job ADD COLUMN label TEXT",
    "ALTER TABLE job ADD COLUMN pid INTEGER",
    "ALTER TABLE job ADD COLUMN items INTEGER NOT NULL DEFAULT 0",
    """CREATE TABLE undo_entry (
        id INTEGER PRIMARY KEY,
        channel TEXT,
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        summary TEXT NOT NULL,
        changes TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX undo_entry_channel ON undo_entry(channel, id)",
]

# Version 3: durations measured with ffprobe, by fingerprint (a cache the planner reads; never
# a schedule change, so it is not audited or undone).
_V3 = [
    """CREATE TABLE probe (
        fingerprint TEXT PRIMARY KEY,
        seconds REAL,
        probed_at INTEGER NOT NULL
    )""",
]

# Version 4: what each audited change did to each programme, before and after, as the lines
# the operator reads (a JSON list of text).
_V4 = ["ALTER TABLE audit ADD COLUMN changes TEXT NOT NULL DEFAULT '[]'"]

# Version 5: what a guide said about itself (its <tv> attributes) and the namespace prefixes
# it declared, per import, so exports keep the source's attributes and write kept
# namespaced parts as well-formed XML.
_V5 = [
    "ALTER TABLE import_source ADD COLUMN header TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE import_source ADD COLUMN namespaces TEXT NOT NULL DEFAULT '{}'",
]

# Version 6: undo you can chain. Each undo entry keeps the job that made the change, the
# channel revision it left (an undo is refused when anything else changed the channel since)
# and whether it created the channel (its undo removes the channel again).
_V6 = [
    "ALTER TABLE undo_entry ADD COLUMN job_id TEXT",
    "ALTER TABLE undo_entry ADD COLUMN revision INTEGER",
    "ALTER TABLE undo_entry ADD COLUMN created_channel INTEGER NOT NULL DEFAULT 0",
]

# Version 7: one duration per asset, and where it came from: 'extinf' (an M3U #EXTINF),
# 'json' (a ScheduleFlow JSON library), 'ffprobe' (measured from the local file; before this
# version only the probe table held those). NULL while the duration is unknown. Durations an
# earlier version stored are credited to their import's format, and measurements in the probe
# cache move onto the assets that had no duration.
_V7 = [
    "ALTER TABLE asset ADD COLUMN duration_source TEXT",
    """UPDATE asset SET duration_source = coalesce(
        (SELECT CASE format WHEN 'json' THEN 'json' ELSE 'extinf' END
         FROM import_source WHERE import_source.id = asset.source_id), 'extinf')
       WHERE duration IS NOT NULL""",
    """UPDATE asset SET duration_source = 'ffprobe', duration = (
        SELECT seconds FROM probe WHERE probe.fingerprint = asset.fingerprint)
       WHERE duration IS NULL AND EXISTS (SELECT 1 FROM probe
         WHERE probe.fingerprint = asset.fingerprint AND probe.seconds > 0)""",
]

# Version 8: the HTTP API (``scheduleflow serve``). Its keys, each stored only as the SHA-256
# of the key (the key itself is shown once, when made), with a role and when it was last used;
# and the request an audited change came from (its ``X-Request-ID``).
_V8 = [
    """CREATE TABLE api_key (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        last_used_at INTEGER
    )""",
    "ALTER TABLE audit ADD COLUMN request_id TEXT",
]

# Version 9: the stream doctor. Every probe of a locator, with its time (a history per
# fingerprint: one failed probe is not a verdict), and the assets an operator marked
# unplayable (``fix unplayable --policy disable``: plans skip them; nothing is deleted).
_V9 = [
    """CREATE TABLE stream_probe (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        locator TEXT NOT NULL,
        checked_at INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        status INTEGER,
        reason TEXT NOT NULL,
        latency_ms INTEGER,
        media_type TEXT,
        duration REAL,
        attempts INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX stream_probe_fingerprint ON stream_probe(fingerprint, checked_at)",
    """CREATE TABLE asset_disabled (
        fingerprint TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        reason TEXT NOT NULL
    )""",
]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the database to :data:`SCHEMA_VERSION`; returns the version it started at.

    Runs inside the caller's write transaction.
    """
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        from core.errors import StoreError

        raise StoreError(
            f"the database is at schema version {version}, newer than this ScheduleFlow "
            f"({SCHEMA_VERSION})",
            hint="upgrade ScheduleFlow, or open a backup made by this version",
        )
    for number in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[number]:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {number + 1}")
    return version
