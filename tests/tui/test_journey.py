"""An operator's night at 80×24, by keys only: import a guide, go to the first overlap, read
its details, fix it with a preview, undo, fill a gap from a library group, plan a day, export
XMLTV. Each step asserts what the screen shows, and counts its keys (the plan and the fix
each take fewer than twelve)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.engine import Engine
from core.jobs import JobState
from core.store import Store, import_file
from tests.store.helpers import ACTOR
from tests.tui.conftest import _template, wait_for
from tests.tui.test_tmux import _keys, _screen, _wait, start_session
from tui.app import ScheduleFlowApp
from tui.dialogs.details import Details
from tui.dialogs.files import ExportDialog, ImportDialog
from tui.dialogs.fixing import FixDialog
from tui.dialogs.planning import PlanDialog
from tui.dialogs.simple import Confirm

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIBRARIES = ["sports-library.m3u", "community-library.m3u", "music-library.m3u"]
GUIDE = "sports-day.xml"


@pytest.fixture
def night(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScheduleFlowApp]:
    """A store holding the libraries only; the working folder holds the guide to import
    (the import dialog starts there, and the export's default file name lands there)."""
    home = tmp_path / "home"
    home.mkdir()
    with Store.open(home / "scheduleflow.db") as store:
        for library in LIBRARIES:
            import_file(store, SAMPLES / library, actor=ACTOR)
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(SAMPLES / GUIDE, work / GUIDE)
    monkeypatch.chdir(work)
    engine = Engine(home, actor=ACTOR)
    yield ScheduleFlowApp(engine, load_samples=False)
    engine.close()


def _shown(app: ScheduleFlowApp) -> str:
    """The text on the terminal: the screen on top, and the notifications over it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _preview(app: ScheduleFlowApp) -> str:
    """What the dialog on top shows in its preview (notifications may cover the screen's
    right half, so the screen's text alone could miss it)."""
    assert app.screen.query_one("#preview-box").region.height >= 3  # on screen, with room
    return str(app.screen.query_one("#preview").render())


def _states(app: ScheduleFlowApp, kind: str) -> list[JobState]:
    return [job.state for job in app.engine.queue.jobs.values() if job.kind == kind]


class Keys:
    """Presses keys and counts them, step by step."""

    def __init__(self, pilot: object) -> None:
        self.pilot = pilot
        self.counts: dict[str, int] = {}
        self.step = ""

    async def __call__(self, *keys: str) -> None:
        self.counts[self.step] = self.counts.get(self.step, 0) + len(keys)
        await self.pilot.press(*keys)  # type: ignore[attr-defined]


async def test_an_operators_night_by_keys_at_80x24(night: ScheduleFlowApp) -> None:
    app = night
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        main = app.screen_stack  # the main screen is the second of the stack
        await wait_for(pilot, lambda: len(main) > 1 and main[1].checked)
        press = Keys(pilot)

        press.step = "import a guide"
        await press("I")
        assert isinstance(app.screen, ImportDialog)
        await press(*GUIDE, "ctrl+s")  # the path after the working folder; preview, import
        await wait_for(pilot, lambda: _states(app, "import") == [JobState.SUCCEEDED])
        await wait_for(pilot, lambda: "import sports-day.xml: done" in _shown(app))
        await wait_for(pilot, lambda: _states(app, "check")[-1] is JobState.SUCCEEDED)

        press.step = "go to the first overlap"
        await press("4", "j", "j", "j")  # findings (three kinds: open): overlap, channel, it
        await pilot.pause()
        assert "▼ overlap (2) · 2 errors" in _shown(app)
        assert "● Overlap" in _shown(app)

        press.step = "read its details"
        await press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, Details))
        shown = _shown(app)
        assert "overlap on sports.example.org" in shown
        assert "programme" in shown and "fixes" in shown
        await press("escape")

        press.step = "fix it with a preview"
        await press("f")
        dialog = app.screen
        assert isinstance(dialog, FixDialog)
        await wait_for(pilot, lambda: dialog.plan is not None)
        assert "2 changes" in _preview(app)  # before anything changes
        await press("ctrl+s")
        await wait_for(pilot, lambda: _states(app, "fix") == [JobState.SUCCEEDED])
        await wait_for(pilot, lambda: "fix overlap (trim): 2 changes: done" in _shown(app))

        press.step = "undo"
        await press("u")  # it says what it will undo, and asks
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        assert "fix overlap" in _shown(app)
        await press("y")
        await wait_for(pilot, lambda: _states(app, "undo") == [JobState.SUCCEEDED])
        await wait_for(pilot, lambda: "undo fix overlap" in _shown(app))

        press.step = "fill a gap from a library group"
        await wait_for(pilot, lambda: _states(app, "check")[-1] is JobState.SUCCEEDED)
        await press("j", "j", "j", "j")  # the cursor stayed on the overlap: down to the gap
        assert "▲ Dead air" in _shown(app)
        await press("f")
        dialog = app.screen
        assert isinstance(dialog, FixDialog) and dialog.kind == "gap"
        await wait_for(pilot, lambda: "choose one in Fill from" in _preview(app))
        await press("F", "i")  # type-ahead: Filler
        await wait_for(pilot, lambda: dialog.plan is not None)
        assert "Fill from  Filler" in _shown(app) and "'Sports Bumper 1'" in _preview(app)
        await press("ctrl+s")
        await wait_for(pilot, lambda: _states(app, "fix") == [JobState.SUCCEEDED] * 2)

        press.step = "plan a day"
        await press("P")
        dialog = app.screen
        assert isinstance(dialog, PlanDialog)
        await wait_for(pilot, lambda: dialog.query_one("#group").has_focus)
        await press("N", "enter")  # type-ahead: News; preview
        await wait_for(pilot, lambda: dialog.plan is not None)
        assert "News" in _shown(app) and f"'{dialog.plan.added[0].title}'" in _preview(app)
        await press("ctrl+s")
        await wait_for(pilot, lambda: _states(app, "plan") == [JobState.SUCCEEDED])

        press.step = "export XMLTV"
        await press("E")
        assert isinstance(app.screen, ExportDialog)
        await press("ctrl+s")  # xmltv to guide.xml, the dialog's defaults
        await wait_for(pilot, lambda: _states(app, "export") == [JobState.SUCCEEDED])
        assert "<programme" in (Path.cwd() / "guide.xml").read_text(encoding="utf-8")

    assert press.counts == {
        "import a guide": 1 + len(GUIDE) + 1,
        "go to the first overlap": 4,
        "read its details": 2,
        "fix it with a preview": 2,
        "undo": 2,
        "fill a gap from a library group": 8,
        "plan a day": 4,
        "export XMLTV": 2,
    }
    assert press.counts["plan a day"] < 12 and press.counts["fix it with a preview"] < 12


@pytest.fixture
def terminal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """ScheduleFlow on the demo schedules in tmux at 80×24; the session's name."""
    home = tmp_path / "terminal"
    home.mkdir()
    shutil.copy(_template(tmp_path_factory), home / "scheduleflow.db")
    name = start_session(home)
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_ctrl_s_and_type_ahead_reach_a_dialog_through_a_real_terminal(terminal: str) -> None:
    """``ctrl+s`` is XOFF to a terminal with flow control on: it must reach the app (Textual
    turns ``ixon`` off) and apply the plan, as in the Pilot test above."""
    name = terminal
    _wait(name, "Timeline")
    _keys(name, "P")
    _wait(name, "Plan from the library")
    _keys(name, "N", "Enter")  # type-ahead: News; preview
    _wait(name, "0 replaced")
    _keys(name, "C-s")
    _keys(name, "5")  # jobs and log
    deadline = time.monotonic() + 30
    while not any(
        line.startswith("│ plan ") and "succeeded" in line for line in _screen(name).splitlines()
    ):
        assert time.monotonic() < deadline, _screen(name)
        time.sleep(0.2)  # polling a real terminal: nothing to wait on but its screen
    assert "Plan from the library" not in _screen(name)
