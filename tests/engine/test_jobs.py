"""The job queue with injected operations: timeouts, failures, queueing, cancelling."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.generate import write_bench_xmltv
from core.engine import Engine
from core.errors import FileProblem, InputError, PermissionDenied, ScheduleFlowError
from core.history import JobHistory
from core.jobs import Job, JobContext, JobQueue, JobState
from core.store import Store, import_file
from tests.store.helpers import ACTOR, snapshot


async def _until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_a_job_that_hangs_forever_is_timed_out_and_the_queue_carries_on() -> None:
    queue = JobQueue(max_active=1)
    forever = threading.Event()
    hung = queue.submit("check", lambda ctx: forever.wait(), timeout=0.3)
    after = queue.submit("check", lambda ctx: "done", timeout=5)
    await queue.wait(hung)
    await queue.wait(after)
    assert hung.state is JobState.TIMED_OUT and hung.error_category == "timeout"
    assert "stopped after 0.3 s" in (hung.error_message or "")
    assert after.state is JobState.SUCCEEDED and after.result == "done"
    forever.set()


def test_a_job_abandoned_in_its_thread_does_not_keep_the_process_alive() -> None:
    """A command whose job timed out exits; the hung operation dies with the process."""
    script = (
        "import asyncio, threading\n"
        "from core.jobs import JobQueue\n"
        "async def main():\n"
        "    queue = JobQueue()\n"
        "    job = queue.submit('check', lambda ctx: threading.Event().wait(), timeout=0.2)\n"
        "    await queue.wait(job)\n"
        "    print(job.state)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == "timed out"


async def test_only_the_last_finished_jobs_are_kept_in_memory() -> None:
    queue = JobQueue(keep=20)
    release = threading.Event()
    running = queue.submit("check", lambda ctx: release.wait(10))
    done = [queue.submit("check", lambda ctx, n=n: n) for n in range(60)]
    await queue.wait(done[-1])
    assert len(queue.jobs) <= 25
    assert running.id in queue.jobs  # unfinished jobs are never dropped
    assert done[-1].id in queue.jobs and done[0].id not in queue.jobs
    release.set()
    await queue.wait(running)


async def test_a_burst_of_queued_jobs_keeps_exactly_the_last_finished() -> None:
    queue = JobQueue(keep=20, max_active=1)  # finished in the order submitted
    burst = [queue.submit("check", lambda ctx, n=n: n) for n in range(300)]
    for job in burst:
        await queue.wait(job)
    assert sorted(queue.jobs) == sorted(job.id for job in burst[-20:])
    assert [job.result for job in burst[-20:]] == list(range(280, 300))


async def test_a_job_that_raises_fails_with_the_error_category() -> None:
    queue = JobQueue()

    def bad_input(ctx: JobContext) -> None:
        raise InputError("guide.xml:3: broken")

    def bug(ctx: JobContext) -> None:
        raise ValueError("oops")

    first = await queue.wait(queue.submit("import", bad_input))
    second = await queue.wait(queue.submit("import", bug))
    assert (first.state, first.error_category) == (JobState.FAILED, "parse")
    assert first.error_message == "guide.xml:3: broken"
    assert (second.state, second.error_category) == (JobState.FAILED, "unexpected")
    assert "oops" in (second.error_message or "")


async def test_four_long_jobs_run_and_the_fifth_waits_its_turn() -> None:
    queue = JobQueue(max_active=4)
    release = threading.Event()
    jobs = [queue.submit("check", lambda ctx: release.wait(10)) for _ in range(5)]
    await _until(lambda: queue.active == 4)
    assert [job.state for job in jobs] == [JobState.RUNNING] * 4 + [JobState.QUEUED]
    assert queue.queued == 1
    release.set()
    for job in jobs:
        await queue.wait(job)
    assert all(job.state is JobState.SUCCEEDED for job in jobs)
    assert queue.peak_active == 4


async def test_cancelling_a_queued_and_a_running_job() -> None:
    queue = JobQueue(max_active=1)
    started = threading.Event()
    stopped = threading.Event()

    def polite(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.check()  # raises once cancelled
            time.sleep(0.01)

    running = queue.submit("import", polite)
    waiting = queue.submit("import", lambda ctx: stopped.set())
    await _until(started.is_set)
    assert queue.cancel(waiting.id) and waiting.state is JobState.CANCELLED
    assert queue.cancel(running.id) and running.state is JobState.CANCELLED
    await queue.wait(running)
    assert not stopped.is_set()  # the queued job never ran
    assert not queue.cancel(running.id)  # already finished


async def test_progress_is_coalesced_for_listeners() -> None:
    queue = JobQueue()
    heard: list[int] = []
    queue.subscribe(lambda job: heard.append(job.done))

    def fast(ctx: JobContext) -> int:
        for item in range(200_000):
            ctx.progress(item, 200_000)
        return 1

    job = await queue.wait(queue.submit("import", fast))
    await asyncio.sleep(0.05)
    assert job.state is JobState.SUCCEEDED
    assert len(heard) < 100  # not 200,000 notifications


async def test_a_timed_out_import_leaves_the_store_unchanged(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "home", actor=ACTOR)
    guide = tmp_path / "big.xml"
    write_bench_xmltv(guide, channels=30, days=3)
    before = snapshot(engine.database)
    checks = 0
    finished = threading.Event()

    def import_past_its_timeout(store: Store, ctx: JobContext) -> object:
        def should_stop() -> bool:
            nonlocal checks
            checks += 1
            # 1,000 programmes are in the open transaction: hold here until the timeout stops
            # the job, however fast the machine (it once finished inside the timeout)
            deadline = time.monotonic() + 30
            while not ctx.should_stop() and time.monotonic() < deadline:
                time.sleep(0.01)
            return ctx.should_stop()

        try:
            return import_file(store, guide, actor=ACTOR, should_stop=should_stop)
        finally:
            finished.set()

    job: Job = engine.submit("import", import_past_its_timeout, timeout=0.3)
    await engine.queue.wait(job)
    assert job.state is JobState.TIMED_OUT
    await _until(finished.is_set, timeout=30)  # the import has stopped and rolled back
    assert checks == 1  # it stopped at the first check
    assert snapshot(engine.database) == before
    engine.close()


async def test_job_history_is_kept_in_the_store_newest_first(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "home", actor=ACTOR)
    for number in range(3):
        await engine.queue.wait(
            engine.submit("check", lambda store, ctx, n=number: n, label=f"check {number}")
        )
    engine.close()  # a command's end: what it recorded is written
    history = JobHistory(engine.database)
    assert [job["label"] for job in history.recent()] == ["check 2", "check 1", "check 0"]
    history.close()


async def test_jobs_run_and_are_recorded_while_another_writer_holds_the_store(
    tmp_path: Path,
) -> None:
    """Recording a job never waits on the loop for the write lock an import holds."""
    engine = Engine(tmp_path / "home", actor=ACTOR)
    importer = sqlite3.connect(engine.database, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # the write lock, as a long import holds it
    job = engine.queue.submit("check", lambda ctx: "done", label="quick check")
    await engine.queue.wait(job)
    assert job.state is JobState.SUCCEEDED  # while the lock is still held
    importer.execute("ROLLBACK")
    importer.close()
    engine.close()
    history = JobHistory(engine.database)
    assert [(j["label"], j["state"]) for j in history.recent()] == [("quick check", "succeeded")]
    history.close()


@pytest.mark.parametrize("state", ["failed", "timed out"])
async def test_health_degrades_after_repeated_failures(tmp_path: Path, state: str) -> None:
    engine = Engine(tmp_path / "home", actor=ACTOR)
    assert engine.health().status == "healthy"
    never = threading.Event()

    def failing(store: object, ctx: JobContext) -> None:
        if state == "failed":
            raise RuntimeError("a bug of ours")
        never.wait(5)

    for _ in range(3):
        await engine.queue.wait(engine.submit("check", failing, timeout=0.2))
    health = engine.health()
    assert health.status == "degraded"
    assert (health.failed if state == "failed" else health.timed_out) == 3
    assert health.total_errors == 3
    never.set()
    engine.close()


@pytest.mark.parametrize(
    "error",
    [
        InputError("programme 3 has no start"),
        FileProblem("no such file", path=Path("/no/such.xml")),
        PermissionDenied("your role is viewer, and import needs operator"),
    ],
)
async def test_the_operators_mistakes_do_not_make_health_degraded(
    tmp_path: Path, error: ScheduleFlowError
) -> None:
    engine = Engine(tmp_path / "home", actor=ACTOR)

    def refused(store: object, ctx: JobContext) -> None:
        raise error

    for _ in range(5):
        await engine.queue.wait(engine.submit("check", refused))
    health = engine.health()
    assert (health.status, health.failed) == ("healthy", 5)
    engine.close()


def test_the_history_writer_outlives_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(tmp_path / "home", actor=ACTOR)
    store_rows = JobHistory._store
    failures = iter([RuntimeError("disk on fire")])

    def flaky(self: JobHistory, connection: sqlite3.Connection, rows: list[object]) -> None:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        store_rows(self, connection, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(JobHistory, "_store", flaky)

    def flushed() -> bool:
        waiter = threading.Thread(target=engine.history.flush, daemon=True)
        waiter.start()
        waiter.join(10)
        return not waiter.is_alive()

    engine.history.record(Job("check", "lost", state=JobState.SUCCEEDED))
    assert flushed()
    engine.history.record(Job("check", "kept", state=JobState.SUCCEEDED))
    assert flushed()
    assert [job["label"] for job in engine.history.recent()] == ["kept"]
    engine.close()


async def test_a_job_timed_out_past_its_last_check_does_not_commit(tmp_path: Path) -> None:
    # A plan or a fix writes its changes in one transaction with no check before the
    # commit: timed out there, it committed all the same while its line said "nothing it
    # did was kept". The commit is the last check now.
    engine = Engine(tmp_path / "home", actor=ACTOR)
    given_up = threading.Event()
    outcome: list[BaseException] = []

    def write_slowly(store: Store, ctx: JobContext) -> None:
        try:
            with store.database.write() as connection:
                connection.execute("CREATE TABLE written (n INTEGER)")
                connection.execute("INSERT INTO written VALUES (1)")
                given_up.wait(30)  # the timeout comes while the changes are not committed
        except ScheduleFlowError as error:
            outcome.append(error)
            raise

    def on_change(job: Job) -> None:
        if job.state is JobState.TIMED_OUT:
            given_up.set()

    engine.queue.subscribe(on_change)
    job = engine.submit("plan", write_slowly, timeout=0.2)
    await engine.queue.wait(job)
    assert job.state is JobState.TIMED_OUT
    assert job.error_message == "stopped after 0.2 s; nothing it did was kept"
    await _until(lambda: bool(outcome))
    assert "0.2 s limit" in str(outcome[0])  # the commit raised the stop reason
    tables = engine.store.connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'written'"
    ).fetchone()[0]
    assert tables == 0
    engine.close()


async def test_a_job_stopped_after_a_commit_says_what_it_saved_is_kept(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "home", actor=ACTOR)
    release = threading.Event()

    def two_transactions(store: Store, ctx: JobContext) -> None:
        with store.database.write() as connection:
            connection.execute("CREATE TABLE first (n INTEGER)")
            connection.execute("INSERT INTO first VALUES (1)")
        release.wait(30)
        ctx.check()

    job = engine.submit("import", two_transactions, timeout=0.2)
    await engine.queue.wait(job)
    release.set()
    assert job.state is JobState.TIMED_OUT
    assert job.error_message == "stopped after 0.2 s; what it had saved by then is kept"
    engine.close()
