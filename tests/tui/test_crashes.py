"""Ordinary things an operator does must never crash the app: no colours, an empty table."""

from __future__ import annotations

import logging
import threading

import pytest
from textual.widgets import Button

from core.jobs import JobState
from core.logs import LogLine
from core.rules import FindingIndex
from core.store import Store
from tests.tui.conftest import wait_for
from tui.dialogs.editing import EditDialog
from tui.dialogs.files import ExportDialog
from tui.dialogs.help import HelpScreen
from tui.widgets.activity import JobsTable, LogPanel
from tui.widgets.channels import ChannelList
from tui.widgets.findings import FindingsTree
from tui.widgets.programmes import ProgrammeTable


def _screen(app):  # type: ignore[no-untyped-def]
    return app.screen_stack[1]


def _job_states(app, kind: str) -> list[JobState]:  # type: ignore[no-untyped-def]
    return [job.state for job in app.engine.queue.jobs.values() if job.kind == kind]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_every_pane_draws_without_colour(make_app, monkeypatch, size) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    app = make_app()
    assert app.no_color
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        for pane in "123451":
            await pilot.press(pane)
            await pilot.pause()
        table = _screen(app).query_one(ProgrammeTable)
        assert table.rows  # drawn, scrolled through, not crashed on the blank lines below


async def test_every_key_on_a_programmes_table_filtered_to_nothing(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        table = _screen(app).query_one(ProgrammeTable)
        await pilot.press("3", "slash", *"no such title", "enter")
        await wait_for(pilot, lambda: table.view is not None)
        assert table.total == 0 and table.rows == []
        for key in ("G", "g", "j", "k", "pagedown", "pageup", "end", "home", "ctrl+d", "ctrl+u"):
            await pilot.press(key)
            await pilot.pause()
            assert table.cursor == 0 and table.current is None, key
        for key in ("e", "m", "d"):  # nothing under the cursor: nothing to edit, no dialog
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is _screen(app), key
        assert not any(isinstance(s, EditDialog) for s in app.screen_stack)
        before = table.order
        await pilot.press("s")  # another order of nothing
        await wait_for(pilot, lambda: table.order != before and table.view is not None)
        await pilot.press("G", "g")
        assert table.current is None


async def test_an_unexpected_error_is_logged_with_its_traceback_and_ends_with_status_2(  # type: ignore[no-untyped-def]
    make_app, monkeypatch
) -> None:
    def broken(self: ProgrammeTable) -> None:
        raise LookupError("a bug behind G")

    monkeypatch.setattr(ProgrammeTable, "action_last", broken)
    # heard on the logger itself, once, whether or not an earlier test's configure_logging
    # stopped its records propagating to pytest's own capture
    heard: list[logging.LogRecord] = []
    listener = logging.Handler()
    listener.emit = heard.append  # type: ignore[method-assign]
    tui_log = logging.getLogger("scheduleflow.tui")
    tui_log.addHandler(listener)
    monkeypatch.setattr(tui_log, "level", logging.INFO)
    app = make_app()
    with pytest.raises(LookupError):  # run_test raises what ended the app
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: _screen(app).checked)
            await pilot.press("3", "G")
            await pilot.pause()
    assert app.return_code == 2 and isinstance(app.failure, LookupError)
    assert app._exit_renderables == []  # Textual's traceback, with its locals, is not printed
    logged = [r for r in heard if r.name == "scheduleflow.tui"]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert logged[0].exc_info[1] is app.failure
    tui_log.removeHandler(listener)


async def test_a_check_that_ends_under_the_help_reaches_the_main_screen(  # type: ignore[no-untyped-def]
    make_app, monkeypatch
) -> None:
    release = threading.Event()
    refresh = FindingIndex.refresh

    def held(self: FindingIndex, store: Store, *args: object, **options: object) -> None:
        release.wait(20)  # the first check runs until the help is open
        refresh(self, store, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(FindingIndex, "refresh", held)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) == 2)
        main = _screen(app)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        release.set()
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _job_states(app, "check"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main)
        await pilot.pause()
        assert main.checked
        assert {f.kind for f in main.query_one(FindingsTree).findings} >= {"overlap", "gap"}
        job = next(j for j in app.engine.queue.jobs.values() if j.kind == "check")
        assert "succeeded" in str(main.query_one(JobsTable).get_cell(job.id, "state"))


async def test_the_channel_list_answers_textual_s_own_scrolling(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        channels = _screen(app).query_one(ChannelList)
        # the first screen may open on a channel further down: start from the top
        await pilot.press("1", "g")
        await wait_for(pilot, lambda: channels.highlighted == 0 and channels.top == 0)
        # Textual calls these itself (focus, scroll_visible): they reach Widget._scroll_to
        channels.scroll_home(immediate=True)
        channels.scroll_end(immediate=True)
        channels.scroll_to(0, 0, immediate=True)
        await pilot.pause()
        assert channels.top == 0


async def test_a_double_click_on_cancel_closes_the_dialog_and_not_the_main_screen(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        main = _screen(app)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        cancel = app.screen.query_one("#cancel", Button)
        cancel.press()
        cancel.press()  # the second arrives after the first closed the dialog
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportDialog))
        await pilot.pause()
        assert app.screen is main and app.screen_stack[-1] is main


async def test_a_log_line_after_the_panes_are_gone_is_no_error(make_app) -> None:  # type: ignore[no-untyped-def]
    # a job's last lines can reach the screen while the app shuts down, its panes removed
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        main = _screen(app)
        await main.query_one(LogPanel).remove()
        await pilot.pause()
        main.log_line(LogLine(0.0, "INFO", "scheduleflow.jobs", "-", "check succeeded"))
        assert not main.query(LogPanel)


async def test_the_channel_list_shows_its_first_channel_when_all_fit(make_app) -> None:  # type: ignore[no-untyped-def]
    # a cursor placed while the pane's tab was hidden (no size) scrolled it by one; under
    # load the tmux NO_COLOR test met that list without its first channel
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        channels = _screen(app).query_one(ChannelList)
        await pilot.press("1")
        await wait_for(pilot, lambda: channels.size.height > len(channels.listed))
        channels.top = 1  # as a cursor placed while the tab was hidden left it, no resize since
        first = "".join(segment.text for segment in channels.render_line(0))
        assert channels.listed[0].name in first
