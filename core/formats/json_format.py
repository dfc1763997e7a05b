"""ScheduleFlow's own JSON format (``scheduleflow/1``), read and written as a stream.

The standard library's ``json`` loads a whole document at once; a guide of 700,000
programmes would then sit in memory several times over. The reader here walks the top level
itself and decodes one array element at a time with ``JSONDecoder.raw_decode`` (the C
decoder), so memory holds one element, and validates each element with the pydantic models
of :mod:`core.formats.json_models`: an error names the JSON path and the line.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from datetime import time
from typing import TYPE_CHECKING, Any, TextIO

from core.errors import ParseError, SchemaError
from core.formats.limits import (
    MAX_VALUE_BYTES,
    check_decoded,
    number_too_long,
    too_deep,
    value_too_long,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from core.formats.json_models import AssetModel, ChannelModel, ProgrammeModel
from core.formats.rawxml import raw_xml_problem
from core.formats.source import Source, WarningLog
from core.locators import fingerprint
from core.models import (
    Asset,
    Channel,
    EpisodeNum,
    Icon,
    Item,
    Programme,
    Rating,
    RawElement,
    Text,
    Url,
)

__all__ = [
    "FORMAT",
    "JsonReader",
    "asset_record",
    "channel_record",
    "programme_record",
    "write_json",
]

FORMAT = "scheduleflow/1"
_CHUNK = 1 << 20
_MAX_ELEMENT = 16 << 20
_WHITESPACE = " \t\r\n"
_ARRAYS = ("channels", "assets", "programmes")


class _TopLevel:
    """The top level of one JSON object, read lazily from a byte stream."""

    def __init__(self, source: Source, stream: Iterator[bytes]) -> None:
        self.source = source
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # line number at buffer[pos]

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = next(self._stream, b"")
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise ParseError(
                f"is not valid UTF-8 (byte 0x{error.object[error.start]:02X})",
                path=self.source.name,
                line=self.line + self.buffer.count("\n", self.pos),
                hint="save the file as UTF-8 and import it again",
            ) from None
        if not chunk:
            self.eof = True
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0
        return True

    def advance(self, to: int) -> None:
        self.line += self.buffer.count("\n", self.pos, to)
        self.pos = to

    def peek(self) -> str:
        """The next character that is not whitespace, or '' at the end."""
        while True:
            buffer, pos = self.buffer, self.pos
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            self.advance(pos)
            if pos < len(buffer):
                return buffer[pos]
            if not self._fill():
                return ""

    def error(self, message: str, hint: str | None = None) -> ParseError:
        return ParseError(
            message,
            path=self.source.name,
            line=self.line,
            hint=hint or "check the JSON at that line (a validator such as `jq .` helps)",
        )

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            shown = f"'{found}'" if found else "the end of the file"
            raise self.error(f"expected '{char}' but found {shown}")
        self.advance(self.pos + 1)

    def value(self) -> Any:
        """Decode the next JSON value, reading more of the file as needed."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                # A string still open after more than the limit is refused here, before
                # decoding it again after every chunk costs the square of its length.
                if (
                    error.msg.startswith("Unterminated string")
                    and len(self.buffer) - error.pos > MAX_VALUE_BYTES
                ):
                    self.advance(error.pos)
                    raise value_too_long(self.source.name, "a string", self.line) from None
                if self.eof or len(self.buffer) - self.pos > _MAX_ELEMENT:
                    self.advance(min(error.pos, len(self.buffer)))
                    raise self.error(f"is not valid JSON ({error.msg})") from None
                self._fill()
                continue
            except RecursionError:
                raise too_deep(self.source.name, self.line) from None
            except ValueError:  # an integer of more digits than Python converts (4,300)
                raise number_too_long(self.source.name, self.line) from None
            # A number at the very end of the buffer may continue in the next chunk.
            if end >= len(self.buffer) and not self.eof:
                self._fill()
                continue
            if end - self.pos > MAX_VALUE_BYTES:  # rare: look for one string past the limit
                check_decoded(value, self.source.name, self.line)
            self.advance(end)
            return value


def _text(items: list[Any]) -> tuple[Text, ...]:
    return tuple(Text(item.value, item.lang) for item in items)


def _icons(items: list[Any]) -> tuple[Icon, ...]:
    return tuple(Icon(item.src, item.width, item.height) for item in items)


def _raw(items: list[Any], warnings: WarningLog, where: str, line: int) -> tuple[RawElement, ...]:
    """The kept elements that are one safe element each; the others dropped with a warning."""
    kept = []
    for index, item in enumerate(items):
        problem = raw_xml_problem(item.tag, item.xml)
        if problem is None:
            kept.append(RawElement(item.tag, item.xml))
        else:
            warnings.add(line, f"{where}.extras[{index}].xml {problem}; dropped")
    return tuple(kept)


class JsonReader:
    """Reads a ``scheduleflow/1`` document; yields channels, assets and programmes."""

    format = "json"

    def __init__(self, source: Source) -> None:
        self.source = source
        self.warnings = WarningLog()

    def _validate(self, model: type[BaseModel], data: Any, where: str, line: int) -> Any:
        from pydantic import ValidationError

        try:
            return model.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            path = where + "".join(
                f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]
            )
            raise SchemaError(
                f"{path}: {first['msg']}",
                path=self.source.name,
                line=line,
                hint="see core/formats/schema/scheduleflow-1.schema.json for the shape",
            ) from None

    def _chunks(self, stream: Any) -> Iterator[bytes]:
        while chunk := stream.read(_CHUNK):
            yield chunk

    def __iter__(self) -> Iterator[Item]:
        with self.source.open() as stream:
            top = _TopLevel(self.source, self._chunks(stream))
            if top.peek() == "":
                raise top.error("is empty", hint="choose a ScheduleFlow JSON document")
            top.expect("{")
            seen_format = False
            while True:
                if top.peek() == "}":
                    top.advance(top.pos + 1)
                    break
                line = top.line
                key = top.value()
                if not isinstance(key, str):
                    raise top.error("expected a key (a string) in the top-level object")
                check_decoded(key, self.source.name, line)  # it may be echoed in a warning
                top.expect(":")
                if key in _ARRAYS:
                    yield from self._array(top, key)
                else:
                    value = top.value()
                    check_decoded(value, self.source.name, line)  # echoed in messages
                    if key == "format":
                        if value != FORMAT:
                            raise SchemaError(
                                f"format: '{value}' is not '{FORMAT}'",
                                path=self.source.name,
                                line=line,
                                hint="this version reads scheduleflow/1 documents",
                            )
                        seen_format = True
                    else:
                        self.warnings.add(line, f"unknown top-level key '{key}' ignored")
                separator = top.peek()
                if separator == ",":
                    top.advance(top.pos + 1)
                elif separator != "}":
                    raise top.error("expected ',' or '}' after a top-level value")
            if top.peek() != "":
                raise top.error("has text after the end of the document")
            if not seen_format:
                raise SchemaError(
                    f'has no "format": "{FORMAT}" key',
                    path=self.source.name,
                    line=1,
                    hint="add it, or choose a ScheduleFlow JSON document",
                )

    def _array(self, top: _TopLevel, key: str) -> Iterator[Item]:
        top.expect("[")
        if top.peek() == "]":
            top.advance(top.pos + 1)
            return
        # The pydantic models load with the first JSON document, not with the application:
        # they are a fifth of a second of every start otherwise.
        from core.formats.json_models import AssetModel, ChannelModel, ProgrammeModel

        index = 0
        folder = self.source.folder
        while True:
            top.peek()
            line = top.line
            data = top.value()
            where = f"{key}[{index}]"
            if key == "channels":
                yield self._channel(self._validate(ChannelModel, data, where, line), where, line)
            elif key == "assets":
                yield self._asset(self._validate(AssetModel, data, where, line), line, folder)
            else:
                yield self._programme(
                    self._validate(ProgrammeModel, data, where, line), where, line
                )
            index += 1
            separator = top.peek()
            top.advance(top.pos + 1)
            if separator == "]":
                return
            if separator != ",":
                raise top.error(f"expected ',' or ']' after {where}")

    def _channel(self, model: ChannelModel, where: str, line: int) -> Channel:
        return Channel(
            id=model.id,
            display_names=_text(model.display_names),
            icons=_icons(model.icons),
            urls=tuple(Url(url.value, url.system) for url in model.urls),
            number=model.number,
            timezone=model.timezone,
            day_start=model.day_start,
            extras=_raw(model.extras, self.warnings, where, line),
            line=line,
            cooldown_hours=model.cooldown_hours,
            cooldown_scope=model.cooldown_scope,
            gap_tolerance_seconds=model.gap_tolerance_seconds,
        )

    @staticmethod
    def _asset(model: AssetModel, line: int, folder: Any) -> Asset:
        attrs = tuple(model.attrs)
        if model.groups and not any(key.lower() == "group-title" for key, _ in attrs):
            attrs += (("group-title", ";".join(model.groups)),)
        return Asset.from_attrs(
            model.title,
            model.locator,
            model.fingerprint or fingerprint(model.locator, folder),
            attrs,
            duration=model.duration,
            duration_source=model.duration_source if model.duration is not None else None,
            tags=tuple(model.tags),
            extinf_duration=model.extinf_duration,
            line=line,
        )

    def _programme(self, model: ProgrammeModel, where: str, line: int) -> Programme:
        locator = model.locator
        return Programme(
            channel=model.channel,
            start=model.start,
            stop=model.stop,
            titles=_text(model.titles),
            sub_titles=_text(model.sub_titles),
            descs=_text(model.descs),
            categories=_text(model.categories),
            episode_nums=tuple(EpisodeNum(e.value, e.system) for e in model.episode_nums),
            icons=_icons(model.icons),
            ratings=tuple(Rating(r.value, r.system, _icons(r.icons)) for r in model.ratings),
            locator=locator,
            fingerprint=model.fingerprint
            or (fingerprint(locator, self.source.folder) if locator else None),
            attrs=tuple(model.attrs),
            extras=_raw(model.extras, self.warnings, where, line),
            line=line,
        )


# -- writing -------------------------------------------------------------------------------


def _texts(texts: tuple[Text, ...]) -> list[dict[str, Any]]:
    return [
        {"value": t.value} if t.lang is None else {"value": t.value, "lang": t.lang} for t in texts
    ]


def _icon_records(icons: tuple[Icon, ...]) -> list[dict[str, Any]]:
    records = []
    for icon in icons:
        record: dict[str, Any] = {"src": icon.src}
        if icon.width is not None:
            record["width"] = icon.width
        if icon.height is not None:
            record["height"] = icon.height
        records.append(record)
    return records


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value not in (None, [], ())}


def channel_record(channel: Channel) -> dict[str, Any]:
    """A channel as a JSON object of ``scheduleflow/1``."""
    record = _drop_empty(
        {
            "id": channel.id,
            "display_names": _texts(channel.display_names),
            "icons": _icon_records(channel.icons),
            "urls": [
                {"value": u.value} if u.system is None else {"value": u.value, "system": u.system}
                for u in channel.urls
            ],
            "number": channel.number,
            "timezone": channel.timezone,
            "extras": [{"tag": r.tag, "xml": r.xml} for r in channel.extras],
            "cooldown_hours": channel.cooldown_hours,
            "cooldown_scope": channel.cooldown_scope,
            "gap_tolerance_seconds": channel.gap_tolerance_seconds,
        }
    )
    if channel.day_start != time(0):
        record["day_start"] = channel.day_start.isoformat()
    return record


def asset_record(asset: Asset) -> dict[str, Any]:
    """An asset as a JSON object of ``scheduleflow/1``."""
    record = _drop_empty(
        {
            "title": asset.title,
            "locator": asset.locator,
            "fingerprint": asset.fingerprint,
            "duration": asset.duration,
            "attrs": [list(pair) for pair in asset.attrs],
            "tags": list(asset.tags),
        }
    )
    if asset.extinf_duration != "-1":
        record["extinf_duration"] = asset.extinf_duration
    if asset.duration is not None and asset.duration_source is not None:
        record["duration_source"] = asset.duration_source
    return record


def programme_record(programme: Programme) -> dict[str, Any]:
    """A programme as a JSON object of ``scheduleflow/1`` (instants in ISO 8601 with offset)."""
    return _drop_empty(
        {
            "channel": programme.channel,
            "start": programme.start.isoformat(),
            "stop": programme.stop.isoformat() if programme.stop is not None else None,
            "titles": _texts(programme.titles),
            "sub_titles": _texts(programme.sub_titles),
            "descs": _texts(programme.descs),
            "categories": _texts(programme.categories),
            "episode_nums": [
                {"value": e.value, "system": e.system} for e in programme.episode_nums
            ],
            "icons": _icon_records(programme.icons),
            "ratings": [
                _drop_empty({"value": r.value, "system": r.system, "icons": _icon_records(r.icons)})
                for r in programme.ratings
            ],
            "locator": programme.locator,
            "fingerprint": programme.fingerprint,
            "attrs": [list(pair) for pair in programme.attrs],
            "extras": [{"tag": r.tag, "xml": r.xml} for r in programme.extras],
        }
    )


def _array(out: TextIO, name: str, records: Iterator[dict[str, Any]], last: bool) -> int:
    out.write(f' "{name}": [')
    count = 0
    for record in records:
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n ]" if count else "]")
    out.write("\n" if last else ",\n")
    return count


def write_json(
    out: TextIO,
    channels: Iterable[Channel] = (),
    assets: Iterable[Asset] = (),
    programmes: Iterable[Programme] = (),
) -> tuple[int, int, int]:
    """Write a ``scheduleflow/1`` document, one element per line; returns the counts."""
    out.write(f'{{"format": "{FORMAT}",\n')
    counts = (
        _array(out, "channels", (channel_record(c) for c in channels), last=False),
        _array(out, "assets", (asset_record(a) for a in assets), last=False),
        _array(out, "programmes", (programme_record(p) for p in programmes), last=True),
    )
    out.write("}\n")
    return counts
