"""The Textual app: one session (engine), themes, the live log, jobs, and the main screen."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path
from typing import Any

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.notifications import SeverityLevel

from core.engine import Engine
from core.jobs import Job
from core.logs import LogLine, log_bus
from core.paths import log_folder
from core.preferences import chosen_theme, keep_theme
from core.visible import visible
from core.words import count
from tui.commands_palette import ScheduleFlowCommands
from tui.keys import binding_ids, unknown_binding_ids
from tui.screens.scope import READS
from tui.themes import DEFAULT_THEME, load_themes

__all__ = ["ScheduleFlowApp"]

log = logging.getLogger("scheduleflow.tui")

CSS_PATH = Path(__file__).with_name("scheduleflow.tcss")


class ScheduleFlowApp(App[None]):
    """ScheduleFlow in the terminal."""

    TITLE = "ScheduleFlow"
    CSS_PATH = CSS_PATH
    COMMANDS = App.COMMANDS | {ScheduleFlowCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    HELP_TITLE = "Everywhere"  # how help and the palette name the app's own keys
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="asks first while a job runs"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="every key, as bound"),
        Binding("colon", "command_palette", "Commands", show=False, id="app.commands"),
        # Any binding of command_palette replaces Textual's own ctrl+p: name it again. A
        # priority binding, as Textual's is, so it opens the palette from a text box, too.
        Binding(
            "ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.palette"
        ),
    ]

    def __init__(
        self,
        engine: Engine,
        *,
        theme: str | None = None,
        load_samples: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.engine = engine
        self.load_samples = load_samples
        # --theme for this run, else the one last chosen in Settings, else the config's
        self.wanted_theme = (
            theme or chosen_theme(engine.home) or engine.config.theme or DEFAULT_THEME
        )
        self.keymap: dict[str, str] = dict(engine.config.keymap)
        """The user's keymap (binding id → keys), as help and the palette read it."""
        themes, self.theme_problems = load_themes(engine.home / "themes")
        for item in themes:
            self.register_theme(item)
        self.failure: Exception | None = None  # the unexpected error that ended the app
        self._unsubscribe_jobs = engine.queue.subscribe(self._job_changed)
        self._unsubscribe_log = log_bus().subscribe(self._log_line)

    def on_mount(self) -> None:
        # 8 or 16 colours (TERM=screen, the console): the theme's amber cursor becomes bright
        # red there and reads as an error; the cursors are drawn reversed instead. Not when
        # headless (tests, snapshots): those draw for no terminal, whatever TERM is set.
        few = self.console.color_system in ("standard", "windows")
        self.set_class(few and not self.is_headless, "-few-colours")
        if self.wanted_theme in self.available_themes:
            self.theme = self.wanted_theme
        else:
            self.theme_problems.append(f"there is no theme '{self.wanted_theme}'")
            self.theme = DEFAULT_THEME
        if self.theme_problems:
            self.notify(
                "Some themes could not be loaded: " + "; ".join(self.theme_problems),
                title="Themes",
                severity="warning",
                timeout=10,
            )
        from tui.dialogs.help import HelpScreen  # noqa: F401  (its keys may be remapped too)
        from tui.screens.main import MainScreen

        unknown = unknown_binding_ids(self.keymap, binding_ids())
        if unknown:
            self.notify(
                f"keymap: no key is called {', '.join(unknown)} (see ? for the keys and "
                "the README's Keys section for their ids); the others apply",
                title="Keymap",
                severity="warning",
                timeout=10,
            )
        self.set_keymap(self.keymap)
        self.push_screen(MainScreen(self.engine, load_samples=self.load_samples))
        loop = self._event_loop = asyncio.get_running_loop()
        # A dropped SSH connection hangs up the terminal: end the process, do not linger.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, self.exit)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A notification, always shown literally with controls escaped (tui/literal.py):
        messages quote job labels, file names and errors that come from files."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def _job_changed(self, job: Job) -> None:
        # every screen of the stack, not only the one on top: a check or an import that ends
        # under the help or a dialog must still reach the main screen
        for screen in self.screen_stack:
            handler = getattr(screen, "job_changed", None)
            if handler is not None:
                handler(job)

    def _log_line(self, line: LogLine) -> None:
        # Log lines come from any thread; hand them to the event loop.
        loop = getattr(self, "_event_loop", None)
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # closing
            loop.call_soon_threadsafe(self._show_log_line, line)

    def _show_log_line(self, line: LogLine) -> None:
        for screen in self.screen_stack:
            handler = getattr(screen, "log_line", None)
            if handler is not None:
                handler(line)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error ends the app with status 2 and its traceback in the log file:
        never on the terminal (Textual prints it there, with the locals, which may quote
        hostile data); ``tui/cli.py`` says what happened in one line once the terminal is back."""
        if self.failure is None:
            self.failure = error
            log.error("the TUI stopped on an unexpected error", exc_info=error)
        super()._handle_exception(error)  # closes the app; run_test raises it again in tests
        self._exit_renderables.clear()
        self._return_code = 2

    def pop_screen(self) -> AwaitComplete:
        """Close the dialog on top, never the main screen: a second enter or click that a
        dialog receives after it closed (both sent before it could) dismisses it again, and
        Textual would pop the screen beneath, leaving a blank app."""
        if len(self.screen_stack) <= 2:
            log.debug("a dialog closed twice; the main screen stays")
            done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]
            return done
        return super().pop_screen()

    def action_help(self) -> None:
        from tui.dialogs.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def choose_theme(self, name: str) -> None:
        """Show the theme ``name`` and keep it for the next start (Settings' choice)."""
        if name == self.theme:
            return
        self.theme = name
        try:
            keep_theme(self.engine.home, name)
        except OSError as error:
            log.warning("the theme choice is not kept: %s", error)
            self.notify(
                f"the theme is used now but not kept: {error.strerror or error}",
                severity="warning",
            )

    async def action_quit(self) -> None:
        """``q``: leave; while a job that changes something runs or waits, say which and ask
        first (leaving stops it: an import half done is rolled back, not finished)."""
        running = [
            job
            for job in self.engine.queue.jobs.values()
            if not job.state.finished and job.kind not in READS
        ]
        if not running:
            self._leave()
            return
        from tui.dialogs.simple import Confirm

        names = ", ".join(job.label for job in running[:3])
        more = f" and {len(running) - 3} more" if len(running) > 3 else ""
        question = f"{count(len(running), 'job')} still running: {names}{more}. Quit and stop them?"

        def answered(yes: bool | None) -> None:
            if yes:
                for job in running:
                    self.engine.queue.cancel(job.id)
                self._leave()

        self.push_screen(Confirm("Quit", question, yes="Quit", no="Stay"), answered)

    def _leave(self) -> None:
        self._unsubscribe_jobs()
        self._unsubscribe_log()
        self.exit()

    @property
    def log_file(self) -> Path:
        """Where the tracebacks are."""
        return log_folder(self.engine.home) / "scheduleflow.log"
