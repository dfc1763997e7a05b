"""Undo: walking back through the changes, newest first, per channel or overall.

Every undoable change (an edit, a fix, a plan, a dedupe) keeps its exact inverse in
``undo_entry`` with the channel revision it left. Undoing the newest one puts back what that
change found — a removed programme under its own id, so an older change that names it can be
undone next — and a plan that made its channel takes the channel away again. An undo is
refused, with who changed the channel and when, when anything else changed the channel since
the change (its revision says so): it never overwrites someone's later work.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from core.audit import AuditRecord
from core.clock import channel_zone, moment_text
from core.errors import NothingToUndo, StaleRevision
from core.identity import Actor
from core.store.codec import from_ms
from core.store.edits import EditResult, apply_changes, decode_changes
from core.store.library import undo_merge
from core.store.store import Store
from core.store.streams import DISABLE_ACTION, undo_disable

__all__ = ["UndoEntry", "pending_undos", "refusal", "undo"]


@dataclass(frozen=True)
class UndoEntry:
    """One change that can still be undone."""

    id: int
    channel: str | None
    """``None`` for a library change (a dedupe)."""
    at: datetime
    who: str
    action: str
    summary: str
    job_id: str | None
    revision: int | None
    """The channel revision the change left (``None`` for dedupes and older entries)."""
    created_channel: bool
    timezone: str | None
    """The channel's zone when the entry was read (``None``: UTC)."""

    def when(self) -> str:
        """When the change was made, in its channel's time (UTC for the library)."""
        return moment_text(self.at, channel_zone(self.timezone))


def pending_undos(
    store: Store, channel: str | None = None, limit: int | None = None
) -> list[UndoEntry]:
    """The changes that can still be undone, newest (the next undo) first."""
    where, parameters = ("AND undo_entry.channel = ?", [channel]) if channel else ("", [])
    rows = store.connection.execute(
        "SELECT undo_entry.id, undo_entry.channel, at, who, action, summary, job_id, "
        "undo_entry.revision, created_channel, channel.timezone FROM undo_entry "
        "LEFT JOIN channel ON channel.xmltv_id = undo_entry.channel "
        f"WHERE undone = 0 {where} ORDER BY undo_entry.id DESC LIMIT ?",
        (*parameters, -1 if limit is None else limit),
    ).fetchall()
    return [
        UndoEntry(
            row[0],
            row[1],
            datetime.fromtimestamp(row[2] / 1000, UTC),
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            bool(row[8]),
            row[9],
        )
        for row in rows
    ]


def _expected_revision(store: Store, entry: UndoEntry) -> int | None:
    """The revision the channel has when nothing but this change and the undone newer ones
    touched it: each newer change of the channel made one revision and its undo another."""
    if entry.revision is None or entry.channel is None:
        return None
    (newer,) = store.connection.execute(
        "SELECT count(*) FROM undo_entry WHERE channel = ? AND id > ?", (entry.channel, entry.id)
    ).fetchone()
    return int(entry.revision) + 2 * int(newer)


def refusal(store: Store, entry: UndoEntry) -> str | None:
    """Why undoing ``entry`` now would be refused (``None``: it would go ahead).

    Refused when anything but this change and the undone newer ones changed its channel
    since: undoing it would overwrite that work.
    """
    expected = _expected_revision(store, entry)
    if expected is None or entry.channel is None:
        return None
    row = store.connection.execute(
        "SELECT revision, changed_by, changed_at, timezone FROM channel WHERE xmltv_id = ?",
        (entry.channel,),
    ).fetchone()
    if row is None:
        return f"channel '{entry.channel}' is not in the store any more"
    revision, who, when, timezone = row
    if revision == expected:
        return None
    moment = moment_text(from_ms(when, 0), channel_zone(timezone)) if when else "a time"
    return (
        f"channel '{entry.channel}' was changed by {who or 'someone'} at {moment} since "
        f"the {entry.action} ({entry.summary})"
    )


def _undo_library(
    store: Store, entry: UndoEntry, encoded: str, actor: Actor, job: str | None
) -> EditResult:
    summary = f"undid {entry.summary}"
    record = AuditRecord.by(actor, "undo", summary, job_id=job)
    try:
        with store.database.write() as connection:
            if entry.action == DISABLE_ACTION:  # assets marked unplayable: core/store/streams
                undo_disable(entry.id, encoded, connection)
            else:
                undo_merge(entry.id, encoded, connection)
            store.record(connection, record)
    except sqlite3.IntegrityError:
        raise StaleRevision(
            f"the library changed since the {entry.action} ({entry.summary}): an asset it "
            "merged is back under its number or locator; nothing was undone",
            hint="run `scheduleflow dedupe --dry-run` to see the duplicates now",
        ) from None
    store.publish(record)
    return EditResult(channel="", revision=0, summary=summary, undone=entry)


def undo(
    store: Store, *, actor: Actor, channel: str | None = None, job_id: str | None = None
) -> EditResult:
    """Undo the newest change (of ``channel``, or of any channel) that is not undone yet."""
    store.require("undo")
    entries = pending_undos(store, channel, limit=1)
    if not entries:
        scope = f"on channel '{channel}'" if channel else "in this store"
        raise NothingToUndo(f"there is nothing to undo {scope}")
    entry = entries[0]
    (encoded,) = store.connection.execute(
        "SELECT changes FROM undo_entry WHERE id = ?", (entry.id,)
    ).fetchone()
    if entry.channel is None:
        return _undo_library(store, entry, encoded, actor, job_id)
    refused = refusal(store, entry)
    if refused is not None:
        raise StaleRevision(
            f"{refused}; nothing was undone",
            hint="undoing it would overwrite that change: make the change you want by hand",
        )
    summary = f"undid {entry.summary}"
    if entry.created_channel:
        summary += f" and removed the channel '{entry.channel}' it made"
    result = apply_changes(
        store,
        entry.channel,
        decode_changes(encoded),
        actor=actor,
        action="undo",
        summary=summary,
        # checked again inside the write: an undo racing another change is refused too
        expected_revision=_expected_revision(store, entry),
        job_id=job_id,
        undoable=False,
        undoes=entry.id,
        operation="undo",
        remove_channel=entry.created_channel,
    )
    result.undone = entry
    return result
