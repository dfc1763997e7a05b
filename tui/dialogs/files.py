"""The import dialog (path with completion, a preview before storing) and the export dialog."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Label, Static

from core.clock import span_text
from core.formats import FORMATS
from core.inspection import Inspection, inspect_file
from core.store import EXPORT_FORMATS
from core.timeargs import parse_instant
from core.words import count
from tui.dialogs.form import Choice, Dialog, PreviewDialog, buttons, field
from tui.literal import literal, literal_lines, literal_text, problem

if TYPE_CHECKING:
    from core.engine import Engine
    from tui.app import ScheduleFlowApp


def _engine(dialog: Dialog[Any]) -> Engine:
    """The session's engine (the app's): dialogs run their previews as its jobs."""
    return cast("ScheduleFlowApp", dialog.app).engine


__all__ = ["ExportDialog", "ExportRequest", "ImportDialog", "ImportRequest", "PathSuggester"]


class PathSuggester(Suggester):
    """Completes file and folder names as the operator types a path."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        expanded = os.path.expanduser(value)
        folder, _, prefix = expanded.rpartition("/")
        try:
            entries = sorted(os.listdir(folder or "."))
        except OSError:
            return None
        for entry in entries:
            if entry.startswith(prefix) and entry != prefix and not entry.startswith("."):
                suffix = "/" if os.path.isdir(os.path.join(folder or ".", entry)) else ""
                return value + entry[len(prefix) :] + suffix
        return None


@dataclass(frozen=True)
class ImportRequest:
    """What the operator chose to import."""

    path: Path
    format: str
    channel: str | None
    replace: bool


def _describe(result: Inspection) -> Content:
    lines = [
        f"{result.format}: {count(result.channels, 'channel')}, "
        f"{count(result.programmes, 'programme')}, {count(result.entries, 'library entry')}"
    ]
    if result.start and result.stop:
        lines.append(span_text(result.start, result.stop, None))  # no channel zone yet: UTC
    if result.warnings_total:
        lines.append(f"{count(result.warnings_total, 'warning')}, e.g.:")
        lines.extend(f"  {w}" for w in result.warnings[:5])
    return literal_lines(lines)


class ImportDialog(PreviewDialog[ImportRequest]):
    """Choose a file, see what it holds (``enter``), import it (``ctrl+s``).

    The preview is an ``inspect`` of the file, run as a job of the session (role, timeout,
    Jobs pane). ``ctrl+s`` before a preview works it out first, then imports.
    """

    FIELDS_OF = "import"
    BUTTONS: ClassVar[Mapping[str, str]] = {"import": "confirm", "inspect": "preview"}
    ENTER = "preview"  # enter in any field previews; ctrl+s imports

    def __init__(self, start: str = "") -> None:
        super().__init__()
        self.start = start
        self.inspected: Inspection | None = None
        self.import_when_ready = False

    def compose(self) -> ComposeResult:
        self.engine = _engine(self)
        with Vertical(classes="dialog wide"):
            yield Label("Import a playlist, guide or schedule", classes="dialog-title")
            yield field(
                "File",
                Input(
                    self.start,
                    placeholder="path to an .m3u, .xml(.gz) or .json file",
                    suggester=PathSuggester(),
                    id="path",
                ),
                wide=True,
            )
            with Horizontal(classes="dialog-row"):
                yield field(
                    "Format",
                    Choice(
                        [(f, f) for f in ("auto", *FORMATS)],
                        value="auto",
                        allow_blank=False,
                        id="format",
                    ),
                )
                yield field("Channel", Input(placeholder="id (optional)", id="channel"))
            yield field(
                "Replace", Checkbox("the range the file covers", id="replace", compact=True)
            )
            yield Static("Type a path and press enter to preview it.", id="preview")
            yield buttons(
                "enter preview · ctrl+s import · esc cancel",
                Button("Preview", id="inspect"),
                Button("Import", variant="primary", id="import", disabled=True),
                Button("Cancel", id="cancel"),
            )

    def on_mount(self) -> None:
        remembered = self.recall("import")
        self.set_choice("#format", remembered.get("format"))
        self.query_one("#path").focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "path":
            self.inspected = None
            self.query_one("#import", Button).disabled = True

    def on_select_changed(self) -> None:
        self.inspected = None  # another format reads the file differently
        self.query_one("#import", Button).disabled = True

    def action_preview(self) -> None:
        """Parse the file (without storing it) and show what it holds."""
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.show_problem("give the File to import")
            return
        self.query_one("#preview", Static).update(literal(f"reading {path} …"))
        chosen = Path(os.path.expanduser(path))
        format = self.query_one("#format", Choice).text
        self.start_preview(
            lambda _store: inspect_file(chosen, format),
            label=f"preview {chosen.name}",
            permission="inspect",
        )

    def show_result(self, result: Inspection) -> None:
        self.inspected = result
        self.query_one("#preview", Static).update(_describe(result))
        self.query_one("#import", Button).disabled = False
        if self.import_when_ready:
            self.action_confirm()

    def show_problem(self, message: str) -> None:
        self.inspected = None
        self.import_when_ready = False
        self.query_one("#preview", Static).update(problem(message, "cannot import: "))
        self.query_one("#import", Button).disabled = True

    def action_confirm(self) -> None:
        """Import what the preview showed; with no preview yet, preview and then import."""
        if self.inspected is None:
            self.import_when_ready = True
            self.action_preview()
            return
        channel = self.query_one("#channel", Input).value.strip() or None
        self.remember("import", {"format": self.query_one("#format", Choice).text})
        self.dismiss(
            ImportRequest(
                Path(os.path.expanduser(self.inspected.path)),
                self.inspected.format,
                channel,
                self.query_one("#replace", Checkbox).value,
            )
        )


@dataclass(frozen=True)
class ExportRequest:
    """What the operator chose to export."""

    format: str
    target: Path
    channel: str | None
    start: datetime | None
    stop: datetime | None
    force: bool
    filler: str | None = None


_TARGETS = {
    "xmltv": "guide.xml",
    "json": "schedule.json",
    "m3u": "lineup.m3u",
    "playlist": "playlist.m3u",
    "ffplayout": "playlists",
}
_LABELS = {"from": "From", "to": "To"}

_FILLED = ("playlist", "ffplayout")
"""The formats that play back to back, so fill their gaps from a Filler group."""


class ExportDialog(Dialog[ExportRequest]):
    """Format, channels, range, destination and (for playout) a filler group; ``enter`` or
    ``ctrl+s`` exports, asking before it overwrites a file. The format, channel and filler
    chosen last are offered again (kept for the next start too)."""

    BUTTONS: ClassVar[Mapping[str, str]] = {"export": "confirm"}

    def __init__(self, channels: list[str], channel: str | None = None) -> None:
        super().__init__()
        self.channels = channels
        self.channel = channel

    def compose(self) -> ComposeResult:
        groups = [name for name, _ in _engine(self).store.groups()]
        with Vertical(classes="dialog wide"):
            yield Label("Export", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield field(
                    "Format",
                    Choice(
                        [(f, f) for f in EXPORT_FORMATS],
                        value="xmltv",
                        allow_blank=False,
                        id="format",
                    ),
                )
                yield field(
                    "Channel",
                    Choice(
                        [("all channels", "*"), *[(literal_text(c), c) for c in self.channels]],
                        value="*",
                        allow_blank=False,
                        id="channel",
                    ),
                )
            with Horizontal(classes="dialog-row"):
                yield field("From", Input(placeholder="today, -2d, ISO time", id="from"))
                yield field("To", Input(placeholder="+7d (after From), ISO", id="to"))
            yield field(
                "File",
                Input(
                    "guide.xml",
                    placeholder="destination file (folder for ffplayout)",
                    suggester=PathSuggester(),
                    id="target",
                ),
                wide=True,
            )
            filler = field(
                "Filler",
                Choice(
                    [(literal_text(g), g) for g in groups],
                    prompt="none: gaps stay (playlist and ffplayout)",
                    id="filler",
                ),
                wide=True,
            )
            filler.id = "filler-field"
            filler.display = False
            yield filler
            yield Static("", id="problem")
            yield buttons(
                "enter/ctrl+s export · esc cancel",
                Button("Export", variant="primary", id="export"),
                Button("Cancel", id="cancel"),
            )

    def on_mount(self) -> None:
        remembered = self.recall("export")
        self.set_choice("#format", remembered.get("format"))
        self.set_choice("#channel", remembered.get("channel"))
        self.set_choice("#filler", remembered.get("filler"))
        self.query_one("#format").focus()

    def on_select_changed(self, event: Choice.Changed) -> None:
        if event.select.id == "format":
            target = self.query_one("#target", Input)
            target.value = _TARGETS.get(str(event.value), target.value)
            self.query_one("#filler-field").display = str(event.value) in _FILLED

    def action_confirm(self) -> None:
        try:
            start = self._instant("from")
            stop = self._instant("to", relative_to=start)
        except ValueError as error:
            self.query_one("#problem", Static).update(problem(str(error)))
            return
        target = Path(os.path.expanduser(self.query_one("#target", Input).value.strip()))
        format = self.query_one("#format", Choice).text
        channel = self.query_one("#channel", Choice).text
        filler = self.query_one("#filler", Choice).text if format in _FILLED else ""
        if format == "playlist" and channel == "*":
            self.query_one("#problem", Static).update(
                problem("a playlist plays one channel: choose it in Channel")
            )
            return
        self.remember("export", {"format": format, "channel": channel, "filler": filler})
        request = ExportRequest(
            format,
            target,
            None if channel == "*" else channel,
            start,
            stop,
            False,
            filler or None,
        )
        if target.is_file() or (target.is_dir() and any(target.iterdir())):
            from tui.dialogs.simple import Confirm

            def decided(overwrite: bool | None) -> None:
                if overwrite:
                    self.dismiss(replace(request, force=True))

            self.app.push_screen(
                Confirm(
                    "Overwrite?",
                    f"{target} exists. Replace {'its files' if target.is_dir() else 'it'}"
                    " with this export?",
                    "Overwrite",
                    "Keep it",
                ),
                decided,
            )
            return
        self.dismiss(request)

    def _instant(self, name: str, relative_to: datetime | None = None) -> datetime | None:
        text = self.query_one(f"#{name}", Input).value.strip()
        try:
            return parse_instant(text, relative_to=relative_to) if text else None
        except ValueError as error:
            raise ValueError(f"{_LABELS[name]}: {error}") from None
