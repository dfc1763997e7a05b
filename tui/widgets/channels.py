"""The channel list: number, name, programme count and finding badges; ``/`` filters.

One line per channel, drawn only where it shows: with a thousand channels, an option list
(which measures every option to lay them out) made the list the slowest part of the first
screen, and again after every check, when the badges change.
"""

from __future__ import annotations

from collections import Counter

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from core.rules.findings import Finding
from core.store import ChannelSummary
from core.visible import visible

__all__ = ["ChannelList"]

_PAGE = 10  # rows the page keys move when the pane has no height yet


class ChannelList(Widget, can_focus=True):
    """Every channel; highlighting one opens it in the timeline and the table."""

    HELP_TITLE = "Channels"  # how help and the palette name this pane

    DEFAULT_CSS = """
    ChannelList { background: $surface; }
    ChannelList > .channels--row { color: $text; }
    ChannelList > .channels--muted { color: $text-muted; }
    ChannelList > .channels--errors { color: $error; text-style: bold; }
    ChannelList > .channels--warnings { color: $warning; }
    ChannelList > .channels--cursor { background: $accent; color: $background; }
    ChannelList > .channels--cursor-blurred { background: $panel; color: $text; }
    """

    COMPONENT_CLASSES = {
        "channels--row",
        "channels--muted",
        "channels--errors",
        "channels--warnings",
        "channels--cursor",
        "channels--cursor-blurred",
    }

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="channels.down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="channels.up"),
        Binding("pagedown,ctrl+d", "page(1)", "Page down", show=False, id="channels.page_down"),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", show=False, id="channels.page_up"),
        Binding("g,home", "first", "Top", show=False, id="channels.top"),
        Binding("G,end", "last", "Bottom", show=False, id="channels.bottom"),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="channels.filter",
            tooltip="only channels whose id, name or number has a text",
        ),
    ]

    class Chosen(Message):
        """A channel was highlighted."""

        def __init__(self, channel: str) -> None:
            self.channel = channel
            super().__init__()

    class FilterRequested(Message):
        """The operator pressed ``/``."""

    highlighted: reactive[int | None] = reactive(None)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.summaries: list[ChannelSummary] = []
        self.listed: list[ChannelSummary] = []  # the channels the filter lets through, in order
        self.errors: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.filter_text = ""
        self.top = 0

    # -- data -----------------------------------------------------------------------------
    def set_channels(self, summaries: list[ChannelSummary], chosen: str | None = None) -> None:
        """Show these channels, highlighting ``chosen`` (else keeping the highlight when it
        is still there)."""
        self.summaries = summaries
        self._select(chosen)

    def set_findings(self, findings: list[Finding]) -> None:
        """Badges: how many errors and warnings each channel has."""
        self.errors = Counter(f.channel for f in findings if f.severity == "error")
        self.warnings = Counter(f.channel for f in findings if f.severity == "warning")
        self.refresh()

    def filter(self, text: str) -> None:
        """Only channels whose id, name or number contains ``text``."""
        self.filter_text = text.strip().casefold()
        self._select()

    @property
    def option_count(self) -> int:
        """How many channels the list shows."""
        return len(self.listed)

    @property
    def channel(self) -> str | None:
        """The highlighted channel's id."""
        index = self.highlighted
        return self.listed[index].id if index is not None else None

    def _select(self, chosen: str | None = None) -> None:
        """Apply the filter, highlighting ``chosen`` or keeping the highlighted channel when
        it is still listed."""
        kept = chosen or self.channel
        wanted = self.filter_text
        self.listed = [
            s
            for s in self.summaries
            if not wanted
            or wanted in s.id.casefold()
            or wanted in s.name.casefold()
            or wanted in (s.number or "")
        ]
        ids = [s.id for s in self.listed]
        index = ids.index(kept) if kept in ids else (0 if ids else None)
        self.set_reactive(ChannelList.highlighted, None)  # announce the channel again
        self.highlighted = index
        self.refresh()

    def choose(self, channel: str) -> None:
        """Highlight ``channel`` (when the filter lists it), as if the operator had."""
        ids = [s.id for s in self.listed]
        if channel in ids:
            self.highlighted = ids.index(channel)

    # -- keys and mouse -------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        if self.listed:
            current = self.highlighted if self.highlighted is not None else -step
            self.highlighted = max(0, min(len(self.listed) - 1, current + step))

    def action_page(self, direction: int) -> None:
        height = self.size.height
        self.action_move(direction * (height - 1 if height > 1 else _PAGE))

    def action_first(self) -> None:
        if self.listed:
            self.highlighted = 0

    def action_last(self) -> None:
        if self.listed:
            self.highlighted = len(self.listed) - 1

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # None on the border
        if offset is not None and 0 <= self._first_shown() + offset.y < len(self.listed):
            self.highlighted = self._first_shown() + offset.y

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._wheel_to(self.top + 3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._wheel_to(self.top - 3)

    def _wheel_to(self, top: int) -> None:
        """The wheel moves the first row shown (not ``Widget._scroll_to``: Textual calls
        that one itself, with its own arguments)."""
        self.top = max(0, min(top, len(self.listed) - self.size.height))
        self.refresh()

    def watch_highlighted(self, index: int | None) -> None:
        if index is None:
            return
        self._keep_in_view()
        self.post_message(self.Chosen(self.listed[index].id))
        self.refresh()

    def on_resize(self) -> None:
        self._keep_in_view()

    def _keep_in_view(self) -> None:
        """The cursor's row on screen, and no empty rows below the last channel while rows
        above are hidden (a cursor placed before the first layout, at height 0, scrolled
        the list by one for good)."""
        index = self.highlighted
        if index is None:
            return
        height = max(self.size.height, 1)
        if index < self.top:
            self.top = index
        elif index >= self.top + height:
            self.top = index - height + 1
        self.top = self._first_shown()

    def _first_shown(self) -> int:
        """The first row on screen: ``top``, but never with empty rows below the last channel
        while channels above it are hidden — a cursor placed while the pane had no size (its
        tab hidden) may have scrolled ``top`` before any resize could put it back."""
        return max(0, min(self.top, len(self.listed) - self.size.height))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self._first_shown() + y
        if index >= len(self.listed):
            return Strip.blank(width, self.get_component_rich_style("channels--row"))
        summary = self.listed[index]
        if index == self.highlighted:
            cursor = "channels--cursor" if self.has_focus else "channels--cursor-blurred"
            base = self.get_component_rich_style(cursor)
            muted = errors_style = warnings_style = base
        else:
            base = self.get_component_rich_style("channels--row")
            muted = self.get_component_rich_style("channels--muted")
            errors_style = self.get_component_rich_style("channels--errors")
            warnings_style = self.get_component_rich_style("channels--warnings")
        errors, warnings = self.errors[summary.id], self.warnings[summary.id]
        # numbers and badges first: a narrow pane cuts only the end of the name
        segments = [
            Segment(f"{visible(summary.number or ''):>4} ", muted),
            Segment(f"●{errors:<3}" if errors else "    ", errors_style),
            Segment(f"▲{warnings:<3}" if warnings else "    ", warnings_style),
        ]
        tail = [(visible(summary.name), base), (f" · {summary.programmes:,}", muted)]
        if not summary.declared:
            tail.append((" (undeclared)", muted + Style(italic=True)))
        segments += _fit(tail, width - sum(cell_len(s.text) for s in segments))
        return Strip(segments).adjust_cell_length(width, base)


def _fit(parts: list[tuple[str, Style]], room: int) -> list[Segment]:
    """The parts as segments, cut with an ellipsis where they would pass ``room`` cells."""
    segments: list[Segment] = []
    for text, style in parts:
        if room <= 0:
            break
        size = cell_len(text)
        if size > room:
            segments.append(Segment(set_cell_size(text, room - 1) + "…", style))
            break
        segments.append(Segment(text, style))
        room -= size
    return segments
