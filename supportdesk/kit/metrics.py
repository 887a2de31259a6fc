"""Prometheus metrics the code increments (prometheus-client); /metrics exposes them (supportdesk.observability).

With several processes (gunicorn workers, django-q2 workers) set PROMETHEUS_MULTIPROC_DIR to a directory
they share on the host, emptied at start: every process writes its samples there and the exposition sums
them. Without it each process counts alone (fine for one process and for tests).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUEST_SECONDS = Histogram(
    "supportdesk_http_request_duration_seconds",
    "Time from the first middleware to the response, by view (URL name) and method.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)
HTTP_RESPONSES = Counter(
    "supportdesk_http_responses_total",
    "Responses by view, method and status class (2xx, 4xx…).",
    ["view", "method", "status"],
)
SLA_EVENTS = Counter(
    "supportdesk_sla_events_total", "SLA clocks that crossed their warning or due time.", ["kind", "clock"]
)
EMAILS_IN = Counter(
    "supportdesk_emails_in_total", "Inbound mails stored, by the state processing left them in.", ["status"]
)
EMAILS_OUT = Counter(
    "supportdesk_emails_out_total", "Outbound delivery attempts, by result (sent, retrying, failed).", ["result"]
)
