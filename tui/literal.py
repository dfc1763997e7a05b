"""Stored text for widgets: shown as written, never read as markup, controls made visible.

Textual reads a ``str`` given to ``Static``, ``Label``, ``border_title``, ``Select`` options,
``Tree`` labels, ``DataTable`` cells and notifications as markup: a library group named
``[/]`` raises ``MarkupError``, ``[link=…]`` renders a link. Segments written by
``render_line`` go to the terminal as they are: ``ESC]0;…BEL`` renames the terminal window.
Every string that holds titles, names, groups, locators, file names or error messages
(which quote them) is passed through one of these first.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.content import Content

from core.visible import visible

__all__ = ["literal", "literal_lines", "literal_text", "problem"]


def literal(text: str) -> Content:
    """``text`` as widget content: no markup, controls and bidi characters escaped."""
    return Content(visible(text))


def literal_lines(lines: Iterable[str]) -> Content:
    """Our own lines, each holding stored text: our line breaks kept, any inside escaped."""
    return Content("\n".join(visible(line) for line in lines))


def literal_text(text: str) -> Text:
    """``text`` as a Rich ``Text`` (for ``Tree`` labels, ``DataTable`` cells, options)."""
    return Text(visible(text))


def problem(text: str, lead: str = "") -> Content:
    """What is wrong, in bold red, after an optional ``lead`` of our own."""
    if not lead:
        return Content.styled(visible(text), "bold red")
    return Content.assemble((lead, "bold red"), visible(text))
