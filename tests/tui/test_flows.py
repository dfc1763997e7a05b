"""The operator's flows, driven through the real app with Pilot."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from core.jobs import Job, JobState
from core.store import Store, build_view
from core.store.edits import Replace, apply_changes
from tests.conftest import corpus_path
from tests.store.helpers import ACTOR
from tests.tui.conftest import wait_for
from tui.commands_palette import palette_entries
from tui.dialogs.editing import EditDialog
from tui.dialogs.files import ImportDialog
from tui.dialogs.fixing import FixDialog
from tui.dialogs.planning import PlanDialog
from tui.dialogs.simple import Confirm
from tui.keys import bound_keys
from tui.widgets.activity import JobsTable
from tui.widgets.channels import ChannelList
from tui.widgets.findings import FindingsTree
from tui.widgets.programmes import ProgrammeTable
from tui.widgets.timeline import Timeline


def _screen(app):  # type: ignore[no-untyped-def]
    return app.screen_stack[1]


def _job_states(app, kind: str) -> list[JobState]:  # type: ignore[no-untyped-def]
    return [job.state for job in app.engine.queue.jobs.values() if job.kind == kind]


async def test_startup_shows_channels_timeline_programmes_and_findings(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        screen = _screen(app)
        assert screen.query_one(ChannelList).option_count == 5
        assert screen.query_one(Timeline).channels
        assert screen.query_one(ProgrammeTable).rows
        findings = screen.query_one(FindingsTree).findings
        assert {f.kind for f in findings} >= {"overlap", "gap", "cooldown", "invalid", "dst"}


async def test_the_channel_list_moves_filters_and_shows_badges(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        screen = _screen(app)
        channels, timeline = screen.query_one(ChannelList), screen.query_one(Timeline)
        ids = [s.id for s in channels.summaries]
        await pilot.press("1", "g", "j")  # the first screen opens on a channel on air
        await wait_for(pilot, lambda: timeline.channel == ids[1])
        await pilot.press("G")
        await wait_for(pilot, lambda: timeline.channel == ids[-1])
        await pilot.press("g")
        await wait_for(pilot, lambda: timeline.channel == ids[0])
        # badges: the kids channel breaks the cooldown, so its line carries an error count
        kids = next(i for i, s in enumerate(channels.listed) if "kids" in s.id)
        line = "".join(segment.text for segment in channels.render_line(kids))
        assert f"●{channels.errors[ids[kids]]}" in line and channels.errors[ids[kids]] > 0
        await pilot.press("slash", *"sport", "enter")
        await wait_for(pilot, lambda: channels.option_count == 1)
        sport = channels.listed[0].id
        assert "sport" in sport and timeline.channel == sport
        await pilot.press("slash", "escape")  # the filter cleared, the highlight stays
        await wait_for(pilot, lambda: channels.option_count == len(ids))
        assert channels.channel == sport
        await pilot.click(ChannelList, offset=(2, 2))  # the second line, under the border
        await wait_for(pilot, lambda: timeline.channel == ids[1])


async def test_import_through_the_dialog_runs_a_job_and_updates_the_screen(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    guide = corpus_path("jellyfin-xmltv", "schedulesdirect.xml")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDialog))
        dialog = app.screen
        dialog.query_one("#path").value = str(guide)
        await pilot.press("enter")  # preview
        await wait_for(pilot, lambda: not dialog.query_one("#import").disabled)
        assert "2 programmes" in str(dialog.query_one("#preview").render())
        checks = len(_job_states(app, "check"))
        await pilot.click("#import")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _job_states(app, "import"))
        await wait_for(pilot, lambda: _screen(app).query_one(ChannelList).option_count == 7)
        table = _screen(app).query_one(JobsTable)
        assert any(
            "import schedulesdirect.xml" in str(table.get_row_at(i)[0])
            for i in range(table.row_count)
        )
        # the import starts a re-check of its own, whose findings reach the screen
        await wait_for(
            pilot,
            lambda: (
                len(_job_states(app, "check")) == checks + 1
                and all(s.finished for s in _job_states(app, "check"))
            ),
        )
        assert _job_states(app, "check")[-1] is JobState.SUCCEEDED
        imported = "EPG123.10108.schedulesdirect.org"
        shown = [(f.channel, f.kind) for f in _screen(app).query_one(FindingsTree).findings]
        assert shown.count((imported, "unplayable")) == 1  # its programmes have no video


async def test_the_programmes_sort_and_filter_in_the_core_over_the_whole_channel(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        table = _screen(app).query_one(ProgrammeTable)
        channel = table.channel
        assert channel is not None
        everything = list(app.engine.store.programmes(channel))
        await pilot.press("3", "s")
        await wait_for(pilot, lambda: table.order == "title")
        assert table.total == len(everything)
        titles = [p.title.casefold() for p in table.rows]
        assert titles == sorted(titles) and titles[0] == min(p.title.casefold() for p in everything)
        await pilot.press("G")  # the end of the view, read by position
        assert table.current is not None
        assert table.current.title.casefold() == max(p.title.casefold() for p in everything)
        word = everything[len(everything) // 2].title.split()[0]
        await pilot.press("slash", *word.lower(), "enter")
        await wait_for(pilot, lambda: table.contains == word.lower())
        matches = [p for p in everything if word.casefold() in p.title.casefold()]
        assert table.order == "title" and table.total == len(matches)
        assert all(word.casefold() in p.title.casefold() for p in table.rows)
        await pilot.press("s")  # longest first, still filtered
        await wait_for(pilot, lambda: table.order == "length")
        lengths = [p.stop - p.start for p in table.rows if p.stop]
        assert lengths == sorted(lengths, reverse=True) and table.contains == word.lower()
        await pilot.press("slash", "enter")  # no filter: every programme, longest first
        await wait_for(pilot, lambda: table.contains is None and table.total == len(everything))
        await pilot.press("s")  # time order needs no view: the keyset pages again
        await wait_for(pilot, lambda: table.order == "start" and table.view is None)
        # title, filtered by title, filtered by length, by length: four views built as jobs
        assert [j.kind for j in app.engine.queue.jobs.values()].count("view") == 4
        # a view that arrives after the operator moved on is not shown
        table.show_view(build_view(app.engine.store, channel, "title"))
        assert table.view is None and table.order == "start"


async def test_every_palette_entry_names_an_action_that_exists(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)
        entries = palette_entries(bound_keys(_screen(app), app))
        sections = {key.section for _, key in entries}
        assert sections >= {"Programmes", "Timeline", "Findings", "Screen", "Everywhere"}
        for title, key in entries:
            method = key.binding.action.partition("(")[0]
            assert hasattr(key.node, f"action_{method}"), title


async def test_the_palette_runs_a_pane_action(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        table = _screen(app).query_one(ProgrammeTable)
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"sort programmes")
        hits = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: hits.option_count > 0 and hits.highlighted is not None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: table.order == "title")


async def test_enter_on_a_finding_jumps_the_timeline_and_the_table_to_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        screen = _screen(app)
        tree = screen.query_one(FindingsTree)
        overlap = next(f for f in tree.findings if f.kind == "overlap")
        tree.focus()
        node = next(n for n in tree._tree_nodes.values() if n.data is overlap)
        node.parent.parent.expand()  # the kind, then its channel
        node.parent.expand()
        await pilot.pause()
        tree.move_cursor(node)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.query_one(Timeline).channel == overlap.channel)
        table = screen.query_one(ProgrammeTable)
        await wait_for(
            pilot, lambda: table.current is not None and table.current.id in overlap.programmes
        )
        assert screen.query_one(Timeline).start <= overlap.start < screen.query_one(Timeline).stop


async def test_fix_with_preview_then_undo(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        screen = _screen(app)
        tree = screen.query_one(FindingsTree)
        before = sum(1 for f in tree.findings if f.kind == "overlap")
        overlap = next(f for f in tree.findings if f.kind == "overlap")
        tree.focus()
        node = next(n for n in tree._tree_nodes.values() if n.data is overlap)
        node.parent.parent.expand()  # the kind, then its channel
        node.parent.expand()
        await pilot.pause()
        tree.move_cursor(node)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FixDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)
        preview = str(dialog.query_one("#preview").render())
        assert "changes" in preview and "change #" in preview
        await pilot.click("#apply")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _job_states(app, "fix"))
        await wait_for(pilot, lambda: sum(1 for f in tree.findings if f.kind == "overlap") < before)
        await pilot.press("4")  # the findings pane
        tree.focus()
        await pilot.press("u")
        # undo says what it will undo (the fix just applied) and waits for a yes
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        question = str(app.screen.query_one(".dialog-text", Static).render())
        assert "Undo fix" in question and "overlap" in question
        assert _job_states(app, "undo") == []
        await pilot.press("y")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _job_states(app, "undo"))
        await wait_for(
            pilot, lambda: sum(1 for f in tree.findings if f.kind == "overlap") == before
        )


async def test_cancelling_a_running_job_from_the_jobs_table(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    release = threading.Event()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)

        def slow(store, job):  # type: ignore[no-untyped-def]
            while not release.wait(0.02):
                job.check()

        job = app.engine.submit("import", slow, label="a slow import")
        await wait_for(pilot, lambda: job.state is JobState.RUNNING)
        table = _screen(app).query_one(JobsTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(job.id))
        await pilot.press("x")
        await wait_for(pilot, lambda: job.state is JobState.CANCELLED)
        assert "cancelled" in str(table.get_cell(job.id, "state"))
        release.set()


async def test_the_jobs_table_keeps_the_last_finished_jobs_and_every_running_one(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        table = _screen(app).query_one(JobsTable)
        running = Job("import", "still running", state=JobState.RUNNING)
        table.show(running)
        for number in range(table.KEEP + 50):
            job = Job("check", f"check {number}", state=JobState.SUCCEEDED)
            table.show(job)
            table.show(job)  # shown again: still one row
        await pilot.pause()
        labels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert table.row_count == table.KEEP + 1 and "still running" in labels
        assert f"check {table.KEEP + 49}" in labels and "check 0" not in labels


async def test_a_timed_out_job_is_shown_as_such(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    never = threading.Event()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        job = app.engine.submit(
            "export", lambda store, ctx: never.wait(10), label="stuck export", timeout=0.3
        )
        await wait_for(pilot, lambda: job.state is JobState.TIMED_OUT)
        table = _screen(app).query_one(JobsTable)
        await wait_for(pilot, lambda: "timed out" in str(table.get_cell(job.id, "state")))
        assert "stopped after 0.3 s" in str(table.get_cell(job.id, "error"))
        never.set()


async def test_read_only_mode_hides_changes_and_the_core_refuses_them(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        await pilot.press("I")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, ImportDialog)
        assert "role viewer" in str(_screen(app).query_one("#status").render())
        assert _screen(app).run_job("import", lambda s, j: None, "sneaky") is None
        assert not _job_states(app, "import")


async def test_an_edit_based_on_a_stale_revision_is_refused_and_the_screen_reloads(
    make_app,
    home: Path,  # type: ignore[no-untyped-def]
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        screen = _screen(app)
        table = screen.query_one(ProgrammeTable)
        table.focus()
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        dialog = app.screen
        # meanwhile, another operator moves a programme of the same channel
        with Store.open(home / "scheduleflow.db") as other:
            channel = table.channel
            victim = list(other.programmes(channel))[-1]
            moved = replace(
                victim,
                start=victim.start + timedelta(minutes=1),
                stop=victim.stop + timedelta(minutes=1),
                id=None,
            )
            apply_changes(
                other,
                channel,
                [Replace(victim.id, moved)],
                actor=ACTOR.__class__("maria"),
                action="move",
                summary="moved",
                expected_revision=other.revision(channel),
            )
        start = table.current.start + timedelta(minutes=5)
        dialog.query_one("#start").value = start.isoformat()
        await pilot.press("enter")
        await wait_for(pilot, lambda: JobState.FAILED in _job_states(app, "edit"))
        job = next(j for j in app.engine.queue.jobs.values() if j.kind == "edit")
        assert "was changed by maria" in (job.error_message or "")
        await wait_for(pilot, lambda: any("maria" in str(n.message) for n in app._notifications))


async def _plan_dialog(app, pilot, **values: str):  # type: ignore[no-untyped-def]
    """Open the plan dialog on the samples, fill it (Movies onto a new loop channel from
    2026-12-07 06:00, unless ``values`` say otherwise) and ask for the preview."""
    await wait_for(pilot, lambda: _screen(app).checked)
    await pilot.press("P")
    await wait_for(pilot, lambda: isinstance(app.screen, PlanDialog))
    dialog = app.screen
    fields = {"channel": "loop.example.org", "from": "2026-12-07T06:00Z", "group": "Movies"}
    for name, value in {**fields, **values}.items():
        dialog.query_one(f"#{name}").value = value
    await pilot.click("#preview-button")
    return dialog


async def test_plan_through_the_dialog_previews_then_creates_the_channel(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await _plan_dialog(
            app, pilot, to="2026-12-07T07:00Z", template="", grid="30m", filler="Filler"
        )
        await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)
        preview = str(dialog.query_one("#preview").render())
        assert "loop.example.org: plan Mon 07 Dec 2026 06:00–07:00 UTC" in preview
        assert "loop.example.org is a new channel (UTC); applying creates it" in preview
        dialog.query_one("#to").value = "2026-12-07T07:30Z"  # a change makes the preview stale
        await pilot.pause()
        assert dialog.query_one("#apply").disabled
        dialog.query_one("#to").focus()
        await pilot.press("enter")  # enter in a field previews too
        await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)
        await pilot.click("#apply")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _job_states(app, "plan"))
        channels = _screen(app).query_one(ChannelList)
        await wait_for(pilot, lambda: "loop.example.org" in [s.id for s in channels.summaries])
        start = datetime(2026, 12, 7, 6, tzinfo=UTC)
        planned = list(
            app.engine.store.programmes("loop.example.org", start, start + timedelta(hours=2))
        )
        assert planned[0].start == start and planned[-1].stop == start + timedelta(minutes=90)


async def test_a_relative_to_in_the_plan_dialog_counts_from_its_from(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        dialog = await _plan_dialog(app, pilot, to="+1h", template="", grid="30m", filler="Filler")
        await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)
        preview = str(dialog.query_one("#preview").render())
        assert "loop.example.org: plan Mon 07 Dec 2026 06:00–07:00 UTC" in preview


async def test_the_plan_dialog_says_what_is_wrong_and_applies_nothing(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        # 12 films cannot fill 3 days with a 48 h cooldown
        dialog = await _plan_dialog(app, pilot, to="2026-12-10T06:00Z")
        await wait_for(pilot, lambda: "cannot fill" in str(dialog.query_one("#preview").render()))
        assert dialog.query_one("#apply").disabled
        dialog.query_one("#from").value = "next tuesday"
        dialog.query_one("#from").focus()
        await pilot.press("enter")  # enter in a field previews too
        await wait_for(pilot, lambda: "next tuesday" in str(dialog.query_one("#preview").render()))
        assert dialog.query_one("#apply").disabled


async def _settings_of_the_channel(app, pilot) -> str:  # type: ignore[no-untyped-def]
    """Open the settings dialog (S) on the timeline's channel; returns the channel."""
    await wait_for(pilot, lambda: _screen(app).checked)
    channel: str = _screen(app).query_one(Timeline).channel
    await pilot.press("S")
    await wait_for(pilot, lambda: app.screen.query("#cooldown"))
    return channel


async def test_settings_saved_by_an_admin_keep_empty_fields_as_the_defaults(make_app, home) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text('[roles]\ndefault = "admin"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        channel = await _settings_of_the_channel(app, pilot)
        app.screen.query_one("#cooldown").value = "24"
        await pilot.click("#save")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _job_states(app, "settings"))
        facts = app.engine.store.channel_facts()[channel]
        assert (facts.cooldown_hours, facts.cooldown_scope, facts.gap_tolerance_seconds) == (
            24,
            None,
            None,
        )


async def test_an_admin_sets_a_channel_storage_root_in_the_settings(make_app, home) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text('[roles]\ndefault = "admin"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        channel = await _settings_of_the_channel(app, pilot)
        app.screen.query_one("#storage").value = "media"  # not a folder from /
        await pilot.click("#save")
        await wait_for(
            pilot, lambda: "folder from /" in str(app.screen.query_one("#problem").render())
        )
        app.screen.query_one("#storage").value = "/srv/tv-media"
        # a button ignores a second press while it still shows the first one
        await wait_for(pilot, lambda: not app.screen.query_one("#save").has_class("-active"))
        await pilot.click("#save")
        await wait_for(pilot, lambda: JobState.SUCCEEDED in _job_states(app, "settings"))
        assert app.engine.store.storage_roots() == {channel: "/srv/tv-media"}
        await _settings_of_the_channel(app, pilot)  # the dialog shows the channel's root again
        assert app.screen.query_one("#storage").value == "/srv/tv-media"
