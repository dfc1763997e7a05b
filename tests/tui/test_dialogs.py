"""Every dialog at 80×24, driven by keys: it fits, it says its keys, ``ctrl+s`` confirms and
``esc`` cancels, selects take type-ahead, choices are remembered, errors name the dialog's
fields (never a command-line flag), and previews run as the core's jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from textual.widgets import Input, Static
from textual.widgets._select import SelectOverlay

from core.errors import FileProblem, InputError
from core.jobs import JobState
from tests.tui.conftest import wait_for
from tui.dialogs.details import Details
from tui.dialogs.editing import EditDialog, moment_from
from tui.dialogs.files import ExportDialog, ImportDialog
from tui.dialogs.fixing import FixDialog
from tui.dialogs.form import Choice, in_dialog
from tui.dialogs.help import HelpScreen
from tui.dialogs.planning import PlanDialog
from tui.dialogs.settings import SettingsDialog
from tui.dialogs.simple import Ask, Confirm
from tui.widgets.findings import FindingsTree

SMALL = (80, 24)


def _shown(app) -> str:  # type: ignore[no-untyped-def]
    """The text the screen on top sends to the terminal."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def _started(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: len(app.screen_stack) > 1 and app.screen_stack[1].checked)
    await pilot.pause()


async def _on_finding(app, pilot, kind: str) -> None:  # type: ignore[no-untyped-def]
    """The findings pane focused, its cursor on the first finding of ``kind``."""
    await pilot.press("4")
    tree = app.screen.query_one(FindingsTree)
    finding = next(f for f in tree.findings if f.kind == kind)
    tree.show_finding(finding)
    await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data is finding)


def _jobs(app, kind: str) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [job for job in app.engine.queue.jobs.values() if job.kind == kind]


# -- fits 80×24 ------------------------------------------------------------------------------
OPENERS = {
    "plan": (["P"], PlanDialog, ["Channel", "Filler", "Apply", "Cancel", "ctrl+s apply"]),
    "import": (["I"], ImportDialog, ["File", "Replace", "Import", "Cancel", "esc cancel"]),
    "export": (["E"], ExportDialog, ["Format", "File", "Export", "Cancel", "ctrl+s export"]),
    "settings": (["S"], SettingsDialog, ["Videos in", "Save", "Cancel", "enter/ctrl+s save"]),
    "add": (["3", "a"], EditDialog, ["Title", "Video", "Save", "Cancel", "ctrl+s save"]),
    "move": (["3", "m"], EditDialog, ["Start", "later/earlier", "Save", "Cancel"]),
    "trim": (["3", "e"], EditDialog, ["End", "Save", "Cancel", "esc cancel"]),
    "delete": (["3", "d"], Confirm, ["Delete", "Yes (y)", "No (n)", "n/esc no"]),
    "go to": (["t"], Ask, ["Go to", "enter go", "esc cancel"]),
    "help": (["question_mark"], HelpScreen, ["Keys", "Channels", "esc closes"]),
}


@pytest.mark.parametrize("name", sorted(OPENERS))
async def test_each_dialog_fits_80x24_with_its_buttons_and_keys(make_app, name: str) -> None:  # type: ignore[no-untyped-def]
    keys, kind, expected = OPENERS[name]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press(*keys)
        await wait_for(pilot, lambda: isinstance(app.screen, kind))
        await pilot.pause()
        shown = _shown(app)
        missing = [text for text in expected if text not in shown]
        # every field shows its text (a field cut to its border shows none)
        missing += [
            field.value or field.placeholder
            for field in app.screen.query(Input)
            if (field.value or field.placeholder)[:8] not in shown
        ]
        assert missing == []
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, kind))


async def test_the_fix_dialog_and_the_details_fit_80x24(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await _on_finding(app, pilot, "overlap")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, Details))
        assert "esc closes" in _shown(app)
        await pilot.press("escape", "f")
        await wait_for(pilot, lambda: isinstance(app.screen, FixDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.plan is not None)
        await pilot.pause()
        shown = _shown(app)
        first_change = dialog.plan.preview()[0]
        assert first_change[:60] in shown  # the preview has lines on screen
        assert "ctrl+s/enter apply" in shown and "Apply" in shown


async def test_the_plan_preview_and_its_errors_are_visible_at_80x24(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDialog))
        dialog = app.screen
        await pilot.press("M", "u", "enter")  # Music videos cannot fill a day (cooldown)
        preview = dialog.query_one("#preview", Static)
        await wait_for(pilot, lambda: "cannot fill" in str(preview.render()))
        await pilot.pause()
        assert "cannot fill" in _shown(app)
        assert preview.region.height >= 3
        assert dialog.query_one("#apply").disabled


# -- the fewest keys -------------------------------------------------------------------------
async def test_a_plan_takes_four_keys_and_the_group_is_remembered(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        keys = ["P", "N", "enter", "ctrl+s"]  # open, type-ahead "News", preview, apply
        await pilot.press(keys[0])
        await wait_for(pilot, lambda: app.screen.query_one("#group").has_focus)
        dialog = app.screen
        assert isinstance(dialog, PlanDialog)
        await pilot.press(*keys[1:3])
        await wait_for(pilot, lambda: dialog.plan is not None)
        assert "News" in _shown(app)
        await pilot.press(keys[3])
        await wait_for(pilot, lambda: [j.state for j in _jobs(app, "plan")] == [JobState.SUCCEEDED])
        assert len(keys) < 12
        await pilot.press("P")  # the next plan offers the same group
        await wait_for(pilot, lambda: _plan_dialog_ready(app))
        assert app.screen.query_one("#group", Choice).value == "News"
    again = make_app()  # and so does the next session (preferences.json)
    async with again.run_test(size=SMALL) as pilot:
        await _started(again, pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: _plan_dialog_ready(again))
        assert again.screen.query_one("#group", Choice).value == "News"


def _plan_dialog_ready(app) -> bool:  # type: ignore[no-untyped-def]
    """The plan dialog is mounted: its kept choices are set before its first field has focus."""
    return isinstance(app.screen, PlanDialog) and app.screen.query_one("#group").has_focus


async def test_ctrl_s_before_a_preview_works_the_plan_out_then_applies_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDialog))
        await wait_for(pilot, lambda: app.screen.query_one("#group").has_focus)
        await pilot.press("N", "ctrl+s")
        await wait_for(pilot, lambda: [j.state for j in _jobs(app, "plan")] == [JobState.SUCCEEDED])


async def test_a_fix_takes_two_keys_from_its_finding(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await _on_finding(app, pilot, "overlap")
        await pilot.press("f")
        dialog = app.screen
        assert isinstance(dialog, FixDialog)
        await wait_for(pilot, lambda: dialog.plan is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: [j.state for j in _jobs(app, "fix")] == [JobState.SUCCEEDED])


async def test_esc_cancels_and_ctrl_s_saves_the_settings(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        before = app.theme
        for key, theme in [("escape", before), ("ctrl+s", "scheduleflow-light")]:
            await pilot.press("S")
            await wait_for(pilot, lambda: isinstance(app.screen, SettingsDialog))
            app.screen.query_one("#theme", Choice).value = "scheduleflow-light"
            await pilot.press(key)
            await wait_for(pilot, lambda: not isinstance(app.screen, SettingsDialog))
            assert app.theme == theme


async def test_selects_jump_to_what_is_typed_and_keep_letters_from_the_app(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDialog))
        filler = app.screen.query_one("#filler", Choice)
        filler.focus()
        await pilot.press("F", "i")  # not Football: "Fi" is Filler
        assert filler.value == "Filler"
        await pilot.press("q")  # the app's quit key is a letter typed on the select here
        assert app.is_running and isinstance(app.screen, PlanDialog)
        await pilot.press("space")
        assert filler.expanded  # space still opens the list
        await pilot.press("escape")  # closes the list, not the dialog
        assert not filler.expanded and isinstance(app.screen, PlanDialog)


async def test_a_page_key_before_the_list_is_laid_out_does_not_crash(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDialog))
        overlay = app.screen.query_one("#grid", Choice).query_one(SelectOverlay)
        overlay.highlighted = 2  # never shown yet: no lines laid out
        overlay.action_page_down()  # Textual's own list raised KeyError here
        overlay.action_page_up()
        assert overlay.highlighted == 2


async def test_letters_typed_after_a_pause_start_a_new_query(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: _plan_dialog_ready(app))
        group = app.screen.query_one("#group", Choice)
        await pilot.press("F", "i")  # one query: "fi" (a lone "i" would choose Boxing)
        assert group.value == "Filler"
        group._typed_at -= Choice.PAUSE + 1  # the operator paused: the next letter starts anew
        await pilot.press("N")
        assert group.value == "News"


# -- errors name fields ----------------------------------------------------------------------
def test_command_line_options_become_the_dialogs_fields() -> None:
    fields = {"group": "Fill from", "to": "To", "from": "From", "filler": "Filler"}
    assert (
        in_dialog("fill needs a library group — add --group NAME", fields)
        == "fill needs a library group — use the Fill from field"
    )
    assert in_dialog("the window is empty: --to must come after --from", fields) == (
        "the window is empty: To must come after From"
    )
    assert in_dialog(
        "dead air — fill the gaps first (`scheduleflow fix gap`) or give --filler GROUP", fields
    ) == ("dead air — fill the gaps first (f on a gap finding) or use the Filler field")
    assert in_dialog(
        "overlaps — fix the overlaps first: scheduleflow fix overlap --policy trim|ripple|drop "
        "--channel sports.example.org",
        fields,
    ) == ("overlaps — fix the overlaps first: f on an overlap finding")
    assert in_dialog("--unknown stays", fields) == "--unknown stays"


def test_only_scheduleflows_own_words_are_reworded_never_a_file_name_or_a_quoted_value() -> None:
    # A file called "x--group.xml", a group named "a --to B": what a file says is shown
    # as it is, or the operator reads a name that is not the file's.
    fields = {"group": "Fill from", "to": "To", "from": "From"}
    refused = FileProblem(
        "cannot read the file's first line", path="/srv/x--group.xml", hint="give --group NAME"
    )
    assert in_dialog(refused, fields) == (
        "/srv/x--group.xml: cannot read the file's first line — use the Fill from field"
    )
    quoted = InputError(
        "no library group 'a --to B' in the channel's library", hint="add --group NAME"
    )
    assert in_dialog(quoted, fields) == (
        "no library group 'a --to B' in the channel's library — use the Fill from field"
    )
    assert in_dialog("the window's --to must come after --from", fields) == (
        "the window's To must come after From"
    )
    for quoted in ("'Bob's --group picks'", "'Rock'n'Roll --to'"):
        said = InputError(f"no asset of group {quoted} has a known duration")
        assert in_dialog(said, fields) == f"no asset of group {quoted} has a known duration"
    damaged = "is damaged; a copy is kept at /srv/x--group.db.corrupt and /srv/--to/a.db"
    assert in_dialog(damaged, fields) == damaged


async def test_a_gap_fill_without_a_group_names_the_field(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await _on_finding(app, pilot, "gap")
        await pilot.press("f")
        dialog = app.screen
        assert isinstance(dialog, FixDialog)
        preview = dialog.query_one("#preview", Static)
        await wait_for(pilot, lambda: "Fill from" in str(preview.render()))
        assert "--" not in str(preview.render())
        assert dialog.query_one("#group").has_focus  # where the missing choice goes
        await pilot.press("F", "i")
        await wait_for(pilot, lambda: dialog.plan is not None and dialog.plan.changes > 0)


async def test_the_plan_dialog_names_its_fields_in_the_cores_errors(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("P")
        dialog = app.screen
        dialog.query_one("#to", Input).value = "-1h"  # before From: the core's --to/--from
        await pilot.press("N", "enter")
        preview = dialog.query_one("#preview", Static)
        await wait_for(pilot, lambda: "window is empty" in str(preview.render()))
        assert "To must come after From" in str(preview.render())
        dialog.query_one("#from", Input).value = "next tuesday"  # the form's own mistake
        dialog.query_one("#from", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "From: 'next tuesday'" in str(preview.render()))


async def test_the_export_dialog_offers_a_filler_for_playout_formats(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("E")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        field = dialog.query_one("#filler-field")
        assert not field.display  # an XMLTV guide has no use for one
        await pilot.press("f")  # Format: type-ahead to ffplayout
        assert dialog.query_one("#format", Choice).value == "ffplayout"
        assert field.display and "Filler" in _shown(app)
        dialog.query_one("#filler", Choice).value = "Filler"
        findings = app.screen_stack[1].query_one(FindingsTree).findings
        overlapping = {f.channel for f in findings if f.kind == "overlap"}
        channel = next(c for c in app.engine.store.channel_facts() if c not in overlapping)
        dialog.query_one("#channel", Choice).value = channel
        dialog.query_one("#target", Input).value = str(tmp_path / "playlists")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: [j.state for j in _jobs(app, "export")] != [])
        job = _jobs(app, "export")[0]
        await wait_for(pilot, lambda: job.state.finished)
        assert job.state is JobState.SUCCEEDED, job.error_message  # the filler filled the gaps
        assert list((tmp_path / "playlists").rglob("*.json"))


# -- move: from the programme, or an absolute time --------------------------------------------
def test_a_moves_time_counts_from_the_programme_unless_it_names_now_or_a_clock() -> None:
    start = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    cet = timezone(timedelta(hours=1))
    assert moment_from("+10m", start, cet, now) == start + timedelta(minutes=10)
    assert moment_from("-5m", start, cet, now) == start - timedelta(minutes=5)
    assert moment_from("now+10m", start, cet, now) == now + timedelta(minutes=10)
    assert moment_from("now", start, cet, now) == now
    assert moment_from("21:30", start, cet, now) == datetime(2026, 12, 5, 20, 30, tzinfo=UTC)
    assert moment_from("2026-12-05T08:00+01:00", start, cet, now) == start + timedelta(hours=1)
    with pytest.raises(ValueError, match="time of day"):
        moment_from("25:00", start, cet, now)


async def test_the_move_dialog_shows_where_the_programme_goes_before_saving(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("3", "m")
        await wait_for(pilot, lambda: isinstance(app.screen, EditDialog))
        dialog = app.screen
        original = dialog.programme
        field = dialog.query_one("#start", Input)
        field.value = ""
        await pilot.press("+", "1", "0", "m")
        await wait_for(pilot, lambda: "10 min later" in _shown(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: [j.state for j in _jobs(app, "edit")] == [JobState.SUCCEEDED])
        moved = app.engine.store.programme(original.id)
        assert moved.start == original.start + timedelta(minutes=10)


# -- previews are the core's jobs ------------------------------------------------------------
async def test_previews_run_as_preview_jobs_of_the_session(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await _on_finding(app, pilot, "overlap")
        await pilot.press("f")
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.plan is not None)
        previews = _jobs(app, "preview")
        assert [job.state for job in previews] == [JobState.SUCCEEDED]
        assert previews[0].timeout == app.engine.config.jobs.timeouts["fix"]
        assert "preview a fix of overlap" in previews[0].label


async def test_a_preview_shows_the_cores_line_and_hides_an_unexpected_errors_text(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail /secret/path")

    def refused(*args: object, **kwargs: object) -> None:
        raise InputError("nothing to do", hint="add --group NAME")

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await _on_finding(app, pilot, "overlap")
        monkeypatch.setattr("tui.dialogs.fixing.plan_fix", broken)
        await pilot.press("f")
        dialog = app.screen
        preview = dialog.query_one("#preview", Static)
        await wait_for(pilot, lambda: "unexpected error" in str(preview.render()))
        assert "secret" not in str(preview.render())
        assert "the details are in the log" in str(preview.render())
        monkeypatch.setattr("tui.dialogs.fixing.plan_fix", refused)
        await pilot.click("#preview-button")  # asked again, with the same options
        await wait_for(pilot, lambda: "nothing to do" in str(preview.render()))
        assert "use the Fill from field" in str(preview.render())
        assert app.is_running


async def test_enter_confirms_a_delete_and_esc_keeps_the_programme(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await pilot.press("3", "d")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, Confirm))
        assert _jobs(app, "edit") == []
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("enter")
        await wait_for(pilot, lambda: [j.state for j in _jobs(app, "edit")] == [JobState.SUCCEEDED])


async def test_the_fix_and_export_dialogs_offer_the_last_choices_again(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await _started(app, pilot)
        await _on_finding(app, pilot, "gap")
        await pilot.press("f")
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query_one("#group").has_focus)
        await pilot.press("F", "i")
        await wait_for(pilot, lambda: dialog.plan is not None and dialog.plan.changes > 0)
        await pilot.press("escape")  # cancelled: nothing is remembered
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FixDialog))
        assert app.screen.query_one("#group", Choice).value is Choice.NULL
        await wait_for(pilot, lambda: app.screen.query_one("#group").has_focus)
        await pilot.press("F", "i")
        await wait_for(pilot, lambda: app.screen.plan is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: [j.state for j in _jobs(app, "fix")] == [JobState.SUCCEEDED])
        await _on_finding(app, pilot, "gap")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FixDialog))
        assert app.screen.query_one("#group", Choice).value == "Filler"
        await pilot.press("escape", "E", "j")  # export: json
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#target", Input).value = str(tmp_path / "schedule.json")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: [j.state for j in _jobs(app, "export")] == [JobState.SUCCEEDED]
        )
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        assert app.screen.query_one("#format", Choice).value == "json"
