"""The core of ScheduleFlow: models, formats, store, rules, planner and jobs.

Nothing here imports Textual, Rich or ``tui``: the command line, cron jobs and the TUI all
use the same core (``tests/test_import_hygiene.py`` enforces it).
"""

__all__: list[str] = []
