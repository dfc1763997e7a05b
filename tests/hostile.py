"""Hostile inputs for the security tests: a guide whose programmes carry chosen video
locators, and fake programs that record the arguments they were started with."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

RECORDER = """#!{python}
import json, os, sys
with open(os.environ["FAKE_ARGV"], "a", encoding="utf-8") as out:
    out.write(json.dumps(sys.argv[1:]) + "\\n")
print({output!r})
"""


def guide_with_locators(path: Path, channel: str, locators: list[str], minutes: int = 1) -> Path:
    """An XMLTV guide at ``path``: back-to-back programmes ``Item 0``, ``Item 1``… of
    ``minutes`` each from 2027-01-01 00:00 UTC, with these (XML-escaped) locators."""
    programmes = "".join(
        f'<programme start="202701010{minutes * n // 60}{minutes * n % 60:02d}00 +0000" '
        f'stop="202701010{minutes * (n + 1) // 60}{minutes * (n + 1) % 60:02d}00 +0000" '
        f'channel="{channel}"><title>Item {n}</title><url system="video">{locator}</url>'
        "</programme>\n"
        for n, locator in enumerate(locators)
    )
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<tv>\n<channel id="{channel}">'
        f"<display-name>{channel}</display-name></channel>\n{programmes}</tv>\n",
        encoding="utf-8",
    )
    return path


def recording_program(folder: Path, name: str, output: str = "") -> dict[str, str]:
    """A fake ``name`` in ``folder`` that appends its arguments (one JSON list a line) to
    ``folder/name.argv`` and prints ``output``; returns the environment that puts it first
    on PATH."""
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(RECORDER.format(python=sys.executable, output=output))
    program.chmod(0o755)
    return {
        "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}",
        "FAKE_ARGV": str(folder / f"{name}.argv"),
    }


def recorded_calls(folder: Path, name: str) -> list[list[str]]:
    """The argument lists the fake ``name`` in ``folder`` was started with, in order."""
    record = folder / f"{name}.argv"
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
