"""The channel list: number, name, programme count and finding badges; ``/`` filters."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from core.rules.findings import Finding
from core.store import ChannelSummary

__all__ = ["ChannelList"]


class ChannelList(OptionList):
    """Every channel; highlighting one opens it in the timeline and the table."""

    DEFAULT_CSS = """
    ChannelList { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="channels.down"),
        Binding("k", "cursor_up", "Up", show=False, id="channels.up"),
        Binding("g", "first", "Top", show=False, id="channels.top"),
        Binding("G", "last", "Bottom", show=False, id="channels.bottom"),
        Binding("slash", "filter", "Filter", id="channels.filter"),
    ]

    class Chosen(Message):
        """A channel was highlighted."""

        def __init__(self, channel: str) -> None:
            self.channel = channel
            super().__init__()

    class FilterRequested(Message):
        """The operator pressed ``/``."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.summaries: list[ChannelSummary] = []
        self.errors: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.filter_text = ""

    def set_channels(self, summaries: list[ChannelSummary]) -> None:
        """Show these channels (keeping the highlight when it is still there)."""
        self.summaries = summaries
        self._rebuild()

    def set_findings(self, findings: list[Finding]) -> None:
        """Badges: how many errors and warnings each channel has."""
        self.errors = Counter(f.channel for f in findings if f.severity == "error")
        self.warnings = Counter(f.channel for f in findings if f.severity == "warning")
        self._rebuild()

    def filter(self, text: str) -> None:
        """Only channels whose id, name or number contains ``text``."""
        self.filter_text = text.strip().casefold()
        self._rebuild()

    @property
    def visible(self) -> list[ChannelSummary]:
        """The channels the filter lets through, in order."""
        wanted = self.filter_text
        if not wanted:
            return self.summaries
        return [
            s
            for s in self.summaries
            if wanted in s.id.casefold()
            or wanted in s.name.casefold()
            or wanted in (s.number or "")
        ]

    def _rebuild(self) -> None:
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options = []
        for summary in self.visible:
            # numbers and badges first: a narrow pane cuts only the end of the name
            label = Text(overflow="ellipsis", no_wrap=True)
            label.append(f"{summary.number or '':>4} ", style="dim")
            errors, warnings = self.errors[summary.id], self.warnings[summary.id]
            label.append(f"●{errors:<3}" if errors else "    ", style="bold red")
            label.append(f"▲{warnings:<3}" if warnings else "    ", style="yellow")
            label.append(summary.name)
            label.append(f" · {summary.programmes:,}", style="dim")
            if not summary.declared:
                label.append(" (undeclared)", style="dim italic")
            options.append(Option(label, id=summary.id))
        self.clear_options()
        self.add_options(options)
        if highlighted is not None:
            for index, summary in enumerate(self.visible):
                if summary.id == highlighted:
                    self.highlighted = index
                    break
        elif options:
            self.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))

    def action_first(self) -> None:
        if self.option_count:
            self.highlighted = 0

    def action_last(self) -> None:
        if self.option_count:
            self.highlighted = self.option_count - 1

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())
