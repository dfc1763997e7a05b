"""Changing a channel's schedule: checked against its revision, audited, undoable.

Every edit (a move, a trim, a fix, a plan) is a list of :data:`Change` applied to one channel
in one transaction. It names the revision it was based on; if someone else changed the channel
since, the edit is refused with who and when, never silently applied over their work. The
exact inverse of each applied edit is kept (a removed programme with its id and its import)
so that :func:`core.store.undo.undo` can put things back, one change after another.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from core.audit import AuditRecord
from core.clock import channel_zone, moment_text, span_text
from core.errors import StaleRevision, StoreError
from core.formats.json_format import programme_record
from core.identity import Actor
from core.models import Channel, EpisodeNum, Icon, Programme, Rating, RawElement, Text
from core.store.codec import channel_row, from_ms, programme_from_row, programme_row
from core.store.store import Store
from core.words import count

if TYPE_CHECKING:
    from core.store.undo import UndoEntry

__all__ = [
    "Change",
    "Delete",
    "EditResult",
    "Insert",
    "Replace",
    "apply_changes",
    "decode_changes",
    "describe_change",
]

_COLUMNS = (
    "channel_id, start, stop, start_offset, stop_offset, title, episode, fingerprint, locator,"
    " body, content_hash"
)


@dataclass(frozen=True)
class Insert:
    """Add a programme; an undo puts a removed one back under its own id (``keep_id``) and
    import (``source_id``), so older changes that name that id can be undone after it."""

    programme: Programme
    keep_id: int | None = None
    source_id: int | None = None


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
    summary: str = ""
    lines: list[str] = field(default_factory=list)
    """What each change did, as the audit records it (one line each)."""
    undone: UndoEntry | None = None
    """For an undo: the change it undid."""


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


def _stored(
    connection: sqlite3.Connection, key: int, programme_id: int, channel: str
) -> tuple[Programme, int | None]:
    """The stored programme and the import it came from."""
    row = connection.execute(
        "SELECT id, start, stop, start_offset, stop_offset, fingerprint, locator, body, "
        "source_id FROM programme WHERE id = ? AND channel_id = ?",
        (programme_id, key),
    ).fetchone()
    if row is None:
        raise StoreError(
            f"programme {programme_id} is not on channel '{channel}' any more",
            hint="reload the channel; someone may have removed it",
        )
    return programme_from_row(row[:8], channel), row[8]


def _encode(change: Change) -> dict[str, Any]:
    if isinstance(change, Delete):
        return {"delete": change.programme_id}
    record = programme_record(change.programme)
    if isinstance(change, Replace):
        return {"replace": change.programme_id, "programme": record}
    if change.keep_id is not None:
        return {"insert": record, "id": change.keep_id, "source": change.source_id}
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
    return Insert(_programme(data["insert"]), data.get("id"), data.get("source"))


def decode_changes(encoded: str) -> list[Change]:
    """The changes an undo entry keeps (its ``changes`` column)."""
    return [_decode(item) for item in json.loads(encoded)]


def _renumber(connection: sqlite3.Connection, channel: str, renumbered: dict[int, int]) -> None:
    """Programmes put back under new ids (their own were taken by another channel since):
    the older changes that name them, still to be undone, name the new ids.

    One pass with the whole map (old id to new): each pending entry is read and rewritten
    once, however many programmes an undo put back (it was once per programme, so undoing
    a large fix took entries × programmes). It also reads every id as it was: a new id may
    be another programme's old one (ids are reused), which renaming one id after another
    would have renamed twice.
    """
    rows = connection.execute(
        "SELECT id, channel, changes FROM undo_entry WHERE undone = 0 "
        "AND (channel = ? OR channel IS NULL)",
        (channel,),
    ).fetchall()
    for entry, target, encoded in rows:
        data = json.loads(encoded)
        changed = False
        if target is None:  # a dedupe: the programmes it re-pointed, by id
            for item in data["programmes"]:
                if item[0] in renumbered:
                    item[0], changed = renumbered[item[0]], True
        else:
            for item in data:
                for name in ("delete", "replace"):
                    if item.get(name) in renumbered:
                        item[name], changed = renumbered[item[name]], True
        if changed:
            connection.execute(
                "UPDATE undo_entry SET changes = ? WHERE id = ?",
                (json.dumps(data, ensure_ascii=False), entry),
            )


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
    renumbered: dict[int, int] = {}
    for change in changes:
        if isinstance(change, Delete):
            old, source = _stored(connection, key, change.programme_id, channel)
            connection.execute("DELETE FROM programme WHERE id = ?", (change.programme_id,))
            inverse.append(Insert(old, change.programme_id, source))
            lines.append(describe_change(change, old, zone))
            result.deleted += 1
            continue
        row = programme_row(change.programme, key)
        if row[2] is not None:
            longest = max(longest, row[2] - row[1])
        if isinstance(change, Replace):
            old, _ = _stored(connection, key, change.programme_id, channel)
            assignments = ", ".join(f"{name.strip()} = ?" for name in _COLUMNS.split(","))
            connection.execute(
                f"UPDATE programme SET {assignments} WHERE id = ?", (*row, change.programme_id)
            )
            inverse.append(Replace(change.programme_id, old))
            lines.append(describe_change(change, old, zone))
            result.replaced += 1
        else:
            new_id = _insert(connection, change, row)
            if change.keep_id is not None and new_id != change.keep_id:
                renumbered.setdefault(change.keep_id, new_id)  # put back twice: the first stands
            inverse.append(Delete(new_id))
            lines.append(describe_change(change, None, zone))
            result.inserted.append(new_id)
    if renumbered:
        _renumber(connection, channel, renumbered)
    inverse.reverse()
    return inverse, longest, lines


def _insert(connection: sqlite3.Connection, change: Insert, row: tuple[Any, ...]) -> int:
    """Insert a programme: one put back by an undo under its own id and import if it can.

    Another channel's programme may have that id now: then under a new one, which the
    caller renumbers (:func:`_renumber`)."""
    wanted = change.keep_id
    if (
        wanted is not None
        and not connection.execute("SELECT 1 FROM programme WHERE id = ?", (wanted,)).fetchone()
    ):
        connection.execute(
            f"INSERT INTO programme (id, {_COLUMNS}, source_id) VALUES "
            f"(?, {', '.join('?' * 11)}, (SELECT id FROM import_source WHERE id = ?))",
            (wanted, *row, change.source_id),
        )
        return wanted
    cursor = connection.execute(
        f"INSERT INTO programme ({_COLUMNS}) VALUES ({', '.join('?' * 11)})", row
    )
    return int(cursor.lastrowid or 0)


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
    remove_channel: bool = False,
) -> EditResult:
    """Apply ``changes`` to ``channel`` in one transaction, or refuse them all.

    ``expected_revision`` is the revision the changes were worked out from (``None`` only
    for changes that do not depend on what was there). ``backup`` takes an automatic backup
    first (fixes and plans do). ``undoes`` marks that undo entry as done, in the same
    transaction. ``create`` adds the channel (in the same transaction) when it is new, as a
    plan on a channel that only exists in the operator's head does; ``remove_channel``
    removes it again once the changes have emptied it (the undo of that plan).
    """
    store.require(operation)
    creating = create is not None and channel not in store.channel_ids()
    key = 0 if creating else store.channel_key(channel)
    if backup:
        store.database.automatic_backup(f"before-{action}")
    result = EditResult(channel=channel, revision=0, summary=summary)
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
        result.lines = lines
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
        if remove_channel:
            _remove_channel(connection, key, channel)
        if undoable and changes:
            result.undo_id = int(
                connection.execute(
                    "INSERT INTO undo_entry (channel, at, who, action, summary, changes, "
                    "job_id, revision, created_channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        channel,
                        now,
                        str(actor),
                        action,
                        summary,
                        json.dumps([_encode(c) for c in inverse], ensure_ascii=False),
                        job_id,
                        revision + 1,
                        int(creating),
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
    if remove_channel:
        store.forget_channel_cache()
    store.publish(record)
    return result


def _remove_channel(connection: sqlite3.Connection, key: int, channel: str) -> None:
    """Remove a channel its changes have emptied (never one that still has programmes)."""
    (left,) = connection.execute(
        "SELECT count(*) FROM programme WHERE channel_id = ?", (key,)
    ).fetchone()
    if left:
        raise StaleRevision(
            f"channel '{channel}' has {count(left, 'programme')} the plan that made it did "
            "not add; nothing was undone",
            hint="remove them first, or keep the channel",
        )
    connection.execute("DELETE FROM channel WHERE id = ?", (key,))
