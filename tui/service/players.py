"""What players read from a URL: ``/guide.xml``, ``/guide.xml.gz`` and ``/lineup.m3u``.

Plex, Jellyfin, TiviMate and Kodi poll these every few minutes. Each is built by the same
export as ``scheduleflow export`` (an export job), kept in a cache folder, and built again
only when the store has changed: the store's signature (the newest audit record — every
change is audited — and the channels' revisions and counts) names the version. The ETag is
that signature; ``If-None-Match`` (or ``If-Modified-Since``) that still matches gets 304
without a byte of the guide read. gzip is served to clients that ask for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import hashlib
import shutil
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from core.engine import outcome
from core.store import Store, export
from tui.service.state import Caller, Service

__all__ = ["PlayerFiles"]

_VERSIONS_KEPT = 16


@dataclass(frozen=True)
class _Built:
    format: str
    signature: str
    path: Path
    gzipped: Path
    modified: float


def store_signature(store: Store) -> str:
    """A short name for the store's current content: it changes with every change."""
    audit = store.connection.execute("SELECT max(id) FROM audit").fetchone()[0]
    channels = store.connection.execute(
        "SELECT count(*), total(revision), total(programme_count) FROM channel"
    ).fetchone()
    assets = store.connection.execute("SELECT count(*) FROM asset").fetchone()[0]
    text = f"{audit}-{channels[0]}-{channels[1]}-{channels[2]}-{assets}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class PlayerFiles:
    """The guide and the line-up, each built once per store version."""

    def __init__(self, service: Service, folder: Path) -> None:
        self.service = service
        self.folder = folder
        self._built: dict[str, _Built] = {}
        self._locks: dict[str, asyncio.Lock] = {"xmltv": asyncio.Lock(), "m3u": asyncio.Lock()}

    async def respond(self, request: Request, caller: Caller, format: str) -> Response:
        """The file for ``format``, or 304 when the client has this version already."""
        signature = store_signature(self.service.engine.store)
        guide_url = str(request.url_for("guide"))
        key = request.query_params.get("key")
        if format == "m3u" and key:  # the player that gave its key in the URL needs it there too
            guide_url += "?" + urlencode({"key": key})
        # the line-up names the guide's URL (the client's Host, its key); the guide names
        # nothing of the request: one version of it for every client, whatever Host it sends
        named = guide_url if format == "m3u" else ""
        version = hashlib.sha256(f"{format}\n{named}".encode()).hexdigest()[:12]
        built = self._built.get(version)
        if built is None or built.signature != signature:
            async with self._locks[format]:  # one build at a time per file
                built = self._built.get(version)
                if built is None or built.signature != signature:
                    before = built
                    built = await self._build(caller, format, signature, version, guide_url)
                    if before is not None and int(built.modified) <= int(before.modified):
                        # Last-Modified counts whole seconds: a version built in the second
                        # of the one before must still read as newer to If-Modified-Since
                        built = dataclasses.replace(built, modified=int(before.modified) + 1.0)
                    self._built[version] = built
                    self._forget_oldest(format)
        zipped = request.url.path.endswith(".gz")
        etag = f'"{built.signature}{"-gz" if zipped else ""}"'
        headers = {
            "ETag": etag,
            "Last-Modified": formatdate(built.modified, usegmt=True),
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }
        if _not_modified(request, etag, built.modified):
            return Response(status_code=304, headers=headers)
        media = "application/xml" if format == "xmltv" else "audio/x-mpegurl"
        if zipped:
            return FileResponse(built.gzipped, headers=headers, media_type="application/gzip")
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return FileResponse(built.gzipped, headers=headers, media_type=media)
        return FileResponse(built.path, headers=headers, media_type=media)

    def _forget_oldest(self, format: str) -> None:
        """Keep the newest few versions of ``format``'s file: the line-up's guide URL follows
        the client's Host header and key, and each one seen must not keep its files for the
        service's whole life — nor push out the one guide, which costs far more to build."""
        kept = sorted(
            (version for version, built in self._built.items() if built.format == format),
            key=lambda version: self._built[version].modified,
        )
        for oldest in kept[: max(0, len(kept) - _VERSIONS_KEPT)]:
            gone = self._built.pop(oldest)
            gone.path.unlink(missing_ok=True)
            gone.gzipped.unlink(missing_ok=True)

    async def _build(
        self, caller: Caller, format: str, signature: str, version: str, guide_url: str
    ) -> _Built:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = "guide.xml" if format == "xmltv" else "lineup.m3u"
        target = self.folder / f"{version}-{signature}-{name}"

        def build(store: Store, context: object) -> Path:
            export(
                store,
                format,
                target,
                force=True,
                guide_url=guide_url,
                should_stop=getattr(context, "should_stop", None),
            )
            with open(target, "rb") as source, gzip.open(f"{target}.gz", "wb", 6) as zipped:
                shutil.copyfileobj(source, zipped, 1 << 20)
            return target

        job = self.service.submit(
            caller, "export", build, label=f"build /{name} for players", permission="view"
        )
        await self.service.finish(job)
        outcome(job)
        for old in self.folder.glob(f"{version}-*"):  # earlier versions of this file
            if not old.name.startswith(f"{version}-{signature}-"):
                old.unlink(missing_ok=True)
        return _Built(format, signature, target, Path(f"{target}.gz"), time.time())


def _not_modified(request: Request, etag: str, modified: float) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag in {tag.strip() for tag in match.split(",")} or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return int(modified) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
