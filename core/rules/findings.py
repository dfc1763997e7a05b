"""What the rules report: findings, their kinds, severities and the fixes that apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = ["FIXES", "KINDS", "SEVERITY", "STREAM_FIXES", "VIDEO_FIXES", "Finding", "Severity"]

Severity = Literal["error", "warning", "info"]

KINDS = ("overlap", "gap", "cooldown", "duplicate", "invalid", "unplayable", "dst")
SEVERITY: dict[str, Severity] = {
    "overlap": "error",
    "gap": "warning",
    "cooldown": "error",
    "duplicate": "warning",
    "invalid": "error",
    "unplayable": "warning",
    "dst": "info",
}
FIXES: dict[str, tuple[str, ...]] = {
    "overlap": ("trim", "ripple", "drop"),
    "gap": ("fill", "stretch", "placeholder"),
    "cooldown": ("replace",),
    "duplicate": ("remove",),
    "invalid": ("drop",),
    "unplayable": ("cut", "fill", "drop", "disable", "replace"),
    "dst": (),
}
"""The fix policies that apply to each kind (``scheduleflow fix KIND --policy P``)."""
VIDEO_FIXES = ("cut", "fill", "drop")
"""What an unplayable finding about a programme's video (no locator, a missing file, the wrong
length) offers: built like every other fix (core/rules/fixes.py)."""
STREAM_FIXES = ("disable", "replace")
"""What an unplayable finding about a stream the stream doctor found down offers
(core/rules/stream_fixes.py)."""


@dataclass(frozen=True)
class Finding:
    """One problem in a schedule, where it is, and what can be done about it."""

    kind: str
    severity: Severity
    channel: str
    start: datetime
    stop: datetime
    message: str
    programmes: tuple[int, ...] = ()
    fixes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``check --json`` shape of one finding."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "channel": self.channel,
            "start": self.start.isoformat(),
            "stop": self.stop.isoformat(),
            "message": self.message,
            "programmes": list(self.programmes),
            "fixes": list(self.fixes),
        }
