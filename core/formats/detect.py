"""Which format a file is in, decided by its content, never by its name."""

from __future__ import annotations

import re

from core.errors import InputError, UnsupportedFormat
from core.formats.source import Source

__all__ = ["FORMATS", "detect_format"]

FORMATS = ("m3u", "xmltv", "json", "ffplayout")

_XML_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>|<\?.*?\?>)\s*)*"
    r"<([A-Za-z_][\w.:-]*)",
    re.DOTALL,
)
_SCHEDULEFLOW = re.compile(r'"format"\s*:\s*"scheduleflow/')
_FFPLAYOUT = re.compile(r'"program"\s*:\s*\[')
_LOCATOR_LINE = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9+.-]*://\S+|\S.*\.(?:mp4|mkv|avi|mov|m4v|ts|mpg|mpeg|webm|mp3|aac|"
    r"flac|ogg|wav|m4a|m3u8))\s*$",
    re.IGNORECASE,
)
_HLS = re.compile(r"^\s*#EXT-X-", re.MULTILINE)
_ROOT_HINTS = {
    "channels": "an iptv-org channel list (site ids), not a guide",
    "ProgramGuide": "a provider's own guide format, not XMLTV",
    "rss": "an RSS feed, not a guide",
    "html": "a web page, not a guide (was the download redirected?)",
}


def _text_of(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.decode("utf-8", errors="replace")


def detect_format(source: Source) -> str:
    """One of :data:`FORMATS`, or ``UnsupportedFormat`` saying what the file seems to be."""
    head = source.head()
    if not head.strip():
        raise InputError(
            "is empty", path=source.name, hint="choose a playlist, guide or schedule file"
        )
    is_utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    sample = head[:4096]
    if not is_utf16 and (
        b"\x00" in sample or sum(byte < 9 or 13 < byte < 32 for byte in sample) > len(sample) // 20
    ):
        raise UnsupportedFormat(
            "is binary data, not a text playlist, guide or schedule",
            path=source.name,
            hint="choose an M3U, XMLTV, JSON or ffplayout file",
        )
    text = _text_of(head)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        match = _XML_ROOT.match(text)
        root = match.group(1) if match else None
        if root == "tv":
            return "xmltv"
        if root is None:
            return "xmltv"  # let the XML reader say precisely what is wrong
        what = _ROOT_HINTS.get(root, "not an XMLTV guide (whose root is <tv>)")
        raise UnsupportedFormat(
            f"is XML with a <{root}> root: {what}",
            path=source.name,
            hint="choose an XMLTV file",
        )
    if stripped.startswith(("{", "[")):
        if _SCHEDULEFLOW.search(text):
            return "json"
        if _FFPLAYOUT.search(text):
            return "ffplayout"
        raise UnsupportedFormat(
            'is JSON, but neither a ScheduleFlow document ("format": "scheduleflow/1") '
            'nor an ffplayout playlist ("program": [...])',
            path=source.name,
            hint="export it as XMLTV or M3U from the tool that made it",
        )
    hls = _HLS.search(text)
    if hls:
        line = text.count("\n", 0, hls.start()) + 1
        raise UnsupportedFormat(
            "is an HLS stream playlist (#EXT-X- tags): the segments or variants of one "
            "stream, not a channel or library list",
            path=source.name,
            line=line,
            hint="import the IPTV playlist that points at this stream instead",
        )
    upper = stripped[:4096].upper()
    if upper.startswith("#EXTM3U") or "#EXTINF" in upper:
        return "m3u"
    lines = [line.strip() for line in text.splitlines() if line.strip()][:20]
    candidates = [line for line in lines if not line.startswith("#")]
    if candidates and all(_LOCATOR_LINE.match(line) for line in candidates[:10]):
        return "m3u"
    raise UnsupportedFormat(
        "is not a format ScheduleFlow reads",
        path=source.name,
        hint="import M3U/M3U8 playlists, XMLTV guides, ScheduleFlow JSON or ffplayout playlists",
    )
