"""ScheduleFlow in a real terminal: tmux runs it, keys go in with send-keys, the screen comes
back with capture-pane."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, corpus_path
from tests.tui.conftest import _template


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def start_session(home: Path, term: str = "xterm-256color") -> str:
    """ScheduleFlow on ``home`` in a new tmux session; the session's name."""
    name = f"sf-{uuid.uuid4().hex[:8]}"
    command = (f"cd {ROOT} && SCHEDULEFLOW_HOME={home} TERM={term} "
               f"{sys.executable} -m tui.cli --no-mouse --no-samples")  # fmt: skip
    # 80×24, what an SSH terminal usually has: the panes are tabs there
    _tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
    return name


@pytest.fixture
def session(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(_template(tmp_path_factory), home / "scheduleflow.db")
    name = start_session(home)
    yield name, home
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def _screen(name: str) -> str:
    return _tmux("capture-pane", "-p", "-t", name)


def _wait(name: str, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(name)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"'{text}' never appeared; the screen was:\n{screen}")


def _keys(name: str, *keys: str) -> None:
    for key in keys:
        _tmux("send-keys", "-t", name, key)
        time.sleep(0.15)


def test_the_panes_a_finding_and_an_import_show_in_a_real_terminal(
    session: tuple[str, Path],
) -> None:
    name, _ = session
    screen = _wait(name, "Harbourside")  # the channels come after the panes: wait for them
    for pane in ("Channels", "Timeline", "Programmes", "Findings", "Jobs & log"):
        assert pane in screen
    assert "Harbourside" in screen and "Arena Sport" in screen
    _keys(name, "4")  # the findings tab
    screen = _wait(name, "overlap (2)")
    assert "cooldown" in screen
    _keys(name, "I")
    _wait(name, "Import a playlist, guide or schedule")
    _keys(name, "C-u")  # clear the path
    guide = corpus_path("jellyfin-xmltv", "schedulesdirect.xml")
    _tmux("send-keys", "-t", name, "-l", str(guide))
    _keys(name, "Enter")
    _wait(name, "2 programmes")
    _keys(name, "Tab", "Tab", "Tab", "Tab", "Tab", "Enter")  # to the Import button
    _keys(name, "5")  # jobs and log
    _wait(name, "import schedulesdirect.xml")
    _wait(name, "succeeded")
    _keys(name, "1")  # channels
    _wait(name, "CFTO")  # a channel of the imported guide


def test_a_hang_up_ends_the_process(session: tuple[str, Path]) -> None:
    name, _ = session
    _wait(name, "Timeline")
    pid = int(_tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    python = int(children.split()[0]) if children.split() else pid
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(python, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("ScheduleFlow kept running after its terminal went away")


_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def test_under_term_screen_the_selected_row_is_not_red(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A terminal of 8 or 16 colours turned the theme's amber cursor into bright red, which
    reads as an error: the selected row is drawn reversed there (black on white)."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(_template(tmp_path_factory), home / "scheduleflow.db")
    name = start_session(home, term="screen")
    try:
        _wait(name, "Timeline")
        _keys(name, "3")  # the programmes tab; the table has the focus, its cursor on row 1
        _wait(name, "s Sort")  # the footer has the table's keys: it has the focus
        deadline = time.monotonic() + 30
        while True:  # every frame until the focused cursor is drawn: never a red one
            plain = _screen(name).splitlines()
            header = next(i for i, line in enumerate(plain) if "Start" in line and "Length" in line)
            row = _tmux("capture-pane", "-e", "-p", "-t", name).splitlines()[header + 1]
            codes = {int(c) for group in _SGR.findall(row) for c in group.split(";") if c}
            assert codes & {41, 101} == set(), row  # no red background
            if codes & {47, 107}:  # a white one: the selected row stands out
                break
            assert time.monotonic() < deadline, row
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
