"""Encrypted identifiers stay findable by their exact value (admin and API) and never show in clear in a list."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from supportdesk.kit import crypto
from tests import factories
from tests.factories import token_client
from tickets.connectors.models import ChannelIdentity, PhoneCall
from tickets.models import WalletAddress

pytestmark = pytest.mark.django_db

ADDRESS = "0x52908400098527886E0F7030069857D2E4169EE7"


def test_a_wallet_address_finds_its_customer_in_the_admin_and_the_api_whatever_the_hex_case(client, supervisor):
    alice = factories.CustomerFactory(name="Alice Wallet")
    factories.CustomerFactory(name="Bob Other")
    WalletAddress.objects.create(customer=alice, chain="ethereum", address=ADDRESS)
    client.force_login(supervisor)

    page = client.get(reverse("admin:tickets_customer_changelist"), {"q": ADDRESS.lower()})
    api = token_client(supervisor).get("/api/v1/customers/", {"q": ADDRESS})

    assert "Alice Wallet" in page.content.decode() and "Bob Other" not in page.content.decode()
    assert [row["email"] for row in api.json()["results"]] == [alice.email]
    assert not WalletAddress.objects.filter(address=ADDRESS[:-1]).exists()  # exact matches only


def test_handles_and_call_numbers_are_masked_in_lists_and_found_by_exact_value(client, supervisor, team):
    customer = factories.CustomerFactory()
    ticket = factories.ticket(customer=customer, team=team)
    ChannelIdentity.objects.create(connector="sms", handle="+8613912345678", customer=customer)
    PhoneCall.objects.create(
        ticket=ticket, direction="inbound", customer_number="+8613912345678", started_at=ticket.created_at
    )
    client.force_login(supervisor)

    identities = client.get(reverse("admin:tickets_channelidentity_changelist")).content.decode()
    calls = client.get(reverse("admin:tickets_phonecall_changelist")).content.decode()
    found = client.get(reverse("admin:tickets_channelidentity_changelist"), {"q": "+8613912345678"})
    missed = client.get(reverse("admin:tickets_channelidentity_changelist"), {"q": "+86139123456"})
    calls_found = client.get(reverse("admin:tickets_phonecall_changelist"), {"q": "+86 139 1234 5678"})

    assert "13912345678" not in identities and "••••5678" in identities
    assert "13912345678" not in calls and "••••5678" in calls
    assert found.context["cl"].result_count == 1 and missed.context["cl"].result_count == 0
    assert calls_found.context["cl"].result_count == 1


def test_the_ticket_and_customer_lists_decrypt_nothing(client, supervisor, team):
    customer = factories.CustomerFactory(phone="+8613912345678", notes="called twice")
    factories.ticket(customer=customer, team=team, chain="ethereum", from_address=ADDRESS, to_address=ADDRESS)
    client.force_login(supervisor)

    with mock.patch("supportdesk.kit.crypto.decrypt", wraps=crypto.decrypt) as decrypt:
        tickets = client.get(reverse("admin:tickets_ticket_changelist"))
        customers = client.get(reverse("admin:tickets_customer_changelist"))

    assert tickets.status_code == customers.status_code == 200
    assert tickets.context["cl"].result_count == 1 and customer.email in customers.content.decode()
    assert decrypt.call_count == 0
