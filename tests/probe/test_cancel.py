"""A 10,000-locator probe cancelled half-way stops within a second and keeps what it measured."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from core.engine import Engine
from core.jobs import Job, JobContext, JobState
from core.locators import fingerprint
from core.probe.job import ProbeReport, eta_seconds, run_probe
from core.probe.model import ProbeSettings, ProbeTarget
from core.store import Store
from tests.store.helpers import ACTOR


async def _until(predicate, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_cancel_half_way_stops_within_a_second_and_keeps_the_results(
    tmp_path: Path, stream_server: str
) -> None:
    engine = Engine(tmp_path / "home", actor=ACTOR)
    targets = [
        ProbeTarget(f"{stream_server}/media?n={n}", fingerprint(f"{stream_server}/media?n={n}"))
        for n in range(10_000)
    ]
    settings = ProbeSettings(concurrency=32, per_host=32, timeout=10, retries=0)
    returned: list[float] = []
    finished = threading.Event()
    reports: list[ProbeReport] = []

    def operation(store: Store, context: JobContext) -> ProbeReport:
        try:
            report = run_probe(store, context, targets, settings)
            reports.append(report)
            return report
        finally:
            returned.append(time.monotonic())
            finished.set()

    cancelled_at: list[float] = []
    etas: list[float | None] = []
    job: Job = engine.submit("probe", operation)

    def listen(seen: Job) -> None:
        if seen is job and seen.done >= 5_000 and not cancelled_at:
            etas.append(eta_seconds(seen))
            cancelled_at.append(time.monotonic())
            engine.queue.cancel(seen.id)

    engine.queue.subscribe(listen)
    await engine.queue.wait(job)
    assert job.state is JobState.CANCELLED
    await _until(finished.is_set, timeout=30)
    assert returned[0] - cancelled_at[0] < 1.0
    assert reports == []  # it ended as cancelled, not as a finished run
    assert etas[0] is not None and etas[0] > 0
    engine.close()
    with Store.open(engine.database) as store:
        (kept,) = store.connection.execute("SELECT count(*) FROM stream_probe").fetchone()
        (played,) = store.connection.execute(
            "SELECT count(*) FROM stream_probe WHERE ok = 1"
        ).fetchone()
    assert 5_000 <= kept < 10_000
    assert kept >= job.done  # every result it reported was kept, the last batch too
    assert played == kept
