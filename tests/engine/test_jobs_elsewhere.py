"""core/history.py ``jobs_elsewhere``: the jobs other processes recorded on the store (what
the TUI's jobs pane shows beside its own)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from core.history import JobHistory, jobs_elsewhere
from core.jobs import Job, JobState
from core.store import Store
from tests.conftest import ROOT

RECORD = """
import sys
from pathlib import Path
from core.history import JobHistory
from core.jobs import Job, JobState
history = JobHistory(Path(sys.argv[1]))
history.record(Job("import", "import guide.xml (request ci-7)", id="api-1",
                   state=JobState.SUCCEEDED, started=1.0e9, ended=1.0e9 + 2))
history.record(Job("check", "check", id="api-2", state=JobState.RUNNING, started=1.0e9))
history.close()
"""


def _store(tmp_path: Path) -> Path:
    database = tmp_path / "scheduleflow.db"
    Store.open(database).close()
    return database


def test_the_jobs_another_process_recorded_are_read_and_this_ones_are_not(
    tmp_path: Path,
) -> None:
    database = _store(tmp_path)
    since = time.time() - 1
    mine = JobHistory(database)
    mine.record(Job("check", "this session's check", id="mine-1"))
    mine.flush()
    subprocess.run([sys.executable, "-c", RECORD, str(database)], cwd=ROOT, check=True)
    jobs = jobs_elsewhere(database, since=since)
    assert jobs is not None
    assert [(job.id, job.state) for job in jobs] == [
        ("api-2", "abandoned"),  # running when its process ended
        ("api-1", "succeeded"),
    ]
    api = jobs[1]
    assert api.label == "import guide.xml (request ci-7)" and api.elapsed == 2.0
    assert api.pid is not None and api.finished
    # a later session does not see what a process long gone left unfinished
    assert jobs_elsewhere(database, since=time.time() + 60) == []  # read, and empty
    mine.close()


def test_forged_rows_are_read_without_failing(tmp_path: Path) -> None:
    database = _store(tmp_path)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO job (id, kind, state, who, created_at, started_at, ended_at, progress,"
            " label, pid, items) VALUES (5, 'x', 'succeeded', 'w', ?, 'soon', 1e300, 'NaN',"
            " NULL, 'me', 'many')",
            (int(time.time() * 1000),),
        )
    connection.close()
    jobs = jobs_elsewhere(database, since=0)
    assert jobs is not None and len(jobs) == 1
    job = jobs[0]
    assert (job.id, job.label, job.started, job.ended, job.progress, job.items, job.pid) == (
        "5",
        "x",
        None,
        None,
        0.0,
        0,
        None,
    )
    assert job.state == JobState.SUCCEEDED and job.elapsed == 0.0


def test_the_history_is_read_while_an_import_holds_the_write_lock(tmp_path: Path) -> None:
    database = _store(tmp_path)
    importer = sqlite3.connect(database, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    assert jobs_elsewhere(database, since=0) == []
    assert time.monotonic() - started < 2  # not waited for the lock
    importer.execute("ROLLBACK")
    importer.close()


def test_a_store_that_cannot_be_read_is_none(tmp_path: Path) -> None:
    assert jobs_elsewhere(tmp_path / "missing.db", since=0) is None
    assert not (tmp_path / "missing.db").exists()  # not made by reading
