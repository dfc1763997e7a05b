"""The import dialog (path with completion, a preview before storing) and the export dialog."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from core.formats import FORMATS
from core.inspection import Inspection, inspect_file
from core.store import EXPORT_FORMATS
from core.timeargs import parse_instant
from tui.literal import literal, literal_lines, literal_text, problem

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
        f"{result.format}: {result.channels} channels, {result.programmes} programmes, "
        f"{result.entries} library entries"
    ]
    if result.start and result.stop:
        lines.append(f"from {result.start:%a %d %b %Y %H:%M} to {result.stop:%a %d %b %Y %H:%M}")
    if result.warnings_total:
        lines.append(f"{result.warnings_total} warnings, e.g.:")
        lines.extend(f"  {w}" for w in result.warnings[:5])
    return literal_lines(lines)


class ImportDialog(ModalScreen[ImportRequest | None]):
    """Choose a file, see what it holds, import it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, start: str = "") -> None:
        super().__init__()
        self.start = start
        self.inspected: Inspection | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Import a playlist, guide or schedule", classes="dialog-title")
            yield Input(
                self.start,
                placeholder="path to an .m3u, .xml(.gz) or .json file",
                suggester=PathSuggester(),
                id="path",
            )
            with Horizontal(classes="dialog-row"):
                yield Select(
                    [(f, f) for f in ("auto", *FORMATS)],
                    value="auto",
                    allow_blank=False,
                    id="format",
                )
                yield Input(placeholder="channel id (optional)", id="channel")
                yield Checkbox("replace the range", id="replace")
            yield Static("Type a path and press enter to preview it.", id="preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Preview", id="inspect")
                yield Button("Import", variant="primary", id="import", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "path":
            self.preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "inspect":
            self.preview()
        elif event.button.id == "import":
            self._accept()
        else:
            self.dismiss(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "path":
            self.query_one("#import", Button).disabled = True

    def preview(self) -> None:
        """Parse the file (without storing it) and show what it holds."""
        path = self.query_one("#path", Input).value.strip()
        if not path:
            return
        self.query_one("#preview", Static).update(literal(f"reading {path} …"))
        self._inspect(Path(os.path.expanduser(path)), str(self.query_one("#format", Select).value))

    @work(thread=True, exclusive=True, exit_on_error=False, group="preview")
    def _inspect(self, path: Path, format: str) -> None:
        try:
            result = inspect_file(path, format)
        except Exception as error:  # shown to the operator, never a traceback
            self.app.call_from_thread(self._show_problem, str(error))
            return
        self.app.call_from_thread(self._show, result)

    def _show(self, result: Inspection) -> None:
        self.inspected = result
        self.query_one("#preview", Static).update(_describe(result))
        self.query_one("#import", Button).disabled = False

    def _show_problem(self, message: str) -> None:
        self.inspected = None
        self.query_one("#preview", Static).update(problem(message, "cannot import: "))
        self.query_one("#import", Button).disabled = True

    def _accept(self) -> None:
        if self.inspected is None:
            return
        channel = self.query_one("#channel", Input).value.strip() or None
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


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Format, channels, range and destination; asks before overwriting."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, channels: list[str], channel: str | None = None) -> None:
        super().__init__()
        self.channels = channels
        self.channel = channel

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Export", classes="dialog-title")
            with Horizontal(classes="dialog-row"):
                yield Select(
                    [(f, f) for f in EXPORT_FORMATS], value="xmltv", allow_blank=False, id="format"
                )
                yield Select(
                    [("all channels", "*"), *[(literal_text(c), c) for c in self.channels]],
                    value="*",
                    allow_blank=False,
                    id="channel",
                )
            with Horizontal(classes="dialog-row"):
                yield Input(placeholder="from (ISO time, today, -2d…)", id="from")
                yield Input(placeholder="to (ISO time, +7d…)", id="to")
            yield Input(
                "guide.xml",
                placeholder="destination file (folder for ffplayout)",
                suggester=PathSuggester(),
                id="target",
            )
            yield Static("", id="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "format":
            target = self.query_one("#target", Input)
            extension = {
                "xmltv": "guide.xml",
                "json": "schedule.json",
                "m3u": "lineup.m3u",
                "ffplayout": "playlists",
            }.get(str(event.value), target.value)
            target.value = extension

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self._accept()
        else:
            self.dismiss(None)

    def on_input_submitted(self) -> None:
        self._accept()

    def _accept(self) -> None:
        try:
            start = self._instant("from")
            stop = self._instant("to", relative_to=start)
        except ValueError as error:
            self.query_one("#problem", Static).update(problem(str(error)))
            return
        target = Path(os.path.expanduser(self.query_one("#target", Input).value.strip()))
        channel = str(self.query_one("#channel", Select).value)
        request = ExportRequest(
            str(self.query_one("#format", Select).value),
            target,
            None if channel == "*" else channel,
            start,
            stop,
            False,
        )
        if target.exists() and target.is_file():
            from tui.dialogs.simple import Confirm

            def decided(overwrite: bool | None) -> None:
                if overwrite:
                    self.dismiss(
                        ExportRequest(
                            request.format,
                            request.target,
                            request.channel,
                            request.start,
                            request.stop,
                            True,
                        )
                    )

            self.app.push_screen(
                Confirm(
                    "Overwrite?",
                    f"{target} exists. Replace it with this export?",
                    "Overwrite",
                    "Keep it",
                ),
                decided,
            )
            return
        self.dismiss(request)

    def _instant(self, name: str, relative_to: datetime | None = None) -> datetime | None:
        text = self.query_one(f"#{name}", Input).value.strip()
        return parse_instant(text, relative_to=relative_to) if text else None
