"""Where the operator is: the palette key, the table's order, filter and position, findings
by kind and channel with their details, jobs newest first with their details, the log's keys.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.command import CommandPalette
from textual.widgets import TabbedContent

from core.jobs import JobState
from core.store import Store
from core.store.edits import Replace, apply_changes
from tests.store.helpers import ACTOR
from tests.tui.conftest import wait_for
from tui.dialogs.details import Details
from tui.widgets.activity import JobsTable, LogPanel
from tui.widgets.findings import FindingsTree
from tui.widgets.programmes import ProgrammeTable


def _screen(app):  # type: ignore[no-untyped-def]
    return app.screen_stack[1]


def _details_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(widget.render()) for widget in app.screen.query(".details-line"))


async def test_ctrl_p_opens_the_command_palette_as_colon_does(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))


async def test_the_table_says_order_filter_position_and_esc_clears(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        table = _screen(app).query_one(ProgrammeTable)
        channel = table.channel
        assert channel is not None
        everything = list(app.engine.store.programmes(channel))
        await pilot.press("3", "g")
        assert table.border_subtitle == f"sorted by time · 1 of {len(everything):,}"
        await pilot.press("j", "j")
        assert table.border_subtitle == f"sorted by time · 3 of {len(everything):,}"
        await pilot.press("G")
        assert (
            table.border_subtitle == f"sorted by time · {len(everything):,} of {len(everything):,}"
        )
        await pilot.press("s")
        await wait_for(pilot, lambda: table.order == "title")
        assert table.border_subtitle == f"sorted by title · 1 of {len(everything):,}"
        word = everything[len(everything) // 2].title.split()[0].lower()
        matches = sum(1 for p in everything if word in p.title.casefold())
        await pilot.press("slash", *word, "enter")
        await wait_for(pilot, lambda: table.contains == word)
        await pilot.press("j")
        assert table.border_subtitle == (
            f"sorted by title · filter '{word}' · {min(2, matches)} of {matches:,}"
        )
        await pilot.press("escape")  # on the table: the filter goes, the order stays
        await wait_for(pilot, lambda: table.contains is None and table.total == len(everything))
        assert table.order == "title" and "filter" not in str(table.border_subtitle)
        await pilot.press("slash", *word, "enter")
        await wait_for(pilot, lambda: table.contains == word)
        await pilot.press("slash", "x", "escape")  # in the filter box: closes it and clears
        await wait_for(pilot, lambda: table.contains is None and table.total == len(everything))
        assert table.has_focus


async def test_the_table_shows_seconds_where_a_programme_has_them(make_app, home) -> None:  # type: ignore[no-untyped-def]
    with Store.open(home / "scheduleflow.db") as store:
        channel = next(iter(store.channel_ids()))
        first = next(iter(store.programmes(channel)))
        bumper = replace(first, stop=first.start + timedelta(seconds=3))
        apply_changes(
            store,
            channel,
            [Replace(first.id or 0, bumper)],
            actor=ACTOR,
            action="edit",
            summary="a bumper",
            expected_revision=None,
        )
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        table = _screen(app).query_one(ProgrammeTable)
        table.open_at(channel)
        await pilot.pause()
        row = "".join(segment.text for segment in table.render_line(1))
        stop = first.start + timedelta(seconds=3)
        assert f"{first.start:%H:%M:%S} {stop:%H:%M:%S} 0:03" in row.replace("  ", " ")


def _groups(tree: FindingsTree) -> dict[tuple[str, str], object]:
    return {
        node.data: node
        for node in tree._tree_nodes.values()
        if isinstance(node.data, tuple)  # (kind, channel)
    }


async def test_findings_are_grouped_by_kind_and_channel_dated_and_stay_expanded(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        tree = _screen(app).query_one(FindingsTree)
        groups = _groups(tree)
        pairs = {(f.kind, f.channel) for f in tree.findings}
        assert set(groups) == pairs
        gap = next(f for f in tree.findings if f.kind == "gap")
        group = groups[("gap", gap.channel)]
        leaf = next(n for n in group.children if n.data is gap)  # type: ignore[attr-defined]
        assert str(gap.start.year) in str(leaf.label)  # the date, not just the time
        group.expand()  # type: ignore[attr-defined]
        tree.set_findings(list(tree.findings))  # a refresh after a change
        await pilot.pause()
        assert _groups(tree)[("gap", gap.channel)].is_expanded  # type: ignore[attr-defined]


async def test_d_shows_the_whole_finding_and_esc_goes_back_to_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        tree = _screen(app).query_one(FindingsTree)
        overlap = next(f for f in tree.findings if f.kind == "overlap")
        await pilot.press("4")
        tree.show_finding(overlap)
        await wait_for(
            pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data is overlap
        )
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, Details))
        text = _details_text(app)
        store = app.engine.store
        titles = [store.programme(number).title for number in overlap.programmes]
        assert overlap.channel in text and overlap.message in text
        assert all(title in text for title in titles)
        assert "trim" in text and "ripple" in text and "drop" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, Details))
        assert tree.cursor_node is not None and tree.cursor_node.data is overlap


async def test_jobs_newest_first_with_ids_and_a_failed_job_s_error_in_its_details(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        reason = "the disk said no " + "and explained why at length " * 6 + "THE END"

        def fails(store, job):  # type: ignore[no-untyped-def]
            raise PermissionError(reason)

        first = app.engine.submit("export", lambda store, job: None, label="first export")
        await wait_for(pilot, lambda: first.state is JobState.SUCCEEDED)
        failed = app.engine.submit("export", fails, label="second export")
        await wait_for(pilot, lambda: failed.state is JobState.FAILED)
        table = _screen(app).query_one(JobsTable)
        await wait_for(pilot, lambda: failed.id in table.rows)
        assert table.get_row_index(failed.id) == 0
        assert table.get_row_index(first.id) == 1
        assert str(table.get_cell(failed.id, "id")) == failed.id
        await pilot.press("5")
        assert table.has_focus and table.cursor_row == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, Details))
        text = _details_text(app)
        assert failed.id in text and "THE END" in text and "second export" in text


async def test_the_log_pane_keeps_the_global_keys_and_has_its_own(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: _screen(app).checked)
        screen = _screen(app)
        log = screen.query_one(LogPanel)
        tabs = screen.query_one("#activity", TabbedContent)
        await pilot.press("5", "L")  # from the jobs to the log
        await wait_for(pilot, lambda: tabs.active == "log-tab" and log.has_focus)
        await pilot.press("e")
        assert log.level_name == "ERROR"
        await pilot.press("d")
        assert log.level_name == "DEBUG"
        await pilot.press("J")  # back to the jobs
        await wait_for(pilot, lambda: tabs.active == "jobs-tab")
        assert screen.query_one(JobsTable).has_focus
        await pilot.press("L", "3")  # a pane key works in the log, too
        assert screen.query_one(ProgrammeTable).has_focus
        assert log.level_name == "DEBUG"
