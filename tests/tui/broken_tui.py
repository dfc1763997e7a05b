"""``scheduleflow`` with one key broken the way a bug breaks it: ``G`` in the programmes table
raises. The tmux tests run it to see how the app fails in a real terminal; nothing in the
product knows of it."""

from __future__ import annotations

import sys

from tui.cli import main
from tui.widgets.programmes import ProgrammeTable


def _broken(self: ProgrammeTable) -> None:
    raise LookupError("a bug behind G")


ProgrammeTable.action_last = _broken  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())
