"""What every command needs: the session (engine), the arguments, output helpers."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from core.errors import InputError
from core.identity import Actor, current_actor
from core.paths import database_path, home
from core.roles import Role, role_for
from core.timeargs import parse_instant
from core.visible import visible

if TYPE_CHECKING:  # loaded by the commands that open the store, not by `inspect`
    from core.engine import Engine, StoreOperation
    from core.store import Store

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
        self.output_closed = False
        """The reader of our output went away; the command goes on without words."""
        self.failed_job_errors: list[BaseException] = []
        """Errors of jobs that failed: the job queue has logged them already."""

    @property
    def engine(self) -> Engine:
        """The session: config, role, the checked store, jobs."""
        if self._engine is None:
            from core.engine import Engine

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
        from core.access import store_roles  # the store's own config: not for `inspect`

        roles = store_roles(self.database)
        return role_for(
            roles.settings,
            self.actor,
            owner_uid=roles.owner_uid,
            read_only=bool(getattr(self.args, "read_only", False)),
        )

    def run(self, kind: str, operation: StoreOperation, label: str = "", **options: Any) -> Any:
        """Run ``operation`` as a job (recorded, timed out, role-checked); its result."""
        from core.engine import outcome

        job = self.engine.run(kind, operation, label=label or kind, **options)
        if job.error is not None:
            self.failed_job_errors.append(job.error)
        return outcome(job)

    def close(self) -> None:
        """Flush the output and close what was opened."""
        self.flush()
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def instant(self, name: str, relative_to: datetime | None = None) -> datetime | None:
        """An optional time argument (``--from``/``--to``/``--since``), parsed."""
        text = getattr(self.args, name, None)
        if text is None:
            return None
        try:
            return parse_instant(text, relative_to=relative_to)
        except ValueError as error:
            raise InputError(f"--{name.rstrip('_')}: {error}") from None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """``--from`` and ``--to``; a relative ``--to`` (``+1d``) counts from ``--from``."""
        start = self.instant("from_")
        stop = self.instant("to", relative_to=start)
        if start is not None and stop is not None and start >= stop:
            raise InputError(
                f"--from {start.isoformat(timespec='seconds')} is not before "
                f"--to {stop.isoformat(timespec='seconds')}",
                hint="give a --to later than --from",
            )
        return start, stop

    def print_json(self, data: Any) -> None:
        """Write ``data`` as indented JSON."""
        self._write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def say(self, text: str = "") -> None:
        """Write one line for the operator, with any control or bidi character in it shown
        escaped: the line holds titles, names and paths from files (see core/visible.py)."""
        self._write(visible(text) + "\n")

    def warn(self, text: str) -> None:
        """Write one line on standard error, escaped as :meth:`say` does."""
        self.err.write(visible(text) + "\n")

    def _write(self, text: str) -> None:
        """Write to the output; once its reader has gone (``| head``), write nowhere.

        A closed pipe must never change what a command does to the store: the command goes
        on (a plan whose preview met ``head -n 2`` is still applied, as it would be with its
        output read to the end) and only its words are lost.
        """
        if self.output_closed:
            return
        try:
            self.out.write(text)  # a full buffer is flushed here: where a closed pipe shows
        except BrokenPipeError:
            self.output_closed = True
            self.discard_output()

    def flush(self) -> None:
        """Flush what is still buffered (a closed pipe is not an error of the command)."""
        try:
            self.out.flush()
        except BrokenPipeError:
            self.output_closed = True
            self.discard_output()

    def discard_output(self) -> None:
        """Send what is still to be written, and everything after, nowhere (its reader left)."""
        try:
            descriptor = self.out.fileno()
        except (AttributeError, OSError, ValueError):
            return  # not a real file (a test's buffer): nothing to redirect
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, descriptor)  # what is still buffered goes nowhere, without an error
        os.close(devnull)
