"""The terminal side of ScheduleFlow: the command line and the Textual app.

The command line (``tui.cli``) imports Textual only when it opens the TUI, so headless
commands start fast and run where no terminal is attached.
"""

__all__: list[str] = []
