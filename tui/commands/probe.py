"""``probe``: does every locator of the library or a schedule play? (the stream doctor)"""

from __future__ import annotations

import dataclasses
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from core.errors import Cancelled, InputError
from core.probe.job import ProbeReport, configured_settings, probe_targets, run_probe
from core.probe.model import ProbeSettings, StreamState, eta_seconds
from tui.commands.context import Context

if TYPE_CHECKING:
    from core.jobs import Job, JobContext
    from core.store import Store

__all__ = ["run_probe_command"]


def _settings(context: Context) -> ProbeSettings:
    """The config's ``[probe]`` settings, with what the command line changed (each within
    its range)."""
    args = context.args
    changes = {
        "concurrency": args.concurrency,
        "timeout": args.timeout,
        "per_host": args.per_host,
        "min_interval": args.interval,
        "retries": args.retries,
    }
    limits = {
        "concurrency": (1, 1024),
        "timeout": (0.001, 3600),
        "per_host": (1, 1024),
        "min_interval": (0, 3600),
        "retries": (0, 10),
    }
    for name, value in changes.items():
        low, high = limits[name]
        if value is not None and not low <= value <= high:
            flag = {"min_interval": "interval", "per_host": "per-host"}.get(name, name)
            raise InputError(f"--{flag} {value:g} is not between {low:g} and {high:g}")
    configured = configured_settings(context.engine.config)
    return dataclasses.replace(
        configured, **{name: value for name, value in changes.items() if value is not None}
    )


def _progress_line(context: Context) -> Callable[[Job], None]:
    """Items done, items per second and the time left, on a terminal's stderr."""

    def show(job: Job) -> None:
        if job.kind != "probe" or not job.total:
            return
        eta = eta_seconds(job)
        left = f", {eta:.0f} s left" if eta is not None else ""
        context.err.write(f"\rprobed {job.done}/{job.total} ({job.rate:.0f}/s{left})   ")
        context.err.flush()

    return show


def run_probe_command(context: Context) -> int:
    """Probe the chosen locators; exit 0 when all are up, 1 when some are down or flapping."""
    args = context.args
    start, stop = context.window()
    settings = _settings(context)
    everything = not (args.channel or args.group or args.library)
    channels = [args.channel] if args.channel else []
    if everything:
        channels = sorted(context.store.channel_ids())
    shown = context.err.isatty() and not args.json
    if shown:
        context.engine.queue.subscribe(_progress_line(context))

    running: list[JobContext] = []
    ended = threading.Event()

    def operation(store: Store, job: JobContext) -> ProbeReport:
        running.append(job)
        try:
            for channel in channels:
                store.channel_key(channel)  # an unknown channel is named
            targets = probe_targets(
                store,
                channels=channels,
                group=args.group,
                library=args.library or everything,
                start=start,
                stop=stop,
            )
            return run_probe(store, job, targets, settings)
        finally:
            ended.set()

    # SIGTERM (a service manager's stop, timeout(1), a CI job's end) and SIGHUP (the SSH
    # session closed) stop the run as Ctrl-C does: each ffprobe is in a session of its own,
    # and only the run can kill it (one with nothing behind its udp:// locator would
    # otherwise outlive us for ever)
    stops = (signal.SIGTERM, signal.SIGHUP)
    on_main = threading.current_thread() is threading.main_thread()
    previous = (
        {number: signal.signal(number, signal.default_int_handler) for number in stops}
        if on_main
        else {}
    )
    try:
        report: ProbeReport = context.run("probe", operation, label="probe streams")
    except KeyboardInterrupt:
        # Ctrl-C: the run stops as a cancelled job would (its ffprobes killed, what it
        # measured kept) before the process ends; its thread would otherwise die mid-way
        for job in running:
            job.stop(Cancelled("interrupted"))
        ended.wait(timeout=5)
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
    if shown:
        context.err.write("\n")
    if args.json:
        context.print_json(report.to_json())
        return 1 if report.down else 0
    summary = report.to_json()
    context.say(
        f"probed {summary['checked']} locators: {summary['up']} up, {summary['down']} down, "
        f"{summary['flapping']} flapping"
    )
    for verdict in report.verdicts.values():
        if verdict.state not in (StreamState.DOWN, StreamState.FLAPPING):
            continue
        since = ""
        if verdict.down_since is not None:
            when = datetime.fromtimestamp(verdict.down_since / 1000).astimezone()
            since = f" since {when.isoformat(timespec='seconds')}"
        reason = verdict.latest.reason if verdict.latest is not None else ""
        context.say(f"  {verdict.state:8} {verdict.locator}: {reason}{since}")
    return 1 if report.down else 0
