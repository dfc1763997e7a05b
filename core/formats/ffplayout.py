"""ffplayout day playlists: ``{"channel", "date", "program": [{"in", "out", "duration", …}]}``.

A playlist has no clock times: each item starts where the previous one ended, the first at
the channel's broadcast-day start. The reader places them as ffplayout plays them (read in its
``player/utils/json_serializer.rs``, ``player/input/playlist.rs`` and ``player/utils/mod.rs``):

- ffplayout finds a day's file by its name (``read_json``), so the date in the file name
  places the day; the date inside only warns when it disagrees.
- items run back to back in real seconds from the day start: ``set_defaults`` sets each
  ``begin`` to the day start plus the sum of ``out - in`` before it, and when the wall clock
  jumps by an hour (DST) ``timed_source`` applies a time shift instead of seeking, so the
  material keeps playing in order (the running sum is added in UTC here).
- the day ends when the wall clock reaches the day start again (``get_delta``'s
  ``total_delta``): after 23 hours on the spring-forward day, 25 on the fall-back day. The item
  that crosses the end is cut there (``handle_list_end``) and later ones are skipped ("Begin is
  over play time"), so the reader cuts them the same way and warns; a short day is dead air
  that ffplayout fills (``fill_end``).

``in``/``out``/``duration`` and any other keys are kept verbatim in ``attrs``
(``ffplayout:<key>`` = the JSON text) so a round trip loses nothing. A day is a whole
playlist, so the reader loads it at once (within the size limit).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import PurePosixPath
from typing import Any, TextIO

from core.cutpoints import seconds_of
from core.errors import ParseError, SchemaError
from core.formats.limits import check_decoded, number_too_long, too_deep
from core.formats.source import Source, WarningLog
from core.locators import fingerprint
from core.models import Channel, Programme, Text
from core.timestamps import LONGEST_SECONDS, check_instant, fixed_zone

__all__ = ["FULL_DAY", "FfplayoutReader", "channel_slug", "day_span", "write_ffplayout"]

_PREFIX = "ffplayout:"
_KNOWN = ("in", "out", "duration", "source", "title", "category")
FULL_DAY = 86400.0  # ffplayout's playlist length (length_sec), the same on DST days
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def channel_slug(name: str) -> str:
    """A channel id made from an ffplayout channel name (``Channel 1`` → ``channel-1``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "ffplayout"


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _local(instant: datetime, zone: tzinfo) -> datetime:
    """The instant in ``zone``, carried by a fixed offset (what the formats write)."""
    local = instant.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    return local.replace(tzinfo=fixed_zone(int(offset.total_seconds()) // 60))


class FfplayoutReader:
    """Reads one ffplayout day playlist; yields its channel, then its programmes."""

    format = "ffplayout"

    def __init__(
        self,
        source: Source,
        *,
        channel_id: str | None = None,
        day_start: time = time(0),
        zone: tzinfo = UTC,
        length: timedelta | None = None,
    ) -> None:
        self.source = source
        self.warnings = WarningLog()
        self.channel_id = channel_id
        self.day_start = day_start
        self.zone = zone
        self.length = length

    def _schema(self, message: str) -> SchemaError:
        return SchemaError(
            message,
            path=self.source.name,
            hint="ffplayout items need numeric 'in' and 'out' (out ≥ in) and a 'source'",
        )

    def _load(self) -> dict[str, Any]:
        with self.source.open(values_between=b'"', what="a string") as stream:
            raw = stream.read()
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            raise ParseError(
                "is not valid UTF-8",
                path=self.source.name,
                line=line,
                hint="save the playlist as UTF-8",
            ) from None
        except json.JSONDecodeError as error:
            raise ParseError(
                f"is not valid JSON ({error.msg})",
                path=self.source.name,
                line=error.lineno,
                column=error.colno,
                hint="check the JSON at that place",
            ) from None
        except RecursionError:
            raise too_deep(self.source.name) from None
        except ValueError:  # an integer of more digits than Python converts (4,300)
            raise number_too_long(self.source.name) from None
        check_decoded(data, self.source.name)
        if not isinstance(data, dict) or not isinstance(data.get("program"), list):
            raise self._schema('is not an ffplayout playlist (no "program" list)')
        return data

    def __iter__(self) -> Iterator[Channel | Programme]:
        data = self._load()
        name = data.get("channel")
        name = name if isinstance(name, str) and name else "ffplayout"
        try:
            day = date.fromisoformat(str(data.get("date")))
        except ValueError:
            raise self._schema(f"date: '{data.get('date')}' is not a date (YYYY-MM-DD)") from None
        day = self._day(day)
        channel_id = self.channel_id or channel_slug(name)
        yield Channel(id=channel_id, display_names=(Text(name),), day_start=self.day_start)
        folder = self.source.folder
        try:  # a date outside the window a schedule can have (core.timestamps)
            check_instant(datetime.combine(day, self.day_start, tzinfo=self.zone))
            start, day_end = day_span(day, self.day_start, self.zone)
        except (ValueError, OverflowError) as error:
            raise self._schema(f"date: {error}") from None
        elapsed = 0.0
        placed: list[Programme] = []
        for index, item in enumerate(data["program"]):
            where = f"program[{index}]"
            if not isinstance(item, dict):
                raise self._schema(f"{where}: is not an object")
            begin, end = item.get("in"), item.get("out")
            if not isinstance(begin, int | float) or not isinstance(end, int | float):
                raise self._schema(f"{where}: 'in' and 'out' must be numbers of seconds")
            for key in ("in", "out", "duration"):
                if key in item and not _is_seconds(item[key]):
                    raise self._schema(
                        f"{where}.{key} ({str(item[key])[:40]}) is not a finite, non-negative "
                        f"number of seconds up to {LONGEST_SECONDS / 86400:.0f} days"
                    )
            if end < begin:
                raise self._schema(f"{where}: 'out' ({end}) is before 'in' ({begin})")
            source = item.get("source")
            if not isinstance(source, str) or not source:
                raise self._schema(f"{where}: 'source' must name a file or URL")
            title = item.get("title")
            category = item.get("category")
            attrs = [(f"{_PREFIX}in", json.dumps(begin)), (f"{_PREFIX}out", json.dumps(end))]
            if "duration" in item:
                attrs.append((f"{_PREFIX}duration", json.dumps(item["duration"])))
            attrs.extend(
                (f"{_PREFIX}{key}", json.dumps(value, ensure_ascii=False))
                for key, value in item.items()
                if key not in _KNOWN
            )
            first = start + timedelta(seconds=elapsed)
            elapsed += end - begin
            last = start + timedelta(seconds=elapsed)
            if elapsed > LONGEST_SECONDS:
                raise self._schema(
                    f"{where}: the playlist runs past {LONGEST_SECONDS / 86400:.0f} days"
                )
            placed.append(
                Programme(
                    channel=channel_id,
                    start=_local(first, self.zone),
                    stop=_local(last, self.zone),
                    titles=(Text(title if isinstance(title, str) and title else _stem(source)),),
                    categories=(Text(category),) if isinstance(category, str) and category else (),
                    locator=source,
                    fingerprint=fingerprint(source, folder),
                    attrs=tuple(attrs),
                )
            )
        length = (self.length or day_end - start).total_seconds()
        ends = start + timedelta(seconds=length)
        over = elapsed > length + 1  # within a second, ffplayout's own checks let it pass
        # ffplayout loads the next file once an item ends a full day into the playlist
        # (check_for_playlist: next_start >= length_sec), so on a 25-hour day nothing that
        # starts after that point is played
        switch = start + timedelta(seconds=min(length, FULL_DAY))
        cut = over or length > FULL_DAY
        played = [p for p in placed if p.start < switch] if cut else placed
        for programme in played:
            yield _cut(programme, ends) if over else programme  # the day ends there
        self._check_length(elapsed, length, [p.title for p in placed[len(played) :]])

    def _day(self, inside: date) -> date:
        """The day the file plays on: its name's date, as ffplayout finds it by name."""
        named = _DATE_IN_NAME.search(self.source.path.name)
        if named is None or named.group(1) == inside.isoformat():
            return inside
        try:
            day = date.fromisoformat(named.group(1))
        except ValueError:
            return inside
        self.warnings.add(
            None,
            f"the date inside ({inside.isoformat()}) disagrees with the file name "
            f"({self.source.path.name}); ffplayout plays the file on {day.isoformat()} "
            "and restarts it while the dates differ: correct the date inside",
        )
        return day

    def _check_length(self, elapsed: float, length: float, dropped: list[str]) -> None:
        names = ", ".join(dropped[:3]) + (
            f" and {len(dropped) - 3} more" if len(dropped) > 3 else ""
        )
        if dropped and elapsed <= length + 1:
            self.warnings.add(
                None,
                f"on this {_clock(length)} day ffplayout moves to the next day's file once an "
                f"item ends 24:00:00 into the playlist, so it does not play {names}: let one "
                "item run across 24:00:00",
            )
        if elapsed < length - 1:
            self.warnings.add(
                None,
                f"the day lasts {_clock(elapsed)}, {round(length - elapsed)} s short of "
                f"{_clock(length)}: dead air at the end",
            )
        elif elapsed > length + 1:
            skipped = f"; not played: {names}" if dropped else ""
            self.warnings.add(
                None,
                f"the day lasts {_clock(elapsed)}, {round(elapsed - length)} s longer than "
                f"{_clock(length)}: ffplayout cuts the end at the next day start{skipped}",
            )


def _is_seconds(value: Any) -> bool:
    """A length or offset in seconds that the day's arithmetic can use (JSON allows NaN,
    Infinity and 1e400, which ``timedelta`` cannot take)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not math.isfinite(value):  # an int past float's range
        return False  # would make math.isfinite raise OverflowError, so ints skip it
    return 0 <= value <= LONGEST_SECONDS  # the one window of lengths (core.timestamps)


def day_span(day: date, day_start: time, zone: tzinfo) -> tuple[datetime, datetime]:
    """The broadcast day's first and next day's first instant (UTC): 23, 24 or 25 h apart."""
    begin = datetime.combine(day, day_start, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), day_start, tzinfo=zone).astimezone(UTC)
    return begin, end


def _cut(programme: Programme, stop: datetime) -> Programme:
    """The programme up to ``stop``, its ``out`` moved there, as ffplayout's day end cuts it."""
    if programme.stop is None or programme.stop <= stop:
        return programme
    attrs = dict(programme.attrs)
    begin = json.loads(attrs[f"{_PREFIX}in"])
    attrs[f"{_PREFIX}out"] = json.dumps(round(begin + (stop - programme.start).total_seconds(), 3))
    return replace(
        programme, stop=_local(stop, programme.start.tzinfo or UTC), attrs=tuple(attrs.items())
    )


def _stem(source: str) -> str:
    return PurePosixPath(source.partition("?")[0].rstrip("/")).stem or source


def _number(text: str | None) -> Any:
    """The number as read (an int stays an int), or None when it is not a usable cut point."""
    return json.loads(text) if text is not None and seconds_of(text) is not None else None


def _kept(text: str) -> Any:
    """An unknown ffplayout key's value back as JSON; text that is not JSON stays a string."""

    def refuse(name: str) -> Any:  # NaN and Infinity would make the playlist invalid JSON
        raise ValueError(name)

    try:
        return json.loads(text, parse_constant=refuse)
    except (ValueError, RecursionError):  # also an integer of more than 4,300 digits
        return text


def write_ffplayout(
    out: TextIO, channel_name: str, day: date, programmes: Iterable[Programme]
) -> int:
    """Write one day playlist from consecutive programmes; returns the number of items.

    ``in``/``out``/``duration`` come back as they were read while the programme's length is
    unchanged; a trimmed or new programme gets ``out = in + length``.
    """
    items: list[dict[str, Any]] = []
    for programme in programmes:
        if programme.stop is None or programme.locator is None:
            continue
        attrs = dict(programme.attrs)
        length = (programme.stop - programme.start).total_seconds()
        begin = _number(attrs.get(f"{_PREFIX}in"))
        if begin is None:
            begin = 0
        end = _number(attrs.get(f"{_PREFIX}out"))
        if end is None or abs((end - begin) - length) > 0.001:
            end = round(begin + length, 3)
        duration = _number(attrs.get(f"{_PREFIX}duration"))
        if duration is None or duration < end:
            duration = end
        item: dict[str, Any] = {"in": begin, "out": end, "duration": duration}
        item["source"] = programme.locator
        if programme.title and programme.title != _stem(programme.locator):
            item["title"] = programme.title
        if programme.categories:
            item["category"] = programme.categories[0].value
        for key, value in programme.attrs:
            if key.startswith(_PREFIX) and key[len(_PREFIX) :] not in _KNOWN:
                item[key[len(_PREFIX) :]] = _kept(value)
        items.append(item)
    json.dump(
        {"channel": channel_name, "date": day.isoformat(), "program": items},
        out,
        indent=4,
        ensure_ascii=False,
    )
    out.write("\n")
    return len(items)
