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
    ("Jump to now", "timeline:now", "move the timeline to the current time"),
    ("Go to a date and time…", "timeline:goto", "move the timeline"),
    ("Zoom in", "timeline:zoom(-1)", "show less time"),
    ("Zoom out", "timeline:zoom(1)", "show more time"),
    ("Filter channels…", "channels:filter", "only channels whose id, name or number has a text"),
    ("Sort programmes", "programmes:sort", "by time, by title, longest first"),
    ("Filter programmes…", "programmes:filter", "only programmes whose title has a text"),
    ("Clear the programme filter", "programmes:clear_filter", "every programme, same order"),
    ("Add a programme…", "programmes:edit('insert')", "insert one after the cursor"),
    ("Move the programme…", "programmes:edit('move')", "the programme under the cursor"),
    ("Trim the programme…", "programmes:edit('trim')", "change its start or stop"),
    ("Delete the programme", "programmes:edit('delete')", "the programme under the cursor"),
    ("Fix the finding…", "findings:fix", "preview the fixes that apply, then apply one"),
    ("Finding details", "findings:details", "channel, date, programmes and fixes of one"),
    ("Cancel the job", "jobs:cancel_job", "the job selected in the jobs table"),
    ("Job details", "jobs:details", "id, times and the whole error of the selected job"),
    ("Show channels", "pane('channels')", "the channel list"),
    ("Show timeline", "pane('timeline')", "the timeline"),
    ("Show programmes", "pane('programmes')", "the programme table"),
    ("Show findings", "pane('findings')", "the findings"),
    ("Show jobs and log", "pane('activity')", "jobs and the live log"),
    ("Help: keys", "app:help", "every key of this screen"),
    ("Quit", "app:quit", "leave ScheduleFlow"),
)
"""(title, ``[where:]action``, help): where is ``app``, or the id of a widget on the main
screen (the pane's own keys run there); without it, the action is the screen's."""


class ScheduleFlowCommands(Provider):
    """ScheduleFlow's actions for the command palette."""

    async def _run(self, action: str) -> None:
        where, _, name = action.rpartition(":")
        if where == "app":
            await self.app.run_action(name)
        elif where:
            await self.app.screen.query_one(f"#{where}").run_action(name)
        else:
            await self.app.screen.run_action(name)

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
