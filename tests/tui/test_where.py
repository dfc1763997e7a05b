"""Where the operator is: the palette key, the table's order, filter and position, findings
by kind and channel with their details, jobs newest first with their details, the log's keys.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.command import CommandPalette

from core.store import Store
from core.store.edits import Replace, apply_changes
from tests.store.helpers import ACTOR
from tests.tui.conftest import wait_for
from tui.widgets.programmes import ProgrammeTable


def _screen(app):  # type: ignore[no-untyped-def]
    return app.screen_stack[1]


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


async def test_the_table_says_its_order_filter_and_position_and_esc_clears_the_filter(
    make_app,
) -> None:  # type: ignore[no-untyped-def]
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
