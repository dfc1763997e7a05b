"""Stream doctor benchmarks (issue 17): probing an index's worth of locators, politely.

11,009 locators (the size of iptv-org's index) on 64 loopback hosts of one local server
(``bench/probe_server.py``), each answering with a short MPEG-TS clip after 50 ms. Wall time
at concurrency 1, 4, 16 and 64 (1 is sampled on a subset and extrapolated: it would take ten
minutes), CPU per probe at 64, and the npm ``iptv-checker`` (a well-known standalone checker)
run against the same server in the same run, 64 at once.

The peer is installed with npm into a cache folder outside the repository
(``$XDG_CACHE_HOME/scheduleflow-bench/npm``, pinned version), once. It runs ffprobe for every
locator, so it is given a subset too (``SCHEDULEFLOW_BENCH_PROBE_PEER``, 1,000 by default)
and its time extrapolated to the whole index, said so in the row. ``SCHEDULEFLOW_BENCH_PROBE``
sets the index's size (for a quick check of the suite).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import DATA, ROOT, Row, Table
from core.locators import fingerprint
from core.probe.job import run_probe
from core.probe.model import ProbeSettings, ProbeTarget
from core.store import Store

__all__ = ["run"]

INDEX = 11_009
HOSTS = 64
DELAY_MS = 50
SAMPLE_AT_ONE = 200
PEER = "iptv-checker@0.30.3"


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _media() -> Path:
    """A one-second MPEG-TS clip (what ffprobe, the peer's check, can read), made once."""
    clip = DATA / "probe-clip.ts"
    if not clip.exists():
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc=duration=1:size=64x48:rate=10",
                "-f",
                "mpegts",
                str(clip),
            ],
            check=True,
        )
    return clip


def _server(media: Path) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "probe_server.py"),
            str(HOSTS),
            str(DELAY_MS),
            str(media),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, int(process.stdout.readline())


def _locators(port: int, count: int) -> list[str]:
    return [f"http://127.0.0.{n % HOSTS + 1}:{port}/live/{n}.ts" for n in range(count)]


def _ours(locators: list[str], concurrency: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and how many played, probing ``locators`` into a new store."""
    database = DATA / f"probe-{concurrency}.sqlite"
    for leftover in DATA.glob(f"probe-{concurrency}.sqlite*"):
        leftover.unlink()
    targets = [ProbeTarget(locator, fingerprint(locator)) for locator in locators]
    settings = ProbeSettings(concurrency=concurrency, timeout=10, retries=0, down_after=1)
    with Store.open(database) as store:
        cpu, started = _cpu(), time.perf_counter()
        report = run_probe(store, None, targets, settings)
        wall, used = time.perf_counter() - started, _cpu() - cpu
    for leftover in DATA.glob(f"probe-{concurrency}.sqlite*"):
        leftover.unlink()
    return wall, used, sum(1 for result in report.results if result.ok)


def _peer_program() -> list[str] | None:
    """``node …/iptv-checker.js``, installed with npm into the cache once; None without npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    prefix = cache / "scheduleflow-bench" / "npm"
    program = prefix / "node_modules" / "iptv-checker" / "bin" / "iptv-checker.js"
    if not program.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), PEER],
            check=True,
            capture_output=True,
        )
    return [node, str(program)]


def _peer(program: list[str], locators: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (node and its ffprobes) and how many it found online."""
    folder = DATA / "probe-peer"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    playlist = folder / "index.m3u"
    playlist.write_text(
        "#EXTM3U\n" + "".join(f"#EXTINF:-1,Stream {n}\n{u}\n" for n, u in enumerate(locators)),
        encoding="utf-8",
    )
    cpu, started = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(
        [*program, "-p", "64", "-t", "10000", "-o", str(folder / "out"), str(playlist)],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    wall, used = time.perf_counter() - started, _cpu(resource.RUSAGE_CHILDREN) - cpu
    online = (folder / "out" / "online.m3u").read_text(encoding="utf-8").count("\nhttp")
    shutil.rmtree(folder, ignore_errors=True)
    return wall, used, online


def run() -> list[Table]:
    """Run the stream doctor benchmarks; returns the table for the README."""
    size = int(os.environ.get("SCHEDULEFLOW_BENCH_PROBE", INDEX))
    peer_size = min(size, int(os.environ.get("SCHEDULEFLOW_BENCH_PROBE_PEER", 1000)))
    table = Table("Stream doctor")
    print(table.title)
    DATA.mkdir(parents=True, exist_ok=True)
    server, port = _server(_media())
    try:
        locators = _locators(port, size)
        sample = min(size, SAMPLE_AT_ONE)
        wall, _, played = _ours(locators[:sample], 1)
        assert played == sample, f"only {played} of {sample} played: the bench is not valid"
        table.add(
            Row(
                f"{size:,} locators answering after {DELAY_MS} ms, 1 at a time "
                f"(sampled: {sample} probed, × {size / sample:.1f})",
                f"{wall * size / sample:.0f} s",
                "—",
                f"{sample / wall:.0f} /s",
                "—",
            )
        )
        walls: dict[int, float] = {}
        used = 0.0
        for concurrency in (4, 16, 64):
            walls[concurrency], used, played = _ours(locators, concurrency)
            assert played == size, f"only {played} of {size} played: the bench is not valid"
            if concurrency != 64:
                table.add(
                    Row(
                        f"{size:,} locators, {concurrency} at once",
                        f"{walls[concurrency]:.1f} s",
                        "—",
                        f"{size / walls[concurrency]:.0f} /s",
                        "—",
                    )
                )
        ours = walls[64]
        program = _peer_program()
        if program is None:
            table.add(
                Row(
                    f"{size:,} locators, 64 at once",
                    f"{ours:.1f} s",
                    "iptv-checker: node/npm not installed",
                    "—",
                    "≥ 5× faster",
                )
            )
            peer_wall = peer_cpu = None
        else:
            sampled = locators[:peer_size]
            peer_wall, peer_cpu, online = _peer(program, sampled)
            assert online == peer_size, f"the peer found {online} of {peer_size} online"
            scale = size / peer_size
            said = f" (ran {peer_size:,}, × {scale:.1f})" if peer_size < size else ""
            table.add(
                Row(
                    f"{size:,} locators, 64 at once: vs npm iptv-checker -p 64{said}",
                    f"{ours:.1f} s",
                    f"{peer_wall * scale:.1f} s",
                    f"{peer_wall * scale / ours:.1f}× faster",
                    "≥ 5× faster",
                    peer_wall * scale / ours >= 5,
                )
            )
        per_probe = used / size * 1000
        peer_text = f"{peer_cpu / peer_size * 1000:.1f} ms" if peer_cpu is not None else "—"
        table.add(
            Row(
                "CPU per probe at 64 at once (whole process: probes and store writes)",
                f"{per_probe:.2f} ms",
                peer_text,
                "—",
                "< 1 ms",
                per_probe < 1,
            )
        )
    finally:
        server.kill()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()
    return [table]
