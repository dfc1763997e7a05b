"""What a file holds, without storing it: the engine of ``scheduleflow inspect`` and of the
import dialog's preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core.formats import DEFAULT_LIMIT, InputWarning, open_reader
from core.models import Asset, Channel, Programme

__all__ = ["Inspection", "inspect_file"]


@dataclass
class Inspection:
    """Counts, time range and warnings of one input file."""

    path: str
    format: str
    channels: int = 0
    programmes: int = 0
    entries: int = 0
    start: datetime | None = None
    stop: datetime | None = None
    warnings: list[InputWarning] = field(default_factory=list)
    warnings_total: int = 0
    channel_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``inspect --json`` shape (see the README)."""
        return {
            "path": self.path,
            "format": self.format,
            "channels": self.channels,
            "programmes": self.programmes,
            "entries": self.entries,
            "start": self.start.isoformat() if self.start else None,
            "stop": self.stop.isoformat() if self.stop else None,
            "warnings": [{"line": w.line, "message": w.message} for w in self.warnings],
            "warnings_total": self.warnings_total,
        }


def inspect_file(
    path: str | Path, format: str = "auto", *, limit: int = DEFAULT_LIMIT, keep_ids: int = 50
) -> Inspection:
    """Read a whole file and summarise it; raises ``InputError`` when it cannot be read."""
    reader = open_reader(path, format, limit=limit)
    result = Inspection(path=str(path), format=reader.format)
    start: datetime | None = None
    stop: datetime | None = None
    for item in reader:
        if isinstance(item, Programme):
            result.programmes += 1
            if start is None or item.start < start:
                start = item.start
            end = item.stop or item.start
            if stop is None or end > stop:
                stop = end
        elif isinstance(item, Asset):
            result.entries += 1
        elif isinstance(item, Channel):
            result.channels += 1
            if len(result.channel_ids) < keep_ids:
                result.channel_ids.append(item.id)
    result.start, result.stop = start, stop
    result.warnings = list(reader.warnings)
    result.warnings_total = len(reader.warnings)
    return result
