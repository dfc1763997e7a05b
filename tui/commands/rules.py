"""``check``, ``fix``, ``dedupe`` and ``undo``."""

from __future__ import annotations

from collections import Counter, defaultdict

from core.errors import InputError
from core.rules import check_store
from core.rules.findings import Finding
from core.rules.fixes import apply_fix, plan_fix
from core.store.library import apply_merges, find_duplicate_assets
from core.store.undo import UndoEntry, pending_undos, refusal, undo
from core.words import count
from tui.commands.context import Context

__all__ = ["run_check", "run_dedupe", "run_fix", "run_undo"]


def _grouped(findings: list[Finding]) -> dict[str, dict[str, list[Finding]]]:
    groups: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        groups[finding.channel][finding.kind].append(finding)
    return groups


def run_check(context: Context) -> int:
    """Report what is wrong; exit 1 when there is an error-severity finding."""
    args = context.args
    defaults = context.engine.config.rules
    start, stop = context.window()
    report = context.run(
        "check",
        lambda store, job: check_store(
            store,
            defaults,
            channels=[args.channel] if args.channel else None,
            start=start,
            stop=stop,
        ),
    )
    if args.json:
        context.print_json(report.to_json())
        return 1 if report.errors else 0
    counts = ", ".join(f"{number} {kind}" for kind, number in report.counts.items() if number)
    context.say(
        f"checked {count(report.programmes, 'programme')} on "
        f"{count(report.channels, 'channel')}: {counts or 'nothing to report'}"
    )
    severities = Counter(finding.severity for finding in report.findings)
    context.say(
        f"  {count(severities['error'], 'error')}, {count(severities['warning'], 'warning')}, "
        f"{count(severities['info'], 'note')}"
    )
    limit = args.limit
    for channel, kinds in sorted(_grouped(report.findings).items()):
        context.say("")
        summary = ", ".join(f"{len(items)} {kind}" for kind, items in kinds.items())
        context.say(f"{channel}: {summary}")
        for kind, items in kinds.items():
            for finding in items[:limit]:
                fixes = f"  [fix: {', '.join(finding.fixes)}]" if finding.fixes else ""
                context.say(f"  {finding.severity:7} {kind:10} {finding.message}{fixes}")
            if len(items) > limit:
                more = count(len(items) - limit, f"more {kind} finding")
                context.say(f"  … and {more} (--limit)")
    return 1 if report.errors else 0


def run_fix(context: Context) -> int:
    """Preview (``--dry-run``) or apply one kind of fix."""
    args = context.args
    context.engine.store.require("fix")
    start, stop = context.window()
    plan = plan_fix(
        context.store,
        args.kind,
        args.policy,
        defaults=context.engine.config.rules,
        channels=[args.channel] if args.channel else None,
        start=start,
        stop=stop,
        group=args.group,
    )
    if args.json:  # one document, written once the outcome is known
        if plan.changes and not args.dry_run:
            context.run(
                "fix",
                lambda store, job: apply_fix(store, plan, actor=context.actor, job_id=job.job.id),
                label=f"fix {args.kind} --policy {args.policy}",
            )
        context.print_json({**plan.to_json(), "applied": bool(plan.changes) and not args.dry_run})
        return 0
    for line in plan.preview():
        context.say(line)
    if not plan.changes:
        context.say(f"nothing to fix: no {args.kind} findings that --policy {args.policy} changes")
        return 0
    if args.dry_run:
        context.say(f"dry run: {count(plan.changes, 'change')} previewed, nothing applied")
        return 0
    results = context.run(
        "fix",
        lambda store, job: apply_fix(store, plan, actor=context.actor, job_id=job.job.id),
        label=f"fix {args.kind} --policy {args.policy}",
    )
    context.say(
        f"applied {count(plan.changes, 'change')} to {count(len(results), 'channel')} "
        "(a backup was taken; `scheduleflow undo` reverts the last one)"
    )
    return 0


def run_dedupe(context: Context) -> int:
    """Merge library assets that are the same file or stream."""
    args = context.args
    context.engine.store.require("dedupe")
    merges = find_duplicate_assets(context.store, content=args.content)
    for merge in merges:
        context.say(merge.describe())
    if not merges:
        context.say("no duplicate assets")
        return 0
    if args.dry_run:
        context.say(f"dry run: {count(len(merges), 'set')} of duplicates, nothing merged")
        return 0
    counts = context.run(
        "dedupe",
        lambda store, job: apply_merges(store, merges, actor=context.actor, job_id=job.job.id),
    )
    context.say(
        f"merged {count(counts['assets_removed'], 'duplicate asset')} and re-pointed "
        f"{count(counts['programmes_repointed'], 'programme')} (undo with `scheduleflow undo`)"
    )
    return 0


def run_undo(context: Context) -> int:
    """Undo the newest change (of one channel, or of any); ``--list`` shows what is next."""
    args = context.args
    if args.list:
        return _list_undos(context)
    if args.json:
        raise InputError("undo --json goes with --list", hint="scheduleflow undo --list --json")
    result = context.run(
        "undo",
        lambda store, job: undo(
            store, actor=context.actor, channel=args.channel, job_id=job.job.id
        ),
    )
    entry = result.undone
    made = f" (made {entry.when()} by {entry.who}{_job(entry)})" if entry else ""
    where = result.channel or "the library"
    context.say(f"undid on {where}: {result.summary.removeprefix('undid ')}{made}")
    for line in result.lines[: args.limit]:
        context.say(f"  {line}")
    if len(result.lines) > args.limit:
        context.say(f"  … and {len(result.lines) - args.limit} more (--limit)")
    return 0


def _job(entry: UndoEntry) -> str:
    return f", job {entry.job_id}" if entry.job_id else ""


def _list_undos(context: Context) -> int:
    """What ``undo`` would undo, newest (the next one) first; nothing is changed."""
    args = context.args
    entries = pending_undos(context.store, args.channel, limit=args.limit + 1)
    if args.json:
        context.print_json(
            [
                {
                    "id": entry.id,
                    "channel": entry.channel,
                    "action": entry.action,
                    "summary": entry.summary,
                    "at": entry.at.isoformat(timespec="seconds"),
                    "who": entry.who,
                    "job": entry.job_id,
                    "refused": refusal(context.store, entry) if number == 0 else None,
                }
                for number, entry in enumerate(entries[: args.limit])
            ]
        )
        return 0
    if not entries:
        context.say("nothing to undo")
        return 0
    context.say("next to undo, newest first:")
    for number, entry in enumerate(entries[: args.limit]):
        where = entry.channel or "the library"
        context.say(f"  {where}: {entry.summary} ({entry.when()} by {entry.who}{_job(entry)})")
        refused = refusal(context.store, entry) if number == 0 else None
        if refused is not None:
            context.say(f"  ! the next undo is refused: {refused}")
    if len(entries) > args.limit:
        context.say("  … and more (--limit)")
    return 0
