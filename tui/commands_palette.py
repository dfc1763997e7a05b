"""The command palette (``ctrl+p`` or ``:``): every bound action, searchable by name.

Built from the bindings as they are now (:mod:`tui.keys`): a key the user's keymap moved
shows its new key here, and an action without a key cannot be listed by mistake. Each entry
runs its action where the binding lives (a pane's own actions run on that pane).
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import BoundKey, bound_keys

__all__ = ["ScheduleFlowCommands", "palette_entries"]


def palette_entries(keys: list[BoundKey]) -> list[tuple[str, BoundKey]]:
    """(title, key) for each entry: ``Trim · Programmes``. Moving the cursor one row is not
    a command (those bindings carry no tooltip and are hidden from the footer)."""
    return [
        (f"{key.description} · {key.section}", key)
        for key in keys
        if key.binding.show or key.binding.tooltip
    ]


class ScheduleFlowCommands(Provider):
    """ScheduleFlow's actions for the command palette."""

    def _entries(self) -> list[tuple[str, BoundKey]]:
        return palette_entries(bound_keys(self.screen, self.app))

    async def _run(self, key: BoundKey) -> None:
        await self.app.run_action(key.binding.action, key.node)

    async def discover(self) -> Hits:
        for title, key in self._entries():
            yield DiscoveryHit(title, partial(self._run, key), help=key.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, key in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, key), help=key.help)
