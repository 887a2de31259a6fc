"""Scale-out through nginx: two web processes, two django-q2 workers, one PostgreSQL, one Redis."""

import time

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from tests.cluster.conftest import enqueue, until
from tests.cluster.http import Browser, csrf_token
from tickets.models import TicketMessage

pytestmark = [pytest.mark.cluster]


def _signed_in(cluster, user) -> Browser:
    """A browser carrying a session created in the shared database (as a sign-in on any process would)."""
    client = Client()
    client.force_login(user)
    return Browser(
        cluster.url, cookies={settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def test_a_customer_session_and_its_forms_work_on_both_web_processes(cluster, customer_ticket):
    browser = _signed_in(cluster, customer_ticket.customer.user)

    pages = [browser.get(f"/portal/requests/{customer_ticket.pk}/") for _ in range(4)]
    # Round robin: the POST lands on the other upstream than the GET that rendered the form.
    reply = browser.post(
        f"/portal/requests/{customer_ticket.pk}/reply/",
        {"csrfmiddlewaretoken": csrf_token(pages[-1].body), "body": "Still waiting, tx 0xabc"},
    )

    assert {page.status for page in pages} == {200}
    assert {page.upstream for page in pages} == {f"127.0.0.1:{port}" for port in cluster.web_ports}
    assert all(customer_ticket.subject in page.body for page in pages)
    assert reply.status == 302, reply.body[:500]
    assert reply.upstream != pages[-1].upstream
    assert TicketMessage.objects.filter(ticket=customer_ticket, body="Still waiting, tx 0xabc").count() == 1


def test_jobs_and_schedules_run_once_with_two_competing_workers(cluster, redis_server):
    """Each queued job runs exactly once; a due schedule runs once, not once per worker's scheduler."""
    connection = redis.Redis.from_url(redis_server.url)
    Schedule.objects.create(
        name="cluster test",
        func="tests.cluster.jobs.record_run",
        args="'scheduled'",
        schedule_type=Schedule.MINUTES,
        minutes=1,
        repeats=-1,
        next_run=timezone.now(),
    )
    keys = [f"job{number}" for number in range(20)]

    for key in keys:
        enqueue(redis_server.url, "tests.cluster.jobs.record_run", key, 0.05)

    assert until(lambda: all(connection.get(f"test:runs:{key}") for key in keys), timeout=20)
    # Both clusters run their scheduler every 30 s after they start.
    assert until(lambda: connection.get("test:runs:scheduled"), timeout=40)
    time.sleep(2)  # a duplicate would show up now
    assert [int(connection.get(f"test:runs:{key}")) for key in keys] == [1] * 20
    workers = set().union(*(connection.smembers(f"test:workers:{key}") for key in keys))
    assert len(workers) == 2, "both worker processes took jobs"
    assert int(connection.get("test:runs:scheduled")) == 1
    assert Schedule.objects.get(name="cluster test").next_run > timezone.now()
