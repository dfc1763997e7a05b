"""``db check``, ``db backup`` and ``db restore``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.audit import AuditRecord
from core.store import Database
from tui.commands.context import Context

__all__ = ["run_db"]


def run_db(context: Context) -> int:
    """Check, back up or restore the database."""
    args = context.args
    if args.action == "check":
        database = Database(context.database)  # checks on open; damaged → StoreCorrupt
        try:
            result = database.quick_check()
            foreign = database.connection.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            database.close()
        if result != "ok" or foreign:
            context.say(f"{context.database}: {result}; {len(foreign)} broken references")
            return 1
        context.say(f"{context.database}: ok")
        return 0
    store = context.store
    if args.action == "backup":
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(args.path) if args.path else store.database.backups / (
            f"{store.path.stem}-{stamp}-manual.db"
        )  # fmt: skip
        store.database.backup_to(target)
        context.say(f"backed up {store.path} to {target}")
        return 0
    if not args.path:
        context.say("db restore needs the backup to restore: scheduleflow db restore PATH")
        return 2
    before = store.database.restore_from(Path(args.path))
    record = AuditRecord.by(
        context.actor,
        "restore",
        f"restored {store.path} from {args.path}",
        before={"backup_of_previous_state": str(before)},
    )
    with store.database.write() as connection:
        store.record(connection, record)
    store.publish(record)
    context.say(f"restored {store.path} from {args.path}; the previous state is in {before}")
    return 0

