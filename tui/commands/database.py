"""``db check``, ``db backup`` and ``db restore``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.audit import AuditRecord
from core.errors import FileProblem
from core.paths import log_folder, resolve_links
from core.store import Database
from core.store.database import restore_database
from tui.commands.context import Context

__all__ = ["run_db"]


def run_db(context: Context) -> int:
    """Check, back up or restore the database."""
    args = context.args
    if args.action == "check":
        # Opening runs the integrity check; a damaged file raises StoreCorrupt (exit 2).
        database = Database(context.database)
        try:
            foreign = database.connection.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            database.close()
        if foreign:
            context.say(f"{context.database}: {len(foreign)} broken references")
            return 1
        context.say(f"{context.database}: ok")
        return 0
    if args.action == "backup":
        # microseconds: two backups in one second must not collide ("already exists")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        default = context.store.database.backups / f"{context.database.stem}-{stamp}-manual.db"
        target = Path(args.path) if args.path else default
        _refuse_log_file(context, target)
        context.run(
            "backup",
            lambda store, job: store.database.backup_to(
                target,
                force=args.force,
                make_folders=not args.path,  # backups/ is ours
            ),
        )
        context.say(f"backed up {context.database} to {target}")
        return 0
    if not args.path:
        context.say("db restore needs the backup to restore: scheduleflow db restore PATH")
        return 2
    context.close()
    restored = restore_database(context.database, Path(args.path), context.role)
    before = restored.previous
    kept = f"the previous state is in {before}" if before else "the damaged file was kept aside"
    carried = f"{restored.audit_carried} newer audit records carried over"
    record = AuditRecord.by(
        context.actor,
        "restore",
        f"restored {context.database} from {args.path}; {carried}",
        before={"previous_state": str(before) if before else "damaged"},
        after={"audit_carried": restored.audit_carried},
    )
    store = context.store
    with store.database.write() as connection:
        store.record(connection, record)
    store.publish(record)
    context.say(f"restored {context.database} from {args.path}; {kept}; {carried}")
    return 0


def _refuse_log_file(context: Context, target: Path) -> None:
    """A backup is never written over a log (``scheduleflow.log``, ``audit.jsonl``): the
    store's own files are refused by the backup itself (core.store.database)."""
    logs = {
        resolve_links(folder)
        for folder in (log_folder(context.home), context.database.parent / "logs")
    }
    if resolve_links(target).parent in logs:
        raise FileProblem(
            "is in the log folder; a backup never replaces a log",
            path=target,
            hint="give the backup another name (backups/ keeps them)",
        )
