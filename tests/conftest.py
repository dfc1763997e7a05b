"""Shared fixtures: the third-party corpus, a private data directory, the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SCHEDULEFLOW_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus_path(*parts: str) -> Path:
    """A file of the third-party corpus; a missing corpus fails loudly (it is there in CI)."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: set SCHEDULEFLOW_CORPUS to the shared corpus folder"
        )
    return path


def corpus_files(folder: str, *patterns: str) -> list[Path]:
    """Every corpus file under ``folder`` matching one of ``patterns`` (sorted)."""
    base = corpus_path(folder)
    found = sorted({path for pattern in patterns for path in base.rglob(pattern)})
    assert found, f"no corpus files match {patterns} under {base}"
    return found


@pytest.fixture
def sf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private SCHEDULEFLOW_HOME for one test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("SCHEDULEFLOW_HOME", str(home))
    yield home


def run_cli(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``scheduleflow`` as a user would: a subprocess with its own data directory."""
    env = {**os.environ, "SCHEDULEFLOW_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )
