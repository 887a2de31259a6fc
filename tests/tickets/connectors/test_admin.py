"""The channel admins: query counts, the ticket page's channel panel, logging a call, linking a handle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.admin_queries import SIZES
from tests.tickets.connectors.conftest import TELEGRAM_SECRET, fixture_bytes
from tickets.connectors.models import ChannelIdentity, InboundChannelMessage, OutboundChannelMessage, PhoneCall
from tickets.models import Customer, Ticket
from tickets.safety.models import IdentityVerification, VerificationStatus


@pytest.fixture
def telegram_ticket(client, connectors, django_capture_on_commit_callbacks) -> Ticket:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/connectors/telegram/webhook/",
            data=fixture_bytes("telegram_text.json"),
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TELEGRAM_SECRET,
        )
    return Ticket.objects.get()


def _rows(size: int, ticket, prefix: str) -> None:
    for n in (f"{prefix}{index}" for index in range(size)):
        customer = factories.CustomerFactory()
        identity = ChannelIdentity.objects.create(connector="telegram", handle=f"9{n}", customer=customer)
        InboundChannelMessage.objects.create(
            connector="telegram", dedup_key=f"9{n}:1", payload="{}", size=2, identity=identity, ticket=ticket
        )
        OutboundChannelMessage.objects.create(
            connector="telegram", kind="reply", recipient=f"9{n}", body="Hi", idempotency_key=f"k{n}", ticket=ticket
        )
        PhoneCall.objects.create(
            ticket=ticket, direction="inbound", customer_number=f"+86{n}", started_at=timezone.now(),
            agent=factories.UserFactory(is_staff=True),
        )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["inboundchannelmessage", "outboundchannelmessage", "channelidentity", "phonecall"])
def test_changelist_queries_do_not_grow_with_rows(client, ticket, model):
    client.force_login(factories.supervisor())
    url = reverse(f"admin:tickets_{model}_changelist")
    counts = []
    for size in SIZES:
        _rows(size, ticket, prefix=str(size))
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_ticket_page_shows_the_channel_panel_with_the_log_a_call_button(client, telegram_ticket, administrator):
    PhoneCall.objects.create(
        ticket=telegram_ticket, direction="inbound", customer_number="+8613800138000", started_at=timezone.now(),
        duration_seconds=61, recording_url="https://api.twilio.com/rec/RE1",
    )  # fmt: skip
    client.force_login(administrator)

    page = client.get(reverse("admin:tickets_ticket_change", args=[telegram_ticket.pk])).content.decode()

    assert "The customer writes through Telegram (Testusername)" in page
    assert f"/admin/tickets/phonecall/add/?ticket={telegram_ticket.pk}" in page
    assert "61 s" in page and "https://api.twilio.com/rec/RE1" in page


@pytest.mark.django_db
def test_agent_logs_a_call_from_the_add_page(client, customer_ticket, agent):
    client.force_login(agent)
    url = reverse("admin:tickets_phonecall_add") + f"?ticket={customer_ticket.pk}"
    now = timezone.localtime()

    response = client.post(
        url,
        {
            "ticket": customer_ticket.pk,
            "customer_number": "+8613800138000",
            "started_at_0": now.strftime("%Y-%m-%d"),
            "started_at_1": now.strftime("%H:%M:%S"),
            "duration_seconds": "90",
            "summary": "Walked through the gas fee settings.",
            "recording_url": "",
        },
    )

    assert response.status_code == 302
    call = PhoneCall.objects.get()
    assert (call.agent, call.direction, call.ticket) == (agent, "outbound", customer_ticket)
    assert customer_ticket.messages.filter(is_internal=True, body__contains="gas fee").exists()


@pytest.mark.django_db
def test_linking_a_handle_needs_a_recent_verification_then_moves_its_tickets(client, telegram_ticket, supervisor):
    alice = factories.CustomerFactory(email="alice@example.com")
    alice_ticket = factories.ticket(customer=alice)
    identity = ChannelIdentity.objects.get()
    placeholder = identity.customer
    client.force_login(supervisor)
    url = reverse("admin:tickets_channelidentity_link", args=[identity.pk])

    refused = client.post(url, {"customer_email": "alice@example.com"})
    assert "Verify the customer first" in refused.content.decode()

    IdentityVerification.objects.create(
        ticket=alice_ticket, requested_by=supervisor, channels="email", code_hash="0" * 64,
        status=VerificationStatus.VERIFIED, verified_at=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    assert client.post(url, {"customer_email": "alice@example.com"}).status_code == 302

    identity.refresh_from_db()
    assert (identity.customer, identity.verified_by) == (alice, supervisor)
    telegram_ticket.refresh_from_db()
    assert telegram_ticket.customer == alice
    assert not Customer.objects.filter(pk=placeholder.pk).exists()


@pytest.mark.django_db
def test_an_agent_may_not_link_handles(client, telegram_ticket, agent):
    client.force_login(agent)
    url = reverse("admin:tickets_channelidentity_link", args=[ChannelIdentity.objects.get().pk])
    assert client.post(url, {"customer_email": "alice@example.com"}).status_code == 403
