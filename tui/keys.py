"""The keys as they are bound right now: for the help, the command palette and the keymap.

Help and the palette are built from the bindings of the app, the main screen and each pane —
after the user's keymap (``[keymap]`` in ``config.toml``: binding id → keys) — so what they
say is what the keys do. Each pane names itself in the operator's words (``HELP_TITLE``),
never by its class. A binding's ``tooltip`` is the longer line the palette shows under it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

__all__ = ["BoundKey", "binding_ids", "bound_keys", "key_names", "unknown_binding_ids"]

_NAMES = {
    "question_mark": "?",
    "colon": ":",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "escape": "esc",
}


def key_names(keys: Iterable[str]) -> str:
    """``slash, ctrl+p`` → ``/, ctrl+p``: keys as they read on the keyboard."""
    return ", ".join(_NAMES.get(key, key) for key in keys)


@dataclass(frozen=True)
class BoundKey:
    """One binding as it is now: where it acts, its keys, what it does."""

    section: str
    """The pane (``Programmes``), ``Screen`` or ``Everywhere``."""
    keys: tuple[str, ...]
    binding: Binding
    node: DOMNode
    """Where the action runs (the pane's own actions run on the pane)."""

    @property
    def description(self) -> str:
        """What the key does, in a word or two."""
        return self.binding.description

    @property
    def key_text(self) -> str:
        """The keys, as typed."""
        return key_names(self.keys)

    @property
    def help(self) -> str:
        """The palette's second line: keys, then the binding's longer explanation."""
        tooltip = self.binding.tooltip
        return f"{self.key_text} · {tooltip}" if tooltip else self.key_text


def _section(node: DOMNode) -> str | None:
    title = getattr(node, "HELP_TITLE", None)
    return title if isinstance(title, str) else None


def bound_keys(screen: Screen[object], app: App[object]) -> list[BoundKey]:
    """Every binding of ours (those with an id: what a keymap can move) of ``screen``'s
    panes, the screen and the app, in that order, with the keys the keymap gives them now.
    Nodes without a ``HELP_TITLE`` (Textual's own tabs, inputs and footer) are left out, and
    so are the scroll keys a pane inherits from Textual without naming them."""
    keymap: dict[str, str] = getattr(app, "keymap", {})
    found: list[BoundKey] = []
    nodes: list[DOMNode] = [*screen.walk_children(), screen, app]
    for node in nodes:
        section = _section(node)
        if section is None:
            continue
        written = _written_keys(type(node))
        bindings: dict[str, Binding] = {}
        keys: dict[str, list[str]] = {}
        for listed in node._bindings.key_to_bindings.values():  # own and inherited, one a key
            for binding in listed:
                if binding.id and binding.description:
                    bindings.setdefault(binding.id, binding)
                    keys.setdefault(binding.id, []).append(binding.key)
        for identifier, binding in bindings.items():
            # the keymap's keys, else as the binding writes them ("j,down": j first)
            text = keymap.get(identifier) or written.get(identifier) or ",".join(keys[identifier])
            found.append(BoundKey(section, _split(text), binding, node))
    return found


def _written_keys(cls: type[DOMNode]) -> dict[str, str]:
    """Binding id → its keys as the class (or a base of ours) writes them."""
    written: dict[str, str] = {}
    for base in reversed(cls.__mro__):
        for binding in getattr(base, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                written[binding.id] = binding.key
    return written


def _split(keys: str) -> tuple[str, ...]:
    return tuple(key.strip() for key in keys.split(",") if key.strip())


def binding_ids() -> set[str]:
    """The ids of every binding of ScheduleFlow's own screens, panes and dialogs: what a
    keymap may name (the classes of ``tui`` that are loaded, and they all are by then)."""
    ids: set[str] = set()
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        merged = cls._merged_bindings
        if merged is None or not cls.__module__.startswith("tui."):
            continue
        for listed in merged.key_to_bindings.values():
            ids.update(binding.id for binding in listed if binding.id)
    return ids


def unknown_binding_ids(keymap: dict[str, str], known: set[str]) -> list[str]:
    """The keymap's ids that name no binding (a typo would silently rebind nothing)."""
    return sorted(set(keymap) - known)
