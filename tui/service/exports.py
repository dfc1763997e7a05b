"""``/api/export`` and ``/api/export-schedule-xml``: an export job's files, sent as they are.

The export writes into a temporary folder of its own (the same writer as ``scheduleflow
export``, atomic file by file); the answer streams the file from there and the folder is
removed once it is sent. ffplayout writes a folder of day files: one is sent as it is, more
as a zip.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from core.engine import outcome
from core.store import Store, export
from tui.service.params import channels, flag, window
from tui.service.state import Service

__all__ = ["export_response"]


def _discard(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _zip(root: Path, files: list[Path], archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in files:
            out.write(path, os.path.relpath(path, root))


async def export_response(service: Service, request: Request, format: str) -> Response:
    """Run ``format``'s export as a job into a temporary folder and send what it wrote
    (removed once sent); ffplayout sends one day's file, or a zip of the days."""
    caller = service.caller(request, "export")
    start, stop = window(request)
    chosen = channels(request)
    folder = Path(tempfile.mkdtemp(prefix="scheduleflow-export-"))
    suffix = {"xmltv": ".xml", "json": ".json", "m3u": ".m3u", "playlist": ".m3u"}
    target = folder / (f"export{suffix[format]}" if format in suffix else "days")
    group = request.query_params.get("group")
    filler = request.query_params.get("filler")
    library = flag(request.query_params.get("library"), "library")
    guide_url = str(request.url_for("guide"))

    def run(store: Store, context: Any) -> Any:
        if format == "ffplayout":
            target.mkdir()
        return export(
            store,
            format,
            target,
            channels=chosen,
            start=start,
            stop=stop,
            should_stop=context.should_stop,
            group=group,
            filler=filler,
            library=library,
            guide_url=guide_url,
        )

    try:
        job = service.submit(caller, "export", run, label=f"export {format}")
        await service.finish(job)
        result = outcome(job)
    except BaseException:
        _discard(folder)
        raise
    cleanup = BackgroundTask(_discard, folder)
    headers = {"X-Job-ID": job.id}
    if result.warnings:
        headers["X-Export-Warnings"] = str(len(result.warnings))
    if format != "ffplayout":
        media = {"xmltv": "application/xml", "json": "application/json"}.get(
            format, "audio/x-mpegurl"
        )
        return FileResponse(
            target,
            media_type=media,
            headers=headers,
            background=cleanup,
            filename=target.name.replace("export", "scheduleflow"),
        )
    files = sorted(path for path in target.rglob("*.json") if path.is_file())
    if len(files) == 1:
        return FileResponse(
            files[0],
            media_type="application/json",
            headers=headers,
            background=cleanup,
            filename=files[0].name,
        )
    archive = folder / "ffplayout.zip"
    await asyncio.to_thread(_zip, target, files, archive)
    return FileResponse(
        archive,
        media_type="application/zip",
        headers=headers,
        background=cleanup,
        filename="ffplayout.zip",
    )
