"""The core never loads Textual, Rich or the TUI: scripts and cron jobs use it headless."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import core
from tests.conftest import ROOT


def _printed(script: str) -> str:
    """What ``script`` prints, run in a fresh interpreter (nothing imported yet)."""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return result.stdout.strip()


def test_importing_every_core_module_loads_no_textual_rich_or_tui() -> None:
    modules = [
        info.name for info in pkgutil.walk_packages(core.__path__, prefix="core.") if info.name
    ]
    assert len(modules) > 10
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    loaded = _printed(script)
    assert loaded == "", f"core pulled in: {loaded}"


def test_headless_command_line_does_not_load_textual() -> None:
    script = (
        "import sys\n"
        "import tui.cli\n"
        "loaded = (m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(sorted(loaded)))\n"
    )
    assert _printed(script) == ""


def test_inspect_loads_neither_the_store_nor_the_rules_nor_the_job_engine(
    tmp_path: Path,
) -> None:
    # What a command imports is most of its start (bench: "Command line"); `inspect` of a
    # playlist needs the M3U reader and nothing of the store, the rules or the jobs.
    playlist = tmp_path / "three.m3u"
    playlist.write_text("#EXTM3U\n#EXTINF:10,News\nhttp://example.org/news.ts\n")
    script = (
        "import sys\n"
        "from tui.cli import main\n"
        f"main(['--home', {str(tmp_path / 'home')!r}, 'inspect', {str(playlist)!r}])\n"
        "heavy = ('core.store.store', 'core.rules.check', 'core.engine', 'core.jobs',\n"
        "         'core.planner.plan', 'core.formats.xmltv_read', 'asyncio', 'sqlite3')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    printed = result.stdout.splitlines()
    assert "  entries:    1" in printed
    assert printed[-1] == "", f"inspect loaded: {printed[-1]}"


def test_the_tui_starts_without_the_stream_doctor_or_the_service_stack() -> None:
    # The TUI's first screen is timed (bench "TUI"): aiohttp alone was a quarter of a second
    # of it, loaded because the ``p`` key's module imported the probe runner at the top.
    script = (
        "import sys\n"
        "import tui.app, tui.screens.main\n"
        "heavy = ('aiohttp', 'starlette', 'fastapi', 'uvicorn', 'core.probe.runner')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    loaded = _printed(script)
    assert loaded == "", f"the TUI's start loaded: {loaded}"
