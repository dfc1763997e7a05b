"""The API's endpoints: each one the command line's command, on the same core and jobs.

Every change and every heavy read (import, export, check, fix, plan) runs as a job of the
service's engine, exactly as the CLI runs it: recorded in the job history, timed out,
cancelled by ``DELETE /api/jobs/{id}``, role-checked by the core. Quick reads (health,
jobs, now, audit) are answered from the store on the event loop, as the TUI reads them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.engine import outcome
from core.errors import InputError, ScheduleFlowError
from core.formats import EXPORT_FORMATS, FORMATS
from core.jobs import Job
from core.onair import on_air
from core.planner import apply_plan, make_plan, single_group
from core.rules import check_store
from core.rules.fixes import apply_fix, plan_fix
from core.store import Store, import_file
from core.timeargs import parse_duration
from tui.service.errors import ApiError
from tui.service.exports import export_response
from tui.service.params import channels, flag, instant, number, window
from tui.service.state import Service
from tui.service.uploads import receive_upload

__all__ = ["Endpoints"]

log = logging.getLogger("scheduleflow.service")


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
            replace = flag(options.get("replace"), "replace")
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
            except ScheduleFlowError as error:
                # the client's file, as it named it: the server's temporary path is neither
                # its business nor a name it could look for
                if error.path is not None:
                    error.path = name
                raise
            finally:
                upload.discard()

        try:
            # a job cancelled before it starts never runs ``run``: its upload goes then too
            job = self.service.submit(
                caller, "import", run, label=f"import {name}", when_finished=upload.discard
            )
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
        return await export_response(self.service, request, "xmltv")

    # -- the rest of the core -------------------------------------------------------------
    async def export_any(self, request: Request) -> Response:
        """``export --format F``; ffplayout is one day file, or a zip of days."""
        format = request.query_params.get("format", "")
        if format not in EXPORT_FORMATS:
            raise InputError(
                f"format: '{format[:40]}' is not one of {', '.join(EXPORT_FORMATS)}",
                hint="give ?format=xmltv (or json, m3u, playlist, ffplayout)",
            )
        return await export_response(self.service, request, format)

    async def jobs(self, request: Request) -> Response:
        """Recent jobs of every process, newest first (``jobs --json``)."""
        self.service.caller(request, "jobs")
        limit = number(request, "limit", 50, 500)
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
        start, stop = window(request)
        chosen = channels(request)
        defaults = self.engine.config.rules
        job = self.service.submit(
            caller,
            "check",
            lambda store, context: check_store(
                store, defaults, channels=chosen, start=start, stop=stop
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
        start, stop = window(request)
        dry_run = flag(params.get("dry_run"), "dry_run")
        defaults = self.engine.config.rules

        def run(store: Store, context: Any) -> Any:
            plan = plan_fix(
                store,
                kind,
                policy,
                defaults=defaults,
                channels=channels(request),
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
        start, stop = window(request)
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
        seed = number(request, "seed", 0, 2**31) if params.get("seed") else None
        dry_run = flag(params.get("dry_run"), "dry_run")
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
        at = instant(request, "at") or datetime.now(UTC)
        states = on_air(self.engine.store, at, channels(request))
        return JSONResponse([state.to_json() for state in states])

    async def audit(self, request: Request) -> Response:
        """``audit --json`` (``since``, ``limit``), newest first."""
        self.service.caller(request, "audit")
        records = self.engine.store.audit(
            instant(request, "since"), number(request, "limit", 1000, 10000)
        )
        return JSONResponse([record.to_json() for record in records])


def _live(job: Job) -> dict[str, Any]:
    row = job.to_json()
    row.pop("rate", None)
    return row
