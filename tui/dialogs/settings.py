"""Settings: a channel's rule settings (admins) and the theme."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from core.config import check_rule_setting
from core.store.store import ChannelFacts
from tui.dialogs.form import Choice, Dialog, buttons, field
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


class SettingsDialog(Dialog[SettingsResult]):
    """Rule settings of the chosen channel, and the theme; ``ctrl+s`` (or ``enter`` in any
    field) saves, ``esc`` cancels."""

    BUTTONS: ClassVar[Mapping[str, str]] = {"save": "confirm"}

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
            yield field(
                "Theme",
                Choice(
                    [(literal_text(t), t) for t in self.themes],  # user theme files name themes
                    value=self.theme_name,
                    allow_blank=False,
                    id="theme",
                ),
            )
            if facts is not None:
                locked = not self.may_edit_rules
                yield Static(
                    literal(f"Rules on {facts.id} (empty: the config file's default)"),
                    classes="field-note",
                )
                yield field(
                    "Cooldown",
                    Input(
                        "" if facts.cooldown_hours is None else f"{facts.cooldown_hours:g}",
                        placeholder="hours (48)",
                        id="cooldown",
                        disabled=locked,
                    ),
                )
                yield field(
                    "Scope",
                    Choice(
                        [("channel", "channel"), ("network", "network")],
                        value=facts.cooldown_scope or Choice.NULL,
                        prompt="(default)",
                        id="scope",
                        disabled=locked,
                    ),
                )
                yield field(
                    "Gaps under",
                    Input(
                        ""
                        if facts.gap_tolerance_seconds is None
                        else f"{facts.gap_tolerance_seconds:g}",
                        placeholder="seconds are not reported (0)",
                        id="tolerance",
                        disabled=locked,
                    ),
                )
                yield field(
                    "Videos in",
                    Input(
                        self.storage_root or "",
                        placeholder="folder of relative video paths (config default)",
                        id="storage",
                        disabled=locked,
                    ),
                )
                if locked:
                    yield Static("[dim]Only an admin may change rule settings.[/]")
            yield Static("", id="problem")
            yield buttons(
                "enter/ctrl+s save · esc cancel",
                Button("Save", variant="primary", id="save"),
                Button("Cancel", id="cancel"),
            )

    def action_confirm(self) -> None:
        try:
            self.dismiss(self._result())
        except ValueError as error:
            self.query_one("#problem", Static).update(problem(str(error)))

    def _number(self, name: str, setting: str, label: str) -> float | None:
        """The field's number, in the range the config file accepts for ``setting``; an
        error names the field (``label``), not the config file's key."""
        text = self.query_one(f"#{name}", Input).value.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{label}: numbers only, please") from None
        try:
            return check_rule_setting(setting, value)
        except ValueError as error:
            raise ValueError(f"{label}: {str(error).replace(setting + ' ', '', 1)}") from None

    def _folder(self) -> str | None:
        text = self.query_one("#storage", Input).value.strip()
        if text and not text.startswith("/"):
            raise ValueError("Videos in: the storage root is a folder from /")
        return text or None

    def _result(self) -> SettingsResult:
        theme = self.query_one("#theme", Choice).text
        if self.facts is None or not self.may_edit_rules:
            return SettingsResult(None, None, None, None, theme)
        scope = self.query_one("#scope", Choice).text
        return SettingsResult(
            self.facts.id,
            self._number("cooldown", "cooldown_hours", "Cooldown"),
            scope or None,
            self._number("tolerance", "gap_tolerance_seconds", "Gaps under"),
            theme,
            self._folder(),
        )
