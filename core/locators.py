"""Where a video lives, and its fingerprint.

A locator is an http(s)/rtmp/udp… URL, a ``file://`` URL or a file path. Two spellings of one
place must get one fingerprint, so the fingerprint is the MD5 of the *normalised* locator:
scheme and host lower-cased, default ports and the Kodi ``|User-Agent=…`` header suffix
dropped, ``file://`` URLs and relative paths turned into absolute paths.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = [
    "content_fingerprint",
    "fingerprint",
    "is_local",
    "local_path",
    "normalise_locator",
]

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
    path = Path(locator).expanduser()
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
