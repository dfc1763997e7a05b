"""Command start-up: what a script pays per ``scheduleflow`` call (issue: exact outputs).

Cron jobs and scripts call the command thousands of times, so its start is measured against
the interpreter's own (``python -c pass``), in turn, in the same run: the CPU time each child
used (user + system, the least of 15 runs), which a busy machine disturbs far less than the
wall clock; the wall clock is reported beside it.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time

from bench.harness import DATA, ROOT, Row, Table

__all__ = ["run"]

_PLAYLIST = "#EXTM3U\n#EXTINF:10,News\nhttp://example.org/news.ts\n"


def _timed(*arguments: str, home: str) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one run of ``python ARGUMENTS``."""
    environment = {**os.environ, "SCHEDULEFLOW_HOME": home}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def run() -> list[Table]:
    """Run the start-up benchmark; returns its table for the README."""
    table = Table("Command line")
    print(table.title)
    home = DATA / "cli-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    playlist = home / "three.m3u"
    playlist.write_text(_PLAYLIST, encoding="utf-8")
    runs: dict[str, list[tuple[float, float]]] = {"bare": [], "inspect": []}
    for _ in range(15):  # in turn: both meet the same moments of a noisy machine
        runs["bare"].append(_timed("-c", "pass", home=str(home)))
        runs["inspect"].append(_timed("-m", "tui.cli", "inspect", str(playlist), home=str(home)))
    bare_cpu, inspect_cpu = (min(cpu for cpu, _ in runs[name]) for name in ("bare", "inspect"))
    bare_wall, inspect_wall = (min(wall for _, wall in runs[name]) for name in runs)
    start = inspect_cpu - bare_cpu
    table.add(
        Row(
            "`scheduleflow inspect` of a three-line playlist: CPU beyond `python -c pass` "
            f"(wall clock {inspect_wall * 1000:.0f} ms vs {bare_wall * 1000:.0f} ms)",
            f"{inspect_cpu * 1000:.0f} ms",
            f"{bare_cpu * 1000:.0f} ms",
            f"+{start * 1000:.0f} ms",
            "< 100 ms",
            start < 0.1,
        )
    )
    shutil.rmtree(home, ignore_errors=True)
    return [table]
