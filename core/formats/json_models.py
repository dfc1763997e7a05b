"""The ``scheduleflow/1`` JSON document as pydantic models: validation and JSON Schema.

These models exist for the boundary only: they validate what comes in from JSON (and name
the JSON path of whatever is wrong) and generate the JSON Schema shipped in
``core/formats/schema/scheduleflow-1.schema.json``. Inside, the core uses the lighter
``core.models``. Regenerate the schema with ``python -m core.formats.json_models``; a test
fails when the committed file drifts from these models.
"""

from __future__ import annotations

import json
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from core.config import rule_bounds
from core.cutpoints import cut_points_problem
from core.formats.json_format import FORMAT
from core.models import channel_id_problem
from core.timestamps import LONGEST_SECONDS, check_instant

__all__ = [
    "FORMAT",
    "SCHEMA_PATH",
    "AssetModel",
    "ChannelModel",
    "DocumentModel",
    "ProgrammeModel",
    "schema_text",
]

SCHEMA_PATH = Path(__file__).with_name("schema") / "scheduleflow-1.schema.json"

_ZONES: frozenset[str] | None = None
_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class TextModel(_Model):
    """A text with its optional language."""

    value: str
    lang: str | None = None


class IconModel(_Model):
    """An image reference."""

    src: Annotated[str, Field(min_length=1)]
    width: str | None = None
    height: str | None = None


class UrlModel(_Model):
    """A URL with its optional system."""

    value: str
    system: str | None = None


class EpisodeNumModel(_Model):
    """An episode number in a numbering system."""

    value: str
    system: str = "onscreen"


class RatingModel(_Model):
    """A classification and the icons that illustrate it."""

    value: str
    system: str | None = None
    icons: list[IconModel] = []


class RawElementModel(_Model):
    """An XMLTV element that is not modelled, kept as its exact XML."""

    tag: Annotated[str, Field(min_length=1)]
    xml: Annotated[str, Field(min_length=3)]


def _usable_channel_id(value: str) -> str:
    problem = channel_id_problem(value)
    if problem is not None:
        raise ValueError(f"the channel id {problem}")
    return value


class ChannelModel(_Model):
    """A channel: XMLTV id, names, number, logo, IANA time zone, broadcast-day start."""

    id: Annotated[str, Field(min_length=1, description="XMLTV channel id, e.g. news.example.org")]
    display_names: list[TextModel] = []
    icons: list[IconModel] = []
    urls: list[UrlModel] = []
    number: str | None = None
    timezone: Annotated[
        str | None, Field(description="IANA time zone name, e.g. Europe/London")
    ] = None
    day_start: Annotated[time, Field(description="broadcast-day start, HH:MM[:SS]")] = time(0)
    extras: list[RawElementModel] = []
    cooldown_hours: Annotated[
        float | None,
        Field(
            ge=rule_bounds("cooldown_hours")[0],
            le=rule_bounds("cooldown_hours")[1],
            description="repeat cooldown; default from the config",
        ),
    ] = None
    cooldown_scope: Literal["channel", "network"] | None = None
    gap_tolerance_seconds: Annotated[
        float | None,
        Field(
            ge=rule_bounds("gap_tolerance_seconds")[0],
            le=rule_bounds("gap_tolerance_seconds")[1],
            description="dead air tolerated; default from the config",
        ),
    ] = None

    @field_validator("id")
    @classmethod
    def _usable_id(cls, value: str) -> str:
        return _usable_channel_id(value)

    @field_validator("day_start")
    @classmethod
    def _local_clock_time(cls, value: time) -> time:
        # the broadcast day starts at a clock time in the channel's zone, not at an offset
        if value.tzinfo is not None:
            raise ValueError("must be a clock time without an offset (HH:MM[:SS])")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        global _ZONES
        if value is None:
            return None
        if _ZONES is None:
            _ZONES = frozenset(available_timezones())
        if value not in _ZONES:
            raise ValueError(f"'{value}' is not an IANA time zone (e.g. Europe/London)")
        return value


class AssetModel(_Model):
    """A library item: what it is called, where it is, how long it runs."""

    title: str
    locator: Annotated[str, Field(min_length=1)]
    fingerprint: Annotated[
        str | None, Field(description="MD5 of the normalised locator; computed when absent")
    ] = None
    duration: Annotated[
        float | None, Field(gt=0, le=LONGEST_SECONDS, description="seconds, when known")
    ] = None
    groups: Annotated[
        list[str],
        Field(description="library groups; written into group-title when attrs has none"),
    ] = []
    attrs: Annotated[
        list[tuple[str, str]], Field(description="M3U #EXTINF attributes, verbatim, in order")
    ] = []
    tags: Annotated[list[str], Field(description="M3U tag lines of the entry, verbatim")] = []
    extinf_duration: str = "-1"
    duration_source: Annotated[
        Literal["extinf", "json", "ffprobe"] | None,
        Field(description="where duration came from: an M3U #EXTINF, a JSON library, ffprobe"),
    ] = None

    @field_validator("fingerprint")
    @classmethod
    def _md5(cls, value: str | None) -> str | None:
        if value is not None and not _FINGERPRINT.match(value):
            raise ValueError("must be 32 lower-case hexadecimal digits (an MD5)")
        return value


class ProgrammeModel(_Model):
    """A schedule entry: the half-open interval [start, stop) on one channel."""

    channel: Annotated[str, Field(min_length=1)]
    start: AwareDatetime
    stop: AwareDatetime | None = None
    titles: list[TextModel] = []
    sub_titles: list[TextModel] = []
    descs: list[TextModel] = []
    categories: list[TextModel] = []
    episode_nums: list[EpisodeNumModel] = []
    icons: list[IconModel] = []
    ratings: list[RatingModel] = []
    locator: str | None = None
    fingerprint: str | None = None
    attrs: Annotated[
        list[tuple[str, str]], Field(description="other source attributes, verbatim")
    ] = []
    extras: list[RawElementModel] = []

    @field_validator("channel")
    @classmethod
    def _usable_channel(cls, value: str) -> str:
        return _usable_channel_id(value)

    @field_validator("attrs")
    @classmethod
    def _usable_cut_points(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        problem = cut_points_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("start", "stop")
    @classmethod
    def _in_window(cls, value: AwareDatetime | None) -> AwareDatetime | None:
        return None if value is None else check_instant(value)

    @model_validator(mode="after")
    def _bounded(self) -> ProgrammeModel:
        if self.stop is not None and (self.stop - self.start).total_seconds() > LONGEST_SECONDS:
            raise ValueError(f"stop is more than {LONGEST_SECONDS / 86400:.0f} days after start")
        return self


class DocumentModel(_Model):
    """A whole ``scheduleflow/1`` document."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="ScheduleFlow schedule",
        json_schema_extra={"$id": "https://scheduleflow.example.org/schema/scheduleflow-1.json"},
    )

    format: Literal["scheduleflow/1"]
    channels: list[ChannelModel] = []
    assets: list[AssetModel] = []
    programmes: list[ProgrammeModel] = []


def schema_text() -> str:
    """The JSON Schema of the document, as committed (stable key order, trailing newline)."""
    schema = DocumentModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.parent.mkdir(exist_ok=True)
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
