"""What every command needs: the data directory, the store, the actor, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from core.errors import InputError
from core.identity import Actor, current_actor
from core.paths import database_path, home
from core.store import Store
from core.timeargs import parse_instant

__all__ = ["Context"]


class Context:
    """The parsed arguments and the resources they point at."""

    def __init__(
        self, args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr
    ) -> None:
        self.args = args
        self.out = out
        self.err = err
        self.home: Path = home(getattr(args, "home", None))
        self.database: Path = database_path(self.home, getattr(args, "db", None))
        self.actor: Actor = current_actor()
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The store, opened (and checked) on first use."""
        if self._store is None:
            self._store = Store.open(self.database, log_folder=self.home / "logs")
        return self._store

    def close(self) -> None:
        """Close what was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def instant(self, name: str) -> Any:
        """An optional time argument (``--from``/``--to``), parsed; ``None`` when absent."""
        text = getattr(self.args, name, None)
        if text is None:
            return None
        try:
            return parse_instant(text)
        except ValueError as error:
            raise InputError(f"--{name.rstrip('_')}: {error}") from None

    def print_json(self, data: Any) -> None:
        """Write ``data`` as indented JSON."""
        json.dump(data, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")

    def say(self, text: str = "") -> None:
        """Write one line for the operator."""
        self.out.write(text + "\n")
