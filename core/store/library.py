"""Merging duplicate library assets, undoably.

Two assets are duplicates when they share a fingerprint (the MD5 of the normalised locator)
or, with ``content``, when their local files have the same bytes. Merging keeps the most
complete copy (see :func:`_completeness`; the first imported of equally complete ones),
gives it every group of the others, re-points programmes that played a duplicate's locator
to the kept one, and deletes the duplicates — in one transaction after a backup, audited,
with the exact inverse kept for ``undo``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.audit import AuditRecord
from core.errors import StoreError
from core.identity import Actor
from core.locators import content_fingerprint, local_path
from core.store.store import Store
from core.words import count

__all__ = ["AssetMerge", "apply_merges", "find_duplicate_assets", "undo_merge"]


@dataclass
class AssetMerge:
    """One set of duplicates: the asset kept and those merged into it."""

    key: str
    keep: int
    keep_title: str
    merged: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    why: str = "as complete as the others, imported first"
    """What the kept copy has that a merged one lacks (or why it won a tie)."""

    def describe(self) -> str:
        """One line for the preview: which copy is kept, and why."""
        others = ", ".join(f"#{i} '{t}'" for i, t in zip(self.merged, self.titles, strict=True))
        return f"keep #{self.keep} '{self.keep_title}' ({self.why}); merge {others}"


_COMPLETE = ("known duration", "title", "group", "tvg-id")
"""What makes one copy more complete than another, most important first. (Duplicates share
their fingerprint, the MD5 of the locator, or with ``--content`` their bytes' MD5: that
cannot tell them apart.)"""


def _completeness(row: tuple[Any, ...], groups: set[int]) -> tuple[bool, ...]:
    """Which of :data:`_COMPLETE` an asset row ``(id, fingerprint, title, locator,
    duration, tvg_id)`` has; a title is more than the locator's file name (what a playlist
    without titles shows)."""
    identifier, _, title, locator, duration, tvg_id = row
    name = locator.rstrip("/").rsplit("/", 1)[-1]
    return (
        duration is not None,
        bool(title.strip()) and title != name,
        identifier in groups,
        bool(tvg_id),
    )


def find_duplicate_assets(store: Store, *, content: bool = False) -> list[AssetMerge]:
    """Sets of library assets that are one and the same, each with the copy to keep."""
    rows = store.connection.execute(
        "SELECT id, fingerprint, title, locator, duration, tvg_id FROM asset ORDER BY id"
    ).fetchall()
    grouped = {int(i) for (i,) in store.connection.execute("SELECT asset_id FROM asset_group")}
    keys: dict[str, list[tuple[Any, ...]]] = {}
    hashed: dict[str, str] = {}
    for row in rows:
        key = row[1]
        if content:
            path = local_path(row[3])
            if path is not None and path.is_file():
                name = str(path)
                if name not in hashed:
                    hashed[name] = "content:" + content_fingerprint(Path(name))
                key = hashed[name]
        keys.setdefault(key, []).append(row)
    merges = []
    for key, members in keys.items():
        if len(members) < 2:
            continue
        scores = {row[0]: _completeness(row, grouped) for row in members}
        # the most complete; min over ids keeps the first imported of equal ones
        keep = max(members, key=lambda row: (scores[row[0]], -row[0]))
        rest = [row for row in members if row is not keep]
        lacking = [
            name
            for index, name in enumerate(_COMPLETE)
            if scores[keep[0]][index] and not all(scores[row[0]][index] for row in rest)
        ]
        merge = AssetMerge(key, keep[0], keep[2], [r[0] for r in rest], [r[2] for r in rest])
        if lacking:
            merge.why = ", ".join(lacking)
        merges.append(merge)
    return merges


def apply_merges(
    store: Store, merges: list[AssetMerge], *, actor: Actor, job_id: str | None = None
) -> dict[str, int]:
    """Merge the duplicates; returns counts (assets removed, programmes re-pointed)."""
    store.require("dedupe")
    if not merges:
        return {"assets_removed": 0, "programmes_repointed": 0}
    store.database.automatic_backup("before-dedupe")
    removed = repointed = 0
    inverse: dict[str, list[Any]] = {
        "assets": [],
        "groups": [],
        "programmes": [],
        "added_groups": [],
    }
    with store.database.write() as connection:
        before = connection.execute("SELECT count(*) FROM asset").fetchone()[0]
        for merge in merges:
            kept = connection.execute(
                "SELECT fingerprint, locator FROM asset WHERE id = ?", (merge.keep,)
            ).fetchone()
            for identifier in merge.merged:
                row = connection.execute(
                    "SELECT id, fingerprint, title, locator, duration, extinf, tags, "
                    "extinf_duration, tvg_id, content_hash, source_id, duration_source "
                    "FROM asset WHERE id = ?",
                    (identifier,),
                ).fetchone()
                if row is None:
                    raise StoreError(f"asset {identifier} is gone", hint="run dedupe again")
                inverse["assets"].append(list(row))
                groups = connection.execute(
                    "SELECT name FROM asset_group WHERE asset_id = ?", (identifier,)
                ).fetchall()
                inverse["groups"] += [[name, identifier] for (name,) in groups]
                for (name,) in groups:
                    added = connection.execute(
                        "INSERT OR IGNORE INTO asset_group (name, asset_id) VALUES (?, ?)",
                        (name, merge.keep),
                    ).rowcount
                    if added:
                        inverse["added_groups"].append([name, merge.keep])
                if row[1] != kept[0]:
                    moved = connection.execute(
                        "SELECT id, fingerprint, locator FROM programme WHERE fingerprint = ?",
                        (row[1],),
                    ).fetchall()
                    inverse["programmes"] += [list(item) for item in moved]
                    repointed += connection.execute(
                        "UPDATE programme SET fingerprint = ?, locator = ? WHERE fingerprint = ?",
                        (kept[0], kept[1], row[1]),
                    ).rowcount
                connection.execute("DELETE FROM asset WHERE id = ?", (identifier,))
                removed += 1
        summary = (
            f"dedupe: merged {count(removed, 'duplicate asset')}, "
            f"re-pointed {count(repointed, 'programme')}"
        )
        connection.execute(
            "INSERT INTO undo_entry (channel, at, who, action, summary, changes, job_id) "
            "VALUES (NULL, ?, ?, 'dedupe', ?, ?, ?)",
            (int(time.time() * 1000), str(actor), summary, json.dumps(inverse), job_id),
        )
        record = AuditRecord.by(
            actor,
            "dedupe",
            summary,
            job_id=job_id,
            before={"assets": before},
            after={"assets": before - removed},
        )
        store.record(connection, record)
    store.publish(record)
    return {"assets_removed": removed, "programmes_repointed": repointed}


def undo_merge(entry_id: int, encoded: str, connection: Any) -> None:
    """Put merged assets, their groups and re-pointed programmes back (inside a transaction)."""
    inverse = json.loads(encoded)
    for row in inverse["assets"]:
        connection.execute(
            "INSERT INTO asset (id, fingerprint, title, locator, duration, extinf, tags, "
            "extinf_duration, tvg_id, content_hash, source_id, duration_source) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row + [None] * (12 - len(row)),  # entries made before version 7 have 11
        )
    connection.executemany(
        "DELETE FROM asset_group WHERE name = ? AND asset_id = ?", inverse["added_groups"]
    )
    connection.executemany(
        "INSERT OR IGNORE INTO asset_group (name, asset_id) VALUES (?, ?)", inverse["groups"]
    )
    connection.executemany(
        "UPDATE programme SET fingerprint = ?, locator = ? WHERE id = ?",
        [
            (fingerprint, locator, identifier)
            for identifier, fingerprint, locator in inverse["programmes"]
        ],
    )
    connection.execute("UPDATE undo_entry SET undone = 1 WHERE id = ?", (entry_id,))
