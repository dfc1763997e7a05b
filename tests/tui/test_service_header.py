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
        app.screen_stack[1].update_status()  # the presence is read in a worker
        await wait_for(pilot, lambda: "API http://127.0.0.1:8470 · 12 req/min" in _status(app))
        stale = ServicePresence("http://127.0.0.1:8470", os.getpid(), 12, time.time() - 3600)
        write_presence(database, stale)  # a killed service's file: too old to be believed
        app.screen_stack[1].update_status()
        await wait_for(pilot, lambda: "API " not in _status(app))
        hostile = ServicePresence("http://x\x1b[2J[b]bold[/b]", os.getpid(), 1, time.time())
        write_presence(database, hostile)
        app.screen_stack[1].update_status()
        await wait_for(pilot, lambda: "[b]bold[/b]" in _status(app))
        assert "\x1b" not in _status(app)


async def test_health_and_presence_are_read_off_the_event_loop(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    # The header ticks every 2 s; its health reads every process's job history, which an
    # import elsewhere may hold locked for seconds: on the event loop that froze the keys.
    import threading

    app = make_app()
    engine = app.engine
    read_on: list[threading.Thread] = []
    measure = engine.health

    def health(*args, **kwargs):  # type: ignore[no-untyped-def]
        read_on.append(threading.current_thread())
        return measure(*args, **kwargs)

    engine.health = health
    async with app.run_test(size=(200, 48)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1 and "healthy" in _status(app))
        app.screen_stack[1].update_status()
        await wait_for(pilot, lambda: len(read_on) >= 2)
    assert read_on
    assert all(thread is not threading.main_thread() for thread in read_on)


async def test_a_locked_job_history_does_not_hide_the_service(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    import sqlite3

    app = make_app()
    async with app.run_test(size=(200, 48)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1 and "healthy" in _status(app))
        live = ServicePresence("http://127.0.0.1:8470", os.getpid(), 12, time.time())
        write_presence(home / "scheduleflow.db", live)
        app.screen_stack[1].update_status()
        await wait_for(pilot, lambda: "API http://127.0.0.1:8470" in _status(app))

        def locked(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise sqlite3.OperationalError("database is locked")

        app.engine.health = locked
        screen = app.screen_stack[1]
        ticks = [0]
        watched = screen._watched

        def counted(seen):  # type: ignore[no-untyped-def]
            ticks[0] += 1
            watched(seen)

        screen._watched = counted
        screen.update_status()
        await wait_for(pilot, lambda: ticks[0] >= 1)
        assert "API http://127.0.0.1:8470" in _status(app)
        assert "healthy" in _status(app)  # the last health read stays shown
