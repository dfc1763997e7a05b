"""A hostile environment: a read-only database, a settings file that cannot be read, files
shaped to break the parsers. Each is one line naming the file and the problem, exit 2 —
never "unexpected error"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

SAMPLE = str(ROOT / "samples" / "community-week.xml")
OTHER = str(ROOT / "samples" / "sports-day.xml")


def run_as_plain_user(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The CLI with file permissions enforced: as root (CI), without the capabilities that
    let root read and write whatever the mode bits say (``setpriv`` drops them)."""
    command = [sys.executable, "-m", "tui.cli", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root needs setpriv (util-linux) to drop its file-permission override")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(home)},
        cwd=ROOT,
        timeout=120,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unexpected error" not in lines[0]
    return lines[0]


def test_a_read_only_database_reads_and_refuses_changes_in_one_line(
    sf_home: Path, tmp_path: Path
) -> None:
    assert run_cli("import", SAMPLE, home=sf_home).returncode == 0
    database = sf_home / "scheduleflow.db"
    database.chmod(0o444)
    assert run_as_plain_user("check", home=sf_home).returncode in (0, 1)
    assert run_as_plain_user("now", home=sf_home).returncode == 0
    out = tmp_path / "guide.xml"
    assert (
        run_as_plain_user("export", "--format", "xmltv", "-o", str(out), home=sf_home).returncode
        == 0
    )
    assert out.stat().st_size > 0
    for command in (("import", OTHER), ("fix", "gap", "--policy", "placeholder")):
        line = _one_line(run_as_plain_user(*command, home=sf_home))
        assert f"{database}: the database is read-only" in line
        assert "--read-only" in line


@pytest.mark.parametrize("kind", ["no-permission", "a-folder", "not-utf8"])
def test_a_settings_file_that_cannot_be_read_is_one_line_naming_it(
    sf_home: Path, kind: str
) -> None:
    config = sf_home / "config.toml"
    if kind == "a-folder":
        config.mkdir()
    elif kind == "not-utf8":
        config.write_bytes(b'theme = "caf\xe9"\n')
    else:
        config.write_text('theme = "scheduleflow-dark"\n', encoding="utf-8")
        config.chmod(0o000)
    line = _one_line(run_as_plain_user("check", home=sf_home))
    expected = {
        "no-permission": "cannot be read (Permission denied)",
        "a-folder": "is not a regular file",  # the store's config: its roles are read first
        "not-utf8": "is not UTF-8 text (byte 0xE9",
    }[kind]
    assert line.startswith(f"scheduleflow check: {config}: {expected}")


@pytest.mark.parametrize(
    ("name", "text", "what"),
    [
        (
            "deep.json",
            '{"format": "scheduleflow/1", "channels": ' + "[" * 2000 + "]" * 2000 + "}",
            "nests values deeper",
        ),
        (
            "day.json",
            '{"channel": "c", "date": "2026-01-01", "program": '
            '[{"in": 0, "out": NaN, "source": "a.mp4"}]}',
            "program[0].out (nan) is not a finite",
        ),
        (
            "number.json",
            '{"format": "scheduleflow/1", "x": ' + "9" * 5000 + "}",
            "a number longer than",
        ),
    ],
    ids=["deep-json", "nan-ffplayout", "huge-number"],
)
def test_inputs_shaped_to_break_the_parser_are_one_line_naming_the_file(
    sf_home: Path, tmp_path: Path, name: str, text: str, what: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    line = _one_line(run_cli("import", str(path), home=sf_home))
    assert line.startswith(f"scheduleflow import: {path}")
    assert what in line
