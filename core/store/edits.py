"""Changing a channel's schedule: checked against its revision, audited, undoable.

Every edit (a move, a trim, a fix, a plan) is a list of :data:`Change` applied to one channel
in one transaction. It names the revision it was based on; if someone else changed the channel
since, the edit is refused with who and when, never silently applied over their work. The
inverse of each applied edit is kept so that :func:`undo` can put things back.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from core.audit import AuditRecord
from core.clock import channel_zone, moment_text, span_text
from core.errors import StaleRevision, StoreError
from core.formats.json_format import programme_record
from core.identity import Actor
from core.models import Channel, EpisodeNum, Icon, Programme, Rating, RawElement, Text
from core.store.codec import channel_row, from_ms, programme_from_row, programme_row
from core.store.library import undo_merge
from core.store.store import Store

__all__ = [
    "Change",
    "Delete",
    "EditResult",
    "Insert",
    "Replace",
    "apply_changes",
    "describe_change",
    "undo",
]

_COLUMNS = (
    "channel_id, start, stop, start_offset, stop_offset, title, episode, fingerprint, locator,"
    " body, content_hash"
)


@dataclass(frozen=True)
class Insert:
    """Add a programme."""

    programme: Programme


@dataclass(frozen=True)
class Delete:
    """Remove the stored programme with this id."""

    programme_id: int


@dataclass(frozen=True)
class Replace:
    """Give a stored programme new content (moved, trimmed, retitled…), keeping its id."""

    programme_id: int
    programme: Programme


Change = Insert | Delete | Replace


@dataclass
class EditResult:
    """What an edit did."""

    channel: str
    revision: int
    inserted: list[int] = field(default_factory=list)
    deleted: int = 0
    replaced: int = 0
    undo_id: int | None = None


def _when(programme: Programme, zone: tzinfo) -> str:
    if programme.stop is None:
        return moment_text(programme.start, zone)
    return span_text(programme.start, programme.stop, zone)


def describe_change(change: Change, before: Programme | None, zone: tzinfo) -> str:
    """One line of what a change does, in the channel's time (``before`` is what was there).

    The fix preview and the audit record use the same line, so what was shown is what is
    recorded: ``~ change #12 'News' Sat 05 Dec 2026 06:00–06:30 CET → 'News' … 07:00–07:30 CET``.
    """
    if isinstance(change, Delete):
        assert before is not None
        return f"- delete #{change.programme_id} '{before.title}' {_when(before, zone)}"
    if isinstance(change, Insert):
        return f"+ insert '{change.programme.title}' {_when(change.programme, zone)}"
    assert before is not None
    return (
        f"~ change #{change.programme_id} '{before.title}' {_when(before, zone)} → "
        f"'{change.programme.title}' {_when(change.programme, zone)}"
    )


def _stored(connection: sqlite3.Connection, key: int, programme_id: int, channel: str) -> Programme:
    row = connection.execute(
        "SELECT id, start, stop, start_offset, stop_offset, fingerprint, locator, body "
        "FROM programme WHERE id = ? AND channel_id = ?",
        (programme_id, key),
    ).fetchone()
    if row is None:
        raise StoreError(
            f"programme {programme_id} is not on channel '{channel}' any more",
            hint="reload the channel; someone may have removed it",
        )
    return programme_from_row(row, channel)


def _encode(change: Change) -> dict[str, Any]:
    if isinstance(change, Delete):
        return {"delete": change.programme_id}
    record = programme_record(change.programme)
    if isinstance(change, Replace):
        return {"replace": change.programme_id, "programme": record}
    return {"insert": record}


def _programme(data: dict[str, Any]) -> Programme:
    from core.formats.json_models import ProgrammeModel  # pydantic only when undoing

    model = ProgrammeModel.model_validate(data)
    return Programme(
        model.channel,
        model.start,
        model.stop,
        tuple(Text(t.value, t.lang) for t in model.titles),
        tuple(Text(t.value, t.lang) for t in model.sub_titles),
        tuple(Text(t.value, t.lang) for t in model.descs),
        tuple(Text(t.value, t.lang) for t in model.categories),
        tuple(EpisodeNum(e.value, e.system) for e in model.episode_nums),
        tuple(Icon(i.src, i.width, i.height) for i in model.icons),
        tuple(
            Rating(r.value, r.system, tuple(Icon(i.src, i.width, i.height) for i in r.icons))
            for r in model.ratings
        ),
        model.locator,
        model.fingerprint,
        tuple(model.attrs),
        tuple(RawElement(x.tag, x.xml) for x in model.extras),
    )


def _decode(data: dict[str, Any]) -> Change:
    if "delete" in data:
        return Delete(int(data["delete"]))
    if "replace" in data:
        return Replace(int(data["replace"]), _programme(data["programme"]))
    return Insert(_programme(data["insert"]))


def _insert_channel(connection: sqlite3.Connection, channel: Channel) -> int:
    values = channel_row(channel)
    cursor = connection.execute(
        f"INSERT INTO channel ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
        tuple(values.values()),
    )
    return int(cursor.lastrowid or 0)


def _check_revision(
    connection: sqlite3.Connection, key: int, channel: str, expected: int | None, zone: tzinfo
) -> int:
    revision, who, when = connection.execute(
        "SELECT revision, changed_by, changed_at FROM channel WHERE id = ?", (key,)
    ).fetchone()
    if expected is not None and revision != expected:
        moment = moment_text(from_ms(when, 0), zone) if when else "an unknown time"
        raise StaleRevision(
            f"channel '{channel}' was changed by {who or 'someone'} at {moment} (revision "
            f"{revision}; your view is of revision {expected}); nothing was changed",
            hint="reload the channel and make your change again",
        )
    return int(revision)


def _apply(
    connection: sqlite3.Connection,
    key: int,
    channel: str,
    changes: list[Change],
    result: EditResult,
    zone: tzinfo,
) -> tuple[list[Change], int, list[str]]:
    inverse: list[Change] = []
    lines: list[str] = []
    longest = 0
    for change in changes:
        if isinstance(change, Delete):
            old = _stored(connection, key, change.programme_id, channel)
            connection.execute("DELETE FROM programme WHERE id = ?", (change.programme_id,))
            inverse.append(Insert(old))
            lines.append(describe_change(change, old, zone))
            result.deleted += 1
            continue
        row = programme_row(change.programme, key)
        if row[2] is not None:
            longest = max(longest, row[2] - row[1])
        if isinstance(change, Replace):
            old = _stored(connection, key, change.programme_id, channel)
            assignments = ", ".join(f"{name.strip()} = ?" for name in _COLUMNS.split(","))
            connection.execute(
                f"UPDATE programme SET {assignments} WHERE id = ?", (*row, change.programme_id)
            )
            inverse.append(Replace(change.programme_id, old))
            lines.append(describe_change(change, old, zone))
            result.replaced += 1
        else:
            cursor = connection.execute(
                f"INSERT INTO programme ({_COLUMNS}) VALUES ({', '.join('?' * 11)})", row
            )
            new_id = int(cursor.lastrowid or 0)
            inverse.append(Delete(new_id))
            lines.append(describe_change(change, None, zone))
            result.inserted.append(new_id)
    inverse.reverse()
    return inverse, longest, lines


def apply_changes(
    store: Store,
    channel: str,
    changes: list[Change],
    *,
    actor: Actor,
    action: str,
    summary: str,
    expected_revision: int | None,
    job_id: str | None = None,
    undoable: bool = True,
    backup: bool = False,
    undoes: int | None = None,
    operation: str = "edit",
    create: Channel | None = None,
) -> EditResult:
    """Apply ``changes`` to ``channel`` in one transaction, or refuse them all.

    ``expected_revision`` is the revision the changes were worked out from (``None`` only
    for changes that do not depend on what was there). ``backup`` takes an automatic backup
    first (fixes and plans do). ``undoes`` marks that undo entry as done, in the same
    transaction. ``create`` adds the channel (in the same transaction) when it is new, as a
    plan on a channel that only exists in the operator's head does.
    """
    store.require(operation)
    creating = create is not None and channel not in store.channel_ids()
    key = 0 if creating else store.channel_key(channel)
    if backup:
        store.database.automatic_backup(f"before-{action}")
    result = EditResult(channel=channel, revision=0)
    with store.database.write() as connection:
        if creating:
            assert create is not None
            key = _insert_channel(connection, create)
            store.forget_channel_cache()
        count_before, timezone = connection.execute(
            "SELECT programme_count, timezone FROM channel WHERE id = ?", (key,)
        ).fetchone()
        zone = channel_zone(timezone)
        revision = _check_revision(connection, key, channel, expected_revision, zone)
        try:
            inverse, longest, lines = _apply(connection, key, channel, changes, result, zone)
        except sqlite3.IntegrityError:
            raise StoreError(
                f"the change would store a programme on '{channel}' twice",
                hint="reload the channel; the same programme is already there",
            ) from None
        if undoes is not None:
            connection.execute("UPDATE undo_entry SET undone = 1 WHERE id = ?", (undoes,))
        now = int(time.time() * 1000)
        connection.execute(
            "UPDATE channel SET revision = ?, changed_by = ?, changed_at = ?, max_length_ms ="
            " max(max_length_ms, ?), programme_count = (SELECT count(*) FROM programme WHERE"
            " channel_id = ?) WHERE id = ?",
            (revision + 1, str(actor), now, longest, key, key),
        )
        result.revision = revision + 1
        if undoable and changes:
            result.undo_id = int(
                connection.execute(
                    "INSERT INTO undo_entry (channel, at, who, action, summary, changes) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        channel,
                        now,
                        str(actor),
                        action,
                        summary,
                        json.dumps([_encode(c) for c in inverse], ensure_ascii=False),
                    ),
                ).lastrowid
                or 0
            )
        count_after = count_before + len(result.inserted) - result.deleted
        record = AuditRecord.by(
            actor,
            action,
            summary,
            job_id=job_id,
            channel=channel,
            before={"programmes": count_before, "revision": revision},
            after={"programmes": count_after, "revision": revision + 1},
            changes=tuple(lines),
        )
        store.record(connection, record)
    store.publish(record)
    return result


def undo(
    store: Store, *, actor: Actor, channel: str | None = None, job_id: str | None = None
) -> EditResult:
    """Undo the newest change (of ``channel``, or of any channel) that is not undone yet."""
    store.require("undo")
    where, parameters = ("AND channel = ?", (channel,)) if channel else ("", ())
    row = store.connection.execute(
        "SELECT id, channel, summary, changes FROM undo_entry WHERE undone = 0 "
        f"{where} ORDER BY id DESC LIMIT 1",
        parameters,
    ).fetchone()
    if row is None:
        scope = f"on channel '{channel}'" if channel else "in this store"
        raise StoreError(f"there is nothing to undo {scope}")
    entry_id, target, summary, encoded = row
    if target is None:  # a library change (dedupe)
        record = AuditRecord.by(actor, "undo", f"undid {summary}", job_id=job_id)
        with store.database.write() as connection:
            undo_merge(entry_id, encoded, connection)
            store.record(connection, record)
        store.publish(record)
        return EditResult(channel="", revision=0)
    changes = [_decode(item) for item in json.loads(encoded)]
    result = apply_changes(
        store,
        target,
        changes,
        actor=actor,
        action="undo",
        summary=f"undid {summary}",
        expected_revision=None,
        job_id=job_id,
        undoable=False,
        undoes=entry_id,
        operation="undo",
    )
    return result
