"""The header line: named parts, in the order they were first set.

Each part (health, jobs, role, time zone, store…) is set by name and the line is drawn
again; another indicator (a running service, say) is one more ``set_part`` call, not an edit
of a format string. Parts are shown literally: a store path or a zone name is never markup.
"""

from __future__ import annotations

from textual.widgets import Static

from tui.literal import literal

__all__ = ["StatusBar"]


class StatusBar(Static):
    """``ScheduleFlow  ● healthy · 0 active / 0 queued · … · times in CET (the channel's zone)``"""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.parts: dict[str, str] = {}
        self.warnings: set[str] = set()

    def set_part(self, name: str, text: str, *, warning: bool = False) -> None:
        """Show ``text`` as the part ``name`` (an empty text hides it); ``warning`` marks the
        whole line (a degraded store, a stopped service)."""
        if text:
            self.parts[name] = text
        else:
            self.parts.pop(name, None)
        if warning:
            self.warnings.add(name)
        else:
            self.warnings.discard(name)
        self.set_class(bool(self.warnings), "-degraded")
        self.update(literal(" ScheduleFlow  " + " · ".join(self.parts.values())))

    def part(self, name: str) -> str:
        """What the part ``name`` says now (empty when it is not shown)."""
        return self.parts.get(name, "")
