"""A process that opens its store a second time keeps its SQLite locks on it.

Every job opens its own connection. Reading the file's header through a descriptor that is
then closed dropped every POSIX lock of the process on the file; another process closing
its connection then took itself for the last one and deleted the WAL and shared memory
while this process still had the store open ("file is not a database" on its next write).
"""

from __future__ import annotations

from pathlib import Path

from core.engine import Engine
from tests.conftest import run_cli


def test_another_process_closing_leaves_the_wal_of_a_store_open_here(sf_home: Path) -> None:
    engine = Engine(sf_home)
    try:
        engine.open_store().close()  # what every job does
        finished = run_cli("jobs", home=sf_home)
        assert finished.returncode == 0, finished.stderr
        assert (sf_home / "scheduleflow.db-wal").exists()
        assert (sf_home / "scheduleflow.db-shm").exists()
        with engine.store.database.write() as connection:
            connection.execute("INSERT INTO setting (key, value) VALUES ('probe', '1')")
        assert engine.store.connection.execute(
            "SELECT value FROM setting WHERE key = 'probe'"
        ).fetchone() == ("1",)
    finally:
        engine.close()
