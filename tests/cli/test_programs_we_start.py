"""Locators are a stranger's text: none becomes an option of mpv, and `check` says why such
a programme will not play.

A guide whose video locators are mpv options (``--script=evil.lua`` runs Lua,
``--log-file=PATH`` writes a file) is imported and played, through a fake ``mpv`` that
records its arguments and through the real one.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.hostile import guide_with_locators, recorded_calls, recording_program

CHANNEL = "evil.example.org"


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """Two seconds of a test picture, made by ffmpeg."""
    path = tmp_path / "clip.mkv"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
         "testsrc=size=64x48:rate=10:duration=2", "-c:v", "mpeg4", str(path)],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


@pytest.fixture
def traps(tmp_path: Path) -> dict[str, Path]:
    """A Lua script that leaves a marker when mpv runs it, and a file mpv's log would create."""
    marker = tmp_path / "lua-ran"
    script = tmp_path / "evil.lua"
    script.write_text(f'local f = io.open("{marker}", "w"); f:write("ran"); f:close()\n')
    return {"script": script, "marker": marker, "log": tmp_path / "clobbered.log"}


def _guide(folder: Path, clip: Path, traps: dict[str, Path]) -> Path:
    """The clip, the two hostile locators, and the clip again, two minutes each."""
    locators = [str(clip), f"--script={traps['script']}", f"--log-file={traps['log']}", str(clip)]
    return guide_with_locators(folder / "evil.xml", CHANNEL, locators, minutes=2)


def _play(home: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """``scheduleflow play`` one second into the first item, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "play", "--channel", CHANNEL,
         "--at", "2027-01-01T00:00:01Z", *extra],
        capture_output=True,
        text=True,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(home), **env},
        cwd=ROOT,
        timeout=60,
        check=False,
    )  # fmt: skip


def test_option_locators_never_reach_mpv_and_print_shows_the_command_that_runs(
    clip: Path, traps: dict[str, Path], sf_home: Path, tmp_path: Path
) -> None:
    assert run_cli("import", str(_guide(tmp_path, clip, traps)), home=sf_home).returncode == 0
    env = recording_program(tmp_path / "bin", "mpv")
    played = _play(sf_home, env)
    assert played.returncode == 0, played.stderr
    (arguments,) = recorded_calls(tmp_path / "bin", "mpv")
    argv = ["mpv", *arguments]
    assert argv == [
        "mpv", "--force-window=yes", f"--title=ScheduleFlow · {CHANNEL}",
        "--{", "--start=1.000", str(clip), "--}", "--", str(clip),
    ]  # fmt: skip
    notes = played.stderr.splitlines()
    assert notes == [
        f"scheduleflow play: left out 'Item 1' at 2027-01-01 00:02: locator "
        f"'--script={traps['script']}' is not a URL with an allowed scheme nor a file path "
        "(it starts with '-', as a program's option does)",
        f"scheduleflow play: left out 'Item 2' at 2027-01-01 00:04: locator "
        f"'--log-file={traps['log']}' is not a URL with an allowed scheme nor a file path "
        "(it starts with '-', as a program's option does)",
    ]
    printed = _play(sf_home, env, "--print")
    assert printed.returncode == 0, printed.stderr
    assert shlex.split(printed.stdout) == argv
    assert printed.stderr.splitlines() == notes


def test_the_real_mpv_runs_no_script_and_writes_no_log_from_a_locator(
    clip: Path, traps: dict[str, Path], sf_home: Path, tmp_path: Path
) -> None:
    assert run_cli("import", str(_guide(tmp_path, clip, traps)), home=sf_home).returncode == 0
    # mpv's own config folder makes it headless: play passes no output options of its own
    mpv_home = tmp_path / "mpv"
    mpv_home.mkdir()
    (mpv_home / "mpv.conf").write_text("vo=null\nao=null\n")
    played = _play(sf_home, {"MPV_HOME": str(mpv_home)})
    assert not traps["marker"].exists()
    assert not traps["log"].exists()
    assert played.returncode == 0, played.stderr
    assert played.stderr.count("scheduleflow play: left out") == 2


def test_check_names_a_locator_that_no_player_is_handed(
    clip: Path, traps: dict[str, Path], sf_home: Path, tmp_path: Path
) -> None:
    assert run_cli("import", str(_guide(tmp_path, clip, traps)), home=sf_home).returncode == 0
    checked = json.loads(run_cli("check", "--json", home=sf_home).stdout)
    unplayable = [f["message"] for f in checked["findings"] if f["kind"] == "unplayable"]
    assert unplayable == [
        f"'Item 1' at Fri 00:02 on {CHANNEL}: locator '--script={traps['script']}' is not a "
        "URL with an allowed scheme nor a file path (it starts with '-', as a program's "
        "option does)",
        f"'Item 2' at Fri 00:04 on {CHANNEL}: locator '--log-file={traps['log']}' is not a "
        "URL with an allowed scheme nor a file path (it starts with '-', as a program's "
        "option does)",
    ]
