"""Prometheus metrics (prometheus-client), served as text by ``GET /metrics``.

Per request: ``orderzap_http_requests_total{method,route,status}`` and
``orderzap_http_request_duration_seconds{method,route}`` (the route is the URI template, never the
raw path, so ids do not explode the label set). At scrape time: the outbox (pending rows, the
oldest one's age, parked rows), the cache repair queue and whether the database answered.

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, before the workers start):
each worker then writes its counters there and a scrape adds them up (prometheus-client's
multiprocess mode); the server calls ``prometheus_client.multiprocess.mark_process_dead`` when a
worker exits.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from orderzap_core.services import Services

CONTENT_TYPE = CONTENT_TYPE_LATEST


class ServiceCollector(Collector):
    """Gauges read from the services at scrape time."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def collect(self) -> Iterator[Metric]:
        """The outbox, the repair queue and database reachability."""
        up = GaugeMetricFamily("orderzap_database_up", "1 when the database answered this scrape")
        try:
            stats = self._services.outbox.stats(self._services.clock.now())
        except Exception:  # noqa: BLE001 — a scrape reports the database down, it never fails
            up.add_metric([], 0)
            yield up
        else:
            up.add_metric([], 1)
            yield up
            yield GaugeMetricFamily("orderzap_outbox_pending", "outbox rows waiting for delivery",
                                    value=stats.pending)
            yield GaugeMetricFamily("orderzap_outbox_oldest_age_seconds",
                                    "age of the oldest pending outbox row", value=stats.oldest_age_seconds)
            yield GaugeMetricFamily("orderzap_outbox_parked", "outbox rows parked after a rejection",
                                    value=stats.parked)
        repairs = self._services.reads.repairs
        yield GaugeMetricFamily("orderzap_cache_repairs_pending", "orders queued for a cache repair",
                                value=len(repairs))
        yield GaugeMetricFamily("orderzap_cache_repairs_dropped", "repairs dropped on a full queue",
                                value=repairs.dropped)


class Metrics:
    """The app's metrics: one registry per app (tests build many apps in one process)."""

    def __init__(self, services: Services) -> None:
        self._multiprocess_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        # NOTE: in multiprocess mode the values live in files; this registry only holds the metric
        # objects, and a scrape reads the files through a fresh registry.
        self._own = CollectorRegistry()
        self._services_collector = ServiceCollector(services)
        self.requests = Counter("orderzap_http_requests_total", "HTTP requests answered",
                                ["method", "route", "status"], registry=self._own)
        self.duration = Histogram("orderzap_http_request_duration_seconds", "time to answer a request",
                                  ["method", "route"], registry=self._own)
        if not self._multiprocess_dir:
            self._own.register(self._services_collector)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        """The text exposition of every metric."""
        if not self._multiprocess_dir:
            return generate_latest(self._own)
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(self._services_collector)
        return generate_latest(registry)
