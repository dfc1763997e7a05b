"""``inspect``, ``import`` and ``export``: files in and out of the store."""

from __future__ import annotations

from pathlib import Path

from core.inspection import inspect_file
from core.store import export, import_file
from tui.commands.context import Context

__all__ = ["run_export", "run_import", "run_inspect"]


def run_inspect(context: Context) -> int:
    """Parse a file without storing it and say what it holds."""
    args = context.args
    result = inspect_file(args.path, args.format, limit=args.max_size)
    if args.json:
        context.print_json(result.to_json())
        return 0
    context.say(f"{result.path}: {result.format}")
    context.say(f"  channels:   {result.channels}")
    context.say(f"  programmes: {result.programmes}")
    context.say(f"  entries:    {result.entries}")
    if result.start is not None and result.stop is not None:
        context.say(f"  range:      {result.start.isoformat()} → {result.stop.isoformat()}")
    _warnings(context, result.warnings, result.warnings_total)
    return 0


def _warnings(context: Context, warnings: list[object], total: int) -> None:
    if not total:
        return
    context.say(f"  warnings:   {total}")
    for warning in warnings:
        context.say(f"    {warning}")
    if total > len(warnings):
        context.say(f"    … and {total - len(warnings)} more")


def run_import(context: Context) -> int:
    """Import a file into the store in one transaction."""
    args = context.args
    result = context.run(
        "import",
        lambda store, job: import_file(
            store,
            args.path,
            actor=context.actor,
            format=args.format,
            channel=args.channel,
            replace=args.replace,
            limit=args.max_size,
            job_id=job.job.id,
            progress=job.progress,
            should_stop=job.should_stop,
        ),
        label=f"import {Path(args.path).name}",
    )
    if args.json:
        context.print_json(result.to_json())
        return 0
    context.say(f"imported {result.path} ({result.format}) in {result.seconds:.1f} s")
    context.say(
        f"  programmes: {result.added} added, {result.skipped} skipped, {result.replaced} replaced"
        + (
            f", {result.duplicates_in_file} repeated in the file (stored once)"
            if result.duplicates_in_file
            else ""
        )
    )
    if result.assets_added or result.assets_skipped:
        context.say(
            f"  library:    {result.assets_added} assets added, {result.assets_skipped} skipped"
        )
    context.say(f"  channels:   {result.channels_added} added, {result.channels_updated} updated")
    if result.backup is not None:
        context.say(f"  backup:     {result.backup}")
    _warnings(context, list(result.warnings), result.warnings_total)
    return 0


def run_export(context: Context) -> int:
    """Export channels and a time range to a file (or a folder for ffplayout)."""
    args = context.args
    start, stop = context.instant("from_"), context.instant("to")
    result = context.run(
        "export",
        lambda store, job: export(
            store,
            args.format,
            Path(args.output),
            channels=[args.channel] if args.channel else None,
            start=start,
            stop=stop,
            force=args.force,
            keep_unknown=args.keep_unknown,
            guide_url=args.guide_url,
            library=args.library,
            group=args.group,
            should_stop=job.should_stop,
            filler=args.filler,
        ),
        label=f"export {args.format} to {Path(args.output).name}",
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=context.err)
    if args.json:
        context.print_json(result.to_json())
        return 0
    if result.assets and not result.programmes:
        what = f"{result.assets} library entries"
    elif args.format == "m3u":
        what = f"a line-up of {result.channels} channels"
    else:
        what = f"{result.programmes} programmes of {result.channels} channels"
    context.say(
        f"exported {what} as {result.format} to "
        + ", ".join(str(path) for path in result.files[:3])
        + (f" (+{len(result.files) - 3} more)" if len(result.files) > 3 else "")
    )
    return 0
