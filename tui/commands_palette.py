"""The command palette (``ctrl+p`` or ``:``): every action, searchable by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["ScheduleFlowCommands"]

ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Import a file…", "import", "read a playlist, guide or schedule into the store"),
    ("Export…", "export", "write XMLTV, JSON, an M3U line-up or ffplayout playlists"),
    ("Plan from the library…", "plan", "fill a window from a group or a day-of-week template"),
    ("Check the schedule", "check", "find overlaps, gaps, repeats, duplicates…"),
    ("Undo the last change", "undo", "put back what the last edit or fix changed"),
    ("Settings…", "settings", "rule settings of the channel and the theme"),
    ("Jump to now", "timeline_now", "move the timeline to the current time"),
    ("Go to a date and time…", "timeline_goto", "move the timeline"),
    ("Zoom in", "timeline_zoom_in", "show less time"),
    ("Zoom out", "timeline_zoom_out", "show more time"),
    ("Show channels", "pane('channels')", "the channel list"),
    ("Show timeline", "pane('timeline')", "the timeline"),
    ("Show programmes", "pane('programmes')", "the programme table"),
    ("Show findings", "pane('findings')", "the findings"),
    ("Show jobs and log", "pane('activity')", "jobs and the live log"),
    ("Help: keys", "app.help", "every key of this screen"),
    ("Quit", "app.quit", "leave ScheduleFlow"),
)


class ScheduleFlowCommands(Provider):
    """ScheduleFlow's actions for the command palette."""

    async def _run(self, action: str) -> None:
        screen = self.app.screen
        if action.startswith("app."):
            await self.app.run_action(action.removeprefix("app."))
        elif action.startswith("timeline_"):
            timeline = screen.query_one("#timeline")
            name = action.removeprefix("timeline_")
            target = {"zoom_in": "zoom(-1)", "zoom_out": "zoom(1)"}.get(name, name)
            await timeline.run_action(target)
        else:
            await screen.run_action(action)

    async def discover(self) -> Hits:
        for title, action, help_text in ACTIONS:
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )
