"""The one time zone the whole main screen reads in.

The table, the findings and the timeline's axis must agree: an overlap listed at 08:45 must
sit at 08:45 on the axis. The operator picks the zone with ``z`` — the channel's own zone
(the default: operators plan in their channel's wall-clock time), UTC, or their own — and
the header says which one is in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from core.clock import channel_zone, operator_zone, zone_name

__all__ = ["MODES", "ScreenZone"]

MODES = ("channel", "utc", "operator")
_SAID = {"channel": "the channel's zone", "utc": "UTC", "operator": "your zone"}


@dataclass
class ScreenZone:
    """Which zone the screen shows times in, and the channels' own zones to look up."""

    mode: str = "channel"
    zones: Mapping[str, str | None] = field(default_factory=dict)
    """Channel id → its IANA zone (``None``: the channel has none and reads in UTC)."""

    def zone(self, channel: str | None) -> tzinfo:
        """The zone the screen shows ``channel``'s times in."""
        if self.mode == "utc":
            return UTC
        if self.mode == "operator":
            return operator_zone()
        return self.own(channel)

    def own(self, channel: str | None) -> tzinfo:
        """``channel``'s own zone, whatever the screen shows: the one the rules write their
        messages in."""
        return channel_zone(self.zones.get(channel) if channel else None)

    def next(self) -> str:
        """Move on to the next mode (channel → UTC → yours → channel); returns it."""
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        return self.mode

    def label(self, channel: str | None) -> str:
        """The header's words: ``times in CET (the channel's zone)``."""
        name = zone_name(datetime.now(UTC).astimezone(self.zone(channel)))
        return f"times in {name} ({_SAID[self.mode]})"
