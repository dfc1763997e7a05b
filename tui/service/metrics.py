"""``GET /metrics`` in Prometheus's text format (off unless ``[service] metrics = true``).

Counts come from where the rest of ScheduleFlow reads them: jobs by kind and state from the
shared job history (every process's), job durations from this service's queue, findings by
kind from the newest check this service ran, requests by route and status as they are
answered, and the store's size from its files. A registry of its own: nothing of the
process's defaults (or another library's) leaks into the page.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.jobs import Job
from core.rules.check import CheckReport
from tui.service.state import Service

__all__ = ["Metrics"]

_DURATIONS = (0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800)
_LATENCIES = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5)


class _FromStore(Collector):
    """Jobs by kind and state, and the store's size, read when Prometheus scrapes."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def collect(self):  # type: ignore[no-untyped-def]
        jobs = GaugeMetricFamily(
            "scheduleflow_jobs", "Recorded jobs by kind and state", labels=["kind", "state"]
        )
        rows = self.service.engine.history.connection.execute(
            "SELECT kind, state, count(*) FROM job GROUP BY kind, state"
        ).fetchall()
        for kind, state, count in rows:
            jobs.add_metric([str(kind), str(state)], float(count))
        yield jobs
        database = self.service.engine.database
        size = 0
        for path in (database, database.with_name(database.name + "-wal")):
            try:
                size += path.stat().st_size
            except OSError:
                continue
        yield GaugeMetricFamily(
            "scheduleflow_store_bytes", "Size of the store's files (database and WAL)", value=size
        )


class Metrics:
    """The service's metrics, and the page that shows them."""

    def __init__(self, service: Service) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "scheduleflow_http_requests",
            "HTTP requests answered, by route and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "scheduleflow_http_request_seconds",
            "Time to answer an HTTP request, by route",
            ["route"],
            buckets=_LATENCIES,
            registry=self.registry,
        )
        self.job_seconds = Histogram(
            "scheduleflow_job_seconds",
            "How long this service's jobs ran, by kind and outcome",
            ["kind", "state"],
            buckets=_DURATIONS,
            registry=self.registry,
        )
        self.findings = Gauge(
            "scheduleflow_findings",
            "Findings by kind in the newest check this service ran",
            ["kind"],
            registry=self.registry,
        )
        self.registry.register(_FromStore(service))
        service.engine.queue.subscribe(self._job_changed)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def _job_changed(self, job: Job) -> None:
        if not job.state.finished or job.started is None or job.ended is None:
            return
        self.job_seconds.labels(job.kind, str(job.state)).observe(job.ended - job.started)
        if isinstance(job.result, CheckReport):
            for kind, count in job.result.counts.items():
                self.findings.labels(kind).set(count)

    def page(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
