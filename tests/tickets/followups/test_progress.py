"""Progress updates on complaints under way and escalated tickets; who is never written to; the channel used."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests import factories
from tickets import services
from tickets.complaints import services as complaint_services
from tickets.complaints.models import CUSTOMER_STAGE_TEXT, Complaint, Stage
from tickets.connectors.models import ChannelIdentity, InboundChannelMessage, OutboundChannelMessage
from tickets.email.models import DeliveryStatus, OutboundEmail
from tickets.followups import texts
from tickets.followups.models import FollowUpPolicy
from tickets.models import AuthorKind, Customer, EventKind, TicketEvent, TicketMessage, Tier

pytestmark = pytest.mark.django_db

INTERNAL = "Internal: the customer's exchange account is flagged for AML review."
FINDINGS = "Root cause: node 7 dropped the transaction during the fork."


@pytest.fixture
def investigated(clock, ticket, agent):
    """Alice's complaint under investigation, with findings and an internal note no customer may read."""
    complaint = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)
    # The clock fixture freezes the defaults of the ticket models only.
    Complaint.objects.filter(pk=complaint.pk).update(created_at=clock())
    complaint_services.complaint_update(complaint=complaint, actor=agent, findings=FINDINGS)
    services.ticket_add_note(ticket=ticket, body=INTERNAL, actor=agent)
    return complaint


def updates(ticket) -> list[str]:
    return list(
        TicketMessage.objects.filter(ticket=ticket, author_kind=AuthorKind.SYSTEM, is_internal=False)
        .order_by("id")
        .values_list("body", flat=True)
    )


def test_a_complaint_gets_its_step_and_next_step_after_the_interval_and_nothing_internal(
    clock, investigated, sweep, mailoutbox
):
    mailoutbox.clear()
    clock.advance(days=2, hours=23)
    early = sweep()
    clock.advance(hours=2)

    result = sweep()
    again = sweep()

    assert early.progress == []
    assert result.progress == [investigated.ticket_id]
    assert again.progress == []
    [body] = updates(investigated.ticket)
    assert str(CUSTOMER_STAGE_TEXT[Stage.INVESTIGATION]) in body
    assert str(texts.COMPLAINT_NEXT_STEP[Stage.INVESTIGATION]) in body
    assert "within 3 days" in body
    [mail] = mailoutbox
    for leaked in (INTERNAL, FINDINGS, "AML", "node 7"):
        assert leaked not in body
        assert leaked not in mail.body
        assert leaked not in mail.alternatives[0][0]
    event = TicketEvent.objects.get(ticket=investigated.ticket, kind=EventKind.PROGRESS_UPDATE)
    assert event.after == Stage.INVESTIGATION


def test_no_update_when_an_agent_wrote_to_the_customer_within_the_interval(clock, investigated, agent, sweep):
    clock.advance(days=2)
    services.ticket_reply(ticket=investigated.ticket, body="Still checking with the node team.", actor=agent)
    clock.advance(days=2)

    quiet = sweep()
    clock.advance(days=1, minutes=1)
    due = sweep()

    assert quiet.progress == []
    assert due.progress == [investigated.ticket_id]


def test_an_internal_note_does_not_count_as_writing_to_the_customer(clock, investigated, agent, sweep):
    clock.advance(days=2)
    services.ticket_add_note(ticket=investigated.ticket, body="Asked the node team.", actor=agent)
    clock.advance(days=1, minutes=1)

    assert sweep().progress == [investigated.ticket_id]


def test_updates_repeat_at_the_interval(clock, investigated, sweep):
    clock.advance(days=3, minutes=1)
    sweep()
    clock.advance(days=3, minutes=1)

    assert sweep().progress == [investigated.ticket_id]
    assert len(updates(investigated.ticket)) == 2


def test_an_escalated_ticket_gets_updates_an_ordinary_one_does_not(clock, ticket, customer, sweep):
    ordinary = factories.ticket(customer=customer, team=ticket.team)
    services.ticket_escalate(ticket=ticket, to_tier=Tier.L2, reason="node issue", actor=None)
    clock.advance(days=3, minutes=1)

    result = sweep()

    assert result.progress == [ticket.pk]
    assert "technical specialists" in updates(ticket)[0]
    assert updates(ordinary) == []


def test_the_update_is_in_the_customers_language(clock, investigated, sweep, customer, mailoutbox):
    Customer.objects.filter(pk=customer.pk).update(language="zh-hans")
    clock.advance(days=3, minutes=1)

    sweep()

    with translation.override("zh-hans"):
        chinese = gettext("We are investigating what happened.")
    assert chinese != "We are investigating what happened."
    assert chinese in updates(investigated.ticket)[0]
    assert 'lang="zh-hans"' in mailoutbox[-1].alternatives[0][0]


def test_per_team_interval_and_a_team_without_updates(clock, investigated, sweep, team):
    FollowUpPolicy.objects.create(team=team, progress_interval_days=1)
    clock.advance(days=1, minutes=1)
    assert sweep().progress == [investigated.ticket_id]

    FollowUpPolicy.objects.filter(team=team).update(progress_updates=False)
    clock.advance(days=10)
    assert sweep().progress == []


def test_customers_who_cannot_be_contacted_get_nothing(clock, investigated, sweep, customer, agent):
    Customer.objects.filter(pk=customer.pk).update(email=f"erased-{customer.pk}@erased.invalid", name="")
    placeholder = factories.CustomerFactory(email="telegram-42@telegram.invalid")
    no_channel = factories.ticket(customer=placeholder, team=investigated.ticket.team, actor=None, language="en")
    services.ticket_escalate(ticket=no_channel, to_tier=Tier.L2, reason="node issue", actor=None)
    clock.advance(days=10)

    assert sweep().progress == []
    assert OutboundEmail.objects.filter(kind="follow_up").count() == 0


def test_a_telegram_customer_is_told_in_telegram_not_by_email(clock, settings, ticket, sweep):
    settings.CONNECTORS = {
        "telegram": {"class": "tickets.connectors.twilio.ConsoleSmsConnector", "from_number": "+15550001111"}
    }
    customer = factories.CustomerFactory(email="telegram-42@telegram.invalid")
    chat = factories.ticket(customer=customer, team=ticket.team, actor=None, channel="social", language="en")
    identity = ChannelIdentity.objects.create(connector="telegram", handle="42", customer=customer)
    InboundChannelMessage.objects.create(
        connector="telegram", dedup_key="42:1", payload="{}", size=2, identity=identity, ticket=chat, status="processed"
    )
    services.ticket_escalate(ticket=chat, to_tier=Tier.L3, reason="security", actor=None)
    clock.advance(days=3, minutes=1)

    assert sweep().progress == [chat.pk]
    sent = OutboundChannelMessage.objects.get(ticket=chat)
    assert (sent.recipient, sent.kind) == ("42", "notification")
    assert "senior specialists" in sent.body
    assert not OutboundEmail.objects.filter(ticket=chat, kind="follow_up").exclude(status=DeliveryStatus.SUPPRESSED)
