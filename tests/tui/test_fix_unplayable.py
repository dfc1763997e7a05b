"""The fix dialog offers core's policies for unplayable findings, and applying one works."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from core.jobs import JobState
from core.rules import check_store
from core.rules.findings import FIXES
from core.rules.fixes import apply_fix, plan_fix
from core.store import Store
from tests.store.helpers import ACTOR
from tests.tui.conftest import wait_for
from tui.dialogs.fixing import FixDialog
from tui.widgets.findings import FindingsTree

SPORTS = "sports.example.org"


async def test_the_fix_dialog_fixes_the_placeholders_a_gap_fix_left(  # type: ignore[no-untyped-def]
    make_app, home: Path
) -> None:
    with Store.open(home / "scheduleflow.db") as store:
        apply_fix(store, plan_fix(store, "gap", "placeholder", channels=[SPORTS]), actor=ACTOR)
        assert check_store(store, channels=[SPORTS]).counts["unplayable"] > 0
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[1].checked)
        tree = app.screen_stack[1].query_one(FindingsTree)
        finding = next(f for f in tree.findings if f.kind == "unplayable")
        tree.post_message(FindingsTree.FixRequested("unplayable", finding))  # its "f" key
        await wait_for(pilot, lambda: isinstance(app.screen, FixDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: bool(dialog.query("#preview-button")))
        policy = dialog.query_one("#policy", Select)
        assert [value for _, value in policy._options] == list(FIXES["unplayable"])
        assert dialog.query("#group")  # fill takes a group: the dialog asks for it
        policy.value = "drop"
        await wait_for(pilot, lambda: "- delete" in str(dialog.query_one("#preview").render()))
        await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)
        await pilot.click("#apply")
        states = lambda: [j.state for j in app.engine.queue.jobs.values() if j.kind == "fix"]  # noqa: E731
        await wait_for(pilot, lambda: JobState.SUCCEEDED in states())
    with Store.open(home / "scheduleflow.db") as store:
        assert check_store(store, channels=[SPORTS]).counts["unplayable"] == 0
