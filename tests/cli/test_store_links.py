"""Links a group member put in a shared store's folders are never followed: root's next
command leaves the file they point at as it was (bytes and mode), and says one line or goes
on without that file.

Each test plays the member with a link made in the store's folder, pointing at a file of the
victim (root) outside it, and runs a command as the victim.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from bench.generate import write_bench_xmltv
from tests.conftest import corpus_path, run_cli

pytestmark = pytest.mark.skipif(
    os.getuid() != 0, reason="the victim is root, as on a shared server (CI runs as root)"
)

NOBODY = 65534  # the member who made the link: not the caller, not root


def _state(path: Path) -> tuple[str, int]:
    """A file's bytes and mode, without following a link at its name."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of root's outside the store, such as ~/.bashrc."""
    path = tmp_path / "victim" / ".bashrc"
    path.parent.mkdir()
    path.write_text("# root's shell start-up\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A shared store folder used as SCHEDULEFLOW_HOME (logs and audit.jsonl in it too)."""
    home = tmp_path / "srv"
    home.mkdir()
    home.chmod(0o2770)
    guide = tmp_path / "guide.xml"
    write_bench_xmltv(guide, channels=4, days=3)
    assert run_cli("import", str(guide), home=home).returncode == 0
    return home


def _damage(database: Path) -> None:
    data = bytearray(database.read_bytes())
    middle = (len(data) // 2) // 4096 * 4096
    data[middle : middle + 4 * 4096] = os.urandom(4 * 4096)
    database.write_bytes(bytes(data))


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_linked_verified_note_is_replaced_not_written_through(store: Path, victim: Path) -> None:
    before = _state(victim)
    note = store / ".scheduleflow.db.verified"
    note.unlink()
    note.symlink_to(victim)
    result = run_cli("check", home=store)
    assert result.returncode in (0, 1), result.stderr
    assert _state(victim) == before
    assert note.is_file() and not note.is_symlink()


def test_a_linked_audit_file_is_not_appended_to(store: Path, victim: Path) -> None:
    before = _state(victim)
    audit = store / "logs" / "audit.jsonl"
    audit.unlink()
    audit.symlink_to(victim)
    result = run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=store)
    assert result.returncode == 0, result.stderr
    assert _state(victim) == before
    assert "audit.jsonl is a symbolic link" in (store / "logs" / "scheduleflow.log").read_text()


def test_a_linked_log_file_is_not_appended_to(store: Path, victim: Path) -> None:
    before = _state(victim)
    log = store / "logs" / "scheduleflow.log"
    log.unlink()
    log.symlink_to(victim)
    result = run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=store)
    assert result.returncode == 0
    assert _state(victim) == before
    assert _one_line(result.stderr) == (
        f"scheduleflow: cannot write the log {log} (is a symbolic link; links in the store's "
        "folders are not followed); logging to it stops"
    )


@pytest.mark.parametrize("journal", ["-wal", "-shm"])
def test_a_linked_wal_or_shm_is_refused_and_never_copied(
    store: Path, victim: Path, journal: str
) -> None:
    before = _state(victim)
    linked = store / f"scheduleflow.db{journal}"
    linked.unlink(missing_ok=True)
    linked.symlink_to(victim)
    os.lchown(linked, NOBODY, NOBODY)
    result = run_cli("check", home=store)
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith(
        f"scheduleflow check: {linked}: is a symbolic link made by "
    )
    assert _state(victim) == before
    assert list(store.glob("*.corrupt*")) == []


def test_a_dangling_corrupt_link_is_not_written_through(store: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "victim-made-by-root"
    (store / "scheduleflow.db.corrupt").symlink_to(elsewhere)
    _damage(store / "scheduleflow.db")
    result = run_cli("check", home=store)
    assert result.returncode == 2
    assert not os.path.lexists(elsewhere)
    copies = sorted(path.name for path in store.glob("scheduleflow.db.*.corrupt"))
    assert len(copies) == 1  # the copy went to a fresh name beside the link
    line = _one_line(result.stderr)
    assert "failed its integrity check" in line
    assert f"a copy is kept at {store / copies[0]};" in line


def test_a_linked_damage_note_is_replaced_not_written_through(store: Path, victim: Path) -> None:
    before = _state(victim)
    note = store / ".scheduleflow.db.damaged"
    note.symlink_to(victim)
    _damage(store / "scheduleflow.db")
    result = run_cli("check", home=store)
    assert result.returncode == 2
    assert _state(victim) == before
    assert note.read_text() == str(store / "scheduleflow.db.corrupt")


def test_a_linked_stale_backup_partial_is_left_alone(store: Path, victim: Path) -> None:
    before = _state(victim)
    (store / "backups").mkdir(exist_ok=True)
    partial = store / "backups" / ".scheduleflow-20260101T000000Z-x.db.abcdefgh.partial"
    partial.symlink_to(victim)
    result = run_cli("check", home=store)
    assert result.returncode in (0, 1), result.stderr
    assert _state(victim) == before
    assert partial.is_symlink()  # not opened, not taken for ours
    assert f"left {partial} alone" in (store / "logs" / "scheduleflow.log").read_text()


def test_a_database_link_someone_else_made_is_refused(store: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim" / "empty.db"  # empty: SQLite would make a store in it
    victim.parent.mkdir()
    victim.touch(mode=0o600)
    database = store / "scheduleflow.db"
    database.unlink()
    database.symlink_to(victim)
    os.lchown(database, NOBODY, NOBODY)
    result = run_cli("check", home=store)
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith(
        f"scheduleflow check: {database}: is a symbolic link made by "
    )
    assert victim.stat().st_size == 0 and stat.S_IMODE(victim.stat().st_mode) == 0o600


def test_a_link_of_ones_own_to_a_store_opens_that_store(store: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "scheduleflow.db"
    mine.parent.mkdir()
    mine.symlink_to(store / "scheduleflow.db")
    result = run_cli("--db", str(mine), "check", home=tmp_path / "home")
    assert result.returncode in (0, 1), result.stderr
    assert mine.is_symlink()


def test_a_backup_over_the_live_database_is_refused(store: Path) -> None:
    database = store / "scheduleflow.db"
    inode = database.stat().st_ino
    result = run_cli("db", "backup", str(database), "--force", home=store)
    assert result.returncode == 2
    assert _one_line(result.stderr) == (
        f"scheduleflow db: {database}: is the live database's own file (scheduleflow.db); "
        "a backup never replaces it — give the backup another name (backups/ keeps them)"
    )
    assert database.stat().st_ino == inode
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)


@pytest.mark.parametrize("name", ["scheduleflow.db-wal", "logs/scheduleflow.log"])
def test_a_backup_over_the_wal_or_a_log_is_refused(store: Path, name: str) -> None:
    target = store / name
    before = target.read_bytes() if target.exists() else None
    result = run_cli("db", "backup", str(target), "--force", home=store)
    assert result.returncode == 2
    assert _one_line(result.stderr).startswith(f"scheduleflow db: {target}: is ")
    if name.startswith("logs/"):  # the log is there, and still the log
        assert before is not None and target.read_bytes().startswith(before)
    else:  # the store's WAL: as it was (the refused backup wrote nothing there)
        assert (target.read_bytes() if target.exists() else None) == before
