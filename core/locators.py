"""Where a video lives, and its fingerprint.

A locator is an http(s)/rtmp/udp… URL, a ``file://`` URL or a file path. Two spellings of one
place must get one fingerprint, so the fingerprint is the MD5 of the *normalised* locator:
scheme and host lower-cased, default ports and the Kodi ``|User-Agent=…`` header suffix
dropped, ``file://`` URLs and relative paths turned into absolute paths.

A locator comes from a stranger's file, so before one is handed to a program we start (mpv,
ffprobe) :func:`spawnable_locator` turns it into something that cannot be read as an option:
an absolute path, or a URL whose scheme is on :data:`PLAYABLE_SCHEMES`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from core.errors import RefusedLocator

__all__ = [
    "PLAYABLE_SCHEMES",
    "content_fingerprint",
    "fingerprint",
    "is_local",
    "line_breaking",
    "local_path",
    "normalise_locator",
    "spawnable_locator",
]

# The schemes a player is handed. Not mpv's own protocols (av://, lavfi://, edl://, fd://,
# memory://, ytdl://…): those read other files, file descriptors or run filter graphs.
PLAYABLE_SCHEMES = frozenset(
    ("http", "https", "rtmp", "rtmps", "rtsp", "rtsps", "srt", "udp", "rtp", "file")
)
# Cc: C0, DEL and C1 controls; Zl/Zp: the Unicode line and paragraph separators
_LINE_BREAKING = frozenset(("Cc", "Zl", "Zp"))

_DEFAULT_PORTS = {
    "http": ":80",
    "https": ":443",
    "rtsp": ":554",
    "rtmp": ":1935",
    "ftp": ":21",
    "mms": ":1755",
}
# scheme, authority, and the rest up to the Kodi '|header=value' suffix
_URL_PARTS = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*)://([^/?#|]*)([^|]*)")


def _is_url(locator: str) -> bool:
    return _URL_PARTS.match(locator) is not None


def local_path(locator: str, base: str | Path | None = None) -> Path | None:
    """The absolute file path a locator names, or ``None`` for a network locator.

    Relative paths are taken from ``base`` (the playlist's folder) or the working directory.
    """
    locator = locator.partition("|")[0].strip()
    if locator.lower().startswith("file://"):
        parts = urlsplit(locator)
        text = unquote(parts.path)
        if parts.netloc and parts.netloc.lower() != "localhost":
            text = f"//{parts.netloc}{text}"
        return Path(os.path.normpath(text))
    if _is_url(locator):
        return None
    path = Path(locator)
    # "~nobody/x" names no home on this machine: a relative name, as written
    with contextlib.suppress(RuntimeError):
        path = path.expanduser()
    if not path.is_absolute():
        path = Path(base if base is not None else os.getcwd()) / path
    return Path(os.path.normpath(path))


def is_local(locator: str) -> bool:
    """True when the locator names a file rather than a network stream."""
    return local_path(locator, "/") is not None


def normalise_locator(locator: str, base: str | Path | None = None) -> str:
    """The canonical spelling of a locator, the input of its fingerprint."""
    match = _URL_PARTS.match(locator)
    if match is None:
        return _local_text(locator, base)
    scheme, authority, rest = match.groups()
    scheme = scheme.lower()
    if scheme == "file":
        return _local_text(locator, base)
    if "@" in authority:
        userinfo, at, host = authority.rpartition("@")
        authority = userinfo + at + host.lower()
    else:
        authority = authority.lower()
    if ":" in authority and not authority.endswith("]"):
        default = _DEFAULT_PORTS.get(scheme)
        if default is not None and authority.endswith(default):
            authority = authority[: -len(default)]
    return f"{scheme}://{authority}{rest.rstrip()}"


def _local_text(locator: str, base: str | Path | None) -> str:
    path = local_path(locator, base)
    assert path is not None
    return path.as_posix()


def fingerprint(locator: str, base: str | Path | None = None) -> str:
    """MD5 (hex) of the normalised locator: one fingerprint for one place."""
    return hashlib.md5(
        normalise_locator(locator, base).encode("utf-8"), usedforsecurity=False
    ).hexdigest()


def content_fingerprint(path: Path, chunk_size: int = 1 << 20) -> str:
    """MD5 (hex) of a local file's bytes, for ``dedupe --content``."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def _shown(locator: str, limit: int = 200) -> str:
    """A locator quoted for a message, long ones shortened. Its characters are kept as they
    are: every edge that shows a message (terminal, log, TUI) shows controls escaped
    (core.visible), and escaping here as well would double every backslash there."""
    return f"'{locator[:limit]}…'" if len(locator) > limit else f"'{locator}'"


def _named(character: str) -> str:
    """A character named by its code point (``U+001B``), for the reason a locator is refused."""
    return f"U+{ord(character):04X}"


def line_breaking(text: str) -> str | None:
    """The first control or line-separator character of ``text`` (C0, DEL, C1, U+2028,
    U+2029: what ends or hides a line), or ``None``."""
    if text.isprintable():  # C speed: no control, format or separator character in it
        return None
    for character in text:
        if unicodedata.category(character) in _LINE_BREAKING:
            return character
    return None


def spawnable_locator(locator: str, base: str | Path | None = None) -> str:
    """What may be passed to a program we start for ``locator``: never an option.

    A file path (or ``file://`` URL) becomes an absolute path, so it starts with ``/``; a
    URL keeps its text (without the Kodi ``|header`` suffix) when its scheme is one of
    :data:`PLAYABLE_SCHEMES`. Anything else raises :class:`RefusedLocator` with the reason:
    empty, a control character or line break, a leading ``-``, another scheme, a ``file://``
    URL with no path.
    """
    text = locator.partition("|")[0].strip()
    if not text:
        raise RefusedLocator("the locator is empty")
    control = line_breaking(locator.strip())
    if control is not None:
        raise RefusedLocator(
            f"locator {_shown(locator)} holds a control character ({_named(control)})"
        )
    match = _URL_PARTS.match(text)
    if match is not None:
        scheme = match.group(1).lower()
        if scheme not in PLAYABLE_SCHEMES:
            raise RefusedLocator(
                f"locator {_shown(locator)} is not a URL with an allowed scheme nor a "
                f"file path ('{scheme}:' is not one of {', '.join(sorted(PLAYABLE_SCHEMES))})"
            )
        if scheme != "file":
            return text
    elif text.startswith("-"):
        raise RefusedLocator(
            f"locator {_shown(locator)} is not a URL with an allowed scheme nor a "
            "file path (it starts with '-', as a program's option does)"
        )
    path = local_path(text, base)
    assert path is not None
    if not path.is_absolute():  # "file://": no path at all, not the working folder (".")
        raise RefusedLocator(f"locator {_shown(locator)} is a file:// URL with no path")
    spelled = path.as_posix()
    control = line_breaking(spelled)
    if control is not None:  # a file:// URL can spell one as %0A
        raise RefusedLocator(
            f"locator {_shown(locator)} names a path with a control character ({_named(control)})"
        )
    return spelled
