"""Settings: a channel's rule settings (admins) and the theme."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from core.config import check_rule_setting
from core.store.store import ChannelFacts
from tui.literal import literal, literal_text, problem

__all__ = ["SettingsDialog", "SettingsResult"]


@dataclass(frozen=True)
class SettingsResult:
    """What to save; ``None`` values mean "the config default"."""

    channel: str | None
    cooldown_hours: float | None
    cooldown_scope: str | None
    gap_tolerance_seconds: float | None
    theme: str
    storage_root: str | None = None


class SettingsDialog(ModalScreen[SettingsResult | None]):
    """Rule settings of the chosen channel, and the theme."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(
        self,
        facts: ChannelFacts | None,
        themes: list[str],
        theme: str,
        may_edit_rules: bool,
        storage_root: str | None = None,
    ) -> None:
        super().__init__()
        self.facts = facts
        self.storage_root = storage_root
        self.themes = themes
        self.theme_name = theme
        self.may_edit_rules = may_edit_rules

    def compose(self) -> ComposeResult:
        facts = self.facts
        with Vertical(classes="dialog"):
            yield Label("Settings", classes="dialog-title")
            yield Select(
                [(literal_text(t), t) for t in self.themes],  # user theme files name themes
                value=self.theme_name,
                allow_blank=False,
                id="theme",
            )
            if facts is not None:
                yield Static(literal(f"Rules on {facts.id} (empty: the config file's default)"))
                yield Input(
                    "" if facts.cooldown_hours is None else f"{facts.cooldown_hours:g}",
                    placeholder="cooldown hours (48)",
                    id="cooldown",
                    disabled=not self.may_edit_rules,
                )
                yield Select(
                    [("channel", "channel"), ("network", "network")],
                    value=facts.cooldown_scope or Select.NULL,
                    prompt="scope (default)",
                    id="scope",
                    disabled=not self.may_edit_rules,
                )
                yield Input(
                    ""
                    if facts.gap_tolerance_seconds is None
                    else f"{facts.gap_tolerance_seconds:g}",
                    placeholder="gap tolerance seconds (0)",
                    id="tolerance",
                    disabled=not self.may_edit_rules,
                )
                yield Input(
                    self.storage_root or "",
                    placeholder="storage root of relative video paths (config default)",
                    id="storage",
                    disabled=not self.may_edit_rules,
                )
                if not self.may_edit_rules:
                    yield Static("[dim]Only an admin may change rule settings.[/]")
            yield Static("", id="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "save":
            self.dismiss(None)
            return
        try:
            self.dismiss(self._result())
        except ValueError as error:
            self.query_one("#problem", Static).update(problem(str(error)))

    def _number(self, name: str, setting: str) -> float | None:
        """The field's number, in the range the config file accepts for ``setting``."""
        text = self.query_one(f"#{name}", Input).value.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValueError("numbers only, please") from None
        return check_rule_setting(setting, value)

    def _folder(self) -> str | None:
        text = self.query_one("#storage", Input).value.strip()
        if text and not text.startswith("/"):
            raise ValueError("the storage root is a folder from /")
        return text or None

    def _result(self) -> SettingsResult:
        theme = str(self.query_one("#theme", Select).value)
        if self.facts is None or not self.may_edit_rules:
            return SettingsResult(None, None, None, None, theme)
        scope = self.query_one("#scope", Select).value
        return SettingsResult(
            self.facts.id,
            self._number("cooldown", "cooldown_hours"),
            None if scope is Select.NULL else str(scope),
            self._number("tolerance", "gap_tolerance_seconds"),
            theme,
            self._folder(),
        )
