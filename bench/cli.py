"""Command start-up: what a script pays per ``scheduleflow`` call (issue: exact outputs).

Cron jobs and scripts call the command thousands of times, so its start is measured against
the interpreter's own (``python -c pass``), in turn, in the same run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable

from bench.harness import DATA, ROOT, Row, Table, best_of_each

__all__ = ["run"]

_PLAYLIST = "#EXTM3U\n#EXTINF:10,News\nhttp://example.org/news.ts\n"


def _runner(*arguments: str, home: str) -> Callable[[], None]:
    environment = {**os.environ, "SCHEDULEFLOW_HOME": home}

    def run_once() -> None:
        subprocess.run(
            [sys.executable, *arguments],
            cwd=ROOT,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    return run_once


def run() -> list[Table]:
    """Run the start-up benchmark; returns its table for the README."""
    table = Table("Command line")
    print(table.title)
    home = DATA / "cli-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    playlist = home / "three.m3u"
    playlist.write_text(_PLAYLIST, encoding="utf-8")
    bare, inspect = best_of_each(
        _runner("-c", "pass", home=str(home)),
        _runner("-m", "tui.cli", "inspect", str(playlist), home=str(home)),
        repeat=15,
    )
    start = inspect - bare
    table.add(
        Row(
            "`scheduleflow inspect` of a three-line playlist: its start beyond `python -c pass`",
            f"{inspect * 1000:.0f} ms",
            f"{bare * 1000:.0f} ms",
            f"+{start * 1000:.0f} ms",
            "< 100 ms",
            start < 0.1,
        )
    )
    shutil.rmtree(home, ignore_errors=True)
    return [table]
