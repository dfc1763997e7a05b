"""Timing, memory and table helpers shared by the benchmarks."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DATA",
    "Row",
    "Table",
    "best_of",
    "best_of_each",
    "machine",
    "peak_rss_mb",
    "run_python",
]

DATA = Path(__file__).resolve().parent / ".data"
ROOT = Path(__file__).resolve().parent.parent


def best_of(function: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by the machine)."""
    return best_of_each(function, repeat=repeat)[0]


def best_of_each(*functions: Callable[[], object], repeat: int = 9) -> list[float]:
    """The fastest of ``repeat`` runs of each function, run in turn (a, b, a, b…).

    For a ratio of two short runs: taken in turn, both meet the same moments of a noisy
    machine, where two separate series can land in a quiet and a busy spell.
    """
    best = [float("inf")] * len(functions)
    for _ in range(repeat):
        for index, function in enumerate(functions):
            started = time.perf_counter()
            function()
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def run_python(code: str, timeout: float = 3600) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object, which is returned.

    Peak memory must be measured in a process of its own: the benchmark's own allocations
    would otherwise count.
    """
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# VmHWM, not getrusage's ru_maxrss: Linux carries the parent's peak into ru_maxrss across
# fork and exec, so a child started by a big benchmark process would report the parent's.
PEAK_RSS = (
    "peak_mb = next(int(line.split()[1]) for line in open('/proc/self/status') "
    "if line.startswith('VmHWM:')) / 1024"
)


def peak_rss_mb(statement: str, setup: str = "") -> dict[str, float]:
    """Seconds and peak RSS (MB) of ``statement`` run in a fresh interpreter."""
    code = (
        f"import json, time\n{setup}\n"
        "started = time.perf_counter()\n"
        f"{statement}\n"
        "elapsed = time.perf_counter() - started\n"
        f"{PEAK_RSS}\n"
        "print(json.dumps({'seconds': elapsed, 'peak_mb': peak_mb}))\n"
    )
    return run_python(code)


def machine() -> str:
    """One line describing this machine, for the README's table."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


@dataclass
class Row:
    """One measured line: what, ours, the peer, the ratio and the target."""

    name: str
    ours: str
    peer: str
    ratio: str
    target: str
    met: bool | None = None


@dataclass
class Table:
    """A markdown table of benchmark rows."""

    title: str
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        mark = "" if row.met is None else ("  ✓" if row.met else "  ✗ target missed")
        print(f"  {row.name}: {row.ours} | {row.peer} | {row.ratio} (target {row.target}){mark}")
        sys.stdout.flush()

    def markdown(self) -> str:
        lines = [
            f"#### {self.title}",
            "",
            "| benchmark | ScheduleFlow | peer / floor | ratio | target | met |",
            "|---|---|---|---|---|---|",
        ]
        for row in self.rows:
            met = "—" if row.met is None else ("yes" if row.met else "**no**")
            lines.append(
                f"| {row.name} | {row.ours} | {row.peer} | {row.ratio} | {row.target} | {met} |"
            )
        return "\n".join(lines)
