"""Fixtures for the TUI tests: a store with the demo schedules, an app on it."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.engine import Engine
from core.samples import load_samples
from core.store import Store
from tests.store.helpers import ACTOR
from tui.app import ScheduleFlowApp
from tui.dialogs.form import Choice

TEMPLATE: Path | None = None


def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    global TEMPLATE
    if TEMPLATE is None:
        folder = tmp_path_factory.mktemp("template")
        with Store.open(folder / "scheduleflow.db") as store:
            load_samples(store, ACTOR)
        TEMPLATE = folder / "scheduleflow.db"
    return TEMPLATE


@pytest.fixture(autouse=True)
def _one_query_per_typed_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """Letters a test types on a select make one query however slowly a loaded machine
    delivers them: "F", "i" became "i" (Boxing, not Filler) when they came 0.8 s apart.
    The pause itself is tested with the clock moved on (test_dialogs)."""
    monkeypatch.setattr(Choice, "PAUSE", 3600.0)


@pytest.fixture
def home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the demo schedules (copied, so each test has its own)."""
    folder = tmp_path / "home"
    folder.mkdir()
    shutil.copy(_template(tmp_path_factory), folder / "scheduleflow.db")
    return folder


@pytest.fixture
def make_app(home: Path) -> Callable[..., ScheduleFlowApp]:
    engines: list[Engine] = []

    def make(read_only: bool = False, **options: object) -> ScheduleFlowApp:
        engine = Engine(home, read_only=read_only, actor=ACTOR)
        engines.append(engine)
        return ScheduleFlowApp(engine, load_samples=False, **options)  # type: ignore[arg-type]

    yield make  # type: ignore[misc]
    for engine in engines:
        engine.close()


async def wait_for(pilot: object, predicate: Callable[[], bool], timeout: float = 20) -> None:
    """Let the app run until ``predicate`` holds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the app did not get there in time")
        await pilot.pause(0.05)  # type: ignore[attr-defined]
