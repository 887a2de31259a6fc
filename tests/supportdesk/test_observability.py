"""Request ids, JSON log lines with the user's id and no secrets, the token-protected /metrics."""

import io
import json
import logging

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from supportdesk.kit.metrics import EMAILS_OUT, SLA_EVENTS
from supportdesk.kit.structured_logs import JsonFormatter, RequestContextFilter
from supportdesk.log_redaction import RedactSecretsFilter
from tickets.email.models import DeliveryStatus, OutboundEmail, OutboundKind
from tickets.email.services import outbound_email_send
from tickets.models import EventKind
from tickets.sla.services import breaches

pytestmark = pytest.mark.django_db

METRICS_TOKEN = "scrape-5b1e7d"


@pytest.fixture
def json_lines():
    """The JSON lines the production handler would write (same filters, same formatter, same order)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecretsFilter())
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def _request_lines(lines):
    return [line for line in lines if line["logger"] == "supportdesk.request"]


def test_every_response_carries_a_request_id_and_one_json_line(json_lines, customer_user):
    client = Client()
    client.force_login(customer_user)

    response = client.get("/portal/")

    [line] = _request_lines(json_lines())
    assert response.status_code == 200
    assert len(response["X-Request-ID"]) == 32
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == customer_user.pk
    assert line["method"] == "GET"
    assert line["path"] == "/portal/"
    assert line["view"] == "portal:home"
    assert line["status"] == 200
    assert line["duration_ms"] > 0


def test_a_well_formed_request_id_from_the_caller_is_kept_and_a_bad_one_replaced(json_lines, db):
    kept = Client(HTTP_X_REQUEST_ID="lb-7f3a9c1e-0001").get("/healthz")
    replaced = Client(HTTP_X_REQUEST_ID="<script>alert(1)</script>").get("/healthz")

    assert kept["X-Request-ID"] == "lb-7f3a9c1e-0001"
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert [line["request_id"] for line in _request_lines(json_lines())] == [
        "lb-7f3a9c1e-0001",
        replaced["X-Request-ID"],
    ]


def test_anonymous_requests_log_no_user_and_capability_links_are_redacted(json_lines, db):
    secret = "eyJ0aWNrZXQiOjF9:1vQ2Zx:" + "s" * 43

    Client().get(f"/portal/survey/{secret}/?token=abcdefgh12345678")

    lines = json_lines()
    output = json.dumps(lines)
    [line] = _request_lines(lines)
    [not_found] = [line for line in lines if line["logger"] == "django.request"]
    assert line["user_id"] is None
    assert not_found["request_id"] == line["request_id"]
    assert secret not in output
    assert "abcdefgh12345678" not in output


def _scrape(client, **headers):
    return client.get("/metrics", **headers)


def _samples(response):
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics_are_off_without_a_token_and_refuse_a_wrong_one(settings):
    settings.METRICS_TOKEN = ""
    assert _scrape(Client(), HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = METRICS_TOKEN
    assert _scrape(Client()).status_code == 404
    assert _scrape(Client(), HTTP_AUTHORIZATION="Bearer guess").status_code == 404


def test_metrics_report_latency_by_view_and_the_queue(settings, agent):
    settings.METRICS_TOKEN = METRICS_TOKEN
    Client().get("/healthz")

    response = _scrape(Client(), HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")

    samples = _samples(response)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    healthz_count = ("supportdesk_http_request_duration_seconds_count", (("method", "GET"), ("view", "healthz")))
    assert samples[healthz_count] >= 1
    assert samples[("supportdesk_queue_depth", ())] == 0
    assert samples[("supportdesk_queue_oldest_age_seconds", ())] == 0


def test_sla_events_are_counted_once_committed(django_capture_on_commit_callbacks, ticket):
    before = SLA_EVENTS.labels(kind=EventKind.SLA_BREACH, clock="first_response")._value.get()

    with django_capture_on_commit_callbacks(execute=True):
        breaches.record(
            kind=EventKind.SLA_BREACH,
            clock="first_response",
            ticket_ids=[ticket.pk],
            at=timezone.now(),
            follow_up=False,
        )

    assert SLA_EVENTS.labels(kind=EventKind.SLA_BREACH, clock="first_response")._value.get() == before + 1


def test_outbound_attempts_are_counted_by_result(ticket, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbound = OutboundEmail.objects.create(
        ticket=ticket,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        to_address="alice@example.com",
        message_id="m1@supportdesk.local",
        status=DeliveryStatus.QUEUED,
        next_attempt_at=timezone.now(),
    )
    before = EMAILS_OUT.labels(result="sent")._value.get()

    outbound_email_send(outbound_id=outbound.pk)

    assert EMAILS_OUT.labels(result="sent")._value.get() == before + 1
