"""The ``scheduleflow`` command: one entry point for the TUI and every headless command.

Exit status: 0 success, 1 a check found errors (or health is degraded), 2 the command could
not run — with one line on stderr that says why. Tracebacks go to the log file only.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from core.errors import ScheduleFlowError
from core.formats import DEFAULT_LIMIT, FORMATS
from core.inspection import inspect_file
from core.logs import configure_logging
from core.paths import home, log_folder

__all__ = ["build_parser", "main"]

log = logging.getLogger("scheduleflow.cli")

_GLOBAL_FLAGS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (
        ("--db",),
        {"metavar": "PATH", "help": "the database (default: $SCHEDULEFLOW_HOME/scheduleflow.db)"},
    ),
    (("--home",), {"metavar": "DIR", "help": "the data directory (default: $SCHEDULEFLOW_HOME)"}),
    (("--read-only",), {"action": "store_true", "help": "work as a viewer: change nothing"}),
    (("--log-format",), {"choices": ["text", "json"], "help": "log file lines as text or JSON"}),
    (("--log-level",), {"choices": ["DEBUG", "INFO", "WARNING", "ERROR"], "type": str.upper}),
)


def _add_globals(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    for flags, options in _GLOBAL_FLAGS:
        extra = {"default": argparse.SUPPRESS} if suppress else {}
        parser.add_argument(*flags, **options, **extra)  # type: ignore[arg-type]


def _megabytes(text: str) -> int:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of megabytes")
    return int(value * 1024 * 1024)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options before or after the command."""
    parser = argparse.ArgumentParser(
        prog="scheduleflow",
        description="Build, check and fix linear channel schedules.",
    )
    _add_globals(parser, suppress=False)
    parser.add_argument("--theme", help="TUI theme name")
    parser.add_argument("--no-mouse", action="store_true", help="TUI: no mouse reporting")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    inspect = commands.add_parser(
        "inspect", help="parse a file and say what it holds (stores nothing)"
    )
    inspect.add_argument("path", type=Path)
    inspect.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    inspect.add_argument("--json", action="store_true", help="print JSON (see README)")
    inspect.add_argument(
        "--max-size",
        type=_megabytes,
        default=DEFAULT_LIMIT,
        metavar="MB",
        help=f"refuse inputs larger than this (default {DEFAULT_LIMIT // 1024 // 1024} MB)",
    )
    _add_globals(inspect, suppress=True)
    return parser


def _print_inspection(args: argparse.Namespace, out: TextIO) -> int:
    result = inspect_file(args.path, args.format, limit=args.max_size)
    if args.json:
        json.dump(result.to_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    out.write(f"{result.path}: {result.format}\n")
    out.write(f"  channels:   {result.channels}\n")
    out.write(f"  programmes: {result.programmes}\n")
    out.write(f"  entries:    {result.entries}\n")
    if result.start is not None:
        out.write(f"  range:      {result.start.isoformat()} → {result.stop.isoformat()}\n")  # type: ignore[union-attr]
    if result.warnings_total:
        out.write(f"  warnings:   {result.warnings_total}\n")
        for warning in result.warnings:
            out.write(f"    {warning}\n")
        if result.warnings_total > len(result.warnings):
            out.write(f"    … and {result.warnings_total - len(result.warnings)} more\n")
    return 0


_HANDLERS = {"inspect": _print_inspection}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    home_dir = home(getattr(args, "home", None))
    try:
        configure_logging(
            home_dir,
            level=getattr(args, "log_level", None) or "INFO",
            format=getattr(args, "log_format", None) or "text",
        )
    except OSError as error:
        print(
            f"scheduleflow: cannot write logs under {home_dir}: {error.strerror}", file=sys.stderr
        )
        return 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return _HANDLERS[args.command](args, sys.stdout)
    except ScheduleFlowError as error:
        log.info("%s failed: %s", args.command, error)
        print(f"scheduleflow {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"scheduleflow {args.command}: interrupted", file=sys.stderr)
        return 2
    except Exception:
        log.exception("unexpected failure in %s", args.command)
        print(
            f"scheduleflow {args.command}: unexpected error; details in "
            f"{log_folder(home_dir) / 'scheduleflow.log'}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
