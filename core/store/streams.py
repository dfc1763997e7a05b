"""The stream doctor's memory: every probe with its time, and the assets marked unplayable.

Probe results are a record of what was measured, not a schedule change: they need no role
beyond running the probe, and are neither audited nor undone. Marking an asset unplayable
(``fix unplayable --policy disable``) is a library change: audited, and lifted by deleting
its row, never by deleting the asset.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from core.audit import AuditRecord
from core.clock import moment_text
from core.identity import Actor
from core.models import Asset
from core.probe.model import FLAPPING_WINDOW, ProbeResult, StreamState, Verdict, state_of
from core.store.store import Store
from core.words import count

__all__ = [
    "DISABLE_ACTION",
    "HISTORY_KEPT",
    "DisabledAsset",
    "disable_assets",
    "disabled_assets",
    "probe_history",
    "prune_history",
    "record_probes",
    "stream_summary",
    "stream_verdicts",
    "undo_disable",
    "unplayable_fingerprints",
    "without_unplayable",
]

HISTORY_KEPT = 100
"""Results kept per locator (the oldest go once a run adds more)."""

DISABLE_ACTION = "fix unplayable"
"""The undo entry's (and audit record's) action of :func:`disable_assets`."""

_COLUMNS = "locator, fingerprint, ok, reason, checked_at, status, latency_ms, media_type, duration"


@dataclass(frozen=True, slots=True)
class DisabledAsset:
    """An asset an operator marked unplayable: when, by whom and why."""

    fingerprint: str
    at: int
    who: str
    reason: str


def record_probes(store: Store, results: Sequence[ProbeResult]) -> None:
    """Keep ``results`` (one transaction); the role must allow probing."""
    store.require("probe")
    if not results:
        return
    with store.database.write() as connection:
        connection.executemany(
            "INSERT INTO stream_probe (fingerprint, locator, checked_at, ok, status, reason, "
            "latency_ms, media_type, duration, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.fingerprint,
                    r.locator,
                    r.checked_at,
                    int(r.ok),
                    r.status,
                    r.reason,
                    r.latency_ms,
                    r.media_type,
                    r.duration,
                    r.attempts,
                )
                for r in results
            ],
        )


def prune_history(store: Store, fingerprints: Iterable[str], *, keep: int = HISTORY_KEPT) -> int:
    """Drop all but the ``keep`` latest results of each of ``fingerprints``; how many went.

    A daily run over an index of 11,000 streams adds four million rows a year; the states
    read the last few, the history a hundred is plenty for.
    """
    wanted = list(dict.fromkeys(fingerprints))
    dropped = 0
    with store.database.write() as connection:
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            dropped += connection.execute(
                "DELETE FROM stream_probe WHERE id IN (SELECT id FROM (SELECT id, row_number() "
                "OVER (PARTITION BY fingerprint ORDER BY checked_at DESC, id DESC) AS newest "
                f"FROM stream_probe WHERE fingerprint IN ({', '.join('?' for _ in chunk)})) "
                "WHERE newest > ?)",
                (*chunk, keep),
            ).rowcount
    return dropped


def _result(row: Sequence[object]) -> ProbeResult:
    locator, fingerprint, ok, reason, checked_at, status, latency, media_type, duration = row
    return ProbeResult(
        str(locator),
        str(fingerprint),
        bool(ok),
        str(reason),
        int(checked_at),  # type: ignore[call-overload]
        None if status is None else int(status),  # type: ignore[call-overload]
        None if latency is None else int(latency),  # type: ignore[call-overload]
        None if media_type is None else str(media_type),
        None if duration is None else float(duration),  # type: ignore[arg-type]
    )


def probe_history(
    store: Store, fingerprints: Iterable[str] | None = None, *, latest: int = FLAPPING_WINDOW
) -> dict[str, list[ProbeResult]]:
    """The ``latest`` results of each fingerprint (all probed ones by default), oldest first."""
    query = (
        f"SELECT {_COLUMNS} FROM (SELECT {_COLUMNS}, row_number() OVER (PARTITION BY "
        "fingerprint ORDER BY checked_at DESC, id DESC) AS newest FROM stream_probe{where}) "
        "WHERE newest <= ? ORDER BY fingerprint, checked_at, newest DESC"
    )
    history: dict[str, list[ProbeResult]] = {}
    if fingerprints is None:
        rows: Iterable[Sequence[object]] = store.connection.execute(
            query.format(where=""), (latest,)
        )
        for row in rows:
            history.setdefault(str(row[1]), []).append(_result(row))
        return history
    wanted = list(dict.fromkeys(fingerprints))
    for first in range(0, len(wanted), 500):
        chunk = wanted[first : first + 500]
        where = f" WHERE fingerprint IN ({', '.join('?' for _ in chunk)})"
        for row in store.connection.execute(query.format(where=where), (*chunk, latest)):
            history.setdefault(str(row[1]), []).append(_result(row))
    return history


def stream_verdicts(
    store: Store, fingerprints: Iterable[str] | None = None, *, down_after: int = 2
) -> dict[str, Verdict]:
    """Each probed stream's state from its history (see :func:`core.probe.model.state_of`)."""
    verdicts: dict[str, Verdict] = {}
    latest = max(FLAPPING_WINDOW, down_after)
    for fingerprint, history in probe_history(store, fingerprints, latest=latest).items():
        state, since = state_of(history, down_after)
        verdicts[fingerprint] = Verdict(fingerprint, history[-1].locator, state, history[-1], since)
    return verdicts


def stream_summary(
    store: Store, fingerprint: str | None, zone: tzinfo | None = None, *, down_after: int = 2
) -> str | None:
    """One line on what the probes found of ``fingerprint`` (``None``: never probed, and not
    marked unplayable), for a programme's or an asset's details."""
    if not fingerprint:
        return None
    disabled = disabled_assets(store).get(fingerprint)
    marked = ""
    if disabled is not None:
        when = moment_text(datetime.fromtimestamp(disabled.at / 1000, UTC), zone)
        marked = f"; marked unplayable by {disabled.who} on {when}"
    verdict = stream_verdicts(store, [fingerprint], down_after=down_after).get(fingerprint)
    if verdict is None or verdict.latest is None:
        return marked[2:] or None
    latest = verdict.latest
    checked = moment_text(datetime.fromtimestamp(latest.checked_at / 1000, UTC), zone)
    since = ""
    if verdict.down_since is not None and verdict.state is not StreamState.UP:
        began = moment_text(datetime.fromtimestamp(verdict.down_since / 1000, UTC), zone)
        since = f" since {began}"
    return f"{verdict.state}{since}; last probed {checked}: {latest.reason}{marked}"


def disabled_assets(store: Store) -> dict[str, DisabledAsset]:
    """The assets marked unplayable, by fingerprint."""
    return {
        str(row[0]): DisabledAsset(str(row[0]), int(row[1]), str(row[2]), str(row[3]))
        for row in store.connection.execute(
            "SELECT fingerprint, at, who, reason FROM asset_disabled"
        )
    }


def unplayable_fingerprints(
    store: Store, fingerprints: Iterable[str] | None = None, *, down_after: int = 2
) -> set[str]:
    """What plans must not use: assets marked unplayable and streams that are down (of
    ``fingerprints``, or of every probed stream)."""
    verdicts = stream_verdicts(store, fingerprints, down_after=down_after)
    down = {
        fingerprint
        for fingerprint, verdict in verdicts.items()
        if verdict.state is StreamState.DOWN
    }
    return down | set(disabled_assets(store))


def without_unplayable(
    store: Store, library: dict[str, list[Asset]], notes: list[str], down_after: int = 2
) -> dict[str, list[Asset]]:
    """``library`` (assets by group) without what :func:`unplayable_fingerprints` names; a
    note per group says how many were left out, so a plan never hides a skip."""
    members = {asset.fingerprint for assets in library.values() for asset in assets}
    barred = unplayable_fingerprints(store, members, down_after=down_after) & members
    if not barred:
        return library
    kept: dict[str, list[Asset]] = {}
    for group, assets in library.items():
        kept[group] = [asset for asset in assets if asset.fingerprint not in barred]
        left_out = [asset.title for asset in assets if asset.fingerprint in barred]
        if left_out:
            shown = ", ".join(left_out[:5]) + (" …" if len(left_out) > 5 else "")
            notes.append(
                f"{len(left_out)} assets of '{group}' were not placed: their stream is down "
                f"or they are marked unplayable ({shown})"
            )
    return kept


def disable_assets(
    store: Store,
    entries: Sequence[tuple[str, str]],
    *,
    actor: Actor,
    job_id: str | None = None,
) -> int:
    """Mark each ``(fingerprint, reason)`` unplayable, audited and undoable (``undo`` lifts
    the marks again: :func:`undo_disable`); returns how many were new."""
    store.require("fix")
    known = disabled_assets(store)
    fresh = [(fingerprint, reason) for fingerprint, reason in entries if fingerprint not in known]
    if not fresh:
        return 0
    now = int(time.time() * 1000)
    record = AuditRecord.by(
        actor,
        DISABLE_ACTION,
        f"fix unplayable --policy disable: {count(len(fresh), 'asset')} marked unplayable",
        job_id=job_id,
        changes=tuple(f"unplayable {fingerprint}: {reason}" for fingerprint, reason in fresh),
    )
    with store.database.write() as connection:
        connection.executemany(
            "INSERT INTO asset_disabled (fingerprint, at, who, reason) VALUES (?, ?, ?, ?)",
            [(fingerprint, now, actor.user, reason) for fingerprint, reason in fresh],
        )
        connection.execute(
            "INSERT INTO undo_entry (channel, at, who, action, summary, changes, job_id) "
            "VALUES (NULL, ?, ?, ?, ?, ?, ?)",
            (
                now,
                str(actor),
                DISABLE_ACTION,
                record.summary,
                json.dumps([fingerprint for fingerprint, _ in fresh]),
                job_id,
            ),
        )
        store.record(connection, record)
    store.publish(record)
    return len(fresh)


def undo_disable(entry_id: int, encoded: str, connection: sqlite3.Connection) -> None:
    """Lift the marks one :func:`disable_assets` made (inside the undo's transaction)."""
    connection.executemany(
        "DELETE FROM asset_disabled WHERE fingerprint = ?",
        [(fingerprint,) for fingerprint in json.loads(encoded)],
    )
    connection.execute("UPDATE undo_entry SET undone = 1 WHERE id = ?", (entry_id,))
