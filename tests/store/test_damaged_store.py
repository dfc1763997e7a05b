"""A damaged store is never written to: found at open even when its mtime was put back, found
during any command, copied aside once, and the way back (a restore, by an admin) keeps the
audit trail."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from bench.generate import write_bench_xmltv
from tests.conftest import corpus_path, run_cli

PAGE = 4096


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A real store of a few megabytes, with a backup, closed cleanly."""
    home = tmp_path / "home"
    guide = tmp_path / "guide.xml"
    write_bench_xmltv(guide, channels=10, days=7)
    assert run_cli("import", str(guide), home=home).returncode == 0
    assert run_cli("db", "backup", home=home).returncode == 0
    return home


def _damage_keeping_size_and_mtime(database: Path) -> None:
    """Garbage over four pages in the middle of the file, then the size and mtime put back
    (what `touch -r` or a copy that keeps times leaves)."""
    before = database.stat()
    data = bytearray(database.read_bytes())
    middle = (len(data) // 2) // PAGE * PAGE
    data[middle : middle + 4 * PAGE] = os.urandom(4 * PAGE)
    database.write_bytes(bytes(data))
    os.utime(database, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = database.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _one_line(result: object) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_store_damaged_with_its_mtime_kept_is_never_written(store: Path, tmp_path: Path) -> None:
    database = store / "scheduleflow.db"
    _damage_keeping_size_and_mtime(database)
    damaged = _digest(database)
    more = corpus_path("xmltv", "t_data", "simple.xml")

    refused = run_cli("import", str(more), home=store)

    assert refused.returncode == 2
    line = _one_line(refused)
    assert "failed its integrity check" in line
    assert "scheduleflow db restore" in line and "needs the admin role" in line
    assert _digest(database) == damaged
    for command in (
        ("import", str(more)),
        ("check",),
        ("now",),
        ("export", "--format", "json", "-o", str(tmp_path / "out.json")),
    ):
        again = run_cli(*command, home=store)
        assert again.returncode == 2 and "unexpected" not in _one_line(again)
    assert _digest(database) == damaged
    assert [path.name for path in store.glob("*.corrupt")] == ["scheduleflow.db.corrupt"]
    assert (store / "scheduleflow.db.corrupt").read_bytes() == database.read_bytes()


def test_damage_met_during_a_command_stops_every_later_write(store: Path) -> None:
    from core.store.integrity import marker, signature

    database = store / "scheduleflow.db"
    _damage_keeping_size_and_mtime(database)
    # as if the file was damaged while a ScheduleFlow had it open, and that one closed
    # believing it sound: the open check is skipped, and the damage is met by a read
    marker(database).write_text(json.dumps(signature(database)))

    checked = run_cli("check", home=store)

    assert checked.returncode == 2
    line = _one_line(checked)
    assert "is damaged" in line and "malformed" in line and "needs the admin role" in line
    assert not marker(database).exists()  # the next command checks, and refuses
    after_check = _digest(database)
    imported = run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=store)
    assert imported.returncode == 2 and "failed its integrity check" in _one_line(imported)
    assert _digest(database) == after_check
    assert [path.name for path in store.glob("*.corrupt")] == ["scheduleflow.db.corrupt"]


def test_a_file_that_is_not_sqlite_is_refused_without_a_copy_or_a_write(tmp_path: Path) -> None:
    guide = tmp_path / "some.xml"
    guide.write_text('<?xml version="1.0"?>\n<tv></tv>\n')
    before = guide.read_bytes()
    home = tmp_path / "home"

    for command in (("check",), ("import", str(corpus_path("xmltv", "t_data", "simple.xml")))):
        result = run_cli(*command, "--db", str(guide), home=home)
        assert result.returncode == 2
        assert "is not a ScheduleFlow database" in _one_line(result)

    assert guide.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["home", "some.xml"]


def test_a_restore_keeps_the_audit_written_since_the_backup_and_records_itself(
    store: Path,
) -> None:
    (store / "config.toml").write_text('[roles]\ndefault = "admin"\n')
    backup = next((store / "backups").glob("*.db"))
    simple = corpus_path("xmltv", "t_data", "simple.xml")
    assert run_cli("import", str(simple), home=store).returncode == 0  # after the backup

    restored = run_cli("db", "restore", str(backup), home=store)

    assert restored.returncode == 0, restored.stderr
    assert "1 newer audit records carried over" in restored.stdout
    audit = json.loads(run_cli("audit", "--json", home=store).stdout)
    actions = [record["action"] for record in audit]
    assert actions[0] == "restore"
    assert any(
        record["action"] == "import" and "simple.xml" in record["summary"] for record in audit
    )


def test_a_restore_of_a_damaged_store_keeps_its_readable_audit(store: Path) -> None:
    (store / "config.toml").write_text('[roles]\ndefault = "admin"\n')
    backup = next((store / "backups").glob("*.db"))
    assert (
        run_cli("import", str(corpus_path("xmltv", "t_data", "simple.xml")), home=store).returncode
        == 0
    )
    database = store / "scheduleflow.db"
    connection = sqlite3.connect(database)
    (root,) = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'programme'"
    ).fetchone()
    connection.close()
    data = bytearray(database.read_bytes())
    offset = (root - 1) * PAGE  # the programme table's root: the audit stays readable
    data[offset : offset + PAGE] = os.urandom(PAGE)
    database.write_bytes(bytes(data))

    restored = run_cli("db", "restore", str(backup), home=store)

    assert restored.returncode == 0, restored.stderr
    assert "the damaged file was kept aside" in restored.stdout
    audit = json.loads(run_cli("audit", "--json", home=store).stdout)
    assert any("simple.xml" in record["summary"] for record in audit)


def test_a_restore_carries_each_records_change_lines_too(sf_home: Path) -> None:
    (sf_home / "config.toml").write_text('[roles]\ndefault = "admin"\n')
    samples = Path(__file__).resolve().parents[2] / "samples"
    assert run_cli("import", str(samples / "sports-day.xml"), home=sf_home).returncode == 0
    backup = sf_home / "before-fix.db"
    assert run_cli("db", "backup", str(backup), home=sf_home).returncode == 0
    fixed = run_cli("fix", "gap", "--policy", "placeholder", home=sf_home)
    assert fixed.returncode == 0, fixed.stderr
    (fix,) = [r for r in json.loads(run_cli("audit", "--json", home=sf_home).stdout)
              if r["action"].startswith("fix")]  # fmt: skip
    assert fix["changes"]
    database = sqlite3.connect(sf_home / "scheduleflow.db")  # as a fix asked for over HTTP
    with database:
        database.execute("UPDATE audit SET request_id = 'req-7' WHERE action LIKE 'fix%'")
    database.close()

    assert run_cli("db", "restore", str(backup), home=sf_home).returncode == 0

    (carried,) = [r for r in json.loads(run_cli("audit", "--json", home=sf_home).stdout)
                  if r["action"].startswith("fix")]  # fmt: skip
    assert carried["changes"] == fix["changes"]
    assert carried["request_id"] == "req-7"  # the request that made it, carried too
