"""Stored text in the TUI is shown literally: no markup, no control sequence reaches the
terminal. The store holds a channel, titles and library groups with Rich/Textual markup
(``[/]``, ``[link=…]``), an OSC that renames the terminal, a CSI that clears it and a bidi
override; every pane and dialog that shows them must show them escaped, and none may crash."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import TabbedContent

from core.store import Store, import_file
from tests.store.helpers import ACTOR
from tests.tui.conftest import _template, wait_for
from tests.tui.test_tmux import _screen, _tmux, _wait, start_session
from tui.dialogs.details import Details
from tui.dialogs.editing import EditDialog
from tui.dialogs.files import ExportDialog
from tui.dialogs.fixing import FixDialog
from tui.dialogs.planning import PlanDialog
from tui.dialogs.simple import Confirm
from tui.widgets.activity import JobsTable, LogPanel
from tui.widgets.findings import FindingsTree

MARKUP = "[/][link=x]y[/link]"
CONTROLS = "\x1b]0;pwned\x07\x1b[2J\u202e"
HOSTILE = MARKUP + CONTROLS
SHOWN = MARKUP + "\\x1b]0;pwned\\x07\\x1b[2J\\u202e"
# a channel id may not hold a control character (the readers refuse it: some writers cannot
# keep one), but markup and bidi characters are its own text
CHANNEL = f"evil{MARKUP}\u202e.example.org"
GROUPS = ["[/]", "[link=x]y[/link]\x1b[2J\u202e"]  # group-title splits on ";"
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _document() -> dict[str, object]:
    def programme(start: str, stop: str, title: str) -> dict[str, object]:
        return {
            "channel": CHANNEL,
            "start": f"2026-12-04T{start}:00+00:00",
            "stop": f"2026-12-04T{stop}:00+00:00",
            "titles": [{"value": title}],
            "locator": f"http://x.example.org/{title}.mp4",
        }

    return {
        "format": "scheduleflow/1",
        "channels": [
            {
                "id": CHANNEL,
                "number": "1",
                # the OSC first: the timeline's lane name shows only the start of a name
                "display_names": [{"value": f"\x1b]0;pwned\x07\x1b[2J{MARKUP} Evil\u202e"}],
            }
        ],
        "assets": [
            {
                "title": f"Clip {index}{HOSTILE}",
                "locator": f"http://x.example.org/clip{index}.mp4",
                "duration": 1800,
                "groups": GROUPS,
            }
            for index in range(4)
        ],
        "programmes": [
            programme("06:00", "07:00", f"Show{HOSTILE}"),
            programme("06:30", "08:00", f"Other{HOSTILE}"),
        ],
    }


def hostile_home(folder: Path, template: Path) -> Path:
    """A data directory with the demo schedules and the hostile channel and library."""
    home = folder / "home"
    home.mkdir()
    shutil.copy(template, home / "scheduleflow.db")
    source = folder / "hostile.json"
    source.write_text(json.dumps(_document()), encoding="utf-8")
    with Store.open(home / "scheduleflow.db") as store:
        import_file(store, source, actor=ACTOR)
    return home


@pytest.fixture
def home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Overrides the conftest's: the demo schedules plus the hostile text."""
    return hostile_home(tmp_path, _template(tmp_path_factory))


@pytest.fixture(autouse=True)
def _now_on_the_hostile_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first screen opens on now: make now the hostile programmes' hour, so that every
    pane shows them whatever the day the tests run."""
    now = datetime(2026, 12, 4, 6, 30, tzinfo=UTC)
    monkeypatch.setattr("tui.screens.main._now", lambda: now)


def _shown(app) -> str:  # type: ignore[no-untyped-def]
    """The text the screen on top sends to the terminal, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_literal(text: str) -> None:
    hidden = sorted({char for char in text if unicodedata.category(char) in _HIDDEN} - {"\n"})
    assert hidden == []


async def _started(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.screen_stack[1].checked)
    await pilot.pause()


async def _previewed(app, pilot, on_screen: list[str], in_preview: str) -> None:  # type: ignore[no-untyped-def]
    """Wait for the dialog's preview; the screen and the preview show stored text literally."""
    dialog = app.screen
    await wait_for(pilot, lambda: not dialog.query_one("#apply").disabled)
    shown = _shown(app)
    assert_literal(shown)
    assert all(text in shown for text in on_screen)
    preview = str(dialog.query_one("#preview").render())
    assert in_preview in preview
    assert_literal(preview)


async def test_the_panes_show_names_and_titles_escaped(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await _started(app, pilot)
        # the channel list's badges come with the first check's findings: wait for their frame
        # (one overlap; the two hostile locators are unplayable: they can reach no player)
        await wait_for(pilot, lambda: "│   1 ●1  ▲2  \\x1b]0;pwned" in _shown(app))
        shown = _shown(app)
        assert_literal(shown)
        assert "  1 \\x1b]0;pwne" in shown  # the timeline's lane name
        assert f"▏Other{MARKUP[0]}" in shown  # the timeline's bar
        assert f"Show{MARKUP}\\x1b]0;pwned" in shown  # the programme table
        await pilot.press("down", "up")  # choose the lane: its id titles the programmes
        await wait_for(pilot, lambda: f"Programmes · evil{MARKUP}" in _shown(app))
        assert_literal(_shown(app))
        tree = app.screen.query_one(FindingsTree)
        groups = [group for kind in tree.root.children for group in kind.children]
        leaves = [leaf.label.plain for group in groups for leaf in group.children]
        assert any(f"'Show{SHOWN}' runs into 'Other{SHOWN}'" in leaf for leaf in leaves)
        assert any(group.label.plain.startswith(f"evil{MARKUP}") for group in groups)
        assert_literal("".join(leaves) + "".join(group.label.plain for group in groups))
        overlap = next(f for f in tree.findings if f.kind == "overlap")
        tree.post_message(FindingsTree.DetailsRequested(overlap))  # what `d` posts
        await wait_for(pilot, lambda: isinstance(app.screen, Details))
        details = "\n".join(str(line.render()) for line in app.screen.query(".details-line"))
        assert f"'Show{SHOWN}'" in details and f"'Other{SHOWN}'" in details
        assert_literal(details)


async def test_jobs_notifications_and_the_log_pane_show_labels_escaped(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await _started(app, pilot)
        screen = app.screen
        screen.run_job("import", lambda store, job: None, f"import {HOSTILE}.json")
        await wait_for(pilot, lambda: any("done" in n.message for n in app._notifications))
        notes = [n.message for n in app._notifications if "done" in n.message]
        assert notes == [f"import {SHOWN}.json: done"]
        table = screen.query_one(JobsTable)
        labels = [str(table.get_row_at(row)[0]) for row in range(table.row_count)]
        assert f"import {SHOWN}.json" in labels
        screen.query_one("#activity", TabbedContent).active = "log-tab"
        await pilot.pause()
        logging.getLogger("scheduleflow.test").warning("read %s", HOSTILE)
        log = screen.query_one(LogPanel)
        # the log bus is the process's: other tests' lines may sit among this one's
        await wait_for(
            pilot, lambda: any(line.text.endswith(f"read {SHOWN}") for line in log.lines)
        )
        logged = [line.text for line in log.lines if "read" in line.text]
        assert_literal("".join(labels) + "".join(logged))


async def test_the_plan_dialog_lists_and_previews_hostile_groups_literally(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await _started(app, pilot)
        await pilot.press("P")  # a group named "[/]" crashed it (MarkupError)
        await wait_for(pilot, lambda: isinstance(app.screen, PlanDialog))
        dialog = app.screen
        dialog.query_one("#channel").value = "loop.example.org"
        dialog.query_one("#from").value = "2026-12-07T06:00Z"
        dialog.query_one("#to").value = "2026-12-07T07:00Z"
        dialog.query_one("#group").value = "[/]"
        dialog.query_one("#filler").value = GROUPS[1]
        await pilot.click("#preview-button")
        # the groups chosen, as they are named (after their fields' labels)
        await _previewed(
            app, pilot, ["Group      [/]  ", "Filler     [link=x]y[/link]"], f"Clip 0{SHOWN}"
        )


async def test_the_fix_dialog_shows_the_channel_and_the_changes_literally(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await _started(app, pilot)
        dialog = FixDialog(app.engine, "overlap", CHANNEL, GROUPS)
        await app.push_screen(dialog)
        # the scope choice names the channel
        await _previewed(app, pilot, [f"evil{MARKUP}\\u202e"], f"Show{SHOWN}")


async def test_export_edit_and_confirm_dialogs_show_stored_text_literally(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await _started(app, pilot)
        programme = next(iter(app.engine.store.programmes(CHANNEL)))
        dialogs = [
            (ExportDialog([CHANNEL], CHANNEL), None),
            (EditDialog("move", CHANNEL, programme), f"Move 'Show{SHOWN}' on evi"),
            (
                Confirm("Delete", f"Delete '{programme.title}'?"),
                f"Delete 'Show{MARKUP}\\x1b]0;pwned",
            ),
        ]
        for dialog, expected in dialogs:
            await app.push_screen(dialog)
            await pilot.pause()
            if isinstance(dialog, ExportDialog):
                dialog.query_one("#channel").value = CHANNEL
                await pilot.pause()
                expected = f"evil{MARKUP}\\u202e"
            shown = _shown(app)
            assert_literal(shown)
            assert expected in shown
            await app.pop_screen()


@pytest.fixture
def hostile_session(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    home = hostile_home(tmp_path, _template(tmp_path_factory))
    name = start_session(home)
    yield name, home
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_a_real_terminal_keeps_its_title_and_shows_the_escapes(
    hostile_session: tuple[str, Path],
) -> None:
    name, _ = hostile_session
    _wait(name, "101 Reel FAST")  # the lanes are drawn, the hostile one first
    assert "pwned" not in _tmux("display-message", "-p", "-t", name, "#{pane_title}")
    _wait(name, "  1 \\x1b]0;pwne")  # its name, as far as the lane shows it
    # nothing cleared the screen after the name was drawn: the lanes are all still there
    screen = _screen(name)
    for lane in ("  1 \\x1b]0;pwne", "  7 Harbourside", "101 Reel FAST"):
        assert lane in screen
