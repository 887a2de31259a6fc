"""Failures on the running cluster: Redis away, a worker killed mid-send, PostgreSQL restarted, two processes
changing one ticket at once. Every wait is bounded by an explicit timeout."""

import shutil
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path

import psycopg
import pytest
import redis
from django.utils import timezone

from devdata import cluster as topology
from supportdesk.models import ApiScope
from supportdesk.services import api_token_create
from tests import factories
from tests.cluster.conftest import enqueue, until
from tests.cluster.http import Browser, csrf_token
from tests.cluster.test_cluster import _signed_in
from tickets.email.models import DeliveryStatus, OutboundEmail, OutboundKind
from tickets.models import Status, Ticket

pytestmark = [pytest.mark.cluster, pytest.mark.fault]


def _message_ids(mailbox) -> list[str]:
    return [message_from_bytes(raw)["Message-ID"] for raw in mailbox.delivered]


def test_http_keeps_serving_while_redis_is_down_and_jobs_resume_after(cluster, redis_server, customer_ticket):
    browser = _signed_in(cluster, customer_ticket.customer.user)
    page = f"/portal/requests/{customer_ticket.pk}/"
    redis_server.stop()
    try:
        pages = [browser.get(page) for _ in range(4)]
        reply = browser.post(f"{page}reply/", {"csrfmiddlewaretoken": csrf_token(pages[-1].body), "body": "Redis?"})
        health = Browser(cluster.url).get("/healthz")
    finally:
        redis_server.start()

    assert [response.status for response in pages] == [200] * 4
    assert {response.upstream for response in pages} == {f"127.0.0.1:{port}" for port in cluster.web_ports}
    assert reply.status == 302
    assert health.status == 200
    assert customer_ticket.messages.filter(body="Redis?").count() == 1

    # The workers' clusters ended with the broker; run_worker starts them again (1, 2, 4 … s apart).
    connection = redis.Redis.from_url(redis_server.url)
    enqueue(redis_server.url, "tests.cluster.jobs.record_run", "after-redis")
    assert until(lambda: connection.get("test:runs:after-redis"), timeout=40)


def test_a_worker_killed_mid_send_leaves_the_mail_to_be_sent_exactly_once(cluster, cluster_mailbox, redis_server):
    mailbox, _port = cluster_mailbox
    ticket = factories.ticket(customer=factories.CustomerFactory(email="carol@example.com"), subject="Kill test")
    OutboundEmail.objects.filter(ticket=ticket).update(status=DeliveryStatus.SUPPRESSED, next_attempt_at=None)
    outbound = OutboundEmail.objects.create(
        ticket=ticket,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        to_address="carol@example.com",
        message_id="kill-test.sd@supportdesk.local",
        status=DeliveryStatus.QUEUED,
        next_attempt_at=timezone.now(),
    )
    mailbox.watch, mailbox.stall = outbound.message_id, 4.0

    enqueue(redis_server.url, "tickets.tasks.send_outbound_email", outbound.pk)
    assert mailbox.receiving.wait(timeout=15), "a worker started the SMTP transaction"
    cluster.restart_workers()  # SIGKILL while the server holds the message
    mailbox.stall = 0.0
    claimed = OutboundEmail.objects.get(pk=outbound.pk)
    # The lease (3 s here) runs out; the retry sweep sends it again, once.
    time.sleep(3.5)
    enqueue(redis_server.url, "tickets.tasks.send_due_outbound_emails")
    enqueue(redis_server.url, "tickets.tasks.send_due_outbound_emails")

    assert until(lambda: OutboundEmail.objects.get(pk=outbound.pk).status == DeliveryStatus.SENT, timeout=45)
    time.sleep(1)  # a duplicate would arrive now
    assert claimed.status == DeliveryStatus.SENDING
    assert OutboundEmail.objects.get(pk=outbound.pk).attempts == 2
    assert _message_ids(mailbox).count(f"<{outbound.message_id}>") == 1


def test_two_processes_changing_one_ticket_lose_no_update(cluster, agent, customer_ticket):
    """A status change and an assignment at the same moment, on different web processes: both survive."""
    _token, plain = api_token_create(user=agent, name="race", scope=ApiScope.WRITE)
    api = Browser(cluster.url)
    results = {}

    def call(name, path, data):
        results[name] = api.request("POST", path, data=data, Authorization=f"Bearer {plain}", Accept="application/json")

    barrier = threading.Barrier(2)

    def racer(name, path, data):
        barrier.wait(timeout=5)
        call(name, path, data)

    threads = [
        threading.Thread(
            target=racer,
            args=("status", f"/api/v1/tickets/{customer_ticket.pk}/status/", {"status": Status.PENDING_CUSTOMER}),
        ),
        threading.Thread(
            target=racer, args=("assign", f"/api/v1/tickets/{customer_ticket.pk}/assign/", {"assignee": agent.pk})
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)

    ticket = Ticket.objects.get(pk=customer_ticket.pk)
    assert results["status"].status == 200, results["status"].body
    assert results["assign"].status == 200, results["assign"].body
    assert results["status"].upstream != results["assign"].upstream
    assert (ticket.status, ticket.assignee_id) == (Status.PENDING_CUSTOMER, agent.pk)


@pytest.fixture
def throwaway_postgres(database_url):
    """Makes a PostgreSQL cluster of our own holding a copy of the test database as it is now: it may be
    stopped and started (the shared server never is)."""
    servers = []

    def make():
        # Not under pytest's private tmp directory: the server runs as the postgres user when we are root.
        server = topology.PostgresServer(workdir=Path(tempfile.mkdtemp(prefix="supportdesk-pg-"))).init()
        servers.append(server)
        return server, server.copy_database(source_url=database_url, database="restart")

    yield make
    for server in servers:
        server.stop("immediate")
        shutil.rmtree(server.workdir, ignore_errors=True)


def test_postgresql_restart_gives_503_during_and_loses_no_job(
    cluster, customer_ticket, throwaway_postgres, redis_server, cluster_dir
):
    queued = OutboundEmail.objects.create(
        ticket=customer_ticket,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        to_address="alice@example.com",
        message_id="restart-test.sd@supportdesk.local",
        status=DeliveryStatus.QUEUED,
        next_attempt_at=timezone.now(),
    )
    server, url = throwaway_postgres()
    side = topology.new_cluster(
        workdir=cluster_dir / "side",
        database_url=url,
        redis_url=redis_server.url.replace("/0", "/1"),
        secret_key=cluster.env["DJANGO_SECRET_KEY"],
        webs=1,
        EMAIL_URL=cluster.env["EMAIL_URL"],
        CONN_MAX_AGE="60",
    )
    side.start(webs=1, workers=1)
    try:
        web = Browser(side.url)
        before = web.get("/healthz").status
        server.stop()
        during = [web.get("/healthz").status for _ in range(3)]
        # A job enqueued while the database is down fails; the mail it was for stays due in the database.
        enqueue(side.env["REDIS_URL"], "tickets.tasks.send_outbound_email", queued.pk)
        time.sleep(2)
        server.start()
        after = until(lambda: web.get("/healthz").status == 200, timeout=30)
        enqueue(side.env["REDIS_URL"], "tickets.tasks.send_due_outbound_emails")

        def status():
            with psycopg.connect(url.replace("postgres://", "postgresql://")) as connection:
                return connection.execute(
                    "SELECT status FROM tickets_outboundemail WHERE id = %s", [queued.pk]
                ).fetchone()[0]

        sent = until(lambda: status() == DeliveryStatus.SENT, timeout=40)
    finally:
        side.stop()

    assert before == 200
    assert during == [503, 503, 503]
    assert after
    assert sent
