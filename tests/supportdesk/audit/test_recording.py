"""The read audit (issue 19, finding 10): every door that shows a customer record notes who saw it, and the
page pays one INSERT for it, nothing else."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportdesk.audit.models import AuditEntry
from tests import factories
from tickets import services
from tickets.complaints.models import Stage
from tickets.models import Attachment, Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(ticket, agent):
    return factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)


@pytest.fixture
def attachment(ticket, agent):
    services.ticket_reply(ticket=ticket, body="See the log", actor=agent, attachments=[factories.text_upload()])
    return Attachment.objects.get()


def _staff_pages(ticket, complaint, attachment):
    return {
        "ticket admin": (reverse("admin:tickets_ticket_change", args=[ticket.pk]), "tickets.ticket", ticket.pk),
        "customer admin": (
            reverse("admin:tickets_customer_change", args=[ticket.customer_id]),
            "tickets.customer",
            ticket.customer_id,
        ),
        "complaint admin": (
            reverse("admin:tickets_complaint_change", args=[complaint.pk]),
            "tickets.complaint",
            complaint.pk,
        ),
        "ticket API": (reverse("api:ticket", args=[ticket.pk]), "tickets.ticket", ticket.pk),
        "customer API": (reverse("api:customer", args=[ticket.customer_id]), "tickets.customer", ticket.customer_id),
        "complaint API": (reverse("api:complaint", args=[complaint.pk]), "tickets.complaint", complaint.pk),
        "attachment": (
            reverse("tickets:attachment_download", args=[attachment.pk]),
            "tickets.attachment",
            attachment.pk,
        ),
        "attachment API": (
            reverse("api:attachment-download", args=[attachment.pk]),
            "tickets.attachment",
            attachment.pk,
        ),
    }


@pytest.mark.parametrize(
    "page",
    [
        "ticket admin",
        "customer admin",
        "complaint admin",
        "ticket API",
        "customer API",
        "complaint API",
        "attachment",
        "attachment API",
    ],
)
def test_every_staff_door_to_a_customer_record_writes_one_entry(
    client, supervisor, ticket, complaint, attachment, page
):
    url, object_type, object_id = _staff_pages(ticket, complaint, attachment)[page]
    client.force_login(supervisor)
    AuditEntry.objects.all().delete()

    response = client.get(url, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.object_type, entry.object_id) == (supervisor, object_type, str(object_id))
    assert (entry.ip_address, entry.path) == ("203.0.113.7", url)
    assert entry.action == ("download" if "attachment" in page else "view")


def test_the_address_is_the_client_behind_a_trusted_proxy_and_never_a_forged_one(
    client, supervisor, ticket, complaint, attachment, settings
):
    url = _staff_pages(ticket, complaint, attachment)["ticket API"][0]
    client.force_login(supervisor)
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    AuditEntry.objects.all().delete()

    client.get(url, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    client.get(url, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert sorted(AuditEntry.objects.values_list("ip_address", flat=True)) == ["198.51.100.1", "203.0.113.7"]


def test_the_portal_pages_of_a_ticket_and_a_complaint_are_logged_too(client, customer, ticket, complaint):
    client.force_login(customer.user)

    client.get(reverse("portal:request_detail", args=[ticket.pk]))
    client.get(reverse("complaints:detail", args=[complaint.pk]))

    logged = list(AuditEntry.objects.order_by("id").values_list("actor", "object_type", "object_repr"))
    assert logged == [
        (customer.user.pk, "tickets.ticket", ticket.reference),
        (customer.user.pk, "tickets.complaint", ticket.reference),
    ]


def test_a_refused_or_missing_record_is_not_logged_as_seen(client, agent, other_ticket):
    client.force_login(agent)

    response = client.get(reverse("api:ticket", args=[other_ticket.pk]))

    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_an_export_is_logged(client, supervisor):
    client.force_login(supervisor)

    response = client.get(reverse("admin:feedback_report_export", args=["responses", "csv"]))
    b"".join(response.streaming_content)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == ("export", "feedback.export", "responses")


def test_the_ticket_page_pays_exactly_one_insert_for_the_audit(client, supervisor, ticket, settings):
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    client.force_login(supervisor)
    client.get(url)  # warm caches (content types, permissions of the session)
    with CaptureQueriesContext(connection) as audited:
        client.get(url)
    # captured_queries reads the connection's log lazily, and the next request resets that log.
    audited_sql = [query["sql"] for query in audited.captured_queries]
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "supportdesk.middleware.AuditMiddleware"]
    unaudited_client = Client()  # a client loads the middleware on its first request
    unaudited_client.force_login(supervisor)
    unaudited_client.get(url)
    with CaptureQueriesContext(connection) as unaudited:
        unaudited_client.get(url)

    unaudited_sql = [query["sql"] for query in unaudited.captured_queries]
    assert len(audited_sql) == len(unaudited_sql) + 1
    assert not any(sql.startswith("INSERT") for sql in unaudited_sql)
    assert audited_sql[-1].startswith('INSERT INTO "supportdesk_auditentry"')


def test_a_ticket_created_by_the_customer_leaves_no_read_entry(customer):
    """Writes are the timeline's business; only reads go to the audit log."""
    services.ticket_create(customer=customer, subject="x", body="y", channel=Channel.PORTAL, actor=customer.user)

    assert not AuditEntry.objects.exists()
