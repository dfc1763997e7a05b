"""Rules benchmarks (issue: schedule rules and fixes)."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.generate import write_bench_xmltv
from bench.harness import DATA, Row, Table, best_of
from bench.store import ACTOR, big_store, import_670k_seconds
from core.rules import FindingIndex, check_store
from core.store import Store, import_file
from core.store.edits import Replace, apply_changes

__all__ = ["run"]


def _problem_store() -> tuple[Path, Path]:
    guide = DATA / "xmltv-100ch-21d-problems.xml"
    if not guide.exists():
        write_bench_xmltv(guide, channels=100, days=21, inject_problems=True)
    path = DATA / "store-67k-problems" / "scheduleflow.db"
    if not path.exists():
        shutil.rmtree(path.parent, ignore_errors=True)
        with Store.open(path) as store:
            import_file(store, guide, actor=ACTOR, limit=1 << 40)
    return guide, path


def run() -> list[Table]:
    """Run the rules benchmarks; returns the tables for the README."""
    table = Table("Rules")
    print(table.title)
    guide, path = _problem_store()
    with Store.open(path) as store:
        report = check_store(store)
        ours = best_of(lambda: check_store(store))
    started = time.perf_counter()
    subprocess.run(
        ["tv_sort", "--output", str(DATA / "tv_sort.problems.xml"), str(guide)],
        check=True,
        capture_output=True,
    )
    tv_sort = time.perf_counter() - started
    counts = ", ".join(f"{n} {k}" for k, n in report.counts.items() if n)
    table.add(
        Row(
            f"All rules over 67k programmes with injected problems ({counts}): "
            "vs `tv_sort` (overlaps only)",
            f"{ours:.2f} s",
            f"{tv_sort:.1f} s",
            f"{tv_sort / ours:.0f}× faster",
            "≥ 50×",
            tv_sort / ours >= 50,
        )
    )

    big = big_store()
    with Store.open(big) as store:
        started = time.perf_counter()
        index = FindingIndex()
        full_report = index.refresh(store)
        full = time.perf_counter() - started
        imported = import_670k_seconds()
        table.add(
            Row(
                f"All rules over 670k programmes ({full_report.programmes:,} checked): "
                "vs importing them",
                f"{full:.1f} s",
                f"{imported:.1f} s",
                f"{full / imported:.2f}×",
                "≤ 0.5×",
                full / imported <= 0.5,
            )
        )
        channel = "ch0500.bench.example.org"
        victim = store.page(channel, limit=200).programmes[150]
        assert victim.id is not None and victim.stop is not None

        def edit_and_recheck() -> None:
            current = store.programme(victim.id or 0)
            assert current.stop is not None
            moved = replace(
                current,
                start=current.start + timedelta(minutes=1),
                stop=current.stop + timedelta(minutes=1),
                id=None,
            )
            apply_changes(
                store,
                channel,
                [Replace(victim.id or 0, moved)],
                actor=ACTOR,
                action="move",
                summary="bench move",
                expected_revision=store.revision(channel),
                undoable=False,
            )
            started = time.perf_counter()
            index.recheck(store, channel, current.start, moved.stop or moved.start)
            timings.append(time.perf_counter() - started)

        timings: list[float] = []
        for _ in range(3):
            edit_and_recheck()
        recheck = min(timings)
        table.add(
            Row(
                "Re-check after editing one programme: vs a full check",
                f"{recheck * 1000:.0f} ms",
                f"{full:.1f} s",
                f"{recheck / full:.2%}",
                "< 1 %",
                recheck / full < 0.01,
            )
        )
    return [table]
