"""Untrusted text shown on a terminal or in a log: controls visible, never obeyed."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from core.visible import visible

_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN


def _read_back(shown: str) -> str:
    """The reader's side of the rule in core/visible.py's docstring."""
    named = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}

    def one(match: re.Match[str]) -> str:
        escape = match.group(0)
        if escape[1] in named:
            return named[escape[1]]
        return chr(int(escape[2:], 16))

    return re.sub(r"\\(?:[nrt\\]|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})", one, shown)


def test_the_attacks_of_the_issue_are_shown_escaped() -> None:
    assert visible("a\x1b]0;pwned\x07b") == "a\\x1b]0;pwned\\x07b"
    assert visible("\x1b[2J") == "\\x1b[2J"
    assert visible("line\nforged") == "line\\nforged"
    assert visible("\r\t\x7f\x9b\x85") == "\\r\\t\\x7f\\x9b\\x85"
    assert visible("exe\u202e4pm.mp4") == "exe\\u202e4pm.mp4"
    assert visible("\u2066\u2069\u200e\u200f\u061c\ufeff") == (
        "\\u2066\\u2069\\u200e\\u200f\\u061c\\ufeff"
    )
    assert visible("\ud800") == "\\ud800"
    assert visible("tag\U000e0041") == "tag\\U000e0041"


def test_plain_titles_of_every_script_are_unchanged() -> None:
    for title in ["Les Experts : Miami", "Café\u00a0Noir", "東京ニュース", "🎬 Movie", "مرحبا"]:
        assert visible(title) == title


def test_a_backslash_is_doubled_only_where_it_would_read_as_an_escape() -> None:
    assert visible("C:\\Media\\Film.mkv") == "C:\\Media\\Film.mkv"
    assert visible("C:\\new") == "C:\\\\new"
    assert visible("\\x1b") == "\\\\x1b"
    assert visible("a\\\x1b") == "a\\\\\\x1b"
    assert visible("end\\") == "end\\"


@given(st.text())
def test_nothing_hidden_survives(text: str) -> None:
    assert not any(_hidden(char) for char in visible(text))


@given(st.text())
def test_what_is_shown_reads_back_exactly(text: str) -> None:
    assert _read_back(visible(text)) == text


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_text_without_hidden_characters_or_backslashes_is_unchanged(text: str) -> None:
    plain = text.replace("\\", "/")
    assert visible(plain) == plain


def test_every_hidden_character_of_this_python_is_escaped() -> None:
    hidden = [chr(code) for code in range(sys.maxunicode + 1) if _hidden(chr(code))]
    assert len(hidden) > 2000  # C0, C1, Cf and the surrogates are all there
    shown = visible("".join(hidden))
    assert not any(_hidden(char) for char in shown)
