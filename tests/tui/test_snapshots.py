"""Snapshots of the main screen (80×24 and 160×48, every shipped theme) and of each dialog.

Update them after a deliberate change of the look with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import itertools
import shutil
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.engine import Engine
from tests.store.helpers import ACTOR
from tests.tui.conftest import _template, wait_for
from tui.app import ScheduleFlowApp
from tui.widgets.header import StatusBar

HOME = Path("/tmp/scheduleflow-snapshots/home")  # fixed: the path shows in the header
THEMES = ["scheduleflow-dark", "scheduleflow-light", "scheduleflow-high-contrast"]


@pytest.fixture
def snapshot_app(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    # Jobs show how long they took; a frozen clock keeps that out of the pictures.
    monkeypatch.setattr("core.jobs.wall_clock", lambda: 1_800_000_000.0)
    # The jobs table shows ids: a local second, the process id and a counter. Fixed, too.
    monkeypatch.setattr("core.jobs._stamp", lambda second: "20270115080000")
    monkeypatch.setattr("core.jobs.os", SimpleNamespace(getpid=lambda: 4242))
    monkeypatch.setattr("core.jobs._ids", itertools.count(1))
    # The first screen opens on now when a channel is on air: a fixed now, after the demo.
    monkeypatch.setattr("tui.screens.main._now", lambda: datetime(2027, 1, 15, tzinfo=UTC))
    shutil.rmtree(HOME, ignore_errors=True)
    HOME.mkdir(parents=True)
    shutil.copy(_template(tmp_path_factory), HOME / "scheduleflow.db")
    engines: list[Engine] = []

    def make(theme: str = "scheduleflow-dark") -> ScheduleFlowApp:
        engine = Engine(HOME, actor=ACTOR)
        engines.append(engine)
        return ScheduleFlowApp(engine, theme=theme, load_samples=False)

    yield make
    for engine in engines:
        engine.close()


async def _ready(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await wait_for(pilot, lambda: len(app.screen_stack) > 1 and app.screen_stack[1].checked)
    # the header's health is read in a worker: the line is complete once it has answered
    await wait_for(pilot, lambda: bool(app.screen_stack[1].query_one(StatusBar).part("health")))
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_main_screen(snap_compare, snapshot_app, theme: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(theme), terminal_size=size, run_before=_ready)


def test_main_screen_narrow_findings_tab(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("4")

    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=before)


def _dialog(keys: list[str], *, setup=None):  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        for key in keys:
            await pilot.press(key)
        if keys:  # a dialog opens once what it offers is read, off the event loop
            await wait_for(pilot, lambda: len(pilot.app.screen_stack) > 2)
        if setup is not None:
            await setup(pilot)
        await pilot.pause()

    return before


def test_import_dialog_with_a_preview(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def fill(pilot) -> None:  # type: ignore[no-untyped-def]
        dialog = pilot.app.screen
        path = dialog.query_one("#path")
        path.value = "samples/sports-day.xml"
        path.cursor_position = len(path.value)  # not where the checkout's path left it
        await pilot.press("enter")
        await wait_for(pilot, lambda: not dialog.query_one("#import").disabled)

    assert snap_compare(
        snapshot_app(), terminal_size=(120, 36), run_before=_dialog(["I"], setup=fill)
    )


def test_export_dialog(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(), terminal_size=(120, 36), run_before=_dialog(["E"]))


def test_fix_dialog_preview(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def open_fix(pilot) -> None:  # type: ignore[no-untyped-def]
        screen = pilot.app.screen_stack[1]
        from tui.widgets.findings import FindingsTree

        tree = screen.query_one(FindingsTree)
        overlap = next(f for f in tree.findings if f.kind == "overlap")
        node = next(n for n in tree._tree_nodes.values() if n.data is overlap)
        node.parent.parent.expand()  # the kind, then its channel
        node.parent.expand()
        await pilot.pause()
        tree.focus()
        tree.move_cursor(node)
        await pilot.press("f")
        await wait_for(pilot, lambda: len(pilot.app.screen_stack) > 2)
        await wait_for(pilot, lambda: not pilot.app.screen.query_one("#apply").disabled)

    assert snap_compare(
        snapshot_app(), terminal_size=(120, 36), run_before=_dialog([], setup=open_fix)
    )


def test_settings_dialog(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(), terminal_size=(120, 36), run_before=_dialog(["S"]))


def test_help_screen(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        snapshot_app(), terminal_size=(120, 36), run_before=_dialog(["question_mark"])
    )


def test_edit_dialog(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def focus_table(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.screen_stack[1].query_one("#programmes").focus()
        await pilot.press("e")

    assert snap_compare(
        snapshot_app(), terminal_size=(120, 36), run_before=_dialog([], setup=focus_table)
    )


def test_go_to_dialog(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(), terminal_size=(120, 36), run_before=_dialog(["t"]))


def test_plan_dialog_preview(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def fill(pilot) -> None:  # type: ignore[no-untyped-def]
        dialog = pilot.app.screen
        dialog.query_one("#channel").value = "loop.example.org"
        dialog.query_one("#from").value = "2026-12-07T06:00Z"  # fixed: the default is "now"
        dialog.query_one("#to").value = "2026-12-07T08:00Z"
        dialog.query_one("#group").value = "Music videos"
        dialog.query_one("#grid").value = "30m"
        dialog.query_one("#filler").value = "Filler"
        dialog.query_one("#to").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)

    assert snap_compare(
        snapshot_app(), terminal_size=(120, 36), run_before=_dialog(["P"], setup=fill)
    )


def test_programmes_pane_says_order_filter_and_position(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        table = pilot.app.screen.query_one("#programmes")
        await pilot.press("1", "g")  # the first channel: the community one, with its news
        await wait_for(pilot, lambda: table.channel == "community.example.org")
        await pilot.press("3", "s")
        await wait_for(pilot, lambda: table.order == "title")
        await pilot.press("slash", *"news", "enter")
        await wait_for(pilot, lambda: table.contains == "news")
        await pilot.press("j", "j")

    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=before)


def test_finding_details(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        from tui.widgets.findings import FindingsTree

        await _ready(pilot)
        await pilot.press("4")
        tree = pilot.app.screen.query_one(FindingsTree)
        overlap = next(f for f in tree.findings if f.kind == "overlap")
        tree.show_finding(overlap)
        await wait_for(
            pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data is overlap
        )
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=before)


def test_jobs_pane_newest_first_with_ids(snap_compare, snapshot_app) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _ready(pilot)
        await pilot.press("c")  # a second check: it shows above the first
        jobs = pilot.app.engine.queue.jobs.values()
        await wait_for(pilot, lambda: sum(j.state.finished for j in jobs) == 2)
        await pilot.press("5")
        await pilot.pause()

    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=before)


# -- every dialog at 80×24 (the smallest terminal an operator uses over SSH) -------------------
async def _open_fix(pilot) -> None:  # type: ignore[no-untyped-def]
    from tui.widgets.findings import FindingsTree

    await pilot.press("4")
    tree = pilot.app.screen.query_one(FindingsTree)
    overlap = next(f for f in tree.findings if f.kind == "overlap")
    tree.show_finding(overlap)
    await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data is overlap)
    await pilot.press("f")
    await wait_for(pilot, lambda: not pilot.app.screen.query_one("#apply").disabled)


async def _plan_previewed(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("P")
    dialog = pilot.app.screen
    dialog.query_one("#channel").value = "loop.example.org"
    dialog.query_one("#from").value = "2026-12-07T06:00Z"  # fixed: the default is "now"
    dialog.query_one("#to").value = "2026-12-07T08:00Z"
    dialog.query_one("#group").value = "Music videos"
    dialog.query_one("#grid").value = "30m"
    dialog.query_one("#filler").value = "Filler"
    dialog.query_one("#to").focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)


async def _import_previewed(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("I")
    dialog = pilot.app.screen
    path = dialog.query_one("#path")
    path.value = "samples/sports-day.xml"
    path.cursor_position = len(path.value)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not dialog.query_one("#import").disabled)


async def _export_ffplayout(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("E", "f")  # type-ahead: ffplayout, which shows the Filler field


SMALL_DIALOGS = {
    "plan": _plan_previewed,
    "fix": _open_fix,
    "import": _import_previewed,
    "export": ["E"],
    "export-ffplayout": _export_ffplayout,
    "settings": ["S"],
    "add": ["3", "a"],
    "move": ["3", "m", "plus", "1", "0", "m"],
    "trim": ["3", "e"],
    "delete": ["3", "d"],
    "go-to": ["t"],
    "help": ["question_mark"],
}


@pytest.mark.parametrize("name", sorted(SMALL_DIALOGS))
def test_dialog_at_80x24(snap_compare, snapshot_app, name: str) -> None:  # type: ignore[no-untyped-def]
    opener = SMALL_DIALOGS[name]
    before = _dialog(opener) if isinstance(opener, list) else _dialog([], setup=opener)
    assert snap_compare(snapshot_app(), terminal_size=(80, 24), run_before=before)
