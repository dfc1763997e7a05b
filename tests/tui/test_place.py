"""Where the operator is, and that it stays put: one time zone for the screen, the cursor
after a change, the first screen, zooming after ``n``, ``q`` with a job running, the keys as
bound (keymap, help, palette), the theme kept, and the log pane during a job."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Input, Static

from core.jobs import JobState
from core.models import Text
from core.store.edits import Replace, apply_changes
from core.store.undo import pending_undos
from tests.store.helpers import ACTOR
from tests.tui.conftest import wait_for
from tui.commands_palette import palette_entries
from tui.dialogs.editing import EditDialog
from tui.dialogs.help import HelpScreen
from tui.dialogs.settings import SettingsDialog
from tui.dialogs.simple import Confirm
from tui.keys import bound_keys
from tui.widgets.activity import LogPanel
from tui.widgets.findings import FindingsTree
from tui.widgets.header import StatusBar
from tui.widgets.programmes import ProgrammeTable
from tui.widgets.timeline import Timeline

AFTER_THE_DEMO = datetime(2027, 1, 15, tzinfo=UTC)  # no channel is on air: the busiest stretch
BUSIEST = datetime(2026, 12, 4, 23, tzinfo=UTC)  # music starts; movies run: two channels
KIDS_ON_AIR = datetime(2026, 12, 2, 12, tzinfo=UTC)


def _screen(app):  # type: ignore[no-untyped-def]
    return app.screen_stack[1]


def _now(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr("tui.screens.main._now", lambda: moment)


def _row(table: ProgrammeTable, index: int) -> str:
    """The text of the table's row ``index`` (of the rows held) as drawn."""
    return "".join(segment.text for segment in table.render_line(index - table.top + 1))


def _jobs(app, kind: str) -> list[JobState]:  # type: ignore[no-untyped-def]
    return [job.state for job in app.engine.queue.jobs.values() if job.kind == kind]


# -- one time zone ---------------------------------------------------------------------------
async def test_table_findings_and_axis_read_in_one_zone_that_z_switches(
    make_app, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _now(monkeypatch, AFTER_THE_DEMO)
    monkeypatch.setattr("tui.zones.operator_zone", lambda: ZoneInfo("America/New_York"))
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        screen = _screen(app)
        bar, timeline = screen.query_one(StatusBar), screen.query_one(Timeline)
        table, tree = screen.query_one(ProgrammeTable), screen.query_one(FindingsTree)
        await wait_for(pilot, lambda: table.rows != [])
        programme = table.rows[0]
        axis = "".join(s.text for s in timeline.render_line(0))
        paris = programme.start.astimezone(ZoneInfo("Europe/Paris"))
        # the music channel reads in Paris: the header, the axis and the table say CET
        assert bar.part("zone") == "times in CET (the channel's zone)"
        assert " CET · " in axis
        assert _row(table, 0).startswith(paris.strftime("%a %d %b %H:%M"))
        await pilot.press("z")
        await wait_for(pilot, lambda: bar.part("zone") == "times in UTC (UTC)")
        axis = "".join(s.text for s in timeline.render_line(0))
        assert f" {timeline.start:%a %d %b %Y %H:%M} UTC · " in axis
        assert _row(table, 0).startswith(programme.start.astimezone(UTC).strftime("%a %d %b %H:%M"))
        # a finding of a channel in another zone leads with its time in UTC, like the table
        overlap = next(f for f in tree.findings if f.kind == "overlap")
        leaves = [node for node in tree._tree_nodes.values() if node.data is overlap]
        utc = overlap.start.astimezone(UTC)
        assert leaves[0].label.plain.startswith(f"● [{utc:%a %d %b %Y %H:%M} UTC] ")
        await pilot.press("z")
        await wait_for(pilot, lambda: bar.part("zone") == "times in EST (your zone)")
        york = programme.start.astimezone(ZoneInfo("America/New_York"))
        assert _row(table, 0).startswith(york.strftime("%a %d %b %H:%M"))
        await pilot.press("z")
        await wait_for(pilot, lambda: bar.part("zone") == "times in CET (the channel's zone)")


# -- the cursor after a change ---------------------------------------------------------------
async def _community_table(app, pilot) -> ProgrammeTable:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: _screen(app).checked)
    table = _screen(app).query_one(ProgrammeTable)
    await pilot.press("1", "g")  # the first channel: the community one
    timeline = _screen(app).query_one(Timeline)
    await wait_for(pilot, lambda: timeline.channel == table.channel == "community.example.org")
    await pilot.pause()  # the timeline's move reaches the table
    await pilot.press("3", "g")  # its first programme (the window is after its week)
    await wait_for(pilot, lambda: len(table.rows) > 20)
    return table


async def test_after_a_trim_the_cursor_stays_on_the_programme_on_the_same_line(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        table = await _community_table(app, pilot)
        await pilot.press("j", "j", "j", "j", "j")
        trimmed = table.current
        assert trimmed is not None and trimmed.stop is not None
        line = table.cursor - table.top
        assert line == 5
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        stop = trimmed.stop - timedelta(minutes=10)
        app.screen.query_one("#stop", Input).value = stop.isoformat()
        await pilot.press("enter")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _jobs(app, "edit"))
        await wait_for(pilot, lambda: table.current is not None and table.current.stop == stop)
        assert table.current.id == trimmed.id
        assert table.cursor - table.top == line  # the screen did not jump


async def test_after_a_move_the_cursor_follows_the_programme(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        table = await _community_table(app, pilot)
        await pilot.press("j", "j")
        moved = table.current
        assert moved is not None
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        start = moved.start + timedelta(days=6, minutes=5)  # beyond the rows held
        app.screen.query_one("#start", Input).value = start.isoformat()
        await pilot.press("enter")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _jobs(app, "edit"))
        await wait_for(pilot, lambda: table.current is not None and table.current.start == start)
        assert table.current.id == moved.id


# -- the first screen ------------------------------------------------------------------------
async def test_the_first_screen_opens_on_now_when_a_channel_is_on_air(
    make_app, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _now(monkeypatch, KIDS_ON_AIR)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)  # pushed on the app's mount
        timeline = _screen(app).query_one(Timeline)
        table = _screen(app).query_one(ProgrammeTable)
        await wait_for(pilot, lambda: table.channel == "kids.example.org")
        assert timeline.start <= KIDS_ON_AIR < timeline.stop
        assert timeline.channel == "kids.example.org"


async def test_the_first_screen_opens_on_the_busiest_stretch_otherwise(
    make_app, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _now(monkeypatch, AFTER_THE_DEMO)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)  # pushed on the app's mount
        timeline = _screen(app).query_one(Timeline)
        table = _screen(app).query_one(ProgrammeTable)
        await wait_for(pilot, lambda: table.channel == "music.example.org")
        # not the earliest programme (the community channel, alone, in October)
        assert timeline.start <= BUSIEST < timeline.stop
        assert timeline.channel == "music.example.org"  # the first channel on air then


# -- zooming after n -------------------------------------------------------------------------
async def test_after_n_zooming_keeps_now_in_view(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        timeline = _screen(app).query_one(Timeline)
        await pilot.press("2", "n")
        for key in ("plus", "plus", "minus", "plus"):
            await pilot.press(key)
            now = datetime.now(UTC)
            assert timeline.start <= now < timeline.stop, key
        await pilot.press("l", "l", "l", "l", "l")  # away from now: zoom about the middle
        middle = timeline.start + timeline.span / 2
        await pilot.press("minus")
        assert timeline.start + timeline.span / 2 == middle


# -- q while a job runs ----------------------------------------------------------------------
async def test_q_asks_first_while_a_job_runs(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    left: list[bool] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        app.exit = lambda *args, **kwargs: left.append(True)  # type: ignore[method-assign]
        release = threading.Event()
        _screen(app).run_job("import", lambda store, job: release.wait(20), "import slow.xml")
        await wait_for(pilot, lambda: JobState.RUNNING in _jobs(app, "import"))
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        question = str(app.screen.query_one(".dialog-text", Static).render())
        assert "1 job still running: import slow.xml" in question
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, Confirm))
        assert left == []
        release.set()
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _jobs(app, "import"))
        # a check only reads: quitting under it loses nothing, so no question
        reading = threading.Event()
        _screen(app).run_job("check", lambda store, job: reading.wait(20), "check the schedule")
        await wait_for(pilot, lambda: JobState.RUNNING in _jobs(app, "check"))
        await pilot.press("q")
        await wait_for(pilot, lambda: left == [True])
        assert not isinstance(app.screen, Confirm)
        reading.set()


# -- keys as bound ---------------------------------------------------------------------------
async def test_a_keymap_rebinds_a_key_and_help_and_palette_say_so(make_app, home) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text(
        '[keymap]\n"programmes.trim" = "T"\n"no.such.key" = "x"\n', encoding="utf-8"
    )
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        warned = [n.message for n in app._notifications if "keymap" in n.message]
        assert len(warned) == 1 and "no.such.key" in warned[0]
        table = _screen(app).query_one(ProgrammeTable)
        await pilot.press("3", "e")  # no longer trims
        await pilot.pause()
        assert not isinstance(app.screen, EditDialog)
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        assert app.screen.kind == "trim"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is _screen(app))
        trim = next(title for title, key in palette_entries(bound_keys(_screen(app), app))
                    if key.binding.id == "programmes.trim")  # fmt: skip
        assert trim == "Trim · Programmes"
        assert [key.keys for key in bound_keys(_screen(app), app)
                if key.binding.id == "programmes.trim"] == [("T",)]  # fmt: skip
        table.focus()
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = "\n".join(str(static.render()) for static in app.screen.query(Static))
        assert "Programmes" in text and "T                  Trim" in text
        assert "MainScreen" not in text and "FindingsTree" not in text


async def test_a_theme_chosen_in_settings_is_kept_for_the_next_start(make_app, home) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsDialog))
        app.screen.query_one("#theme").value = "scheduleflow-light"
        await pilot.click("#save")
        await wait_for(pilot, lambda: app.theme == "scheduleflow-light")
    assert json.loads((home / "preferences.json").read_text()) == {"theme": "scheduleflow-light"}
    again = make_app()
    async with again.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: len(again.screen_stack) > 1)
        assert again.theme == "scheduleflow-light"
    once = make_app(theme="scheduleflow-high-contrast")  # --theme still wins for one run
    async with once.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: len(once.screen_stack) > 1)
        assert once.theme == "scheduleflow-high-contrast"


async def test_the_timeline_blocks_take_the_theme_s_colours(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        timeline = _screen(app).query_one(Timeline)
        dark = {style.bgcolor for style in timeline._block_styles()}
        app.theme = "scheduleflow-light"
        await pilot.pause()
        light = {style.bgcolor for style in timeline._block_styles()}
        assert dark != light


# -- the log pane while jobs run -------------------------------------------------------------
async def test_the_log_pane_shows_what_a_job_does_and_debug_when_asked(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        panel = _screen(app).query_one(LogPanel)
        messages = [line.message for line in panel.lines_seen]
        assert "checking every channel" in messages  # the check's own record, not only the job's
        await pilot.press("5", "L", "d")  # the log tab at debug
        await wait_for(pilot, lambda: panel.level_name == "DEBUG")
        await pilot.press("escape", "3")
        table = _screen(app).query_one(ProgrammeTable)
        await wait_for(pilot, lambda: table.current is not None)
        programme = table.current
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _jobs(app, "edit"))
        edit = next(job for job in app.engine.queue.jobs.values() if job.kind == "edit")
        mine = [line for line in panel.lines_seen if line.job_id == edit.id]
        assert [line.level for line in mine if line.message.startswith("edit on ")] == [
            "INFO",
            "DEBUG",
        ]
        assert any(f"'{programme.title}'" in line.message for line in mine)


async def test_undo_undoes_the_change_it_named_or_nothing(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        table = await _community_table(app, pilot)
        first = table.current
        assert first is not None and first.stop is not None
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        app.screen.query_one("#stop", Input).value = (first.stop - timedelta(minutes=5)).isoformat()
        await pilot.press("enter")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _jobs(app, "edit"))
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        question = str(app.screen.query_one(".dialog-text", Static).render())
        assert f"Undo edit on community.example.org: trim '{first.title}'?" in question
        # meanwhile another session makes a newer change: the undo shown is no longer next
        store = app.engine.store
        other = next(iter(store.programmes("community.example.org", first.start, first.stop)))
        apply_changes(
            store,
            "community.example.org",
            [Replace(other.id or 0, replace(other, titles=(Text("Renamed elsewhere"),)))],
            actor=ACTOR,
            action="edit",
            summary="rename",
            expected_revision=None,
        )
        await pilot.press("y")
        await wait_for(pilot, lambda: JobState.FAILED in _jobs(app, "undo"))
        failed = next(job for job in app.engine.queue.jobs.values() if job.kind == "undo")
        assert "the newest change is no longer" in (failed.error_message or "")
        assert [entry.summary for entry in pending_undos(store, limit=2)] == [
            "rename",
            f"trim '{first.title}'",
        ]


async def test_after_a_trim_in_a_sorted_view_the_cursor_stays_on_the_programme(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        table = await _community_table(app, pilot)
        await pilot.press("s")  # by title: a view built in the core
        await wait_for(pilot, lambda: table.order == "title" and len(table.rows) > 20)
        await pilot.press(*"j" * 12)
        trimmed = table.current
        assert trimmed is not None and trimmed.stop is not None
        line, position = table.cursor - table.top, table.view_start + table.cursor
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        stop = trimmed.stop - timedelta(minutes=10)
        app.screen.query_one("#stop", Input).value = stop.isoformat()
        await pilot.press("enter")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _jobs(app, "edit"))
        await wait_for(pilot, lambda: table.current is not None and table.current.stop == stop)
        assert table.current.id == trimmed.id and table.order == "title"
        assert (table.cursor - table.top, table.view_start + table.cursor) == (line, position)
