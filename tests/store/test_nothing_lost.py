"""Nothing lost: failed imports leave the store as it was; damage is detected and kept aside."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import write_bench_xmltv
from core.errors import Cancelled, ParseError, StoreCorrupt, StoreError
from core.store import Store, import_file
from tests.conftest import ROOT, corpus_path, run_cli
from tests.store.helpers import ACTOR, new_store, snapshot


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Store, Path]:
    store = new_store(tmp_path)
    import_file(store, corpus_path("xmltv", "t_data", "x-whatever.xml"), actor=ACTOR)
    import_file(store, corpus_path("threadfin", "test_list_1.m3u"), actor=ACTOR)
    return store, store.path


def test_a_parse_error_on_the_last_line_stores_nothing(
    seeded: tuple[Store, Path], tmp_path: Path
) -> None:
    store, path = seeded
    before = snapshot(path)
    broken = tmp_path / "broken.xml"
    good = corpus_path("jellyfin-xmltv", "schedulesdirect.xml").read_text()
    broken.write_text(good.replace("</tv>", "<programme start=</tv>"))
    with pytest.raises(ParseError) as caught:
        import_file(store, broken, actor=ACTOR)
    assert caught.value.line is not None and caught.value.line > 10
    assert snapshot(path) == before
    store.close()


def test_a_cancelled_import_stores_nothing(seeded: tuple[Store, Path], tmp_path: Path) -> None:
    store, path = seeded
    before = snapshot(path)
    big = tmp_path / "big.xml"
    write_bench_xmltv(big, channels=3, days=30)
    with pytest.raises(Cancelled):
        import_file(store, big, actor=ACTOR, should_stop=lambda: True)
    assert snapshot(path) == before
    store.close()


def _import_process(home: Path, path: Path, **popen: object) -> subprocess.Popen[str]:
    env = {**os.environ, "SCHEDULEFLOW_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "import", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[arg-type]
    )


def test_an_import_killed_half_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    home = tmp_path / "home"
    seed = run_cli("import", str(corpus_path("xmltv", "t_data", "x-whatever.xml")), home=home)
    assert seed.returncode == 0, seed.stderr
    database = home / "scheduleflow.db"
    before = snapshot(database)
    big = tmp_path / "big.xml"
    write_bench_xmltv(big, channels=40, days=21)
    process = _import_process(home, big)
    wal = home / "scheduleflow.db-wal"
    deadline = time.monotonic() + 120
    # Wait until the import is writing (its transaction has pages in the WAL), then kill it.
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    check = run_cli("db", "check", home=home)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ok" in check.stdout
    assert snapshot(database) == before


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = 3 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_half_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert (
        run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=home).returncode
        == 0
    )
    database = home / "scheduleflow.db"
    before = snapshot(database)
    big = tmp_path / "big.xml"
    write_bench_xmltv(big, channels=20, days=21)
    # The process may not write past 3 MB, as on a disk that fills up during the import.
    process = _import_process(home, big, preexec_fn=_limit_file_size)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 2
    assert len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr
    assert run_cli("db", "check", home=home).returncode == 0
    assert snapshot(database) == before


def test_a_damaged_database_is_kept_aside_untouched_and_the_message_says_how_to_restore(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    assert (
        run_cli(
            "import", str(corpus_path("jellyfin-xmltv", "schedulesdirect.xml")), home=home
        ).returncode
        == 0
    )
    assert run_cli("db", "backup", home=home).returncode == 0
    database = home / "scheduleflow.db"
    data = bytearray(database.read_bytes())
    page = 4096
    for offset in range(page, len(data), 2 * page):  # every other page, header page spared
        data[offset : offset + page] = os.urandom(page)
    database.write_bytes(bytes(data))
    damaged = database.read_bytes()
    result = run_cli("db", "check", home=home)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "failed its integrity check" in message
    assert "scheduleflow db restore" in message and "backups" in message
    corrupt = home / "scheduleflow.db.corrupt"
    assert corrupt.read_bytes() == damaged
    assert database.read_bytes() == damaged  # nothing overwrote the damaged file
    backup = next((home / "backups").glob("*.db"))
    assert backup.name in message
    (home / "config.toml").write_text('[roles]\ndefault = "admin"\n')  # restoring is for admins
    fixed = run_cli("db", "restore", str(backup), home=home)
    assert fixed.returncode == 0, fixed.stderr
    assert "the damaged file was kept aside" in fixed.stdout
    assert run_cli("db", "check", home=home).returncode == 0
    assert corrupt.read_bytes() == damaged


def test_destructive_changes_take_a_backup_first_and_keep_the_last_few(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    path = corpus_path("jellyfin-xmltv", "schedulesdirect.xml")
    import_file(store, path, actor=ACTOR)
    for _ in range(12):
        result = import_file(store, path, actor=ACTOR, replace=True)
        assert result.backup is not None and result.backup.exists()
    backups = sorted(store.database.backups.glob("*.db"))
    assert len(backups) == 10
    assert all("before-import-replace" in p.name for p in backups)
    store.close()


def test_restore_brings_back_a_backup_and_backs_up_the_state_it_replaces(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    import_file(store, corpus_path("xmltv", "t_data", "simple.xml"), actor=ACTOR)
    saved = store.database.backup_to(tmp_path / "saved.db")
    import_file(store, corpus_path("jellyfin-xmltv", "schedulesdirect.xml"), actor=ACTOR)
    assert store.count() == 4
    previous = store.database.restore_from(saved).previous
    store.forget_channel_cache()
    assert store.count() == 2
    assert previous.exists()
    store.close()


def test_restoring_a_damaged_backup_is_refused(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    with pytest.raises((StoreCorrupt, StoreError)):
        store.database.restore_from(junk)
    store.close()


def test_the_open_check_is_skipped_only_for_a_file_left_as_scheduleflow_closed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.store.database import Database

    checks: list[Path] = []
    real = Database.quick_check

    def counted(self: Database) -> str:
        checks.append(self.path)
        return real(self)

    monkeypatch.setattr(Database, "quick_check", counted)
    store = new_store(tmp_path)  # created here: sound
    import_file(store, corpus_path("xmltv", "t_data", "simple.xml"), actor=ACTOR)
    store.close()
    new_store(tmp_path).close()
    assert checks == []  # closed cleanly, opened again: no check
    other = sqlite3.connect(tmp_path / "home" / "scheduleflow.db")  # another program writes
    other.execute("UPDATE channel SET name = name || '!'")
    other.commit()
    other.close()
    new_store(tmp_path).close()
    assert len(checks) == 1
    new_store(tmp_path).close()
    assert len(checks) == 1  # and once passed, not again


def _session_closed_before_its_job(tmp_path: Path) -> tuple[Path, Store]:
    """A store left sound, opened again by a session and by a job's own connection (still
    reading); the session closes first. Returns the file and the job's open store."""
    path = tmp_path / "home" / "scheduleflow.db"
    store = new_store(tmp_path)
    import_file(store, corpus_path("xmltv", "t_data", "simple.xml"), actor=ACTOR)
    store.close()
    session = new_store(tmp_path)  # the file as it was closed: sound, not checked again
    job = Store.open(path, check=False)
    assert job.channel_ids()
    session.close()
    return path, job


def _noted_as_sound(path: Path) -> bool:
    """Whether the note beside the file vouches for it as it is now."""
    from core.store.integrity import marker, signature

    return bool(json.loads(marker(path).read_text()) == signature(path))


def test_a_job_that_closes_after_the_session_leaves_the_file_recorded_as_sound(
    tmp_path: Path,
) -> None:
    # An operator who quits while the first check still reads a big store: the job's
    # connection closes last, SQLite folds the WAL into the file then, and the note written
    # at the session's own close no longer matched — the next start checked a sound file.
    path, job = _session_closed_before_its_job(tmp_path)
    job.close()  # the last close
    assert _noted_as_sound(path)


def test_a_store_damaged_after_the_session_closed_is_not_vouched_for_by_a_job_closing_later(
    tmp_path: Path,
) -> None:
    # The job's connection trusts the session's check only for the file as it was last
    # recorded: damage another program wrote in between is found by the next start.
    from core.store import integrity

    path, job = _session_closed_before_its_job(tmp_path)
    size = path.stat().st_size
    with path.open("r+b") as handle:  # another program writes garbage over the pages
        for offset in range(size // 2 // 4096 * 4096, size, 4096):  # pages opening never reads
            handle.seek(offset)
            handle.write(os.urandom(200))
    job.close()
    assert not _noted_as_sound(path)
    integrity._sound.clear()  # a new process: it knows nothing of this one's checks
    with pytest.raises(StoreCorrupt, match="failed its integrity check"):
        new_store(tmp_path).close()
    integrity._damaged.clear()
