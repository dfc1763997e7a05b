"""The header says when an HTTP service (``scheduleflow serve``) works on the same store."""

from __future__ import annotations

import os
import time
from pathlib import Path

from core.presence import ServicePresence, write_presence
from tests.tui.conftest import wait_for


def _status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen_stack[1].query_one("#status").render())


async def test_the_header_shows_a_running_service_and_forgets_a_stopped_one(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    database = home / "scheduleflow.db"
    app = make_app()
    async with app.run_test(size=(200, 48)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1 and "role" in _status(app))
        assert "API " not in _status(app)
        live = ServicePresence("http://127.0.0.1:8470", os.getpid(), 12, time.time())
        write_presence(database, live)
        app.screen_stack[1].update_status()
        assert "API http://127.0.0.1:8470 · 12 req/min" in _status(app)
        stale = ServicePresence("http://127.0.0.1:8470", os.getpid(), 12, time.time() - 3600)
        write_presence(database, stale)  # a killed service's file: too old to be believed
        app.screen_stack[1].update_status()
        assert "API " not in _status(app)
        hostile = ServicePresence("http://x\x1b[2J[b]bold[/b]", os.getpid(), 1, time.time())
        write_presence(database, hostile)
        app.screen_stack[1].update_status()
        assert "\x1b" not in _status(app)
        assert "[b]bold[/b]" in _status(app)
