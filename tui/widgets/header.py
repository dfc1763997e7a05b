"""The header line: named parts, in the order the screen declares (then any other, in the
order first set).

Each part (health, jobs, role, time zone, store…) is set by name and the line is drawn
again; another indicator (a running service, say) is one more ``set_part`` call, not an edit
of a format string. The order is declared because parts arrive at different times: health is
read in a worker, and must not move to the end of the line for arriving last. Parts are shown
literally: a store path or a zone name is never markup.
"""

from __future__ import annotations

from textual.widgets import Static

from tui.literal import literal

__all__ = ["StatusBar"]


class StatusBar(Static):
    """``ScheduleFlow  ● healthy · 0 active / 0 queued · … · times in CET (the channel's zone)``"""

    def __init__(self, order: tuple[str, ...] = (), **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.order = order
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
        ordered = [self.parts[name] for name in self.order if name in self.parts]
        ordered += [text for name, text in self.parts.items() if name not in self.order]
        self.update(literal(" ScheduleFlow  " + " · ".join(ordered)))

    def part(self, name: str) -> str:
        """What the part ``name`` says now (empty when it is not shown)."""
        return self.parts.get(name, "")
