"""Format benchmarks (issue: core formats): parse speed against peers and floors, memory."""

from __future__ import annotations

import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from bench.generate import write_bench_m3u, write_bench_xmltv
from bench.harness import DATA, Row, Table, best_of, best_of_each, peak_rss_mb
from core.formats import open_reader

__all__ = ["iterparse_floors", "run", "tv_sort_seconds", "xmltv_67k", "xmltv_670k"]


def m3u_100k() -> Path:
    path = DATA / "m3u-100k.m3u"
    if not path.exists():
        write_bench_m3u(path, 100_000)
    return path


def xmltv_67k() -> Path:
    path = DATA / "xmltv-100ch-21d.xml"
    if not path.exists():
        write_bench_xmltv(path, channels=100, days=21)
    return path


def xmltv_670k() -> Path:
    path = DATA / "xmltv-1000ch-21d.xml"
    if not path.exists():
        write_bench_xmltv(path, channels=1000, days=21)
    return path


_TV_SORT: dict[Path, float] = {}


def tv_sort_seconds(guide: Path) -> float:
    """How long Debian's tv_sort takes on ``guide`` (run once per bench run; ~2 minutes)."""
    if guide not in _TV_SORT:
        started = time.perf_counter()
        subprocess.run(
            ["tv_sort", "--output", str(DATA / "tv_sort.out.xml"), str(guide)],
            check=True,
            capture_output=True,
        )
        _TV_SORT[guide] = time.perf_counter() - started
    return _TV_SORT[guide]


def iterparse_floors(guide: Path) -> tuple[float, float]:
    """(bare iterparse pass, iterparse that clears each programme) over ``guide``."""
    return best_of(lambda: _iterparse_bare(guide), repeat=2), best_of(
        lambda: _iterparse_streaming(guide)
    )


def _consume(path: Path) -> int:
    count = 0
    for _ in open_reader(path, limit=1 << 40):
        count += 1
    return count


def _consume_with_attributes(path: Path) -> int:
    count = 0
    for asset in open_reader(path):
        count += len(asset.attrs)  # type: ignore[union-attr]
    return count


def _m3u_floor(path: Path) -> None:
    with path.open("rb") as handle:
        handle.read().decode("utf-8").split("\n")


def _iterparse_streaming(path: Path) -> None:
    for _, element in ET.iterparse(path):
        if element.tag == "programme":
            element.clear()


def _iterparse_bare(path: Path) -> None:
    for _ in ET.iterparse(path):
        pass


def run() -> list[Table]:
    """Run every format benchmark; returns the tables for the README."""
    table = Table("Formats")
    print(table.title)
    playlist = m3u_100k()
    from ipytv import playlist as ipytv_playlist  # the peer, installed by the bench extra

    ours, floor = best_of_each(lambda: _consume(playlist), lambda: _m3u_floor(playlist))
    eager = best_of(lambda: _consume_with_attributes(playlist))
    peer = best_of(lambda: ipytv_playlist.loadf(str(playlist)), repeat=2)
    table.add(
        Row(
            "M3U 100k entries: vs m3u-ipytv `loadf`",
            f"{ours:.2f} s",
            f"{peer:.2f} s",
            f"{peer / ours:.1f}× faster",
            "≥ 4× faster",
            peer / ours >= 4,
        )
    )
    table.add(
        Row(
            "M3U 100k, every attribute decoded too: vs m3u-ipytv",
            f"{eager:.2f} s",
            f"{peer:.2f} s",
            f"{peer / eager:.1f}× faster",
            "(for contrast)",
        )
    )
    table.add(
        Row(
            "M3U 100k entries: vs read + split lines",
            f"{ours:.2f} s",
            f"{floor:.2f} s",
            f"{ours / floor:.1f}×",
            "≤ 3×",
            ours / floor <= 3,
        )
    )

    guide = xmltv_67k()
    ours = best_of(lambda: _consume(guide))
    bare, streaming = iterparse_floors(guide)
    table.add(
        Row(
            "XMLTV 67k programmes (36 MB): vs bare `iterparse` pass",
            f"{ours:.2f} s",
            f"{bare:.2f} s",
            f"{ours / bare:.2f}×",
            "≤ 2×",
            ours / bare <= 2,
        )
    )
    table.add(
        Row(
            "XMLTV 67k: vs `iterparse` that clears each programme (stricter floor)",
            f"{ours:.2f} s",
            f"{streaming:.2f} s",
            f"{ours / streaming:.2f}×",
            "≤ 2×",
            ours / streaming <= 2,
        )
    )
    tv_sort = tv_sort_seconds(guide)
    table.add(
        Row(
            "XMLTV 67k: vs `tv_sort` (xmltv-util)",
            f"{ours:.2f} s",
            f"{tv_sort:.1f} s",
            f"{tv_sort / ours:.0f}× faster",
            "≥ 30×",
            tv_sort / ours >= 30,
        )
    )

    big = xmltv_670k()
    measured = peak_rss_mb(
        f"count = _consume(Path({str(big)!r}))",
        setup="from pathlib import Path\nfrom bench.formats import _consume",
    )
    table.add(
        Row(
            "XMLTV 670k programmes (360 MB): peak RSS of the parse",
            f"{measured['peak_mb']:.0f} MB",
            f"{measured['seconds']:.1f} s to parse",
            "—",
            "< 150 MB",
            measured["peak_mb"] < 150,
        )
    )
    return [table]
