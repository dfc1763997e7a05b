"""The ``#EXTINF`` line of M3U playlists: split it and decode its attributes.

Kept apart from the M3U reader so that :class:`core.models.Asset` can decode its attributes
on demand without importing the formats package.
"""

from __future__ import annotations

import re

__all__ = ["format_attributes", "parse_attributes", "split_extinf", "writable_attributes"]

# key="value" where the closing quote is the one followed by a space, a comma or the end:
# real playlists put commas and quotes inside values.
_ATTRIBUTE = re.compile(
    r"""\s*([^\s=,"']+)\s*=\s*(?:"(.*?)"(?=[\s,]|$)|'(.*?)'(?=[\s,]|$)|([^\s,"']*))"""
)
_DURATION = re.compile(r"\s*([-+]?[0-9]+(?:\.[0-9]+)?)?")
# what, right after the digits matched, shows they were only the start of another token
_NUMBER_GOES_ON = re.compile(r"[eE][-+]?\d|[._\d]")


def parse_attributes(text: str) -> tuple[tuple[str, str], ...]:
    """Decode ``key="value" …`` into (name, value) pairs, names as written, in order."""
    attributes: list[tuple[str, str]] = []
    position = 0
    while True:
        found = _ATTRIBUTE.match(text, position)
        if found is None or found.end() == position:
            break
        key, double, single, bare = found.groups()
        value = double if double is not None else single if single is not None else bare
        attributes.append((key, value))
        position = found.end()
    return tuple(attributes)


def _careful_split(text: str, start: int) -> tuple[str, str]:
    position = start
    while True:
        found = _ATTRIBUTE.match(text, position)
        if found is None or found.end() == position:
            break
        position = found.end()
    comma = text.find(",", position)
    if comma < 0:
        return text[start:], ""
    return text[start:comma], text[comma + 1 :]


def _split_duration(text: str) -> tuple[str, int]:
    """The duration token at the start of the line and where the attributes begin."""
    space = text.find(" ", 1)
    comma = text.find(",")
    end = space if 0 <= space < comma or comma < 0 else comma
    if end < 0:
        end = len(text)
    token = text[:end]
    if token and token.strip().lstrip("+-").replace(".", "", 1).isdigit():
        return token.strip(), end
    match = _DURATION.match(text)
    if match is None or match.group(1) is None:
        return "", 0
    if _NUMBER_GOES_ON.match(text, match.end()):
        # "1e309", "1_000", "1.5.3": the token is the duration text, not its first digits
        return token.strip(), end
    return match.group(1), match.end()


def split_extinf(text: str) -> tuple[str, str, str]:
    """Split what follows ``#EXTINF:`` into (duration, attribute text, title), all verbatim.

    The fast path takes the first comma after the last attribute's closing quote; it is
    used only when that quote really closes an attribute value (``="…"``) and nothing but
    spaces lies between it and the comma; otherwise the attributes are walked one by one
    (titles may hold quotes and commas too).
    """
    if text[:3] in ("-1 ", "-1,"):  # a live stream: by far the most common entry
        duration, start = "-1", 2
    else:
        duration, start = _split_duration(text)
    # partition rather than find: str.find's optional arguments cost more than the copies
    before, quote, after = text.rpartition('"')
    if not quote:
        comma = text.find(",", start)
        if comma < 0:
            return duration, text[start:], ""
        if "'" not in text[start:comma]:
            return duration, text[start:comma], text[comma + 1 :]
    else:
        gap, comma_found, title = after.partition(",")
        if comma_found and not gap.strip():
            opening, opening_quote, _ = before.rpartition('"')
            if opening_quote and len(opening) > start and opening[-1] == "=":
                return duration, text[start : len(before) + 1 + len(gap)], title
    attributes, title = _careful_split(text, start)
    return duration, attributes, title


_NAME = re.compile(r"[^\s=,\"']+")


def format_attributes(attrs: tuple[tuple[str, str], ...]) -> str:
    """The ``#EXTINF`` attribute text for (name, value) pairs, every reader's view alike.

    M3U has no escapes: a ``"`` inside a value would end it for most readers and let the
    rest become attributes, so it is written as ``'``; a name that cannot be written (empty,
    with a space, ``=``, ``,`` or a quote) is left out.
    """
    return "".join(f' {key}="{value}"' for key, value in writable_attributes(attrs))


def writable_attributes(attrs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The (name, value) pairs :func:`format_attributes` writes: ``"`` in values as ``'``,
    pairs whose name cannot be written left out."""
    return tuple((key, value.replace('"', "'")) for key, value in attrs if _NAME.fullmatch(key))
