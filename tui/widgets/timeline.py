"""The timeline: one lane per channel over a window of time, drawn only where it shows.

Each lane asks the store for the programmes of its channel inside the window — only the
lanes on screen, and only the window — so panning a day costs the same at any date in a
600,000-programme schedule. Blocks are coloured by category; overlaps, dead air (hatched),
cooldown repeats and the current time (the now-line) are drawn on top.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.clock import moment_text
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
"""Block colours when the theme gives none (a theme without the variables below)."""
_THEMED = (
    "primary-darken-2",
    "secondary-darken-2",
    "success-darken-2",
    "accent-darken-3",
    "primary-darken-3",
    "secondary-darken-3",
    "success-darken-3",
    "panel-lighten-1",
)
"""The theme's variables the blocks are coloured with: eight categories' colours that follow
the theme (light, dark, high contrast), none of them its error or warning colour, which the
overlaps and dead air drawn on top use."""
_AXIS = 2  # rows above the lanes
_NAMES = 16  # columns of channel names


@dataclass(frozen=True)
class _Lane:
    key: tuple[str, datetime, datetime]
    programmes: list[Programme]


def _colour(category: str, palette: tuple[Style, ...]) -> Style:
    return palette[zlib.crc32(category.encode()) % len(palette)]


def _palette(variables: dict[str, str]) -> tuple[Style, ...]:
    """Block styles from the theme's variables, each with the text colour that reads on it."""
    styles = []
    for name, fallback in zip(_THEMED, _PALETTE, strict=True):
        try:
            colour = Color.parse(variables.get(name, fallback))
        except ColorParseError:
            colour = Color.parse(fallback)
        text = colour.get_contrast_text(0.9)
        styles.append(Style(bgcolor=colour.rich_color, color=text.rich_color))
    return tuple(styles)


class Timeline(ScrollView, can_focus=True):
    """Lanes of programme blocks over a time window."""

    HELP_TITLE = "Timeline"  # how help and the palette name this pane

    BINDINGS = [
        Binding("h,left", "pan(-1)", "Earlier", id="timeline.earlier"),
        Binding("l,right", "pan(1)", "Later", id="timeline.later"),
        Binding(
            "plus,equals_sign",
            "zoom(-1)",
            "Zoom in",
            id="timeline.zoom_in",
            tooltip="show less time",
        ),
        Binding("minus", "zoom(1)", "Zoom out", id="timeline.zoom_out", tooltip="show more time"),
        Binding("j,down", "lane(1)", "Next channel", show=False, id="timeline.next"),
        Binding("k,up", "lane(-1)", "Previous channel", show=False, id="timeline.previous"),
        Binding(
            "n",
            "now",
            "Now",
            id="timeline.now",
            tooltip="the current time; zooming keeps it in view",
        ),
        Binding(
            "t",
            "goto",
            "Go to…",
            id="timeline.goto",
            tooltip="a date and time: ISO 8601, now, +6h…",
        ),
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
        self.zone_of: Callable[[str | None], tzinfo | None] = lambda channel: None
        """The zone the screen reads a channel's times in (``None``: UTC)."""
        self.on_now = False  # after ``n``: zooming keeps now in view, not the middle
        self._palette: tuple[str, tuple[Style, ...]] | None = None

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
        self.on_now = False
        self.start = self.start + direction * self.span / 4

    def action_zoom(self, step: int) -> None:
        """Zoom about the middle of the window, or about now after ``n`` (until a pan or a
        jump elsewhere): the operator who pressed ``n`` wants now kept in view."""
        middle = self.start + self.span / 2
        self.zoom = max(0, min(len(ZOOMS) - 1, self.zoom + step))
        if self.on_now:
            self.start = self._placed(datetime.now(UTC))
        else:
            self.start = middle - self.span / 2

    def action_lane(self, step: int) -> None:
        if self.channels:
            self.lane = max(0, min(len(self.channels) - 1, self.lane + step))

    def action_now(self) -> None:
        self.show(datetime.now(UTC))
        self.on_now = True

    def action_goto(self) -> None:
        self.post_message(self.GotoRequested())

    def show(self, moment: datetime, channel: str | None = None) -> None:
        """Move the window so that ``moment`` is a quarter in, and the cursor to ``channel``."""
        if channel is not None:
            for index, summary in enumerate(self.channels):
                if summary.id == channel:
                    self.lane = index
                    break
        self.on_now = False
        self.start = self._placed(moment)

    @property
    def zone(self) -> tzinfo:
        """The zone the axis reads in: the screen's, for the cursor's channel."""
        return self.zone_of(self.channel) or UTC

    def _placed(self, moment: datetime) -> datetime:
        """The window's start that puts ``moment`` a quarter in, on a round time."""
        return _floor(moment - self.span / 4, self.span, self.zone)

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
        zone = self.zone
        if y == 0:
            title = f" {moment_text(self.start, zone)} · {label}"
            return Strip([Segment(title.ljust(width)[:width], self._style("timeline--axis"))])
        marks = [" "] * columns
        # a label on every round interval that leaves room for the labels
        for interval in (900, 1800, 3600, 7200, 10800, 21600, 43200, 86400):
            if columns * interval / self.span.total_seconds() >= 8:
                break
        # round in the zone's wall-clock time: 06:00 CET, not 06:00 UTC shown as 07:00
        shift = int((self.start.astimezone(zone).utcoffset() or timedelta()).total_seconds())
        local = int(self.start.timestamp()) + shift
        seconds = local // interval * interval + interval - shift
        while seconds < self.stop.timestamp():
            column = int((seconds - self.start.timestamp()) / step.total_seconds())
            moment = datetime.fromtimestamp(seconds, zone)
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
        palette = self._block_styles()
        for programme in self._programmes(summary.id):
            stop = programme.stop or programme.start
            first = max(int((programme.start - self.start).total_seconds() / step), 0)
            last = min(int((stop - self.start).total_seconds() / step), columns)
            if last <= first:
                last = min(first + 1, columns)
            kind = self.problems.get(programme.id or -1)
            category = programme.categories[0].value if programme.categories else ""
            base = _colour(category, palette)
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

    def _block_styles(self) -> tuple[Style, ...]:
        """The block colours of the app's theme (worked out again when the theme changes)."""
        theme = self.app.theme
        if self._palette is None or self._palette[0] != theme:
            self._palette = (theme, _palette(self.app.get_css_variables()))
        return self._palette[1]

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


def _floor(moment: datetime, span: timedelta, zone: tzinfo = UTC) -> datetime:
    """``moment`` rounded down to the quarter (spans to 6 h) or the hour of ``zone``."""
    step = 900 if span <= timedelta(hours=6) else 3600
    shift = int((moment.astimezone(zone).utcoffset() or timedelta()).total_seconds())
    seconds = int(moment.timestamp()) + shift
    return datetime.fromtimestamp(seconds - seconds % step - shift, UTC)
