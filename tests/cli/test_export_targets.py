"""What `export -o` and `db backup` may replace: a regular file, with --force, and nothing
else; `-o -` writes the export to standard output.

A FIFO, a device node, a dangling symbolic link, a link to standard output and a link to a
regular file are each refused in one line with exit 2, even with --force, and are still
what they were afterwards. Each command runs with a timeout: opening a FIFO would block.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, corpus_path, run_cli

GUIDE = corpus_path("xmltv", "t_data", "simple.xml")


@pytest.fixture
def home(sf_home: Path) -> Path:
    """A store holding a small guide."""
    assert run_cli("import", str(GUIDE), home=sf_home).returncode == 0
    return sf_home


def _refused(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert what in result.stderr, result.stderr


def _export(home: Path, target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("export", "--format", "xmltv", "-o", str(target), *extra, home=home, timeout=30)


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_a_fifo_is_never_opened_nor_replaced(home: Path, tmp_path: Path, force: tuple[str]) -> None:
    fifo = tmp_path / "guide.xml"
    os.mkfifo(fifo)
    _refused(_export(home, fifo, *force), f"{fifo}: is a FIFO (named pipe); only regular files")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    _refused(run_cli("db", "backup", str(fifo), *force, home=home, timeout=30), "is a FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI runs as root)")
def test_a_device_node_is_not_replaced_even_with_force(home: Path, tmp_path: Path) -> None:
    node = tmp_path / "null"  # a second /dev/null: the real one is not risked
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    _refused(_export(home, node, "--force"), f"{node}: is a character device")
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    _refused(run_cli("db", "backup", str(node), "--force", home=home, timeout=30), "device")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


@pytest.mark.parametrize("force", [(), ("--force",)], ids=["plain", "force"])
def test_a_dangling_symlink_is_refused_and_its_target_not_created(
    home: Path, tmp_path: Path, force: tuple[str]
) -> None:
    link = tmp_path / "guide.xml"
    link.symlink_to(tmp_path / "elsewhere.xml")
    _refused(_export(home, link, *force), "is a symbolic link to nothing")
    assert link.is_symlink() and not (tmp_path / "elsewhere.xml").exists()


def test_a_link_to_standard_output_is_refused_and_points_to_export_dash_o_dash(
    home: Path, tmp_path: Path
) -> None:
    link = tmp_path / "stdout"  # what /dev/stdout is
    link.symlink_to("/proc/self/fd/1")
    result = _export(home, link, "--force")
    _refused(result, "is a symbolic link to a FIFO (named pipe) (/proc/self/fd/1)")
    assert "`export -o -` writes to standard output" in result.stderr
    assert os.readlink(link) == "/proc/self/fd/1"


def test_a_link_to_a_regular_file_is_refused_naming_the_file(home: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.xml"
    real.write_text("old")
    link = tmp_path / "guide.xml"
    link.symlink_to(real)
    _refused(_export(home, link, "--force"), f"give that file: -o {real} --force")
    assert link.is_symlink() and real.read_text() == "old"


def test_a_regular_file_is_replaced_only_with_force(home: Path, tmp_path: Path) -> None:
    backup = tmp_path / "copy.db"
    backup.write_text("old")
    _refused(run_cli("db", "backup", str(backup), home=home), "already exists")
    assert backup.read_text() == "old"
    result = run_cli("db", "backup", str(backup), "--force", home=home)
    assert result.returncode == 0, result.stderr
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def _stdout(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", *args, "-o", "-"],
        capture_output=True,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(home)},
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_dash_streams_a_dtd_valid_guide_to_standard_output(home: Path, tmp_path: Path) -> None:
    result = _stdout(home, "--format", "xmltv")
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().endswith("as xmltv to standard output\n")
    assert not (ROOT / "-").exists()
    valid = subprocess.run(
        ["xmllint", "--noout", "--dtdvalid", str(CORPUS / "xmltv" / "xmltv.dtd"), "-"],
        input=result.stdout,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert valid.returncode == 0, valid.stderr


@pytest.mark.parametrize(
    ("format", "read"),
    [
        ("json", lambda text: len(json.loads(text)["programmes"])),
        ("m3u", lambda text: text.startswith("#EXTM3U")),
    ],
)
def test_dash_works_for_the_single_stream_formats(
    home: Path, format: str, read: Callable[[str], object]
) -> None:
    result = _stdout(home, "--format", format)
    assert result.returncode == 0, result.stderr
    assert read(result.stdout.decode("utf-8"))


def test_dash_refuses_several_ffplayout_days_and_json_summaries(home: Path) -> None:
    days = _stdout(home, "--format", "ffplayout")
    assert days.returncode == 2 and days.stdout == b""
    assert b"day playlists for 2 channels to standard output, which holds one" in days.stderr
    summary = _stdout(home, "--format", "xmltv", "--json")
    assert summary.returncode == 2 and summary.stdout == b""
    assert b"-o - writes the export to standard output, where --json would go too" in (
        summary.stderr
    )


def test_dash_writes_utf8_whatever_the_locale(sf_home: Path, tmp_path: Path) -> None:
    guide = tmp_path / "guide.xml"
    guide.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tv><channel id="c.example.org">'
        "<display-name>C</display-name></channel>"
        '<programme start="20270101000000 +0000" stop="20270101010000 +0000" '
        'channel="c.example.org"><title>Café ☕ 東京</title></programme></tv>\n',
        encoding="utf-8",
    )
    assert run_cli("import", str(guide), home=sf_home).returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "export", "--format", "xmltv", "-o", "-"],
        capture_output=True,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(sf_home), "PYTHONIOENCODING": "latin-1"},
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "<title>Café ☕ 東京</title>".encode() in result.stdout


def test_a_reader_going_away_cancels_the_export_without_a_traceback(sf_home: Path) -> None:
    sample = ROOT / "samples" / "kids-repeats.xml"  # exports to more than a pipe holds
    assert run_cli("import", str(sample), home=sf_home).returncode == 0
    export = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "export", "--format", "xmltv", "-o", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(sf_home)},
        cwd=ROOT,
    )
    assert export.stdout is not None and export.stderr is not None
    assert export.stdout.read(100).startswith(b"<?xml")  # streamed: it arrives while running
    export.stdout.close()  # `| head -c 100`
    assert export.wait(timeout=60) == 2
    assert export.stderr.read().decode() == (
        "scheduleflow export: standard output was closed before the export ended\n"
    )
    export.stderr.close()
    (job, *_) = json.loads(run_cli("jobs", "--json", home=sf_home).stdout)
    assert (job["kind"], job["state"]) == ("export", "cancelled")
    assert "Traceback" not in (sf_home / "logs" / "scheduleflow.log").read_text()
