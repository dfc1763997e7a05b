"""The audit trail: who changed what, when, in which job, with counts before and after.

A schedule change also keeps one line per programme it touched, before and after, in the
channel's time (``~ change #12 'News' … 06:00–06:30 CET → … 07:00–07:30 CET``), so the trail
tells the story without the database at hand.

Every change is recorded twice: in the database (inside the change's own transaction, so a
rolled-back change leaves no record) and, once committed, appended to ``logs/audit.jsonl``
for tools that tail files.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.identity import Actor
from core.safefiles import RefusedFile, append_text
from core.storable import storable

__all__ = ["AuditRecord", "append_jsonl", "insert_audit", "read_audit"]

log = logging.getLogger("scheduleflow.audit")


@dataclass(frozen=True)
class AuditRecord:
    """One change."""

    action: str
    summary: str
    who: str
    ssh_client: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    job_id: str | None = None
    channel: str | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    changes: tuple[str, ...] = ()
    request_id: str | None = None

    @classmethod
    def by(cls, actor: Actor, action: str, summary: str, **fields: Any) -> AuditRecord:
        """A record of ``action`` done by ``actor``; text UTF-8 cannot hold (a file name that
        is not UTF-8) is made storable here, once, for the database and the log alike."""
        fields.setdefault("request_id", actor.request_id)
        return cls(
            action,
            storable(summary),
            actor.user,
            storable(actor.ssh_client),
            **{key: storable(value) for key, value in fields.items()},
        )

    def to_json(self) -> dict[str, Any]:
        """The ``audit --json`` shape of one record."""
        return {
            "at": self.at.isoformat(),
            "who": self.who,
            "ssh_client": self.ssh_client,
            "action": self.action,
            "job_id": self.job_id,
            "channel": self.channel,
            "summary": self.summary,
            "before": self.before,
            "after": self.after,
            "changes": list(self.changes),
            "request_id": self.request_id,
        }


def insert_audit(connection: sqlite3.Connection, record: AuditRecord) -> None:
    """Store a record inside the caller's transaction."""
    connection.execute(
        "INSERT INTO audit (at, who, ssh_client, action, job_id, channel, summary, before, after,"
        " changes, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            int(record.at.timestamp() * 1000),
            record.who,
            record.ssh_client,
            record.action,
            record.job_id,
            record.channel,
            record.summary,
            json.dumps(record.before, ensure_ascii=False),
            json.dumps(record.after, ensure_ascii=False),
            json.dumps(record.changes, ensure_ascii=False),
            record.request_id,
        ),
    )


def append_jsonl(folder: Path, record: AuditRecord) -> None:
    """Append the record to ``folder/audit.jsonl`` (one JSON object per line).

    A link or anything but a regular file at that name is not written through
    (core.safefiles): the record stays in the database, and the log says why the file lacks it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "audit.jsonl"
    try:
        append_text(path, json.dumps(record.to_json(), ensure_ascii=False) + "\n")
    except RefusedFile as error:
        log.warning("%s %s: the audit record is in the database only", path, error.strerror)


def read_audit(
    connection: sqlite3.Connection, since: datetime | None = None, limit: int = 1000
) -> list[AuditRecord]:
    """Records newest first, optionally only those since an instant."""
    floor = int(since.timestamp() * 1000) if since else -(2**62)
    rows = connection.execute(
        "SELECT at, who, ssh_client, action, job_id, channel, summary, before, after, changes,"
        " request_id FROM audit"
        " WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?",
        (floor, limit),
    ).fetchall()
    return [
        AuditRecord(
            action=row[3],
            summary=row[6],
            who=row[1],
            ssh_client=row[2],
            at=datetime.fromtimestamp(row[0] / 1000, UTC),
            job_id=row[4],
            channel=row[5],
            before=json.loads(row[7]),
            after=json.loads(row[8]),
            changes=tuple(json.loads(row[9])),
            request_id=row[10],
        )
        for row in rows
    ]
