"""Request ids, one JSON-ready log line per request, request metrics and the /metrics exposition.

RequestObservabilityMiddleware is the first middleware: it takes the caller's X-Request-ID (when it looks
like one) or makes one, binds the request for the log filter (supportdesk.kit.structured_logs), times the
request, records the latency by view in Prometheus, logs one line and returns the id in X-Request-ID.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_q.brokers import get_broker
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from supportdesk.health import queue_oldest_age_seconds
from supportdesk.kit.metrics import HTTP_REQUEST_SECONDS, HTTP_RESPONSES
from supportdesk.kit.structured_logs import bind_request, current_request
from supportdesk.log_redaction import redact

logger = logging.getLogger("supportdesk.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        bind_request(request, supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        view = (match.view_name or match._func_path) if match else "unmatched"
        HTTP_REQUEST_SECONDS.labels(view=view, method=request.method).observe(elapsed)
        HTTP_RESPONSES.labels(view=view, method=request.method, status=f"{response.status_code // 100}xx").inc()
        response["X-Request-ID"] = request.request_id
        # The path may hold a capability (survey, confirmation links): the extra fields are not filtered.
        path = redact(request.path)
        logger.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
                "view": view,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
        return response


def _unbind(**kwargs) -> None:
    """After the response is closed (Django logs 4xx/5xx after the middleware returned, with the id still bound)."""
    current_request.set(None)


request_finished.connect(_unbind, dispatch_uid="supportdesk.observability.unbind")


class QueueCollector(Collector):
    """Depth of the django-q2 queue and age of its oldest job, read from the broker at scrape time."""

    def collect(self):
        depth = GaugeMetricFamily("supportdesk_queue_depth", "Jobs waiting in the django-q2 queue.")
        age = GaugeMetricFamily("supportdesk_queue_oldest_age_seconds", "Age of the oldest waiting job (0: none).")
        broker = get_broker()
        depth.add_metric([], broker.queue_size())
        age.add_metric([], queue_oldest_age_seconds(broker) or 0.0)
        yield depth
        yield age


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessLocal())
    registry.register(QueueCollector())
    return registry


class _ProcessLocal(Collector):
    """This process's own samples (no multiprocess directory)."""

    def collect(self):
        yield from REGISTRY.collect()


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format for `Authorization: Bearer <METRICS_TOKEN>`; 404 for anyone else or when unset."""
    expected = settings.METRICS_TOKEN
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not constant_time_compare(supplied, expected):
        return HttpResponseNotFound()
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
