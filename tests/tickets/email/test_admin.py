"""Admin for the email channel: smoke, constant query counts, raw source permissions, actions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import now

from tests import factories
from tickets.complaints.models import Complaint, Stage
from tickets.email.models import (
    DeliveryStatus,
    EmailAddressStatus,
    InboundEmail,
    InboundStatus,
    OutboundEmail,
    QuarantineReason,
)
from tickets.models import Ticket

INBOUND_LIST = reverse("admin:tickets_inboundemail_changelist")
OUTBOUND_LIST = reverse("admin:tickets_outboundemail_changelist")
ADDRESS_LIST = reverse("admin:tickets_emailaddressstatus_changelist")


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

    assert _count_queries(client, INBOUND_LIST) == one == 7


def test_outbound_changelist_query_count_does_not_grow(client, supervisor):
    client.force_login(supervisor)
    factories.OutboundEmailFactory()
    one = _count_queries(client, OUTBOUND_LIST)
    factories.OutboundEmailFactory.create_batch(19)

    assert _count_queries(client, OUTBOUND_LIST) == one == 7


def test_agents_see_delivery_status_only_for_tickets_they_may_see(client, agent, team):
    mine = factories.OutboundEmailFactory(ticket=factories.TicketFactory(team=team), to_address="mine@example.org")
    factories.OutboundEmailFactory(to_address="hidden@example.org")
    client.force_login(agent)

    response = client.get(OUTBOUND_LIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]


def test_agents_see_held_mail_and_the_mail_of_their_tickets_only(client, agent, team):
    held = factories.InboundEmailFactory(status=InboundStatus.QUARANTINED)
    ours = factories.InboundEmailFactory(status=InboundStatus.PROCESSED, ticket=factories.TicketFactory(team=team))
    factories.InboundEmailFactory(status=InboundStatus.PROCESSED, ticket=factories.TicketFactory())
    client.force_login(agent)

    response = client.get(INBOUND_LIST)

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {held, ours}
    assert client.get(raw_url(held.pk)).status_code == 403, "the raw source stays with supervisors"


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
    raw = mail_fixture("16_no_sender.eml")
    record = factories.InboundEmailFactory(raw=raw, size=len(raw))
    client.force_login(supervisor)

    response = client.post(INBOUND_LIST, {"action": "process_again", "_selected_action": [record.pk]}, follow=True)

    assert "1 mail is still in quarantine" in response.content.decode()
    assert InboundEmail.objects.get(pk=record.pk).attempts == 1


def test_an_agent_makes_a_ticket_of_held_mail_with_one_click(client, agent, mail_fixture):
    raw = mail_fixture("03_big5_8bit.eml")
    record = factories.InboundEmailFactory(raw=raw, size=len(raw), quarantine_reason=QuarantineReason.SPOOFED)
    client.force_login(agent)

    response = client.post(INBOUND_LIST, {"action": "make_tickets", "_selected_action": [record.pk]}, follow=True)

    record.refresh_from_db()
    assert "1 ticket made." in response.content.decode()
    assert (record.status, record.result, record.quarantine_reason) == (InboundStatus.PROCESSED, "new_ticket", "")
    assert record.ticket.customer.email == "chan@example.hk"
    assert record.notes == "Made into a ticket by agent."


def test_the_make_ticket_button_asks_for_the_customer_when_the_mail_has_no_sender(
    client, agent, supervisor, mail_fixture
):
    raw = mail_fixture("16_no_sender.eml")
    record = factories.InboundEmailFactory(raw=raw, size=len(raw), quarantine_reason=QuarantineReason.NO_SENDER)
    url = reverse("admin:tickets_inboundemail_make_ticket", args=[record.pk])
    client.force_login(agent)

    change = client.get(reverse("admin:tickets_inboundemail_change", args=[record.pk])).content.decode()
    assert url in change and "No usable sender address" in change
    assert client.get(url).status_code == 200
    refused = client.post(url, {"customer_email": ""})
    assert refused.status_code == 200
    assert "enter the customer" in refused.content.decode()
    assert client.post(url, {"customer_email": "not an address"}).status_code == 200
    assert not Ticket.objects.exists()

    made = client.post(url, {"customer_email": "Found@Example.org"})

    ticket = Ticket.objects.get()
    assert made.status_code == 302
    assert made["Location"] == reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert (ticket.customer.email, ticket.subject) == ("found@example.org", "(no sender)")
    assert ticket.messages.get().body == "Who sent this?"
    client.force_login(supervisor)
    again = client.post(url, {"customer_email": "again@example.org"})
    assert again.status_code == 200
    assert "Only quarantined or ignored mail can be made into a ticket" in again.content.decode()
    assert Ticket.objects.count() == 1


def test_only_permitted_staff_make_tickets(client, manager, mail_fixture):
    record = factories.InboundEmailFactory()
    client.force_login(manager)

    assert client.post(reverse("admin:tickets_inboundemail_make_ticket", args=[record.pk])).status_code == 403
    assert not Ticket.objects.exists()


def test_address_statuses_list_and_mark_deliverable_again(client, supervisor):
    bouncing = EmailAddressStatus.objects.create(address="gone@example.org", hard_bounces=3, bouncing_since=now())
    client.force_login(supervisor)

    assert client.get(ADDRESS_LIST).status_code == 200
    assert client.get(reverse("admin:tickets_emailaddressstatus_change", args=[bouncing.pk])).status_code == 200
    response = client.post(ADDRESS_LIST, {"action": "mark_deliverable", "_selected_action": [bouncing.pk]}, follow=True)

    bouncing.refresh_from_db()
    assert "1 address is mailed again." in response.content.decode()
    assert (bouncing.hard_bounces, bouncing.bouncing_since) == (0, None)


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
