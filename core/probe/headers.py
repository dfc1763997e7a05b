"""The request headers an IPTV entry asks for, as players send them.

Lists carry them three ways: ``#EXTVLCOPT:http-user-agent=…`` / ``http-referrer=…`` tag lines
(VLC's options; iptv-org also writes them as ``#EXTINF`` attributes, which
:func:`attribute_tags` turns into such lines), ``#EXTHTTP:{"User-Agent": …}`` (a JSON object,
as TiviMate reads) and Kodi's ``|User-Agent=…&Referer=…`` suffix on the locator (values
percent-encoded). Both come from a stranger's file: a value holding a control character
(CR/LF would forge a header line) refuses the probe with the reason, and only the headers
in :data:`ALLOWED` are sent — never ``Host``, ``Content-Length`` or ``Transfer-Encoding``,
which would change what the request is rather than who asks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from core.locators import line_breaking

__all__ = ["ALLOWED", "RequestHeaders", "attribute_tags", "request_headers"]

ALLOWED = {
    "user-agent": "User-Agent",
    "referer": "Referer",
    "referrer": "Referer",
    "origin": "Origin",
    "cookie": "Cookie",
    "accept": "Accept",
    "accept-language": "Accept-Language",
    "authorization": "Authorization",
}
"""Header names a list may set (lower case → as sent)."""

_VLC_OPTIONS = {
    "http-user-agent": "User-Agent",
    "http-referrer": "Referer",
    "http-referer": "Referer",
}


@dataclass(frozen=True, slots=True)
class RequestHeaders:
    """The URL to request (the locator without its ``|`` suffix), the headers to send, or
    why the entry's headers cannot be sent (``problem``)."""

    url: str
    headers: dict[str, str]
    problem: str | None = None


def _refused(name: str, value: str) -> str | None:
    control = line_breaking(value)
    if control is None:
        return None
    return f"its {name} header holds a control character (U+{ord(control):04X})"


def attribute_tags(attrs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """``http-user-agent="…"`` and ``http-referrer="…"`` ``#EXTINF`` attributes as the
    ``#EXTVLCOPT`` lines they stand for (put before the entry's own tag lines, which win)."""
    return tuple(
        f"#EXTVLCOPT:{key.lower()}={value}" for key, value in attrs if key.lower() in _VLC_OPTIONS
    )


def _json_headers(text: str) -> list[tuple[str, str]]:
    """The ``name: value`` pairs of an ``#EXTHTTP`` JSON object (nothing when it is not one)."""
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):  # "[[[…": json's decoder recurses per level
        return []
    if not isinstance(found, dict):
        return []
    return [(str(key), value) for key, value in found.items() if isinstance(value, str)]


def _tag_headers(tag: str) -> list[tuple[str, str]]:
    """The (header, value) pairs one tag line asks for."""
    if tag[:9].upper() == "#EXTHTTP:":
        return [
            (ALLOWED[key.strip().lower()], value)
            for key, value in _json_headers(tag[9:])
            if key.strip().lower() in ALLOWED
        ]
    if tag[:11].upper() != "#EXTVLCOPT:":
        return []
    option, equals, value = tag[11:].partition("=")
    name = _VLC_OPTIONS.get(option.strip().lower())
    return [(name, value)] if name is not None and equals else []


def _suffix_headers(suffix: str) -> list[tuple[str, str]]:
    """The (header, value) pairs of Kodi's ``|Name=value&…`` suffix, percent-decoded."""
    pairs = []
    for pair in suffix.split("&") if suffix else ():
        key, equals, value = pair.partition("=")
        name = ALLOWED.get(unquote(key).strip().lower())
        if name is not None and equals:
            pairs.append((name, unquote(value)))
    return pairs


def request_headers(locator: str, tags: tuple[str, ...] = ()) -> RequestHeaders:
    """The headers ``locator`` and its entry's ``tags`` ask for; later ones win, and the
    suffix wins over tags (Kodi reads the suffix, VLC the tags: a list with both means the
    same)."""
    url, _, suffix = locator.strip().partition("|")
    asked = [pair for tag in tags for pair in _tag_headers(tag)] + _suffix_headers(suffix)
    headers: dict[str, str] = {}
    for name, value in asked:
        problem = _refused(name, value)
        if problem is not None:
            return RequestHeaders(url.strip(), {}, problem)
        headers[name] = value.strip()
    return RequestHeaders(url.strip(), headers)
