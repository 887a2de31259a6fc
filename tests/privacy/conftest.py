"""A customer with data in every app, built through the services where they exist, and the values
that identify them (the needles of the scan that proves an erasure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knowledge.models import BotConversation, BotMessage, BotRole
from supportdesk.audit.models import AuditEntry
from tests import factories
from tickets import services
from tickets.connectors.models import ChannelIdentity, OutboundChannelMessage, PhoneCall
from tickets.email.models import EmailAddressStatus
from tickets.models import (
    ContactRequest,
    CustomerEmail,
    CustomerMerge,
    IdentityVerification,
    ImpersonatorReport,
    WalletAddress,
)
from tickets.safety.models import VerificationStatus


@dataclass
class Person:
    customer: object
    tickets: list
    needles: set[str]


def build_person(*, label: str, agent, verified: bool = True) -> Person:
    """Everything the desk can hold about one customer. `label` keeps two people's values apart."""
    email = f"{label}.wallet@example.net"
    user = factories.UserFactory(username=email, email=email, first_name=f"{label.title()}ina")
    customer = factories.CustomerFactory(
        email=email, name=f"{label.title()}ina Quokkason", user=user, phone=f"+4479{abs(hash(label)) % 10**8:08d}"
    )
    other = CustomerEmail.objects.create(customer=customer, email=f"{label}.old@example.net")
    wallet = WalletAddress.objects.create(customer=customer, chain="ethereum", address=f"0x{label}cafe{'1' * 30}")
    tx_hash = f"0x{label}beef{'2' * 50}"
    team = agent.agent_profile.teams.first()
    first = factories.ticket(
        customer=customer,
        subject=f"{label} cannot withdraw",
        body=f"My wallet {wallet.address} is stuck, call me on {customer.phone}",
        attachments=[factories.text_upload(f"{label}-statement.txt", f"statement of {customer.name}\n".encode())],
        tx_hash=tx_hash,
        from_address=wallet.address,
        team=team,
    )
    identity = ChannelIdentity.objects.create(connector="sms", handle=customer.phone, customer=customer)
    PhoneCall.objects.create(
        ticket=first, direction="inbound", customer_number=customer.phone, started_at=timezone.now(), summary="x"
    )
    OutboundChannelMessage.objects.create(
        connector="sms", kind="reply", recipient=identity.handle, body="Hi", idempotency_key=f"{label}-1", ticket=first
    )
    services.ticket_reply(ticket=first, body=f"Hello {customer.name}, we are looking.", actor=agent)
    second = factories.ticket(
        customer=customer, subject=f"{label} second question", body=f"Write to {other.email}", team=team
    )
    factories.complaint(
        ticket=first, actor=agent, stage="awaiting_confirmation", remedy_kind="refund", amount=12, asset="USDT"
    )
    factories.InboundEmailFactory(from_address=email, ticket=first, subject=f"Re: {label}", status="processed")
    factories.OutboundEmailFactory(ticket=second, body_text=f"Dear {customer.name}")
    EmailAddressStatus.objects.create(address=other.email)
    response = factories.SurveyResponseFactory(invitation__ticket=first, comment=f"{customer.name} is happy")
    factories.SuggestionFactory(customer=customer, body=f"Mail me at {email}")
    conversation = BotConversation.objects.create(user=user, handoff_email=email, handoff_name=customer.name)
    BotMessage.objects.create(conversation=conversation, role=BotRole.USER, text=f"I am {customer.name}")
    ContactRequest.objects.create(email=email, name=customer.name, subject="Help", body=f"phone {customer.phone}")
    ImpersonatorReport.objects.create(contact="@fake", where_seen="telegram", reporter_email=email, description="x")
    CustomerMerge.objects.create(primary=customer, duplicate_email=f"{label}.dupe@example.net", merged_by=agent)
    AuditEntry.objects.create(
        actor=agent, object_type="tickets.customer", object_id=str(customer.pk), object_repr=str(customer)
    )
    if verified:
        IdentityVerification.objects.create(
            ticket=first,
            requested_by=agent,
            channels="email",
            status=VerificationStatus.VERIFIED,
            expires_at=timezone.now() + timedelta(minutes=10),
            verified_at=timezone.now(),
        )
    Client().force_login(user)
    assert response.invitation.customer_id == customer.pk
    needles = {
        value.lower()
        for value in (
            email,
            other.email,
            f"{label}.dupe@example.net",
            customer.name,
            customer.phone,
            wallet.address,
            tx_hash,
            f"statement of {customer.name}",
        )
    }
    return Person(customer=customer, tickets=[first, second], needles=needles)


@pytest.fixture
def person(agent):
    return build_person(label="zorb", agent=agent)


@pytest.fixture
def bystander(agent):
    return build_person(label="yelt", agent=agent)
