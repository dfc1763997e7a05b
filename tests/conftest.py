"""Shared fixtures: the third-party corpus, a private data directory, the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SCHEDULEFLOW_CORPUS", ROOT.parent / "shared" / "corpus"))


def require_corpus() -> None:
    """Skip what needs the third-party corpus when it is absent; under CI (``CI`` set), fail.

    Called at import time (a module's parameters), the skip covers the whole module.
    """
    if CORPUS.is_dir():
        return
    reason = f"the third-party corpus is not at {CORPUS}; set SCHEDULEFLOW_CORPUS to its folder"
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason} (CI is set: the corpus tests must run)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def corpus_cases(cases: Callable[[], Sequence[object]]) -> list[Any]:
    """Parameters made from corpus files, for a module whose other tests need no corpus.

    Without the corpus: one case that skips (or fails under CI) when it runs, so collecting
    the module does not fail and its other tests still run.
    """
    if CORPUS.is_dir():
        return list(cases())
    return [pytest.param(None, id="no-corpus", marks=pytest.mark.corpus)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "corpus: needs the third-party corpus (corpus_cases)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("corpus") is not None:
        require_corpus()


def corpus_path(*parts: str) -> Path:
    """A file of the third-party corpus (see ``require_corpus`` when the corpus is absent)."""
    require_corpus()
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
