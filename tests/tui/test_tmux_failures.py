"""How ScheduleFlow fails in a real terminal: never on an ordinary key under ``NO_COLOR``, and
on an unexpected error with the terminal restored, one line, the traceback in the log, exit 2."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.tui.test_tmux import _keys, _tmux, _wait


@pytest.fixture
def sessions() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def _start(sessions: list[str], home: Path, module: str, environment: str = "") -> str:
    """``module`` run as ScheduleFlow in an 80×24 tmux session; once it ends, the pane shows
    its exit status and stays open to be read."""
    name = f"sf-{uuid.uuid4().hex[:8]}"
    command = (f"cd {ROOT} && SCHEDULEFLOW_HOME={home} TERM=xterm-256color {environment} "
               f"{sys.executable} -m {module} --no-mouse --no-samples; "
               "echo \"exit status $?\"; exec sleep 600")  # fmt: skip
    _tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command)
    sessions.append(name)
    return name


def _joined(name: str) -> str:
    """The pane's text with wrapped lines joined."""
    return _tmux("capture-pane", "-p", "-J", "-t", name)


def test_no_color_draws_every_pane_and_the_table_keys(sessions: list[str], home: Path) -> None:
    name = _start(sessions, home, "tui.cli", "NO_COLOR=1")
    _wait(name, "Timeline")
    _keys(name, "3", "G", "g", "j", "PageDown", "2", "4", "1")
    screen = _wait(name, "Harbourside")
    assert "exit status" not in _joined(name), screen


def test_an_unexpected_error_restores_the_terminal_says_one_line_and_exits_2(
    sessions: list[str], home: Path
) -> None:
    name = _start(sessions, home, "tests.tui.broken_tui")
    _wait(name, "Timeline")
    _keys(name, "3")
    _wait(name, "Length  Title")  # the programmes table, focused
    _keys(name, "G")
    _wait(name, "exit status")
    log_file = home / "logs" / "scheduleflow.log"
    lines = [line for line in _joined(name).splitlines() if line.strip()]
    assert lines == [
        "scheduleflow: the TUI stopped on an unexpected error (LookupError); "
        f"details in {log_file}",
        "exit status 2",
    ]
    flags = "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}"
    assert _tmux("display-message", "-p", "-t", name, flags).split() == ["0", "1", "0", "0"]
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "LookupError: a bug behind G" in logged
