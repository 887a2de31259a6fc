"""The raw-mail corpus (tests/tickets/email/corpus/): every message, as real mail software writes it, has
its outcome asserted — a new ticket, a reply threaded into the ticket the test creates, a bounce or an
automatic reply recorded against the outbound mail it answers, a duplicate, or quarantine with its reason.

manifest.json lists each file with its outcome and the details to check (sender, subject, text, ...).
"""

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core import mail

from tests import factories
from tickets.email.models import (
    DeliveryStatus,
    InboundEmail,
    InboundKind,
    InboundResult,
    InboundSource,
    InboundStatus,
    OutboundEmail,
    OutboundKind,
)
from tickets.email.services.inbound import RAW_SOURCE_NAME, inbound_email_receive
from tickets.models import Customer, Ticket

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
# The Message-ID of our notification that replies, bounces and automatic replies in the corpus refer to.
OUR_MESSAGE_ID = "5f3a9c1e8b7d4e2a.sd-000001@supportdesk.local"
OUTCOMES = {"ticket", "reply", "bounce", "auto_reply", "duplicate", "quarantine"}


def raw_of(entry: dict, ticket: Ticket | None = None) -> bytes:
    raw = (CORPUS / entry["file"]).read_bytes()
    return raw.replace(b"{REF}", ticket.reference.encode()) if ticket else raw


def receive(raw: bytes) -> tuple[InboundEmail, bool]:
    return inbound_email_receive(raw=raw, source=InboundSource.FILE)


def our_thread(address: str) -> tuple[Ticket, OutboundEmail]:
    """A ticket of the customer with `address`, and our notification on it with the corpus' Message-ID."""
    customer, _created = Customer.objects.get_or_create(email=address)
    ticket = factories.TicketFactory(customer=customer, subject="Transfer pending")
    sent = factories.OutboundEmailFactory(
        ticket=ticket, to_address=address, message_id=OUR_MESSAGE_ID, status=DeliveryStatus.SENT
    )
    return ticket, sent


def test_the_corpus_covers_every_outcome_with_at_least_sixty_messages():
    counts = Counter(entry["outcome"] for entry in MANIFEST)

    assert set(counts) == OUTCOMES
    assert sum(counts.values()) >= 60
    assert len({entry["file"] for entry in MANIFEST}) == len(MANIFEST)
    assert sorted(path.name for path in CORPUS.glob("*.eml")) == sorted(entry["file"] for entry in MANIFEST)


def check_new_ticket(entry: dict, record: InboundEmail) -> None:
    ticket = record.ticket
    assert (record.status, record.result) == (InboundStatus.PROCESSED, InboundResult.NEW_TICKET), record.error
    assert ticket.customer.email == entry["sender"]
    assert ticket.customer.name == entry.get("name", ticket.customer.name)
    assert ticket.subject == entry["subject"]
    body = record.ticket_message.body
    for part in entry.get("body", []):
        assert part in body
    for part in entry.get("not_in_body", []):
        assert part not in body
    names = sorted(record.ticket_message.attachments.values_list("filename", flat=True))
    expected = entry.get("attachments", []) + ([RAW_SOURCE_NAME] if entry.get("recovered") else [])
    assert names == sorted(expected)
    acknowledgement = OutboundEmail.objects.get(ticket=ticket, kind=OutboundKind.ACKNOWLEDGEMENT)
    assert (acknowledgement.status == DeliveryStatus.SUPPRESSED) == (not entry.get("acknowledged", True))


def check_machine_mail(entry: dict, record: InboundEmail, ticket: Ticket, sent: OutboundEmail) -> None:
    kind = InboundKind.BOUNCE if entry["outcome"] == "bounce" else InboundKind.AUTO_REPLY
    assert (record.kind, record.status) == (kind, InboundStatus.PROCESSED), record.error or record.notes
    assert record.answers == sent
    assert Ticket.objects.count() == 1, "machine mail never opens a ticket"
    assert OutboundEmail.objects.count() == 1, "and is never answered"
    sent.refresh_from_db()
    if kind == InboundKind.BOUNCE:
        assert record.bounce_type == entry["bounce_type"]
        assert (sent.status == DeliveryStatus.BOUNCED) == (entry["bounce_type"] == "hard")
    if entry.get("bounce_type") != "notice":
        assert (record.result, record.ticket) == (InboundResult.NOTE, ticket)
        assert record.ticket_message.is_internal
        for part in entry.get("body", []):
            assert part in record.ticket_message.body
    ticket.refresh_from_db()
    assert ticket.messages.filter(is_internal=False).count() == ticket.messages.count() - (
        record.ticket_message_id is not None
    )


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["file"] for entry in MANIFEST])
def test_every_corpus_message_has_its_expected_outcome(db, settings, entry, django_capture_on_commit_callbacks):
    for name, value in entry.get("settings", {}).items():
        setattr(settings, name, value)
    outcome = entry["outcome"]
    if outcome == "ticket":
        record, created = receive(raw_of(entry))
        assert created
        check_new_ticket(entry, record)
    elif outcome == "reply":
        ticket, _sent = our_thread(entry["sender"])
        record, _created = receive(raw_of(entry, ticket))
        assert (record.result, record.ticket) == (InboundResult.REPLY, ticket), record.error or record.notes
        assert record.ticket_message.body == entry["reply_text"]
        assert Ticket.objects.count() == 1
    elif outcome in ("bounce", "auto_reply"):
        ticket, sent = our_thread(entry["customer"])
        with django_capture_on_commit_callbacks(execute=True):
            record, _created = receive(raw_of(entry, ticket))
        check_machine_mail(entry, record, ticket, sent)
        assert mail.outbox == []
    elif outcome == "duplicate":
        original, created = receive((CORPUS / entry["duplicate_of"]).read_bytes())
        again, created_again = receive(raw_of(entry))
        assert (created, created_again, again.pk) == (True, False, original.pk)
        assert InboundEmail.objects.count() == 1
    else:
        record, _created = receive(raw_of(entry))
        assert (record.status, record.quarantine_reason) == (InboundStatus.QUARANTINED, entry["reason"])
        assert entry["error"] in record.error
        assert not Ticket.objects.exists()
