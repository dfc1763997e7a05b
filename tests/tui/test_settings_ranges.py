"""The settings dialog accepts what the config file accepts, with the same ranges."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.tui.conftest import wait_for
from tui.dialogs.settings import SettingsDialog
from tui.widgets.timeline import Timeline


async def test_a_cooldown_outside_the_configs_range_is_refused_in_the_dialog(
    make_app, home
) -> None:  # type: ignore[no-untyped-def]
    (home / "config.toml").write_text('[roles]\ndefault = "admin"\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.screen_stack[1].checked)
        channel = app.screen_stack[1].query_one(Timeline).channel
        before = app.engine.store.channel_facts()[channel]
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsDialog))
        app.screen.query_one("#cooldown", Input).value = "inf"
        await pilot.click("#save")
        problem = app.screen.query_one("#problem", Static)
        await wait_for(pilot, lambda: "from 0 to 8760" in str(problem.render()))
        assert isinstance(app.screen, SettingsDialog)  # still open: nothing saved
        assert app.engine.store.channel_facts()[channel] == before
