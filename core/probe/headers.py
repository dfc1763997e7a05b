"""The request headers an IPTV entry asks for, as players send them.

Lists carry them two ways: ``#EXTVLCOPT:http-user-agent=…`` / ``http-referrer=…`` tag lines
(VLC's options) and Kodi's ``|User-Agent=…&Referer=…`` suffix on the locator (values
percent-encoded). Both come from a stranger's file: a value holding a control character
(CR/LF would forge a header line) refuses the probe with the reason, and only the headers
in :data:`ALLOWED` are sent — never ``Host``, ``Content-Length`` or ``Transfer-Encoding``,
which would change what the request is rather than who asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from core.locators import line_breaking

__all__ = ["ALLOWED", "RequestHeaders", "request_headers"]

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


def request_headers(locator: str, tags: tuple[str, ...] = ()) -> RequestHeaders:
    """The headers ``locator`` and its entry's ``tags`` ask for; the suffix wins over tags
    (Kodi reads the suffix, VLC the tags: a list that has both means the same)."""
    url, _, suffix = locator.strip().partition("|")
    headers: dict[str, str] = {}
    for tag in tags:
        if tag[:11].upper() != "#EXTVLCOPT:":
            continue
        option, equals, value = tag[11:].partition("=")
        name = _VLC_OPTIONS.get(option.strip().lower())
        if name is None or not equals:
            continue
        problem = _refused(name, value)
        if problem is not None:
            return RequestHeaders(url.strip(), {}, problem)
        headers[name] = value.strip()
    for pair in suffix.split("&") if suffix else ():
        key, equals, value = pair.partition("=")
        name = ALLOWED.get(unquote(key).strip().lower())
        if name is None or not equals:
            continue
        value = unquote(value)
        problem = _refused(name, value)
        if problem is not None:
            return RequestHeaders(url.strip(), {}, problem)
        headers[name] = value.strip()
    return RequestHeaders(url.strip(), headers)
