"""The API's endpoints: each one the command line's command, on the same core and jobs.

Every change and every heavy read (import, export, check, fix, plan) runs as a job of the
service's engine, exactly as the CLI runs it: recorded in the job history, timed out,
cancelled by ``DELETE /api/jobs/{id}``, role-checked by the core. Quick reads (health,
jobs, now, audit) are answered from the store on the event loop, as the TUI reads them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from core.engine import outcome
from core.errors import InputError
from core.formats import EXPORT_FORMATS, FORMATS
from core.jobs import Job
from core.onair import on_air
from core.planner import apply_plan, make_plan, single_group
from core.rules import check_store
from core.rules.fixes import apply_fix, plan_fix
from core.store import Store, export, import_file
from core.timeargs import parse_duration, parse_instant
from tui.service.errors import ApiError
from tui.service.state import Service
from tui.service.uploads import receive_upload

__all__ = ["Endpoints"]

log = logging.getLogger("scheduleflow.service")

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise InputError(f"{name}: '{value[:40]}' is not true or false")


def _instant(request: Request, name: str, relative_to: datetime | None = None) -> datetime | None:
    text = request.query_params.get(name)
    if text is None:
        return None
    try:
        return parse_instant(text, relative_to=relative_to)
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None


def _window(request: Request) -> tuple[datetime | None, datetime | None]:
    start = _instant(request, "from")
    stop = _instant(request, "to", relative_to=start)
    if start is not None and stop is not None and start >= stop:
        raise InputError("'from' is not before 'to'", hint="give a 'to' later than 'from'")
    return start, stop


def _number(request: Request, name: str, default: int, most: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= most:
        raise InputError(f"{name}: '{text[:40]}' is not a whole number from 1 to {most}")
    return int(text)


def _channels(request: Request) -> list[str] | None:
    channel = request.query_params.get("channel")
    return [channel] if channel else None


def _accepted(job: Job, request: Request) -> JSONResponse:
    location = str(request.url_for("job", job_id=job.id))
    return JSONResponse(
        {"job": job.id, "state": str(job.state), "location": location},
        status_code=202,
        headers={"Location": location},
    )


def _safe_name(filename: str) -> str:
    """A client's file name reduced to a label: its last part, in plain letters, short."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", filename.replace("\\", "/").rsplit("/", 1)[-1])
    return base.strip("._")[:60] or "upload"


def _discard(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


class Endpoints:
    """The handlers, bound to the running service."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.engine = service.engine

    async def _run(self, job: Job) -> Any:
        await self.service.finish(job)
        return outcome(job)

    # -- the original system's paths --------------------------------------------------------
    async def health(self, request: Request) -> Response:
        """``health --json``: 200 healthy, 503 degraded."""
        self.service.caller(request, "health", key_needed=self.service.settings.health_needs_key)
        health, document = self.service.health_document()
        status = 200 if health.status == "healthy" else 503
        return Response(document, status, media_type="application/json")

    async def queue_stats(self, request: Request) -> Response:
        """Active, queued and error counts."""
        self.service.caller(request, "jobs")
        health = self.service.health()
        return JSONResponse(
            {
                "active": health.active,
                "queued": health.queued,
                "peak_active": health.peak_active,
                "completed": health.completed,
                "errors": health.total_errors,
                "failed": health.failed,
                "timed_out": health.timed_out,
            }
        )

    async def import_schedule(self, request: Request) -> Response:
        """Receive a file (body or multipart) and import it as a job: 202 with the job id."""
        caller = self.service.caller(request, "import")
        upload = await receive_upload(request, self.service.upload_limit)
        try:
            options = {**request.query_params, **upload.fields}
            format = options.get("format", "auto")
            if format not in ("auto", *FORMATS):
                raise InputError(
                    f"format: '{format[:40]}' is not one of auto, {', '.join(FORMATS)}"
                )
            channel = options.get("channel") or None
            replace = _flag(options.get("replace"), "replace")
        except BaseException:
            upload.discard()
            raise
        name = _safe_name(upload.filename)
        if name != "upload":  # the audit and the job name the file the client sent
            upload.path = upload.path.rename(upload.path.with_name(f"{upload.path.name}-{name}"))

        def run(store: Store, context: Any) -> Any:
            try:
                return import_file(
                    store,
                    upload.path,
                    actor=caller.actor,
                    format=format,
                    channel=channel,
                    replace=replace,
                    job_id=context.job.id,
                    progress=context.progress,
                    should_stop=context.should_stop,
                )
            finally:
                upload.discard()

        try:
            job = self.service.submit(caller, "import", run, label=f"import {name}")
        except BaseException:
            upload.discard()
            raise
        return _accepted(job, request)

    async def schedules(self, request: Request) -> Response:
        """Channels with their programme and finding counts."""
        caller = self.service.caller(request, "check")
        defaults = self.engine.config.rules
        job = self.service.submit(
            caller, "check", lambda store, context: check_store(store, defaults), label="check"
        )
        report = await self._run(job)
        findings: Counter[str] = Counter(finding.channel for finding in report.findings)
        errors: Counter[str] = Counter(
            finding.channel for finding in report.findings if finding.severity == "error"
        )
        return JSONResponse(
            [
                {
                    "channel": summary.id,
                    "name": summary.name,
                    "number": summary.number,
                    "timezone": summary.timezone,
                    "programmes": summary.programmes,
                    "revision": summary.revision,
                    "findings": findings[summary.id],
                    "errors": errors[summary.id],
                }
                for summary in self.engine.store.channel_summaries()
            ]
        )

    async def export_schedule_xml(self, request: Request) -> Response:
        """The XMLTV export, streamed (``channel``, ``from``, ``to``)."""
        return await self._export(request, "xmltv")

    # -- the rest of the core -------------------------------------------------------------
    async def export_any(self, request: Request) -> Response:
        """``export --format F``; ffplayout is one day file, or a zip of days."""
        format = request.query_params.get("format", "")
        if format not in EXPORT_FORMATS:
            raise InputError(
                f"format: '{format[:40]}' is not one of {', '.join(EXPORT_FORMATS)}",
                hint="give ?format=xmltv (or json, m3u, playlist, ffplayout)",
            )
        return await self._export(request, format)

    async def _export(self, request: Request, format: str) -> Response:
        caller = self.service.caller(request, "export")
        start, stop = _window(request)
        channels = _channels(request)
        folder = Path(tempfile.mkdtemp(prefix="scheduleflow-export-"))
        suffix = {"xmltv": ".xml", "json": ".json", "m3u": ".m3u", "playlist": ".m3u"}
        target = folder / (f"export{suffix[format]}" if format in suffix else "days")
        group = request.query_params.get("group")
        filler = request.query_params.get("filler")
        library = _flag(request.query_params.get("library"), "library")
        guide_url = str(request.url_for("guide"))

        def run(store: Store, context: Any) -> Any:
            if format == "ffplayout":
                target.mkdir()
            return export(
                store,
                format,
                target,
                channels=channels,
                start=start,
                stop=stop,
                should_stop=context.should_stop,
                group=group,
                filler=filler,
                library=library,
                guide_url=guide_url,
            )

        try:
            job = self.service.submit(caller, "export", run, label=f"export {format}")
            result = await self._run(job)
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

    async def jobs(self, request: Request) -> Response:
        """Recent jobs of every process, newest first (``jobs --json``)."""
        self.service.caller(request, "jobs")
        limit = _number(request, "limit", 50, 500)
        recorded = self.engine.history.recent(limit)
        live = {job.id: job for job in self.engine.queue.jobs.values()}
        listed = [_live(live[row["id"]]) if row["id"] in live else row for row in recorded]
        known = {row["id"] for row in listed}
        newer = [_live(job) for job in live.values() if job.id not in known]
        newer.sort(key=lambda row: row["created"], reverse=True)
        return JSONResponse((newer + listed)[:limit])

    async def job(self, request: Request) -> Response:
        """One job, live while it runs (its result once it is over)."""
        self.service.caller(request, "jobs")
        job_id = request.path_params["job_id"]
        live = self.engine.queue.jobs.get(job_id)
        if live is not None:
            row = _live(live)
            if live.result is not None and hasattr(live.result, "to_json"):
                row["result"] = live.result.to_json()
            return JSONResponse(row)
        for row in self.engine.history.recent(self.engine.history.keep):
            if row["id"] == job_id:
                return JSONResponse(row)
        raise ApiError(404, "not found", f"there is no job '{job_id[:80]}'")

    async def cancel_job(self, request: Request) -> Response:
        """Cancel a queued or running job of this service (nothing it did is kept)."""
        # stopping someone's import is a change: an operator's, as starting one is
        caller = self.service.caller(request, "import")
        job_id = request.path_params["job_id"]
        job = self.engine.queue.jobs.get(job_id)
        if job is None:
            raise ApiError(404, "not found", f"this service runs no job '{job_id[:80]}'")
        if not self.engine.queue.cancel(job_id):
            raise ApiError(409, "validation", f"job {job_id} has finished already ({job.state})")
        log.info("job %s cancelled by %s", job_id, caller.who)
        return JSONResponse(_live(job), status_code=202)

    async def check(self, request: Request) -> Response:
        """``check --json`` (``channel``, ``from``, ``to``)."""
        caller = self.service.caller(request, "check")
        start, stop = _window(request)
        channels = _channels(request)
        defaults = self.engine.config.rules
        job = self.service.submit(
            caller,
            "check",
            lambda store, context: check_store(
                store, defaults, channels=channels, start=start, stop=stop
            ),
            label="check",
        )
        report = await self._run(job)
        return JSONResponse(report.to_json())

    async def fix(self, request: Request) -> Response:
        """``fix KIND --policy P`` (``dry_run`` previews); the plan, and whether it applied."""
        caller = self.service.caller(request, "fix")
        params = request.query_params
        kind, policy = params.get("kind"), params.get("policy")
        if not kind or not policy:
            raise InputError("fix needs 'kind' and 'policy'", hint="e.g. ?kind=overlap&policy=trim")
        start, stop = _window(request)
        dry_run = _flag(params.get("dry_run"), "dry_run")
        defaults = self.engine.config.rules

        def run(store: Store, context: Any) -> Any:
            plan = plan_fix(
                store,
                kind,
                policy,
                defaults=defaults,
                channels=_channels(request),
                start=start,
                stop=stop,
                group=params.get("group"),
            )
            if plan.changes and not dry_run:
                apply_fix(store, plan, actor=caller.actor, job_id=context.job.id)
            return {**plan.to_json(), "applied": bool(plan.changes) and not dry_run}

        job = self.service.submit(caller, "fix", run, label=f"fix {kind} --policy {policy}")
        return JSONResponse(await self._run(job))

    async def plan(self, request: Request) -> Response:
        """``plan`` from a library group (``dry_run`` previews)."""
        caller = self.service.caller(request, "plan")
        params = request.query_params
        channel, group = params.get("channel"), params.get("group")
        start, stop = _window(request)
        if not channel or not group or start is None or stop is None:
            raise InputError(
                "plan needs 'channel', 'group', 'from' and 'to'",
                hint="e.g. ?channel=news.example.org&group=News&from=today&to=%2B1d",
            )
        order = params.get("order", "sequential")
        if order not in ("sequential", "shuffle"):
            raise InputError(f"order: '{order[:40]}' is not sequential or shuffle")
        try:
            grid = parse_duration(params["grid"]) if params.get("grid") else None
        except ValueError as error:
            raise InputError(f"grid: {error}") from None
        seed = _number(request, "seed", 0, 2**31) if params.get("seed") else None
        dry_run = _flag(params.get("dry_run"), "dry_run")
        defaults = self.engine.config.rules

        def run(store: Store, context: Any) -> Any:
            made = make_plan(
                store,
                channel,
                start,
                stop,
                single_group(group, order),  # type: ignore[arg-type]
                defaults=defaults,
                seed=seed,
                grid=grid,
                filler=params.get("filler"),
                timezone=params.get("timezone"),
            )
            if not dry_run:
                apply_plan(store, made, actor=caller.actor, job_id=context.job.id)
            return {**made.to_json(), "applied": not dry_run}

        job = self.service.submit(caller, "plan", run, label=f"plan {channel}")
        return JSONResponse(await self._run(job))

    async def now(self, request: Request) -> Response:
        """``now --json`` (``channel``, ``at``)."""
        self.service.caller(request, "now")
        at = _instant(request, "at") or datetime.now(UTC)
        states = on_air(self.engine.store, at, _channels(request))
        return JSONResponse([state.to_json() for state in states])

    async def audit(self, request: Request) -> Response:
        """``audit --json`` (``since``, ``limit``), newest first."""
        self.service.caller(request, "audit")
        records = self.engine.store.audit(
            _instant(request, "since"), _number(request, "limit", 1000, 10000)
        )
        return JSONResponse([record.to_json() for record in records])


def _live(job: Job) -> dict[str, Any]:
    row = job.to_json()
    row.pop("rate", None)
    return row


def _zip(root: Path, files: list[Path], archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in files:
            out.write(path, os.path.relpath(path, root))
