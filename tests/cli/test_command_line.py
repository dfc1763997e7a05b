"""The command line itself: times as operators type them, usage mistakes, no terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

GUIDE = """<?xml version="1.0" encoding="UTF-8"?>
<tv>
  <channel id="news.example.org"><display-name>News</display-name></channel>
  <programme channel="news.example.org" start="20261201060000 +0000" stop="20261201070000 +0000">
    <title>Six</title></programme>
  <programme channel="news.example.org" start="20261201070000 +0000" stop="20261201080000 +0000">
    <title>Seven</title></programme>
  <programme channel="news.example.org" start="20261201080000 +0000" stop="20261201090000 +0000">
    <title>Eight</title></programme>
</tv>
"""


def _titles(path: Path) -> list[str]:
    document = json.loads(path.read_text())
    return [p["titles"][0]["value"] for p in document["programmes"]]


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--from", "-2d"],
        ["check", "--to", "-1d"],
        ["check", "--to", "+1.5h", "--from=-2d"],
        ["audit", "--since", "-1d"],
        ["now", "--at", "-90m"],
        ["export", "--format", "json", "--from", "-2d", "-o", "{out}"],
    ],
    ids=lambda args: " ".join(args),
)
def test_a_negative_relative_time_is_a_value_not_an_option(
    args: list[str], sf_home: Path, tmp_path: Path
) -> None:
    result = run_cli(*(a.format(out=tmp_path / "out.json") for a in args), home=sf_home)
    assert result.returncode == 0, result.stderr


def test_a_relative_to_counts_from_from(sf_home: Path, tmp_path: Path) -> None:
    guide = tmp_path / "guide.xml"
    guide.write_text(GUIDE)
    assert run_cli("import", str(guide), home=sf_home).returncode == 0
    out = tmp_path / "out.json"
    result = run_cli(
        "export", "--format", "json", "--from", "2026-12-01T07:00:00+00:00", "--to", "+1h",
        "-o", str(out), home=sf_home,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _titles(out) == ["Seven"]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "json", "-o", "out.json"],
        ["check"],
        ["fix", "gap", "--policy", "placeholder"],
        ["plan", "--channel", "news.example.org", "--group", "News"],
    ],
    ids=lambda command: command[0],
)
@pytest.mark.parametrize(
    "window",
    [
        ["--from", "2026-12-02T00:00:00+00:00", "--to", "2026-12-01T00:00:00+00:00"],
        ["--from", "2026-12-01T00:00:00+00:00", "--to", "2026-12-01T00:00:00+00:00"],
        ["--from", "2026-12-01T00:00:00+00:00", "--to", "-1h"],
    ],
    ids=["after", "equal", "relative"],
)
def test_from_not_before_to_is_refused_in_one_line(
    command: list[str], window: list[str], sf_home: Path, tmp_path: Path
) -> None:
    args = [a if a != "out.json" else str(tmp_path / a) for a in command]
    result = run_cli(*args, *window, home=sf_home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"scheduleflow {command[0]}: --from 2026-12-0")
    assert "is not before --to" in result.stderr
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    ("args", "prog", "what"),
    [
        (["export"], "scheduleflow export", "the following arguments are required: --format"),
        (["export", "--format", "x", "-o", "y"], "scheduleflow export", "invalid choice: 'x'"),
        (["check", "--from"], "scheduleflow check", "argument --from: expected one argument"),
        (["check", "--chanel", "x"], "scheduleflow check", "unrecognized arguments: --chanel x"),
        (["bogus"], "scheduleflow", "invalid choice: 'bogus'"),
        (["--log-level", "LOUD"], "scheduleflow", "argument --log-level: invalid choice"),
    ],
    ids=["required", "choice", "missing-value", "unknown-option", "unknown-command", "global"],
)
def test_usage_mistakes_are_one_line_with_a_hint_and_exit_2(
    args: list[str], prog: str, what: str, sf_home: Path
) -> None:
    result = run_cli(*args, home=sf_home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"{prog}: ")
    assert what in result.stderr
    assert result.stderr.endswith(f"; see '{prog} --help'\n")


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["check", "--bogus\x1b]0;OWN\x07\x1b[2J"], "--bogus\\x1b]0;OWN\\x07\\x1b[2J;"),
        (["check", "--bogus", "a\nscheduleflow: x"], "--bogus a\\nscheduleflow: x;"),
        (["check", "--bo\u202egus"], "--bo\\u202egus;"),
    ],
    ids=["terminal-controls", "newline", "bidi-override"],
)
def test_unrecognized_arguments_are_shown_escaped(
    args: list[str], shown: str, sf_home: Path
) -> None:
    """The mistaken argument is the user's text (maybe pasted from a hostile file): it
    reaches the terminal escaped, and on one line."""
    result = run_cli(*args, home=sf_home)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"unrecognized arguments: {shown}" in result.stderr
    assert not any(c in result.stderr for c in "\x1b\x07\u202e")


def test_help_is_still_the_full_usage(sf_home: Path) -> None:
    result = run_cli("export", "--help", home=sf_home)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: scheduleflow export")
    assert "--keep-unknown" in result.stdout and "--filler G" in result.stdout


def _tui(sf_home: Path, *, stdin: int | None, stdout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--no-samples"],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SCHEDULEFLOW_HOME": str(sf_home)},
        cwd=ROOT,
        timeout=60,
    )


def test_no_terminal_on_stdin_refuses_the_tui_in_one_line(sf_home: Path) -> None:
    result = _tui(sf_home, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == (
        "scheduleflow: the TUI needs a terminal; use a command such as 'scheduleflow check', "
        "see 'scheduleflow --help'\n"
    )


def test_a_terminal_on_stdin_but_not_stdout_still_refuses_the_tui(sf_home: Path) -> None:
    leader, follower = pty.openpty()
    try:
        result = _tui(sf_home, stdin=follower, stdout=subprocess.PIPE)
    finally:
        os.close(leader)
        os.close(follower)
    assert result.returncode == 2
    assert result.stderr.startswith("scheduleflow: the TUI needs a terminal")
