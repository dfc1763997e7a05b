"""Untrusted text made safe for a terminal or a text log line: controls shown, never obeyed.

Titles, channel names, groups, locators and file names come from strangers' files. Printed
raw, an ``ESC]0;…BEL`` renames the terminal window, ``ESC[2J`` blanks the screen, a newline
forges a log line and a bidi override (U+202E) makes ``exe.mp4`` read as ``4pm.exe``.
:func:`visible` replaces each such character with a backslash escape the reader can see:

- ``\\n``, ``\\r``, ``\\t`` for the three everyone knows;
- ``\\xHH`` for the other C0 controls, DEL and the C1 controls (U+0080–U+009F);
- ``\\uHHHH`` (or ``\\UHHHHHHHH``) for format characters (Unicode category Cf: bidi
  embeddings, overrides and isolates, U+200E/U+200F, U+061C, U+FEFF, zero-width joiners…),
  lone surrogates (Cs) and the line and paragraph separators (U+2028, U+2029).

A backslash stays a single backslash, so ``C:\\Media`` or a regex reads as written, except
where it would otherwise read as the start of one of these escapes (before ``n r t x u U``,
another backslash or an escaped character): there it is doubled. The result can therefore
be read back exactly: a doubled backslash is one backslash, and every other backslash that
begins ``\\n \\r \\t \\x \\u \\U`` is an escape.

Everything else, including letters of every script, accents, emoji and the non-breaking
space, is kept as it is.
"""

from __future__ import annotations

import unicodedata

__all__ = ["has_hidden", "visible"]

# Categories a terminal may obey or a reader cannot see: controls, format characters,
# surrogates, and the two separators some viewers treat as a line break.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# After a backslash these would make it read as the start of an escape.
_ESCAPE_STARTS = frozenset("\\nrtxuU")


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every control, bidi and invisible format character shown escaped."""
    # Fast path: printable text (no Cc/Cf/Cs/Zl/Zp, nor any other non-printable character)
    # without a backslash is returned as it is, checked in C.
    if text.isprintable() and "\\" not in text:
        return text
    parts: list[str] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        if _hidden(char):
            parts.append(_escape(char))
        elif char == "\\" and index < last:
            following = text[index + 1]
            parts.append("\\\\" if following in _ESCAPE_STARTS or _hidden(following) else "\\")
        else:
            parts.append(char)
    return "".join(parts)


def has_hidden(text: str) -> bool:
    """Whether ``text`` holds a character :func:`visible` escapes (a backslash is not one).

    A line read back from our own text log was escaped when written; shown as it is, it
    reads as in the file. The file is still hostile, so a line holding a control is
    escaped again (its backslashes doubled: unambiguous, if less pretty).
    """
    return not text.isprintable() and any(_hidden(char) for char in text)
