"""The ASGI application: routes, and the front every request passes first.

Starlette rather than FastAPI: the health endpoint's throughput is held to within twice a
bare hello-world app's on the same server (``make bench``, "service"), and FastAPI's
validation layer costs a share of that on every request; the OpenAPI document is written
by hand instead (:mod:`tui.service.openapi`, checked against the routes by a test).

The front (:class:`Front`, plain ASGI: a middleware class of Starlette's would wrap every
body in a task) gives each request its id, applies the per-client rate limit, counts it,
and writes its access log line once it is answered.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logs import REQUEST_ID
from core.visible import visible
from tui.service.errors import HANDLERS, ApiError, error_response
from tui.service.metrics import Metrics
from tui.service.openapi import openapi_document
from tui.service.players import PlayerFiles
from tui.service.routes import Endpoints
from tui.service.state import Service

__all__ = ["build_app"]

access_log = logging.getLogger("scheduleflow.access")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_HEALTH = "/api/health"
_JOB_PATH = re.compile(r"^/api/jobs/[^/]+$")
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"))


def request_id(scope: Scope) -> str:
    """The client's ``X-Request-ID`` when it is a sane token; a new one otherwise (a header
    is hostile text: it reaches every log line of the request)."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(text):
                return text
            break
    return os.urandom(16).hex()


def route_name(path: str) -> str:
    """The route a path belongs to, for metrics (a job id is not a route of its own)."""
    return "/api/jobs/{id}" if _JOB_PATH.match(path) else path


def method_name(method: str) -> str:
    """The method as a metrics label: a client's made-up method is "other" (each label
    value is a series the service keeps for its whole life)."""
    return method if method in _METHODS else "other"


class Front:
    """Request id, rate limit, counting and the access log, around every request."""

    def __init__(
        self, app: ASGIApp, service: Service, metrics: Metrics | None, *, cors: bool = False
    ) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics
        self.known = {
            route.path for route in getattr(app, "routes", ()) if isinstance(route, Route)
        }
        # Monitoring polls health more than all the rest: when it needs no key and no CORS
        # headers, it is answered here, without Starlette's routing and request objects
        # (the same document as the route's; ``make bench``, "HTTP API").
        self.health_fast = not service.settings.health_needs_key and not cors

    async def _health(self, scope: Scope, send: Send) -> bool:
        """Answer a plain ``GET /api/health`` here; False when the route must (a key sent)."""
        if scope["method"] != "GET" or any(
            name == b"authorization" for name, _ in scope["headers"]
        ):
            return False
        health, document = self.service.health_document()
        await send(
            {
                "type": "http.response.start",
                "status": 200 if health.status == "healthy" else 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(document)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": document})
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id(scope)
        token = REQUEST_ID.set(rid)
        scope.setdefault("state", {})["request_id"] = rid
        header = (b"x-request-id", rid.encode("ascii"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        path: str = scope["path"]
        try:
            exempt = path == _HEALTH and self.service.settings.health_exempt
            client = scope["client"][0] if scope.get("client") else "unknown"
            wait = None if exempt else self.service.rate_limited(client)
            if wait is not None:
                limit = self.service.settings.rate_limit_per_minute
                refusal = error_response(
                    429,
                    "rate limit",
                    f"more than {limit} requests a minute from {client}; retry in {wait} s",
                    {"Retry-After": str(wait)},
                )
                await refusal(scope, receive, send_with_id)
            elif not (
                self.health_fast and path == _HEALTH and await self._health(scope, send_with_id)
            ):
                await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            now = time.time()
            self.service.counted(now)
            key = scope["state"].get("key_name", "-")
            access_log.info(
                "%s %s %d %.1f ms key=%s client=%s",
                scope["method"],
                path,
                status,
                seconds * 1000,
                key,
                scope["client"][0] if scope.get("client") else "-",
                extra={
                    "access": {
                        "method": scope["method"],
                        "path": visible(path),
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "key": key,
                    }
                },
            )
            if self.metrics is not None:
                # only the routes there are: any other path (``/api/jobs/a/b`` too) is "other"
                route = route_name(path)
                self.metrics.observe(
                    route if route in self.known or route == "/api/jobs/{id}" else "other",
                    method_name(scope["method"]),
                    status,
                    seconds,
                )
            REQUEST_ID.reset(token)


Lifespan = Callable[[Any], AbstractAsyncContextManager[None]]


def build_app(service: Service, cache: Path, lifespan: Lifespan | None = None) -> ASGIApp:
    """The service's ASGI application; ``lifespan`` runs around its life (the server's
    presence file, and the cancelling of jobs when it stops)."""
    endpoints = Endpoints(service)
    players = PlayerFiles(service, cache)
    settings = service.settings
    metrics = Metrics(service) if settings.metrics else None

    # players read what a viewer may see, and most cannot send a header: ?key= is taken here
    async def guide(request: Request) -> Response:
        caller = service.caller(request, "view", key_in_query=True)
        return await players.respond(request, caller, "xmltv")

    async def lineup(request: Request) -> Response:
        caller = service.caller(request, "view", key_in_query=True)
        return await players.respond(request, caller, "m3u")

    async def metrics_page(request: Request) -> Response:
        if metrics is None:
            raise ApiError(404, "not found", "metrics are off ([service] metrics = true)")
        service.caller(request, "health")
        return Response(metrics.page(), media_type="text/plain; version=0.0.4")

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    routes = [
        Route("/api/health", endpoints.health, methods=["GET"]),
        Route("/api/queue-stats", endpoints.queue_stats, methods=["GET"]),
        Route("/api/import-schedule", endpoints.import_schedule, methods=["POST"]),
        Route("/api/schedules", endpoints.schedules, methods=["GET"]),
        Route("/api/export-schedule-xml", endpoints.export_schedule_xml, methods=["POST"]),
        Route("/api/jobs", endpoints.jobs, methods=["GET"]),
        Route("/api/jobs/{job_id}", endpoints.job, methods=["GET"], name="job"),
        Route("/api/jobs/{job_id}", endpoints.cancel_job, methods=["DELETE"]),
        Route("/api/check", endpoints.check, methods=["GET"]),
        Route("/api/fix", endpoints.fix, methods=["POST"]),
        Route("/api/plan", endpoints.plan, methods=["POST"]),
        Route("/api/now", endpoints.now, methods=["GET"]),
        Route("/api/export", endpoints.export_any, methods=["GET"]),
        Route("/api/audit", endpoints.audit, methods=["GET"]),
        Route("/guide.xml", guide, methods=["GET"], name="guide"),
        Route("/guide.xml.gz", guide, methods=["GET"]),
        Route("/lineup.m3u", lineup, methods=["GET"]),
        Route("/metrics", metrics_page, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    middleware = (
        [
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                expose_headers=["X-Request-ID", "X-Job-ID", "Retry-After", "ETag"],
            )
        ]
        if origins
        else []
    )

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=HANDLERS,
        lifespan=lifespan,
    )
    return Front(app, service, metrics, cors=bool(origins))
