"""The ``scheduleflow`` command: one entry point for the TUI and every headless command.

Exit status: 0 success, 1 a check found errors (or health is degraded), 2 the command could
not run — with one line on stderr that says why. Tracebacks go to the log file only.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from core.errors import ScheduleFlowError
from core.formats import DEFAULT_LIMIT, EXPORT_FORMATS, FORMATS
from core.logs import configure_logging, log_failure
from core.paths import database_path, home, log_folder
from core.permissions import protect_new_files
from core.rules.findings import FIXES
from core.visible import visible
from tui.commands.context import Context

__all__ = ["build_parser", "main"]

log = logging.getLogger("scheduleflow.cli")

_GLOBAL_FLAGS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--db",), {"metavar": "PATH", "help": "the database (default: $SCHEDULEFLOW_HOME/…db)"}),
    (("--home",), {"metavar": "DIR", "help": "the data directory ($SCHEDULEFLOW_HOME)"}),
    (("--read-only",), {"action": "store_true", "help": "work as a viewer: change nothing"}),
    (("--log-format",), {"choices": ["text", "json"], "help": "log file lines as text or JSON"}),
    (("--log-level",), {"choices": ["DEBUG", "INFO", "WARNING", "ERROR"], "type": str.upper}),
)


def _add_globals(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    for flags, options in _GLOBAL_FLAGS:
        extra: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
        parser.add_argument(*flags, **options, **extra)


_MAX_SIZE_MB = 1024 * 1024  # a terabyte: far past any guide, short of float's overflow


def _megabytes(text: str) -> int:
    """``--max-size``: a finite, positive number of megabytes, at most a terabyte (``inf``,
    ``nan``, ``1e400``, ``-1``, ``0`` and words are refused by argparse in one line)."""
    try:
        if not text.isascii():  # float() reads "١٠" too, which no operator means to type
            raise ValueError(text)
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of megabytes") from None
    if not math.isfinite(value) or not 0 < value <= _MAX_SIZE_MB:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a size above 0 MB and up to {_MAX_SIZE_MB:,} MB (a terabyte)"
        )
    return max(1, int(value * 1024 * 1024))


def _max_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-size",
        type=_megabytes,
        default=DEFAULT_LIMIT,
        metavar="MB",
        help=f"refuse inputs larger than this (default {DEFAULT_LIMIT // 1024 // 1024} MB)",
    )


Handler = Callable[[Context], int]

_TIME_OPTIONS = ("--from", "--to", "--at", "--since")


class _Parser(argparse.ArgumentParser):
    """argparse that fails like every other command: one line, a hint, exit 2."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # argparse takes "-2d" for an option, so "--from -2d" would lack its value.
        joined: list[str] = []
        for arg in sys.argv[1:] if args is None else args:
            if joined and joined[-1] in _TIME_OPTIONS and re.match(r"-\d", arg):
                joined[-1] += f"={arg}"
            else:
                joined.append(arg)
        return super().parse_known_args(joined, namespace)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # name the command whose --help lists what it takes
            prog = " ".join(filter(None, (self.prog, getattr(parsed, "command", None))))
            self.error(f"unrecognized arguments: {' '.join(extras)}", prog)
        return parsed

    def error(self, message: str, prog: str | None = None) -> NoReturn:
        # the message may quote what was typed (or pasted from a hostile file): escaped
        prog = prog or self.prog
        self.exit(2, visible(f"{prog}: {message}; see '{prog} --help'") + "\n")


def _refuse(line: str) -> int:
    """Say why the command could not run, in one escaped line on stderr (it may name files
    and quote values from them); the exit status 2."""
    print(visible(line), file=sys.stderr)
    return 2


def _handler(name: str) -> Handler:
    """The command's function in ``tui.commands``, imported only when the command runs.

    A command loads just what it uses: scripts call ``scheduleflow`` thousands of times, and
    importing every command's modules cost more than Python's own start.
    """
    module, _, function = name.partition(":")
    handler: Handler = getattr(importlib.import_module(f"tui.commands.{module}"), function)
    return handler


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options before or after the command."""
    parser = _Parser(
        prog="scheduleflow", description="Build, check and fix linear channel schedules."
    )
    _add_globals(parser, suppress=False)
    parser.add_argument("--theme", help="TUI theme name")
    parser.add_argument("--no-mouse", action="store_true", help="TUI: no mouse reporting")
    parser.add_argument(
        "--no-samples", action="store_true", help="TUI: do not load the demo schedules"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        _add_globals(sub, suppress=True)
        return sub

    inspect = command(
        "inspect", "files:run_inspect", "parse a file and say what it holds (stores nothing)"
    )
    inspect.add_argument("path")
    inspect.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    inspect.add_argument("--json", action="store_true", help="print JSON (see README)")
    _max_size(inspect)

    imports = command(
        "import", "files:run_import", "import a file into the store (one transaction)"
    )
    imports.add_argument("path")
    imports.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    imports.add_argument(
        "--channel",
        metavar="ID",
        help="import only this channel (or: the channel an ffplayout playlist belongs to)",
    )
    imports.add_argument(
        "--replace",
        action="store_true",
        help="replace the channels' programmes inside the file's time range",
    )
    imports.add_argument("--json", action="store_true", help="print JSON (see README)")
    _max_size(imports)

    exports = command("export", "files:run_export", "write channels and a time range to a file")
    exports.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    exports.add_argument("--channel", metavar="ID")
    exports.add_argument("--from", dest="from_", metavar="T", help="ISO 8601, now, today, +6h")
    exports.add_argument("--to", metavar="T")
    exports.add_argument("-o", "--output", required=True, metavar="PATH")
    exports.add_argument("--force", action="store_true", help="replace an existing file")
    exports.add_argument(
        "--keep-unknown",
        action="store_true",
        help="XMLTV: also write elements the DTD does not define",
    )
    exports.add_argument(
        "--guide-url",
        default="guide.xml",
        help="M3U line-up: the url-tvg header (default guide.xml)",
    )
    exports.add_argument(
        "--library",
        action="store_true",
        help="M3U: write the library instead of the channel line-up",
    )
    exports.add_argument("--group", metavar="G", help="M3U: write one library group")
    exports.add_argument(
        "--filler", metavar="G", help="playlist/ffplayout: fill gaps and short days from group G"
    )
    exports.add_argument("--json", action="store_true", help="print JSON (see README)")

    check = command("check", "rules:run_check", "find overlaps, gaps, repeats, duplicates…")
    check.add_argument("--channel", metavar="ID")
    check.add_argument("--from", dest="from_", metavar="T")
    check.add_argument("--to", metavar="T")
    check.add_argument("--json", action="store_true", help="print JSON (see README)")
    check.add_argument("--limit", type=int, default=20, help="findings shown per kind (text)")

    fix = command("fix", "rules:run_fix", "preview and apply fixes of one kind of finding")
    fix.add_argument("kind", choices=[kind for kind, policies in FIXES.items() if policies])
    fix.add_argument("--policy", required=True, help="e.g. trim, ripple, drop, fill, cut")
    fix.add_argument("--channel", metavar="ID")
    fix.add_argument("--from", dest="from_", metavar="T")
    fix.add_argument("--to", metavar="T")
    fix.add_argument("--group", metavar="G", help="fill: the library group to fill from")
    fix.add_argument("--dry-run", action="store_true", help="show the changes, apply nothing")
    fix.add_argument("--json", action="store_true", help="with --dry-run: the plan as JSON")

    dedupe = command("dedupe", "rules:run_dedupe", "merge duplicate library assets")
    dedupe.add_argument("--content", action="store_true", help="compare local files' bytes")
    dedupe.add_argument("--dry-run", action="store_true")

    undo = command("undo", "rules:run_undo", "undo the newest change (again: the one before)")
    undo.add_argument("--channel", metavar="ID")
    undo.add_argument("--list", action="store_true", help="show what undo would undo next")
    undo.add_argument("--json", action="store_true", help="with --list: print JSON (see README)")
    undo.add_argument("--limit", type=int, default=20, help="changes or lines shown (text)")

    plan = command("plan", "playout:run_plan", "fill a window from a library group or a template")
    plan.add_argument("--channel", required=True, metavar="ID")
    plan.add_argument("--from", dest="from_", required=True, metavar="T")
    plan.add_argument("--to", required=True, metavar="T")
    plan.add_argument("--group", metavar="G", help="the library group to play")
    plan.add_argument("--template", metavar="FILE", help="day-of-week template (TOML)")
    plan.add_argument("--order", choices=["sequential", "shuffle"], default="sequential")
    plan.add_argument("--seed", type=int, help="shuffle: the same seed, the same schedule")
    plan.add_argument("--grid", metavar="D", help="start items on a grid: 15m, 30m, 1h")
    plan.add_argument("--filler", metavar="G", help="fill the rest of grid slots from G")
    plan.add_argument(
        "--timezone", metavar="ZONE", help="a new channel's IANA time zone (default UTC)"
    )
    plan.add_argument("--dry-run", action="store_true", help="preview, write nothing")
    plan.add_argument("--json", action="store_true")
    plan.add_argument("--limit", type=int, default=200, help="programmes shown (text)")

    probe = command(
        "probe",
        "probe:run_probe_command",
        "check that the library's and the schedule's streams play (exit 1: some are down)",
    )
    chosen = probe.add_mutually_exclusive_group()
    chosen.add_argument(
        "--channel", metavar="ID", help="the locators this channel's programmes use"
    )
    chosen.add_argument("--group", metavar="G", help="one library group")
    chosen.add_argument("--library", action="store_true", help="the whole library")
    probe.add_argument("--from", dest="from_", metavar="T", help="programmes from (ISO 8601, now…)")
    probe.add_argument("--to", metavar="T")
    probe.add_argument("--concurrency", type=int, metavar="N", help="probes at once (default 4)")
    probe.add_argument("--timeout", type=float, metavar="S", help="seconds per try (default 10)")
    probe.add_argument("--per-host", type=int, metavar="N", help="probes at once per host (4)")
    probe.add_argument(
        "--interval", type=float, metavar="S", help="seconds between starts per host"
    )
    probe.add_argument("--retries", type=int, metavar="N", help="tries after a timeout or 5xx (2)")
    probe.add_argument("--json", action="store_true", help="print JSON (see README)")

    now = command("now", "playout:run_now", "what is on air, its offset, what comes next")
    now.add_argument("--channel", metavar="ID")
    now.add_argument("--at", metavar="T")
    now.add_argument("--json", action="store_true")

    play = command("play", "playout:run_play", "play the channel from what is on air, in mpv")
    play.add_argument("--channel", required=True, metavar="ID")
    play.add_argument("--at", metavar="T")
    play.add_argument("--print", action="store_true", help="print the mpv command, do not run it")

    jobs = command("jobs", "engine:run_jobs", "list recent jobs (of every process)")
    jobs.add_argument("--json", action="store_true")
    jobs.add_argument("--limit", type=int, default=50)

    health = command("health", "engine:run_health", "healthy (exit 0) or degraded (exit 1)")
    health.add_argument("--json", action="store_true")

    audit = command("audit", "engine:run_audit", "who changed what, newest first")
    audit.add_argument("--since", metavar="T")
    audit.add_argument("--json", action="store_true")
    audit.add_argument("--limit", type=int, default=1000)

    serve = command("serve", "service:run_serve", "serve the HTTP API (until SIGTERM/Ctrl-C)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    serve.add_argument("--port", type=int, default=8470, help="port (default 8470)")

    keys = command("keys", "service:run_keys", "make, list and revoke HTTP API keys (admin)")
    keys.add_argument("action", choices=["add", "list", "revoke"])
    keys.add_argument("name", nargs="?", metavar="NAME")
    keys.add_argument("--role", choices=["viewer", "operator", "admin"])
    keys.add_argument("--json", action="store_true", help="list: print JSON (see README)")

    database = command("db", "database:run_db", "check, back up or restore the database")
    database.add_argument("action", choices=["check", "backup", "restore"])
    database.add_argument("path", nargs="?", help="backup: where to; restore: which backup")
    database.add_argument(
        "--force", action="store_true", help="backup: replace an existing regular file"
    )
    return parser


def _unknown_theme(name: str, home_dir: Path) -> str | None:
    """Why ``--theme name`` cannot be used (``None``: it can): the themes it may name."""
    from tui.themes import theme_names  # Textual's themes are loaded only for the TUI

    names = theme_names(home_dir / "themes")
    if name in names:
        return None
    return f"scheduleflow: --theme: there is no theme '{name}' (choose one of {', '.join(names)})"


def _run_tui(args: argparse.Namespace) -> int:
    """Open the TUI; the first start on an empty store loads the demo schedules."""
    context = Context(args)
    try:
        engine = context.engine
    except ScheduleFlowError as error:
        return _refuse(f"scheduleflow: {error}")
    from tui.app import ScheduleFlowApp  # Textual is loaded only for the TUI

    app = ScheduleFlowApp(engine, theme=args.theme, load_samples=not args.no_samples)
    try:
        app.run(mouse=not args.no_mouse)
        failure = app.failure  # logged by the app, which has restored the terminal
    except Exception as error:
        log.exception("the TUI failed")
        failure = error
    finally:
        context.close()
    if failure is None:
        return 0
    # the error's class only: its message may quote a file's hostile text
    what = type(failure).__name__
    return _refuse(
        f"scheduleflow: the TUI stopped on an unexpected error ({what}); {_details(context.home)}"
    )


def _details(home_dir: Path) -> str:
    """Where the traceback is, or why it is nowhere (a log file that cannot be written)."""
    failure = log_failure()
    if failure is not None:
        return f"the log file could not be written either ({failure.strerror or failure})"
    return f"details in {log_folder(home_dir) / 'scheduleflow.log'}"


def _damaged(context: Context, failure: Exception) -> ScheduleFlowError | None:
    """A corruption SQLite met outside a job (a command's own read): the same one line,
    copy aside and stop to writes as inside one."""
    import sqlite3

    from core.store.integrity import is_corruption, store_damaged

    if isinstance(failure, sqlite3.DatabaseError) and is_corruption(failure):
        log.error("%s met a damaged database", context.args.command, exc_info=failure)
        return store_damaged(context.database, str(failure), "is damaged")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    home_dir = home(getattr(args, "home", None))
    # before anything is created: logs, the database and its -wal/-shm, backups
    protect_new_files(database_path(home_dir, getattr(args, "db", None)).parent)
    try:
        configure_logging(
            home_dir,
            level=getattr(args, "log_level", None) or "INFO",
            format=getattr(args, "log_format", None) or "text",
        )
    except OSError as error:
        from core.diskspace import disk_full, is_disk_full  # loaded only on a failure

        if is_disk_full(error, home_dir):
            return _refuse(f"scheduleflow: {disk_full(home_dir)}")
        return _refuse(f"scheduleflow: cannot write logs in {home_dir}: {error.strerror}")
    log.debug("run as: scheduleflow %s", " ".join(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        if args.theme is not None:  # a usage error: said before anything opens
            refused = _unknown_theme(args.theme, home_dir)
            if refused is not None:
                return _refuse(refused)
        # without a terminal (cron, a pipe) the TUI would spin a core for ever, drawing on nothing
        if not all(s is not None and s.isatty() for s in (sys.stdin, sys.stdout, sys.stderr)):
            return _refuse(
                "scheduleflow: the TUI needs a terminal; use a command such as "
                "'scheduleflow check', see 'scheduleflow --help'"
            )
        return _run_tui(args)
    context = Context(args)
    try:
        return int(_handler(args.handler)(context))
    except ScheduleFlowError as error:
        if error not in context.failed_job_errors:  # a job's failure is logged by its queue
            log.info("%s failed: %s", args.command, error)
        return _refuse(f"scheduleflow {args.command}: {error}")
    except KeyboardInterrupt:
        return _refuse(f"scheduleflow {args.command}: interrupted")
    except BrokenPipeError:
        context.discard_output()  # the reader of our output went away (`| head`): not ours
        return 0
    except Exception as failure:
        damaged = _damaged(context, failure)
        if damaged is not None:
            return _refuse(f"scheduleflow {args.command}: {damaged}")
        from core.diskspace import disk_full, is_disk_full

        if is_disk_full(failure, context.database):
            log.warning("%s failed: the disk is full (%s)", args.command, failure)
            return _refuse(f"scheduleflow {args.command}: {disk_full(context.database)}")
        log.exception("unexpected failure in %s", args.command)
        return _refuse(f"scheduleflow {args.command}: unexpected error; {_details(home_dir)}")
    finally:
        context.close()


if __name__ == "__main__":
    sys.exit(main())
