"""``inspect``, ``import`` and ``export``: files in and out of the store."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from core.clock import span_text
from core.errors import InputError
from core.inspection import inspect_file
from core.words import count
from tui.commands.context import Context

__all__ = ["run_export", "run_import", "run_inspect"]

_ASSET_CHANGES_SHOWN = 20  # what a re-import changed in the library, one line per asset


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
        # a file names no channel zone yet: its range reads in UTC, and says so
        context.say(f"  range:      {span_text(result.start, result.stop, None)}")
    _warnings(context, result.warnings, result.warnings_total)
    return 0


def _warnings(context: Context, warnings: Sequence[object], total: int) -> None:
    if not total:
        return
    context.say(f"  warnings:   {total}")
    for warning in warnings:
        context.say(f"    {warning}")
    if total > len(warnings):
        context.say(f"    … and {total - len(warnings)} more")


def run_import(context: Context) -> int:
    """Import a file into the store in one transaction."""
    from core.store import import_file  # not loaded for `inspect`

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
    if result.assets_updated or result.assets_unchanged:
        context.say(
            f"  library:    {result.assets_added} added, {result.assets_updated} updated, "
            f"{result.assets_unchanged} unchanged"
            + (f", {result.assets_skipped} repeated in the file" if result.assets_skipped else "")
        )
        for line in result.asset_changes[:_ASSET_CHANGES_SHOWN]:
            context.say(f"    {line}")
        hidden = result.assets_updated - min(len(result.asset_changes), _ASSET_CHANGES_SHOWN)
        if hidden > 0:
            context.say(f"    … and {hidden} more updated (see `scheduleflow audit --json`)")
    elif result.assets_added or result.assets_skipped:
        context.say(
            f"  library:    {count(result.assets_added, 'asset')} added, "
            f"{result.assets_skipped} skipped"
        )
    context.say(f"  channels:   {result.channels_added} added, {result.channels_updated} updated")
    if result.backup is not None:
        context.say(f"  backup:     {result.backup}")
    _warnings(context, list(result.warnings), result.warnings_total)
    return 0


@contextmanager
def _export_target(output: str, context: Context) -> Iterator[Path | TextIO]:
    """``-o -``: standard output, as UTF-8 whatever the locale; else the path."""
    if output != "-":
        yield Path(output)
        return
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")  # what the XML and JSON say they are
    try:
        yield sys.stdout
    finally:
        context.flush()  # a reader that went away loses the words, nothing else


def run_export(context: Context) -> int:
    """Export channels and a time range to a file (a folder for ffplayout), or with ``-o -``
    to standard output as the export goes."""
    from core.store import export  # not loaded for `inspect`

    args = context.args
    start, stop = context.window()
    to_stdout = args.output == "-"
    if to_stdout and args.json:
        raise InputError(
            "-o - writes the export to standard output, where --json would go too",
            hint="leave out --json, or give -o a file",
        )
    with _export_target(args.output, context) as target:
        result = context.run(
            "export",
            lambda store, job: export(
                store,
                args.format,
                target,
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
            label=f"export {args.format} to "
            + ("standard output" if to_stdout else Path(args.output).name),
        )
    for warning in result.warnings:
        context.warn(f"warning: {warning}")
    if args.json:
        context.print_json(result.to_json())
        return 0
    if result.assets and not result.programmes:
        what = count(result.assets, "library entry", "library entries")
    elif args.format == "m3u":
        what = f"a line-up of {count(result.channels, 'channel')}"
    else:
        what = f"{count(result.programmes, 'programme')} of {count(result.channels, 'channel')}"
    if to_stdout:  # the export itself is on standard output
        context.warn(f"exported {what} as {result.format} to standard output")
        return 0
    context.say(
        f"exported {what} as {result.format} to "
        + ", ".join(str(path) for path in result.files[:3])
        + (f" (+{len(result.files) - 3} more)" if len(result.files) > 3 else "")
    )
    return 0
