"""tickets.services.ticket_merge: duplicates of one customer's request become one ticket."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets import services
from tickets.models import EventKind, Status, Ticket, TicketEvent, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate(customer, team):
    return factories.ticket(customer=customer, team=team, subject="Transfer stuck (again)", body="Any news?")


def test_merging_moves_the_messages_and_closes_the_duplicate_with_a_pointer(ticket, duplicate, agent):
    services.ticket_reply(ticket=duplicate, body="Looking.", actor=agent)
    moved = set(duplicate.messages.values_list("id", flat=True))

    target = services.ticket_merge(source=duplicate, target=ticket, actor=agent)

    assert target.pk == ticket.pk
    source = Ticket.objects.get(pk=duplicate.pk)
    assert (source.status, source.merged_into_id) == (Status.CLOSED, ticket.pk)
    assert source.closed_at is not None
    assert not source.messages.exists()
    assert moved <= set(ticket.messages.values_list("id", flat=True))
    assert ticket.messages.count() == 3


def test_merging_writes_an_event_on_both_tickets(ticket, duplicate, agent):
    services.ticket_merge(source=duplicate, target=ticket, actor=agent)

    on_target = TicketEvent.objects.get(ticket=ticket, kind=EventKind.MERGE)
    on_source = TicketEvent.objects.get(ticket=duplicate, kind=EventKind.MERGE)
    for event in (on_target, on_source):
        assert (event.actor, event.before, event.after) == (agent, duplicate.reference, ticket.reference)
    assert on_target.note == "1 messages moved in"
    assert on_source.note == f"merged into {ticket.reference}"
    closing = TicketEvent.objects.get(ticket=duplicate, kind=EventKind.STATUS)
    assert (closing.before, closing.after, closing.note) == (Status.NEW, Status.CLOSED, "merged")


def test_tickets_of_different_customers_are_never_merged(ticket, other_customer, team, supervisor):
    foreign = factories.ticket(customer=other_customer, team=team)

    with pytest.raises(ValidationError) as caught:
        services.ticket_merge(source=foreign, target=ticket, actor=supervisor)

    assert factories.error_codes(caught.value) == {services.ERROR_MERGE_OTHER_CUSTOMER}
    assert foreign.messages.count() == 1
    assert Ticket.objects.get(pk=foreign.pk).status == Status.NEW
    assert not TicketEvent.objects.filter(kind=EventKind.MERGE).exists()


@pytest.mark.parametrize("closed", ["source", "target"])
def test_closed_tickets_are_never_merged(ticket, duplicate, agent, closed):
    services.ticket_change_status(ticket=duplicate if closed == "source" else ticket, status=Status.CLOSED, actor=agent)

    with pytest.raises(ValidationError) as caught:
        services.ticket_merge(source=duplicate, target=ticket, actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_MERGE_CLOSED}
    assert duplicate.messages.count() == 1
    assert Ticket.objects.get(pk=duplicate.pk).merged_into is None
    assert not TicketEvent.objects.filter(kind=EventKind.MERGE).exists()


def test_a_ticket_is_never_merged_into_itself(ticket, agent):
    with pytest.raises(ValidationError) as caught:
        services.ticket_merge(source=ticket, target=ticket, actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_MERGE_SAME_TICKET}
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_an_agent_cannot_merge_into_a_ticket_they_cannot_see(customer, ticket, other_team, agent):
    hidden = factories.ticket(customer=customer, team=other_team)

    with pytest.raises(PermissionDenied):
        services.ticket_merge(source=ticket, target=hidden, actor=agent)

    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
