"""File names made from names in the data: a channel id becomes one folder name, never a path.

A channel id comes from a guide, so it is hostile text: ``/etc``, ``../../x``, ``.``, a NUL.
:func:`path_component` percent-encodes it into a single safe name inside the folder the
operator chose, and keeps distinct ids apart (no two ids share a name).
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["MAX_COMPONENT", "path_component"]

MAX_COMPONENT = 200
"""The longest name :func:`path_component` returns (file systems allow 255 bytes)."""

_UNSAFE = re.compile(rb"[^A-Za-z0-9._@+-]")
_KEPT = MAX_COMPONENT - 33  # room for "~" and 32 hex digits of the id's hash


def path_component(text: str) -> str:
    """``text`` as one file or folder name that stays in its folder.

    Every UTF-8 byte outside ``A-Z a-z 0-9 . _ @ + -`` becomes ``%XX`` (``/`` → ``%2F``,
    ``%`` itself → ``%25``, so the encoding can be undone and distinct texts stay distinct); a
    leading ``.`` becomes ``%2E`` (no ``.``, ``..`` or hidden name); the empty text is ``%``.
    A name longer than :data:`MAX_COMPONENT` keeps its start and ends in ``~`` and the
    SHA-256 of the text (``~`` is never otherwise written, so it cannot meet a short name).
    """
    raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate too: its own bytes
    name = _UNSAFE.sub(lambda match: f"%{match[0][0]:02X}".encode("ascii"), raw).decode("ascii")
    if name.startswith("."):
        name = "%2E" + name[1:]
    if not name:
        return "%"
    if len(name) > MAX_COMPONENT:
        return f"{name[:_KEPT]}~{hashlib.sha256(raw).hexdigest()[:32]}"
    return name
