"""Format benchmarks (issue: core formats): parse speed against peers and floors, memory."""

from __future__ import annotations

import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from bench.generate import write_bench_m3u, write_bench_xmltv
from bench.harness import DATA, Row, Table, best_of, best_of_each, peak_rss_mb
from core.formats import open_reader

__all__ = [
    "GIANT_KINDS",
    "giant_value_guide",
    "iterparse_floors",
    "run",
    "tv_sort_seconds",
    "xmltv_67k",
    "xmltv_670k",
]


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


GIANT_KINDS = ("title", "attribute", "title with >", "attribute with >", "comment with <")


def giant_value_guide(kind: str, megabytes: int) -> Path:
    """A one-programme guide whose title, one attribute or a comment (``kind``, one of
    :data:`GIANT_KINDS`) is ``megabytes`` MB long: 49 MB is the attack (bundled expat is
    quadratic in a token's length), 1 MB a value just under the limit, which is read. "with
    >" puts a ``>`` every 1000 bytes (allowed in values), "with <" a ``<`` (allowed in a
    comment): neither may hide the value's length."""
    path = DATA / f"giant-{kind.replace(' ', '-')}-{megabytes}mb.xml"
    if not path.exists():
        size = megabytes * 1000 * 1000
        mark = kind[-1] if " with " in kind else "x"
        value = ("x" * 999 + mark) * (size // 1000)
        title, attribute, comment = "t", "", ""
        if kind.startswith("title"):
            title = value
        elif kind.startswith("attribute"):
            attribute = f' x-note="{value}"'
        else:
            comment = f"<!--{value}-->"
        path.write_text(
            '<?xml version="1.0"?>\n<tv><channel id="a.tv"><display-name>A</display-name>'
            f'</channel>\n{comment}<programme channel="a.tv" start="20260101000000 +0000" '
            f'stop="20260101010000 +0000"{attribute}><title>{title}</title></programme></tv>\n',
            encoding="utf-8",
        )
    return path


def _inspect_cost(path: Path) -> dict[str, float]:
    """Seconds and peak RSS of ``inspect`` on ``path``, each in a fresh interpreter, the
    least of three (refused or not: a refusal is what the 49 MB file should cost, and no
    more than reading 1 MB; both take hundredths of a second, where noise is large)."""
    runs = [
        peak_rss_mb(
            f"try:\n    inspect_file(Path({str(path)!r}))\nexcept InputError:\n    pass",
            setup=(
                "from pathlib import Path\nfrom core.errors import InputError\n"
                "from core.inspection import inspect_file"
            ),
        )
        for _ in range(3)
    ]
    return {key: min(run[key] for run in runs) for key in ("seconds", "peak_mb")}


def _giant_value_rows(table: Table) -> None:
    for kind in GIANT_KINDS:
        giant = _inspect_cost(giant_value_guide(kind, 49))
        small = _inspect_cost(giant_value_guide(kind, 1))
        time_ratio = giant["seconds"] / small["seconds"]
        rss_ratio = giant["peak_mb"] / small["peak_mb"]
        table.add(
            Row(
                f"XMLTV one 49 MB {kind} (refused) vs a 1 MB one (read): inspect time, peak RSS",
                f"{giant['seconds']:.2f} s, {giant['peak_mb']:.0f} MB",
                f"{small['seconds']:.2f} s, {small['peak_mb']:.0f} MB",
                f"{time_ratio:.1f}×, {rss_ratio:.1f}×",
                "≤ 2× both",
                time_ratio <= 2 and rss_ratio <= 2,
            )
        )


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

    _giant_value_rows(table)

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
