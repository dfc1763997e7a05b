"""Store benchmarks (issue: the schedule store): import, export and paging at scale."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from bench.formats import iterparse_floors, tv_sort_seconds, xmltv_67k, xmltv_670k
from bench.generate import write_bench_xmltv
from bench.harness import DATA, Row, Table, best_of, peak_rss_mb
from core.identity import Actor
from core.store import Cursor, Store, build_view, export, import_file

__all__ = ["MEASURED", "big_store", "import_670k_seconds", "one_channel_store", "run"]

ACTOR = Actor("bench")
MEASURED: dict[str, float] = {}
"""Timings other suites of the same run compare with."""
LIMIT = 1 << 40


def _fresh(path: Path) -> Store:
    shutil.rmtree(path.parent, ignore_errors=True)
    return Store.open(path)


def big_store() -> Path:
    """A store holding the 670,000-programme guide (1,000 channels), built once."""
    path = DATA / "store-670k" / "scheduleflow.db"
    if not path.exists():
        store = _fresh(path)
        import_file(store, xmltv_670k(), actor=ACTOR, limit=LIMIT)
        store.close()
    return path


def one_channel_store() -> Path:
    """A store with one channel of more than 600,000 programmes, built once."""
    path = DATA / "store-one-channel" / "scheduleflow.db"
    if not path.exists():
        guide = DATA / "xmltv-1ch-19200d.xml"
        if not guide.exists():
            write_bench_xmltv(guide, channels=1, days=19_200)
        store = _fresh(path)
        import_file(store, guide, actor=ACTOR, limit=LIMIT)
        store.close()
    return path


def import_670k_seconds() -> float:
    """How long importing the 670,000-programme guide takes (measured once per run)."""
    if "import_670k" not in MEASURED:
        target = DATA / "store-670k-timing" / "scheduleflow.db"
        started = time.perf_counter()
        _import(xmltv_670k(), target)
        MEASURED["import_670k"] = time.perf_counter() - started
        shutil.rmtree(target.parent, ignore_errors=True)
    return MEASURED["import_670k"]


def _import(guide: Path, target: Path) -> None:
    store = _fresh(target)
    import_file(store, guide, actor=ACTOR, limit=LIMIT)
    store.close()


def run() -> list[Table]:
    """Run the store benchmarks; returns the tables for the README."""
    table = Table("Store")
    print(table.title)
    guide = xmltv_67k()
    ours = best_of(lambda: _import(guide, DATA / "store-67k" / "scheduleflow.db"), repeat=2)
    bare, streaming = iterparse_floors(guide)
    tv_sort = tv_sort_seconds(guide)
    table.add(
        Row(
            "Import 67k programmes into an empty store: vs bare `iterparse`",
            f"{ours:.2f} s",
            f"{bare:.2f} s",
            f"{ours / bare:.2f}×",
            "≤ 3×",
            ours / bare <= 3,
        )
    )
    table.add(
        Row(
            "Import 67k: vs `iterparse` clearing each programme (stricter floor)",
            f"{ours:.2f} s",
            f"{streaming:.2f} s",
            f"{ours / streaming:.2f}×",
            "≤ 3×",
            ours / streaming <= 3,
        )
    )
    table.add(
        Row(
            "Import 67k: vs `tv_sort`",
            f"{ours:.2f} s",
            f"{tv_sort:.1f} s",
            f"{tv_sort / ours:.0f}× faster",
            "≥ 25×",
            tv_sort / ours >= 25,
        )
    )

    big = xmltv_670k()
    target = DATA / "store-670k-measure" / "scheduleflow.db"
    shutil.rmtree(target.parent, ignore_errors=True)
    measured = peak_rss_mb(
        f"store = Store.open(Path({str(target)!r}))\n"
        f"import_file(store, Path({str(big)!r}), actor=Actor('bench'), limit=1 << 40)\n"
        "store.close()",
        setup="from pathlib import Path\nfrom core.identity import Actor\n"
        "from core.store import Store, import_file",
    )
    imported = measured["seconds"]
    MEASURED["import_670k"] = imported
    table.add(
        Row(
            "Import 670k programmes (360 MB): peak RSS",
            f"{measured['peak_mb']:.0f} MB",
            f"{imported:.1f} s to import",
            "—",
            "< 250 MB",
            measured["peak_mb"] < 250,
        )
    )
    store = Store.open(target)
    started = time.perf_counter()
    export(store, "xmltv", DATA / "export-670k.xml", force=True)
    exported = time.perf_counter() - started
    store.close()
    shutil.rmtree(target.parent, ignore_errors=True)
    table.add(
        Row(
            "Export 670k programmes to XMLTV: vs their import",
            f"{exported:.1f} s",
            f"{imported:.1f} s",
            f"{exported / imported:.2f}×",
            "≤ 1×",
            exported <= imported,
        )
    )

    with Store.open(one_channel_store()) as store:
        channel = next(iter(store.channel_ids()))
        total = store.count(channel)
        row = store.connection.execute(
            "SELECT start, id FROM programme ORDER BY start, id LIMIT 1 OFFSET 600000"
        ).fetchone()
        deep = Cursor(row[0], row[1])
        first = best_of(lambda: store.page(channel, limit=50), repeat=20)
        later = best_of(lambda: store.page(channel, after=deep, limit=50), repeat=20)
        started = time.perf_counter()
        view = build_view(store, channel, "title")  # what the TUI's "s" builds, as a job
        built = time.perf_counter() - started
        view_first = best_of(lambda: view.page(store, 0, 50), repeat=20)
        view_later = best_of(lambda: view.page(store, 600_000, 50), repeat=20)
    table.add(
        Row(
            f"Page of 50 at row 600,000 of a {total:,}-programme channel: vs first page",
            f"{later * 1000:.2f} ms",
            f"{first * 1000:.2f} ms",
            f"{later / first:.2f}×",
            "≤ 2×",
            later / first <= 2,
        )
    )
    table.add(
        Row(
            f"The same channel sorted by title (view built in {built:.2f} s): "
            "page at row 600,000 vs first page",
            f"{view_later * 1000:.2f} ms",
            f"{view_first * 1000:.2f} ms",
            f"{view_later / view_first:.2f}×",
            "≤ 2× (as above)",
            view_later / view_first <= 2,
        )
    )
    return [table]
