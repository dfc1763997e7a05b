"""The TUI says what the stream doctor found: the state on each programme's row, and the
streams' findings as their own group."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from core.jobs import JobState
from core.locators import fingerprint
from core.models import Programme
from core.probe.model import ProbeResult
from core.rules.findings import FIXES, STREAM_FIXES
from core.rules.fixes import apply_fix, plan_fix
from core.store import Store
from core.store.streams import record_probes
from tests.probe.conftest import stream_server  # noqa: F401  (the fixture)
from tests.store.helpers import ACTOR
from tests.tui.conftest import wait_for
from tui.dialogs.fixing import FixDialog
from tui.widgets import programmes as programmes_module
from tui.widgets.findings import FindingsTree
from tui.widgets.programmes import ProgrammeTable
from tui.widgets.timeline import Timeline

SPORTS = "sports.example.org"
COMMUNITY = "community.example.org"  # 84 programmes, each its own stream: two pages


def _probe(store: Store, programme: Programme, outcomes: list[bool]) -> None:
    """Keep one probe result per outcome for ``programme``'s stream, a minute apart."""
    assert programme.locator is not None and programme.fingerprint is not None
    record_probes(
        store,
        [
            ProbeResult(
                programme.locator,
                programme.fingerprint,
                ok,
                "plays" if ok else "HTTP 404",
                1_780_000_000_000 + 60_000 * index,
                200 if ok else 404,
            )
            for index, ok in enumerate(outcomes)
        ],
    )


def _row_text(table: ProgrammeTable, programme_id: int | None) -> str:
    """The row of ``programme_id`` as drawn (scrolled into view first)."""
    index = next(i for i, row in enumerate(table.rows) if row.id == programme_id)
    table.top = index
    return table.render_line(1).text


async def test_the_programmes_table_flags_down_and_flapping_streams(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    with Store.open(home / "scheduleflow.db") as store:
        down, flapping, up, never = store.page(SPORTS, limit=4).programmes
        _probe(store, down, [True, False, False])
        _probe(store, flapping, [False, True, False, True])
        _probe(store, up, [False, True])  # one failure is not a verdict
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[1].checked)
        table = app.screen_stack[1].query_one(ProgrammeTable)
        table.open_at(SPORTS)
        await pilot.pause()
        rows = {p.id: _row_text(table, p.id) for p in (down, flapping, up, never)}
        flags = {key: text.rstrip()[-6:] for key, text in rows.items()}
        assert flags[down.id].startswith("down"), rows[down.id]
        assert flags[flapping.id].startswith("flap"), rows[flapping.id]
        for quiet in (up, never):
            assert "down" not in flags[quiet.id] and "flap" not in flags[quiet.id], rows[quiet.id]
        assert set(table.streams) <= {row.fingerprint for row in table.rows}  # the rows held


async def test_the_findings_pane_groups_the_streams_down(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    with Store.open(home / "scheduleflow.db") as store:
        # placeholders in the gaps: unplayable findings that are not about a stream
        apply_fix(store, plan_fix(store, "gap", "placeholder", channels=[SPORTS]), actor=ACTOR)
        down = next(p for p in store.page(SPORTS, limit=20).programmes if p.fingerprint)
        _probe(store, down, [False, False])
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[1].checked)
        tree = app.screen_stack[1].query_one(FindingsTree)
        labels = [str(node.label) for node in tree.root.children]
        assert "unplayable streams (1)" in labels, labels
        streams = tree.root.children[labels.index("unplayable streams (1)")]
        leaves = [leaf for twig in streams.children for leaf in twig.children]
        assert [leaf.data.programmes for leaf in leaves] == [(down.id,)]  # type: ignore[union-attr]
        assert "its stream is down since" in str(leaves[0].label)
        # the other unplayable findings (the placeholders) stay in the kind's group
        others = next(node for node in tree.root.children if node.data == "unplayable")
        held = [leaf.data for twig in others.children for leaf in twig.children]
        assert held and all(f.fixes != STREAM_FIXES for f in held)  # type: ignore[union-attr]
        assert all(f.programmes != (down.id,) for f in held)  # type: ignore[union-attr]
        # f on the streams' group offers the unplayable fixes (the group is not a kind)
        tree.focus()
        tree.move_cursor(streams)
        await wait_for(pilot, lambda: tree.cursor_node is streams)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FixDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: bool(dialog.query("#policy")))
        policy = dialog.query_one("#policy", Select)
        assert [value for _, value in policy._options] == list(FIXES["unplayable"])


async def test_p_probes_the_timelines_channel_as_a_job(  # type: ignore[no-untyped-def]
    make_app,
    home: Path,
    stream_server: str,  # noqa: F811
) -> None:
    with Store.open(home / "scheduleflow.db") as store:
        programmes = store.page(SPORTS, limit=100).programmes
        with store.database.write() as connection:  # the sports channel plays from loopback
            for index, programme in enumerate(programmes):
                path = "/status/404" if index == 0 else f"/media?n={index}"
                locator = f"{stream_server}{path}"
                connection.execute(
                    "UPDATE programme SET locator = ?, fingerprint = ? WHERE id = ?",
                    (locator, fingerprint(locator), programme.id),
                )
    gone = programmes[0]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen_stack[1]
        await wait_for(pilot, lambda: screen.checked)
        timeline = screen.query_one(Timeline)
        timeline.lane = [channel.id for channel in timeline.channels].index(SPORTS)
        timeline.focus()
        await wait_for(pilot, lambda: timeline.channel == SPORTS)
        await pilot.press("p")
        probes = lambda: [j for j in app.engine.queue.jobs.values() if j.kind == "probe"]  # noqa: E731
        await wait_for(pilot, lambda: any(j.state is JobState.SUCCEEDED for j in probes()))
        (job,) = probes()
        assert job.label == f"probe the streams of {SPORTS}"
        assert job.total is not None and job.total >= len(programmes) and job.done == job.total
        # the check that follows says it: the flag on the row, the finding in its group
        table = screen.query_one(ProgrammeTable)
        table.open_at(SPORTS)
        tree = screen.query_one(FindingsTree)
        await wait_for(
            pilot, lambda: "unplayable streams (1)" in [str(n.label) for n in tree.root.children]
        )
        assert _row_text(table, gone.id).rstrip()[-6:].startswith("down")
        assert "down" not in _row_text(table, programmes[1].id).rstrip()[-6:]


async def test_the_states_are_read_once_per_page_of_rows(  # type: ignore[no-untyped-def]
    make_app, monkeypatch
) -> None:
    """Scrolling through a channel asks for the states of each page's streams once, never
    per row and never for the whole schedule."""
    asked: list[int] = []
    read = programmes_module.stream_verdicts

    def counted(store, fingerprints, **options):  # type: ignore[no-untyped-def]
        wanted = list(fingerprints)
        asked.append(len(wanted))
        return read(store, wanted, **options)

    monkeypatch.setattr(programmes_module, "stream_verdicts", counted)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[1].checked)
        table = app.screen_stack[1].query_one(ProgrammeTable)
        table.open_at(COMMUNITY)  # its first page: 60 rows
        asked.clear()
        before = table.pages_read
        for _ in range(83):
            table.action_move(1)
        await pilot.pause()
        assert table.pages_read - before == 1 and len(table.rows) == 84
        assert asked == [84 - 60]  # one query, for the streams of the page just read
        assert len(table.streams) == 84  # the rows held, no more
