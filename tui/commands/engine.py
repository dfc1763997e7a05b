"""``jobs``, ``health`` and ``audit``."""

from __future__ import annotations

import dataclasses
import time

from core.diskspace import free_bytes
from core.errors import DiskFull, StoreCorrupt
from core.health import Health
from core.words import count
from tui.commands.context import Context

__all__ = ["run_audit", "run_health", "run_jobs"]


def run_jobs(context: Context) -> int:
    """Recent jobs of every process, newest first."""
    jobs = context.engine.history.recent(context.args.limit)
    if context.args.json:
        context.print_json(jobs)
        return 0
    if not jobs:
        context.say("no jobs yet")
    for job in jobs:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(job["created"]))
        took = (
            f" in {job['ended'] - job['started']:.1f} s" if job["ended"] and job["started"] else ""
        )
        error = f" — {job['error_message']}" if job["error_message"] else ""
        context.say(f"{when}  {job['state']:10} {job['label']}{took}  [{job['id']}]{error}")
    return 0


def run_health(context: Context) -> int:
    """Healthy (exit 0) or degraded (exit 1), with the numbers."""
    try:
        health = context.engine.health()
    except (DiskFull, StoreCorrupt) as error:
        health = Health.unopened(str(error), free_bytes(context.database))
    # a command's own process has been up for an instant: its uptime would say nothing
    health = dataclasses.replace(health, uptime_seconds=None)
    if context.args.json:
        context.print_json(health.to_json())
    else:
        context.say(
            f"{health.status}: {health.active} active, {health.queued} queued, "
            f"{health.completed} completed, {health.failed} failed, "
            f"{health.timed_out} timed out; store {health.store}"
        )
        for reason in health.reasons:
            context.say(f"  {reason}")
    return 0 if health.status == "healthy" else 1


def run_audit(context: Context) -> int:
    """Who changed what, newest first."""
    context.engine.store.require("audit")
    records = context.store.audit(context.instant("since"), context.args.limit)
    if context.args.json:
        context.print_json([record.to_json() for record in records])
        return 0
    for record in records:
        where = f" on {record.channel}" if record.channel else ""
        ssh = f", ssh client (reported) {record.ssh_client}" if record.ssh_client else ""
        job = f"  [job {record.job_id}]" if record.job_id else ""
        context.say(
            f"{record.at:%Y-%m-%d %H:%M:%S} UTC  {record.who}{ssh}  {record.action}"
            f"{where}: {record.summary}{_counts(record.before, record.after)}{job}"
        )
        for line in record.changes[:_CHANGE_LINES]:
            context.say(f"    {line}")
        if len(record.changes) > _CHANGE_LINES:
            more = len(record.changes) - _CHANGE_LINES
            context.say(f"    … and {count(more, 'more change')} (`audit --json` lists them all)")
    return 0


_CHANGE_LINES = 20
"""A plan adds hundreds of programmes: the text shows the first ones, the JSON all of them."""


def _counts(before: dict[str, object], after: dict[str, object]) -> str:
    """`` (programmes 10 → 11, revision 3 → 4)``: the counts a record kept, before → after."""
    pairs = [f"{key} {before[key]} → {after[key]}" for key in before if key in after]
    return f" ({', '.join(pairs)})" if pairs else ""
