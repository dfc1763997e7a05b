"""Random keys never crash the app: seeded sequences at 80×24 (without colours, as
``NO_COLOR`` asks) and at 120×40, over the demo schedules and over an empty store.

Each key is handled before the next is pressed, so a failing sequence replays the same way;
the assertion message names the seed, the sequence and the key."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from core.engine import Engine
from tests.store.helpers import ACTOR
from tests.tui.conftest import wait_for
from tui.app import ScheduleFlowApp

# every key the app binds, what operators type into fields, and the moves between fields;
# not q, ctrl+q, ctrl+c or the command palette (which offers quit): those end the run
KEYS = [
    *"IEcPSu12345", *"aedmsfgGjkhlntxy", *"0+-bw",
    "slash", "question_mark", "equals_sign",
    "up", "down", "left", "right", "home", "end", "pageup", "pagedown", "ctrl+d", "ctrl+u",
    "enter", "escape", "tab", "shift+tab", "space", "backspace", "ctrl+s",
]  # fmt: skip
SEQUENCES = 3  # a run takes about 10 s on a busy machine
LENGTH = 30


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("store", ["demo", "empty"])
async def test_random_keys_never_crash_the_app(  # type: ignore[no-untyped-def]
    home: Path, tmp_path: Path, monkeypatch, caplog, size: tuple[int, int], store: str
) -> None:
    if store == "empty":
        home = tmp_path / "empty"
        home.mkdir()
    if size == (80, 24):
        monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)  # an export to a relative path lands here, not in the repo
    caplog.set_level(logging.ERROR)
    seed = f"{store}-{size[0]}x{size[1]}"
    rng = random.Random(seed)
    engine = Engine(home, actor=ACTOR)
    app = ScheduleFlowApp(engine, load_samples=False)
    try:
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, lambda: len(app.screen_stack) == 2)
            main = app.screen_stack[1]
            for number in range(SEQUENCES):
                keys = [rng.choice(KEYS) for _ in range(LENGTH)]
                where = f"seed {seed!r}, sequence {number}: {keys}"
                for key in keys:
                    await pilot.press(key)
                    assert app.failure is None, f"{where}, at {key}"
                for _ in range(6):  # back to the main screen: every dialog closes on escape
                    if app.screen is main:
                        break
                    await pilot.press("escape")
                assert app.screen is main, f"{where}: {app.screen_stack} stayed open"
            await app.workers.wait_for_complete()
            # jobs the keys started end while the app is up to show them
            jobs = app.engine.queue.jobs.values()
            await wait_for(pilot, lambda: all(job.state.finished for job in jobs))
    finally:
        engine.close()
    assert app.failure is None
    # nor did a job listener or a log line fail quietly (core logs those, Textual never sees them)
    quiet = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert quiet == [], [r.getMessage() for r in quiet]
