"""Admin for the email channel: smoke, constant query counts, raw source permissions, actions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tickets.complaints.models import Complaint, Stage
from tickets.email.models import DeliveryStatus, InboundEmail, InboundStatus, OutboundEmail
from tickets.models import Ticket

INBOUND_LIST = reverse("admin:tickets_inboundemail_changelist")
OUTBOUND_LIST = reverse("admin:tickets_outboundemail_changelist")


def raw_url(pk: int) -> str:
    return reverse("admin:tickets_inboundemail_raw", args=[pk])


@pytest.mark.parametrize("model", ["inboundemail", "outboundemail"])
def test_admin_pages_render_for_a_superuser(client, administrator, model):
    row = factories.InboundEmailFactory() if model == "inboundemail" else factories.OutboundEmailFactory()
    client.force_login(administrator)

    assert client.get(reverse(f"admin:tickets_{model}_changelist")).status_code == 200
    change = client.get(reverse(f"admin:tickets_{model}_change", args=[row.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content, "records are read-only"
    assert client.get(reverse(f"admin:tickets_{model}_add")).status_code == 403
    assert client.get(reverse(f"admin:tickets_{model}_delete", args=[row.pk])).status_code == 403


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_inbound_changelist_query_count_does_not_grow(client, supervisor, mail_fixture):
    client.force_login(supervisor)
    factories.InboundEmailFactory(ticket=factories.TicketFactory())
    one = _count_queries(client, INBOUND_LIST)
    for _ in range(19):
        factories.InboundEmailFactory(ticket=factories.TicketFactory())

    assert _count_queries(client, INBOUND_LIST) == one == 8


def test_outbound_changelist_query_count_does_not_grow(client, supervisor):
    client.force_login(supervisor)
    factories.OutboundEmailFactory()
    one = _count_queries(client, OUTBOUND_LIST)
    factories.OutboundEmailFactory.create_batch(19)

    assert _count_queries(client, OUTBOUND_LIST) == one == 8


def test_agents_see_delivery_status_only_for_tickets_they_may_see(client, agent, team):
    mine = factories.OutboundEmailFactory(ticket=factories.TicketFactory(team=team), to_address="mine@example.org")
    factories.OutboundEmailFactory(to_address="hidden@example.org")
    client.force_login(agent)

    response = client.get(OUTBOUND_LIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]
    assert client.get(INBOUND_LIST).status_code == 403, "the inbound log and quarantine are for supervisors"


def test_the_raw_source_downloads_for_supervisors_only(client, supervisor, agent, manager, mail_fixture):
    raw = mail_fixture("02_gbk_base64.eml")
    record = factories.InboundEmailFactory(raw=raw, size=len(raw))

    assert client.get(raw_url(record.pk)).status_code == 302, "anonymous: to the login page"
    for user in (agent, manager):
        client.force_login(user)
        assert client.get(raw_url(record.pk)).status_code == 403
    client.force_login(supervisor)
    assert client.post(raw_url(record.pk)).status_code == 405
    assert client.get(raw_url(999999)).status_code == 404
    response = client.get(raw_url(record.pk))

    assert response.status_code == 200
    assert response.content == raw
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == f'attachment; filename="inbound-{record.pk}.eml"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_process_again_action_turns_a_fixed_quarantine_into_a_ticket(client, supervisor, mail_fixture):
    raw = mail_fixture("03_big5_8bit.eml")
    record = factories.InboundEmailFactory(raw=raw, size=len(raw), status=InboundStatus.QUARANTINED)
    client.force_login(supervisor)

    response = client.post(INBOUND_LIST, {"action": "process_again", "_selected_action": [record.pk]}, follow=True)

    record.refresh_from_db()
    assert response.status_code == 200
    assert record.status == InboundStatus.PROCESSED
    assert record.error == ""
    assert Ticket.objects.get().customer.email == "chan@example.hk"
    assert "1 mail processed." in response.content.decode()


def test_the_process_again_action_reports_mail_still_in_quarantine(client, supervisor, mail_fixture):
    raw = mail_fixture("14_broken_mime.eml")
    record = factories.InboundEmailFactory(raw=raw, size=len(raw))
    client.force_login(supervisor)

    response = client.post(INBOUND_LIST, {"action": "process_again", "_selected_action": [record.pk]}, follow=True)

    assert "1 mail is still in quarantine" in response.content.decode()
    assert InboundEmail.objects.get(pk=record.pk).attempts == 1


def test_the_retry_action_sends_failed_mail_again(client, supervisor, django_capture_on_commit_callbacks, mailoutbox):
    row = factories.OutboundEmailFactory(status=DeliveryStatus.FAILED, attempts=8, last_error="refused")
    client.force_login(supervisor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OUTBOUND_LIST, {"action": "retry_now", "_selected_action": [row.pk]}, follow=True)

    row.refresh_from_db()
    assert "1 mail will be sent again." in response.content.decode()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.SENT, 9, "")
    assert len(mailoutbox) == 1
    assert OutboundEmail.objects.count() == 1


def test_an_agent_sees_no_customer_link_in_a_stored_mail_but_the_customer_gets_a_working_one(
    client, agent, ticket, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue 19, finding 2: a confirmation link in the admin let agents confirm complaints as the customer."""
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        factories.complaint(ticket=ticket, actor=agent, stage=Stage.AWAITING_CONFIRMATION)
    [sent] = mailoutbox
    link = re.search(r"http://testserver(/portal/complaints/confirm/[^/\s]+/)", sent.body).group(1)
    stored = OutboundEmail.objects.get(ticket=ticket, kind="complaint")
    client.force_login(agent)

    page = client.get(reverse("admin:tickets_outboundemail_change", args=[stored.pk])).content.decode()

    assert link.split("/")[-2] not in page
    assert "[customer link]" in page
    assert link.split("/")[-2] in sent.alternatives[0][0]
    client.logout()
    assert client.post(link, {"resolved": "yes", "comment": ""}).status_code == 200
    assert Complaint.objects.get(ticket=ticket).stage == Stage.CLOSED_CONFIRMED
