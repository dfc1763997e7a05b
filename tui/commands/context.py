"""What every command needs: the session (engine), the arguments, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from core.config import load_config
from core.engine import Engine, StoreOperation, outcome
from core.errors import InputError
from core.identity import Actor, current_actor
from core.paths import database_path, home
from core.roles import Role, role_for
from core.store import Store
from core.timeargs import parse_instant
from core.visible import visible

__all__ = ["Context"]


class Context:
    """The parsed arguments and the resources they point at, opened when first used."""

    def __init__(
        self, args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr
    ) -> None:
        self.args = args
        self.out = out
        self.err = err
        self.home: Path = home(getattr(args, "home", None))
        self.database: Path = database_path(self.home, getattr(args, "db", None))
        self.actor: Actor = current_actor()
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The session: config, role, the checked store, jobs."""
        if self._engine is None:
            self._engine = Engine(
                self.home, self.database, read_only=bool(getattr(self.args, "read_only", False))
            )
        return self._engine

    @property
    def store(self) -> Store:
        """The session's store connection (for reads)."""
        return self.engine.store

    @property
    def role(self) -> Role:
        """The role, without opening the store (for restoring a damaged one)."""
        if self._engine is not None:
            return self._engine.role
        config = load_config(self.home)
        return role_for(
            config.roles, self.actor, read_only=bool(getattr(self.args, "read_only", False))
        )

    def run(self, kind: str, operation: StoreOperation, label: str = "", **options: Any) -> Any:
        """Run ``operation`` as a job (recorded, timed out, role-checked); its result."""
        job = self.engine.run(kind, operation, label=label or kind, **options)
        return outcome(job)

    def close(self) -> None:
        """Close what was opened."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def instant(self, name: str) -> datetime | None:
        """An optional time argument (``--from``/``--to``/``--since``), parsed."""
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
        """Write one line for the operator, with any control or bidi character in it shown
        escaped: the line holds titles, names and paths from files (see core/visible.py)."""
        self.out.write(visible(text) + "\n")

    def warn(self, text: str) -> None:
        """Write one line on standard error, escaped as :meth:`say` does."""
        self.err.write(visible(text) + "\n")
