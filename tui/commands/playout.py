"""``plan``, ``now`` and ``play``."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from core.clock import channel_zone, moment_text
from core.errors import InputError
from core.onair import mpv_command, on_air, shell_line
from core.planner import apply_plan, load_template, make_plan, single_group
from core.timeargs import parse_duration
from core.words import count
from tui.commands.context import Context

__all__ = ["run_now", "run_plan", "run_play"]


def run_plan(context: Context) -> int:
    """Fill a window from the library (``--dry-run`` previews)."""
    args = context.args
    start, stop = context.window()
    if start is None or stop is None:
        raise InputError("plan needs a window", hint="give --from T and --to T")
    if args.template and args.group:
        raise InputError(
            "plan takes --group G or --template FILE, not both",
            hint="a template names its groups itself; leave out --group",
        )
    if args.template:
        template = load_template(Path(args.template))
    elif args.group:
        template = single_group(args.group, args.order)
    else:
        raise InputError("plan needs --group G or --template FILE")
    try:
        grid = parse_duration(args.grid) if args.grid else None
    except ValueError as error:
        raise InputError(f"--grid: {error}") from None
    context.engine.store.require("plan")
    plan = make_plan(
        context.store,
        args.channel,
        start,
        stop,
        template,
        defaults=context.engine.config.rules,
        seed=args.seed,
        grid=grid,
        filler=args.filler,
        timezone=args.timezone,
    )
    if not args.json:
        for line in plan.preview(limit=args.limit):
            context.say(line)
    if args.dry_run:
        if args.json:
            context.print_json({**plan.to_json(), "applied": False})
        else:
            context.say(f"dry run: {count(len(plan.added), 'programme')} planned, nothing written")
        return 0
    context.run(
        "plan",
        lambda store, job: apply_plan(store, plan, actor=context.actor, job_id=job.job.id),
        label=f"plan {args.channel}",
    )
    if args.json:  # written once applied: a failed apply leaves no success document behind
        context.print_json({**plan.to_json(), "applied": True})
    else:
        context.say(
            f"planned {count(len(plan.added), 'programme')} on {args.channel} "
            "(a backup was taken; `scheduleflow undo` reverts it)"
        )
    return 0


def run_now(context: Context) -> int:
    """What is on air now (or ``--at``), and what comes next."""
    args = context.args
    at = context.instant("at") or datetime.now(UTC)
    channels = [args.channel] if args.channel else None
    states = on_air(context.store, at, channels)
    if args.json:
        context.print_json([state.to_json() for state in states])
        return 0
    for state in states:
        if state.programme is None:
            after = (
                f"; next '{state.next.title}' at {moment_text(state.next.start, state.zone)}"
                if state.next
                else ""
            )
            context.say(f"{state.channel}: nothing on air{after}")
            continue
        minutes = state.offset.total_seconds() / 60
        upcoming = (
            f"; next '{state.next.title}' at {moment_text(state.next.start, state.zone)}"
            if state.next
            else ""
        )
        context.say(
            f"{state.channel}: '{state.programme.title}' since "
            f"{moment_text(state.programme.start, state.zone)} ({minutes:.0f} min in){upcoming}"
        )
    return 0


def run_play(context: Context) -> int:
    """Hand the item on air, at its offset, and what follows to mpv.

    Locators that may not reach a command line are left out, each with a note on stderr.
    """
    args = context.args
    at = context.instant("at") or datetime.now(UTC)
    root = context.store.storage_roots().get(args.channel)
    command = mpv_command(
        context.store,
        args.channel,
        at,
        storage_root=root or context.engine.config.rules.storage_root,
    )
    for note in command.skipped:
        context.warn(f"scheduleflow play: {note}")  # notes quote titles from files
    if not command.items:
        facts = context.store.channel_facts().get(args.channel)
        zone = channel_zone(facts.timezone if facts else None)
        raise InputError(f"nothing with a video is on {args.channel} from {moment_text(at, zone)}")
    if args.print or shutil.which("mpv") is None:
        if not args.print:
            context.warn("mpv is not installed; this command plays the channel:")
        context.say(shell_line(command.arguments))
        return 0
    return subprocess.run(command.arguments, check=False).returncode
