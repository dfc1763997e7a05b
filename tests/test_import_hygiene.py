"""The core never loads Textual, Rich or the TUI: scripts and cron jobs use it headless."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import core
from tests.conftest import ROOT


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
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "", f"core pulled in: {result.stdout.strip()}"


def test_headless_command_line_does_not_load_textual() -> None:
    script = (
        "import sys\n"
        "import tui.cli\n"
        "loaded = (m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(sorted(loaded)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""
