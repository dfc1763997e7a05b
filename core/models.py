"""The schedule's values: channels, assets (the library) and programmes.

Why plain slotted dataclasses and named tuples, not pydantic: a 700,000-programme import
creates every one of these, and on this machine a slotted dataclass costs about 0.5 µs to
build, a frozen one 3.2 µs and a pydantic model 4.8 µs (measured with ``timeit``, 10
fields). Validation happens once, at the boundary that needs it: the readers check what
they parse, and the JSON format validates with pydantic (``core.formats.json_schema``).

Treat these objects as values: build a changed copy with :func:`dataclasses.replace`
instead of assigning to a field that other code may be holding.

Whatever a format carries that is not modelled here is kept verbatim (``attrs``, ``tags``,
``extras``) so that reading a file and writing it back loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from core.extinf import format_attributes, parse_attributes, writable_attributes
from core.locators import fingerprint as locator_fingerprint
from core.locators import line_breaking

__all__ = [
    "DURATION_SOURCES",
    "Asset",
    "Channel",
    "EpisodeNum",
    "Icon",
    "Item",
    "Programme",
    "Rating",
    "RawElement",
    "Text",
    "Url",
    "airing",
    "channel_id_problem",
]


class Text(NamedTuple):
    """A piece of text with its optional language (``lang="en"``)."""

    value: str
    lang: str | None = None


class Icon(NamedTuple):
    """An image reference: ``<icon src width height>`` or an M3U ``tvg-logo``."""

    src: str
    width: str | None = None
    height: str | None = None


class Url(NamedTuple):
    """A ``<url>`` element with its optional ``system``."""

    value: str
    system: str | None = None


class EpisodeNum(NamedTuple):
    """An episode number in a numbering system (``xmltv_ns``, ``onscreen``, ``dd_progid``)."""

    value: str
    system: str = "onscreen"


class Rating(NamedTuple):
    """A classification such as ``BBFC 15``, with the icons that illustrate it."""

    value: str
    system: str | None = None
    icons: tuple[Icon, ...] = ()


class RawElement(NamedTuple):
    """An element that is not modelled, kept as its exact XML so a round trip loses nothing."""

    tag: str
    xml: str


def channel_id_problem(channel_id: str) -> str | None:
    """Why ``channel_id`` cannot be a channel's id (``None``: it can), for the readers.

    A control character (NUL, a line break, ESC, C1) is invisible, and some writers cannot
    keep it (XML has no NUL): ``p\\x00.org`` would be exported as ``p.org``, another
    channel's id.
    """
    found = line_breaking(channel_id)
    if found is None:
        return None
    return f"holds a control character (U+{ord(found):04X})"


@dataclass(slots=True)
class Channel:
    """One linear stream, identified by its XMLTV channel id (``news.example.org``).

    The rule settings (cooldown, its scope, gap tolerance) are ``None`` where the channel
    uses the config file's defaults.
    """

    id: str
    display_names: tuple[Text, ...] = ()
    icons: tuple[Icon, ...] = ()
    urls: tuple[Url, ...] = ()
    number: str | None = None
    timezone: str | None = None
    day_start: time = time(0, 0)
    extras: tuple[RawElement, ...] = ()
    line: int | None = field(default=None, compare=False)
    cooldown_hours: float | None = None
    cooldown_scope: str | None = None
    gap_tolerance_seconds: float | None = None

    @property
    def name(self) -> str:
        """The channel's first display name, or its id when it has none."""
        return self.display_names[0].value if self.display_names else self.id


DURATION_SOURCES = {"extinf": "#EXTINF", "json": "JSON", "ffprobe": "ffprobe"}
"""Where an asset's one duration came from, and how the operator reads it: an M3U
``#EXTINF``, a ScheduleFlow JSON library, or ffprobe measuring the local file."""


class Asset:
    """One playable item of the library, as an M3U entry describes it.

    Two things are worked out only when first asked for, because a 100,000-entry playlist
    reads several times faster when nobody asks: ``attrs`` decodes ``extinf`` (the entry's
    ``#EXTINF`` attribute text exactly as written), and ``fingerprint`` hashes the locator
    (relative paths taken from ``base``, the playlist's folder). ``tags`` holds every other
    tag line of the entry (``#EXTVLCOPT``, ``#KODIPROP``…). A plain slotted class rather than
    a dataclass because of those two lazy fields; change a copy with :meth:`replace`.

    ``duration_source`` says where ``duration`` came from (one of :data:`DURATION_SOURCES`;
    ``None`` while it is unknown, or for an entry just read whose file does not say). It is
    provenance, not content: two assets that differ only there are equal.
    """

    __slots__ = (
        "_attrs",
        "_base",
        "_fingerprint",
        "duration",
        "duration_source",
        "extinf",
        "extinf_duration",
        "id",
        "line",
        "locator",
        "tags",
        "title",
    )

    def __init__(
        self,
        title: str,
        locator: str,
        fingerprint: str | None = None,
        duration: float | None = None,
        extinf: str = "",
        tags: tuple[str, ...] = (),
        extinf_duration: str = "-1",
        id: int | None = None,
        line: int | None = None,
        base: str | Path | None = None,
        duration_source: str | None = None,
    ) -> None:
        # base is positional too: a keyword argument costs a 100,000-entry read 0.03 s
        self.title = title
        self.locator = locator
        self.duration = duration
        self.duration_source = duration_source
        self.extinf = extinf
        self.tags = tags
        self.extinf_duration = extinf_duration
        self.id = id
        self.line = line
        self._fingerprint = fingerprint
        self._base = base
        self._attrs: tuple[tuple[str, str], ...] | None = None

    @classmethod
    def from_attrs(
        cls,
        title: str,
        locator: str,
        fingerprint: str | None = None,
        attrs: tuple[tuple[str, str], ...] = (),
        **fields: Any,
    ) -> Asset:
        """An asset whose ``#EXTINF`` text is written from ``attrs`` (as every M3U reader
        reads them back: see :func:`~core.extinf.writable_attributes`)."""
        written = writable_attributes(attrs)
        asset = cls(title, locator, fingerprint, extinf=format_attributes(written), **fields)
        asset._attrs = written
        return asset

    @property
    def fingerprint(self) -> str:
        """MD5 of the normalised locator (or of the file's bytes, when set so by dedupe)."""
        if self._fingerprint is None:
            self._fingerprint = locator_fingerprint(self.locator, self._base)
        return self._fingerprint

    def replace(self, **changes: Any) -> Asset:
        """A copy with some fields changed (``dataclasses.replace`` for this class)."""
        fields: dict[str, Any] = {
            "title": self.title,
            "locator": self.locator,
            "fingerprint": None if "locator" in changes else self._fingerprint,
            "duration": self.duration,
            "extinf": self.extinf,
            "tags": self.tags,
            "extinf_duration": self.extinf_duration,
            "id": self.id,
            "line": self.line,
            "base": self._base,
            "duration_source": self.duration_source,
        }
        fields.update(changes)
        return Asset(**fields)

    def _identity(self) -> tuple[Any, ...]:
        return (
            self.title,
            self.locator,
            self.fingerprint,
            self.duration,
            self.extinf,
            self.tags,
            self.extinf_duration,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Asset):
            return NotImplemented
        return self._identity() == other._identity()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Asset(title={self.title!r}, locator={self.locator!r}, duration={self.duration!r}, "
            f"extinf={self.extinf!r}, tags={self.tags!r}, id={self.id!r}, line={self.line!r})"
        )

    @property
    def attrs(self) -> tuple[tuple[str, str], ...]:
        """Every ``#EXTINF`` attribute as (name, value), name case and order as written."""
        if self._attrs is None:
            self._attrs = parse_attributes(self.extinf) if self.extinf else ()
        return self._attrs

    def attr(self, name: str) -> str | None:
        """The value of an ``#EXTINF`` attribute, matched without regard to case."""
        wanted = name.lower()
        for key, value in self.attrs:
            if key.lower() == wanted:
                return value
        return None

    @property
    def groups(self) -> tuple[str, ...]:
        """The library groups: ``group-title`` (``;``-separated) and ``#EXTGRP`` lines."""
        groups: list[str] = []
        for key, value in self.attrs:
            if key.lower() == "group-title":
                groups.extend(part.strip() for part in value.split(";") if part.strip())
        for tag in self.tags:
            if tag[:8].upper() == "#EXTGRP:":
                groups.extend(part.strip() for part in tag[8:].split(";") if part.strip())
        return tuple(dict.fromkeys(groups))

    def option(self, name: str) -> str | None:
        """The value of an ``#EXTVLCOPT:name=value`` line (quotes around it removed)."""
        prefix = f"#extvlcopt:{name.lower()}="
        found: str | None = None
        for tag in self.tags:
            if tag.lower().startswith(prefix):
                found = tag[len(prefix) :].strip().strip('"')
        return found

    def header(self, name: str) -> str | None:
        """A request header from the locator's ``|Name=value&…`` suffix (Kodi style)."""
        _, bar, suffix = self.locator.partition("|")
        if not bar:
            return None
        wanted = name.lower()
        for pair in suffix.split("&"):
            key, _, value = pair.partition("=")
            if key.strip().lower() == wanted:
                return value
        return None

    @property
    def group_title(self) -> str:
        """The entry's group as players show it: ``#EXTGRP`` wins over ``group-title``."""
        for tag in reversed(self.tags):
            if tag[:8].upper() == "#EXTGRP:":
                return tag[8:].strip()
        return self.attr("group-title") or ""

    @property
    def user_agent(self) -> str | None:
        """The HTTP user agent a player must send, from any of the places M3U puts it."""
        return (
            self.attr("user-agent") or self.option("http-user-agent") or self.header("user-agent")
        )

    @property
    def referrer(self) -> str | None:
        """The HTTP referrer a player must send, from any of the places M3U puts it."""
        return (
            self.attr("referrer")
            or self.option("http-referrer")
            or self.header("referer")
            or self.header("referrer")
        )


@dataclass(slots=True)
class Programme:
    """One entry of a channel's schedule: the half-open interval ``[start, stop)``.

    ``stop`` is ``None`` when the source gave none; the rules derive it from the next start.
    ``attrs`` keeps the ``<programme>`` attributes other than start/stop/channel, ``extras``
    the child elements that are not modelled, both verbatim.
    """

    channel: str
    start: datetime
    stop: datetime | None
    titles: tuple[Text, ...] = ()
    sub_titles: tuple[Text, ...] = ()
    descs: tuple[Text, ...] = ()
    categories: tuple[Text, ...] = ()
    episode_nums: tuple[EpisodeNum, ...] = ()
    icons: tuple[Icon, ...] = ()
    ratings: tuple[Rating, ...] = ()
    locator: str | None = None
    fingerprint: str | None = None
    attrs: tuple[tuple[str, str], ...] = ()
    extras: tuple[RawElement, ...] = ()
    id: int | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def title(self) -> str:
        """The first title, or an empty string for a programme without one."""
        return self.titles[0].value if self.titles else ""

    @property
    def sub_title(self) -> str:
        """The first sub-title (episode title), or an empty string."""
        return self.sub_titles[0].value if self.sub_titles else ""

    @property
    def episode(self) -> str:
        """The first episode number as written, or an empty string."""
        return self.episode_nums[0].value if self.episode_nums else ""


Item = Channel | Asset | Programme
"""What a reader yields."""


def airing(
    channel: str, asset: Asset, start: datetime, stop: datetime, category: str | None = None
) -> Programme:
    """A programme that plays ``asset`` from ``start`` to ``stop``.

    When the slot is shorter than the asset, the programme carries an out point (ffplayout's
    ``in``/``out``/``duration``), so playout cuts it there and the rules know it is cut on
    purpose rather than a video that runs too long.
    """
    attrs: tuple[tuple[str, str], ...] = ()
    # real elapsed time: two times in one ZoneInfo subtract as wall clocks, which is an
    # hour out (or negative) across a clock change
    seconds = (stop.astimezone(UTC) - start.astimezone(UTC)).total_seconds()
    if asset.duration and round(seconds * 1000) < round(asset.duration * 1000):  # to the ms
        attrs = (
            ("ffplayout:in", "0"),
            ("ffplayout:out", json.dumps(round(seconds, 3))),
            ("ffplayout:duration", json.dumps(round(asset.duration, 3))),
        )
    return Programme(
        channel,
        start,
        stop,
        titles=(Text(asset.title),),
        categories=(Text(category),) if category else (),
        locator=asset.locator,
        fingerprint=asset.fingerprint,
        attrs=attrs,
    )
