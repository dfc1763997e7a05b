"""The timeline: one lane per channel over a window of time, drawn only where it shows.

Each lane asks the store for the programmes of its channel inside the window — only the
lanes on screen, and only the window — so panning a day costs the same at any date in a
600,000-programme schedule. Blocks are coloured by category; overlaps, dead air (hatched),
cooldown repeats and the current time (the now-line) are drawn on top.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.models import Programme
from core.rules.findings import Finding
from core.store import ChannelSummary, Store
from core.visible import visible

__all__ = ["ZOOMS", "Timeline"]

ZOOMS: tuple[tuple[str, timedelta], ...] = (
    ("1 h", timedelta(hours=1)),
    ("3 h", timedelta(hours=3)),
    ("6 h", timedelta(hours=6)),
    ("24 h", timedelta(hours=24)),
    ("7 d", timedelta(days=7)),
)
_PALETTE = ("#2F4B7C", "#665191", "#A05195", "#D45087", "#2A7F62", "#8A6D1F", "#1F6F8B", "#5B5F97")
_AXIS = 2  # rows above the lanes
_NAMES = 16  # columns of channel names


@dataclass(frozen=True)
class _Lane:
    key: tuple[str, datetime, datetime]
    programmes: list[Programme]


def _colour(category: str) -> str:
    return _PALETTE[zlib.crc32(category.encode()) % len(_PALETTE)]


class Timeline(ScrollView, can_focus=True):
    """Lanes of programme blocks over a time window."""

    BINDINGS = [
        Binding("h,left", "pan(-1)", "Earlier", id="timeline.earlier"),
        Binding("l,right", "pan(1)", "Later", id="timeline.later"),
        Binding("plus,equals_sign", "zoom(-1)", "Zoom in", id="timeline.zoom_in"),
        Binding("minus", "zoom(1)", "Zoom out", id="timeline.zoom_out"),
        Binding("j,down", "lane(1)", "Next channel", show=False, id="timeline.next"),
        Binding("k,up", "lane(-1)", "Previous channel", show=False, id="timeline.previous"),
        Binding("n", "now", "Now", id="timeline.now"),
        Binding("t", "goto", "Go to…", id="timeline.goto"),
    ]

    class ChannelChosen(Message):
        """The cursor moved to another lane."""

        def __init__(self, channel: str) -> None:
            self.channel = channel
            super().__init__()

    class TimeChosen(Message):
        """The window moved: the programmes table follows its start."""

        def __init__(self, channel: str, moment: datetime) -> None:
            self.channel = channel
            self.moment = moment
            super().__init__()

    class GotoRequested(Message):
        """The operator asked to type a date and time."""

    start: reactive[datetime] = reactive(datetime(2026, 1, 1, tzinfo=UTC))
    zoom: reactive[int] = reactive(3)
    lane: reactive[int] = reactive(0)

    def __init__(self, store: Store, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.store = store
        self.channels: list[ChannelSummary] = []
        self._cache: dict[str, _Lane] = {}
        self.problems: dict[int, str] = {}
        self.gaps: dict[str, list[tuple[datetime, datetime]]] = {}
        self.queries = 0  # lanes fetched from the store (the bench reads this)

    # -- data -----------------------------------------------------------------------------
    def set_channels(self, channels: list[ChannelSummary]) -> None:
        """The lanes to show, in order."""
        self.channels = channels
        self._cache.clear()
        self.lane = min(self.lane, max(len(channels) - 1, 0))
        self.virtual_size = Size(0, len(channels) + _AXIS)
        self.refresh()

    def set_findings(self, findings: list[Finding]) -> None:
        """Mark overlaps, repeats and dead air from the latest check."""
        problems: dict[int, str] = {}
        gaps: dict[str, list[tuple[datetime, datetime]]] = {}
        for finding in findings:
            if finding.kind in ("overlap", "cooldown"):
                for identifier in finding.programmes:
                    problems[identifier] = finding.kind
            elif finding.kind == "gap":
                gaps.setdefault(finding.channel, []).append((finding.start, finding.stop))
        self.problems, self.gaps = problems, gaps
        self.refresh()

    def forget(self, channel: str | None = None) -> None:
        """Drop cached lanes after a change (one channel, or all)."""
        if channel is None:
            self._cache.clear()
        else:
            self._cache.pop(channel, None)
        self.refresh()

    @property
    def span(self) -> timedelta:
        """The width of the window in time."""
        return ZOOMS[self.zoom][1]

    @property
    def stop(self) -> datetime:
        """The end of the window."""
        return self.start + self.span

    @property
    def channel(self) -> str | None:
        """The channel of the cursor's lane."""
        return self.channels[self.lane].id if self.channels else None

    def _programmes(self, channel: str) -> list[Programme]:
        key = (channel, self.start, self.stop)
        lane = self._cache.get(channel)
        if lane is None or lane.key != key:
            self.queries += 1
            lane = _Lane(key, list(self.store.programmes(channel, self.start, self.stop)))
            self._cache[channel] = lane
        return lane.programmes

    # -- actions --------------------------------------------------------------------------
    def action_pan(self, direction: int) -> None:
        self.start = self.start + direction * self.span / 4

    def action_zoom(self, step: int) -> None:
        middle = self.start + self.span / 2
        self.zoom = max(0, min(len(ZOOMS) - 1, self.zoom + step))
        self.start = middle - self.span / 2

    def action_lane(self, step: int) -> None:
        if self.channels:
            self.lane = max(0, min(len(self.channels) - 1, self.lane + step))

    def action_now(self) -> None:
        self.show(datetime.now(UTC))

    def action_goto(self) -> None:
        self.post_message(self.GotoRequested())

    def show(self, moment: datetime, channel: str | None = None) -> None:
        """Move the window so that ``moment`` is a quarter in, and the cursor to ``channel``."""
        if channel is not None:
            for index, summary in enumerate(self.channels):
                if summary.id == channel:
                    self.lane = index
                    break
        self.start = _floor(moment - self.span / 4, self.span)

    def watch_start(self) -> None:
        self.refresh()
        if self.channel is not None:
            self.post_message(self.TimeChosen(self.channel, self.start))

    def watch_zoom(self) -> None:
        self.refresh()

    def watch_lane(self, lane: int) -> None:
        if self.channel is not None:
            self.post_message(self.ChannelChosen(self.channel))
        top, height = self.scroll_y, max(self.size.height - _AXIS, 1)
        if lane < top:
            self.scroll_to(y=lane, animate=False)
        elif lane >= top + height:
            self.scroll_to(y=lane - height + 1, animate=False)
        self.refresh()

    # -- drawing --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        # blanks styled: a style-less one breaks Textual's NO_COLOR filter
        if width <= _NAMES + 4:
            return Strip.blank(width, self._style("timeline--empty"))
        if y < _AXIS:
            return self._axis(y, width)
        index = int(self.scroll_y) + y - _AXIS
        if index >= len(self.channels):
            return Strip.blank(width, self._style("timeline--empty"))
        return self._lane(index, width)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _axis(self, y: int, width: int) -> Strip:
        columns = width - _NAMES
        step = self.span / columns
        label = ZOOMS[self.zoom][0]
        if y == 0:
            title = f" {self.start:%a %d %b %Y %H:%M} UTC · {label}"
            return Strip([Segment(title.ljust(width)[:width], self._style("timeline--axis"))])
        marks = [" "] * columns
        # a label on every round interval that leaves room for the labels
        for interval in (900, 1800, 3600, 7200, 10800, 21600, 43200, 86400):
            if columns * interval / self.span.total_seconds() >= 8:
                break
        first = int(self.start.timestamp()) // interval * interval + interval
        seconds = first
        while seconds < self.stop.timestamp():
            column = int((seconds - self.start.timestamp()) / step.total_seconds())
            moment = datetime.fromtimestamp(seconds, UTC)
            text = f"{moment:%H:%M}" if interval < 86400 else f"{moment:%a %d}"
            if column + len(text) < columns:
                marks[column : column + len(text)] = list(text)
            seconds += interval
        line = " " * _NAMES + "".join(marks)
        return Strip([Segment(line[:width], self._style("timeline--axis"))])

    def _lane(self, index: int, width: int) -> Strip:
        summary = self.channels[index]
        selected = index == self.lane and self.has_focus
        name_style = self._style("timeline--cursor" if index == self.lane else "timeline--name")
        name = visible((summary.number or "").rjust(3) + " " + summary.name)
        segments = [Segment(name[: _NAMES - 1].ljust(_NAMES), name_style)]
        columns = width - _NAMES
        step = self.span.total_seconds() / columns
        cells: list[tuple[str, Style]] = [("·", self._style("timeline--empty"))] * columns
        hatch = self._style("timeline--gap")
        for begin, end in self.gaps.get(summary.id, ()):
            first = int((begin - self.start).total_seconds() / step)
            last = int((end - self.start).total_seconds() / step)
            for column in range(max(first, 0), min(last + 1, columns)):
                cells[column] = ("░", hatch)
        covered = [0] * columns
        for programme in self._programmes(summary.id):
            stop = programme.stop or programme.start
            first = max(int((programme.start - self.start).total_seconds() / step), 0)
            last = min(int((stop - self.start).total_seconds() / step), columns)
            if last <= first:
                last = min(first + 1, columns)
            kind = self.problems.get(programme.id or -1)
            category = programme.categories[0].value if programme.categories else ""
            base = Style(bgcolor=_colour(category), color="#F2F2F2")
            if kind == "cooldown":
                base += Style(underline=True, bold=True)
            label = "▏" + visible(programme.title)
            for offset, column in enumerate(range(first, last)):
                covered[column] += 1
                char = label[offset] if offset < len(label) else " "
                cells[column] = (char, base)
        error = self._style("timeline--overlap")
        for column, count in enumerate(covered):
            if count > 1:
                cells[column] = (cells[column][0], error)
        now = (datetime.now(UTC) - self.start).total_seconds() / step
        if 0 <= now < columns:
            cells[int(now)] = ("│", self._style("timeline--now"))
        if selected:
            segments[0] = Segment(segments[0].text, name_style + Style(reverse=True))
        segments.extend(Segment(char, style) for char, style in cells)
        return Strip(segments).simplify()

    DEFAULT_CSS = """
    Timeline { background: $surface; }
    Timeline > .timeline--axis { color: $text-muted; }
    Timeline > .timeline--name { color: $text; }
    Timeline > .timeline--cursor { color: $accent; text-style: bold; }
    Timeline > .timeline--empty { color: $text-disabled; }
    Timeline > .timeline--gap { color: $warning; }
    Timeline > .timeline--overlap { background: $error; color: $text; text-style: bold; }
    Timeline > .timeline--now { color: $accent; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "timeline--axis",
        "timeline--name",
        "timeline--cursor",
        "timeline--empty",
        "timeline--gap",
        "timeline--overlap",
        "timeline--now",
    }


def _floor(moment: datetime, span: timedelta) -> datetime:
    step = 900 if span <= timedelta(hours=6) else 3600
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % step, UTC)
