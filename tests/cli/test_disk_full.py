"""A full disk, on a real small filesystem (tmpfs): one line, exit 2, the store as it was, no
temporary files left — also after a backup killed half-way — and health degraded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

SAMPLE = str(ROOT / "samples" / "community-week.xml")
OTHER = str(ROOT / "samples" / "sports-day.xml")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs (CI runs the tests as root, which may mount one)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs the tests as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def _fill(disk: Path, leave_kb: int = 0) -> Path:
    """Fill ``disk`` up to ``leave_kb`` free; returns the filler to remove."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    block = b"\0" * 4096
    try:
        while shutil.disk_usage(disk).free > leave_kb * 1024:
            os.write(descriptor, block)
    except OSError:
        pass  # full: what we wanted
    finally:
        os.close(descriptor)
    return filler


def _schedule(home: Path) -> object:
    """The whole store as JSON, exported to a file off the small disk."""
    out = home.parent.parent / "export.json"
    out.unlink(missing_ok=True)
    result = run_cli("export", "--format", "json", "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())


def _leftovers(disk: Path) -> list[str]:
    return sorted(
        str(path.relative_to(disk))
        for path in disk.rglob("*")
        if path.name.endswith((".partial", ".restoring", ".corrupt")) or ".corrupt" in path.name
    )


def _assert_one_line_disk_full(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "the disk is full" in lines[0]
    assert "free space on that filesystem" in lines[0]


@pytest.mark.parametrize("leave_kb", [0, 60], ids=["full", "nearly-full"])
def test_on_a_full_disk_every_command_is_one_line_and_the_store_is_kept(
    small_disk: Path, leave_kb: int
) -> None:
    home = small_disk / "home"
    assert run_cli("import", SAMPLE, home=home).returncode == 0
    before = _schedule(home)
    filler = _fill(small_disk, leave_kb)
    commands = [
        ("import", OTHER),
        ("import", SAMPLE, "--replace"),
        ("export", "--format", "xmltv", "-o", str(small_disk / "guide.xml")),
        ("db", "backup"),
    ]
    if leave_kb == 0:  # with a little room left, reading commands still work
        commands.append(("check",))
    for command in commands:
        _assert_one_line_disk_full(run_cli(*command, home=home))
    filler.unlink()
    assert _leftovers(small_disk) == []
    assert not (small_disk / "guide.xml").exists()
    assert _schedule(home) == before
    assert run_cli("check", home=home).returncode in (0, 1)  # works again once space is free


def test_health_is_degraded_while_free_space_is_below_the_threshold(small_disk: Path) -> None:
    home = small_disk / "home"
    assert run_cli("import", SAMPLE, home=home).returncode == 0
    degraded = run_cli("health", "--json", home=home)  # 16 MB free, default threshold 1 GiB
    assert degraded.returncode == 1
    report = json.loads(degraded.stdout)
    assert report["status"] == "degraded"
    assert any("MB free on the store's filesystem" in reason for reason in report["reasons"])
    os.environ["SCHEDULEFLOW_JOBS__DEGRADED_BELOW_FREE_MB"] = "1"
    try:
        assert run_cli("health", home=home).returncode == 0
        filler = _fill(small_disk)
        full = run_cli("health", "--json", home=home)
    finally:
        del os.environ["SCHEDULEFLOW_JOBS__DEGRADED_BELOW_FREE_MB"]
    filler.unlink()
    assert full.returncode == 1, full.stderr
    assert json.loads(full.stdout)["status"] == "degraded"


_KILLED_BACKUP = """
import os, signal, sqlite3, sys
from pathlib import Path
from core.store.database import Database

database = Database(Path(sys.argv[1]))
real_connect = sqlite3.connect

def connect_then_die(path, *args, **kwargs):
    copy = real_connect(path, *args, **kwargs)
    copy.execute("CREATE TABLE half_written (x)")
    os.kill(os.getpid(), signal.SIGKILL)

sqlite3.connect = connect_then_die
database.automatic_backup("before-import")
"""


def test_a_backup_killed_half_way_leaves_nothing_after_the_next_start(sf_home: Path) -> None:
    assert run_cli("import", SAMPLE, home=sf_home).returncode == 0
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_BACKUP, str(sf_home / "scheduleflow.db")],
        cwd=ROOT,
        capture_output=True,
    )
    assert killed.returncode == -9
    backups = sf_home / "backups"
    left = [path.name for path in backups.iterdir() if path.name.endswith(".partial")]
    assert len(left) == 1  # what a killed backup leaves behind
    not_ours = backups / ".notes.partial"
    not_ours.write_text("someone else's file")
    assert run_cli("jobs", home=sf_home).returncode == 0
    assert sorted(path.name for path in backups.iterdir()) == [".notes.partial"]
