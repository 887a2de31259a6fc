from datetime import timedelta

from django.utils import timezone

from tests import factories
from tickets import selectors
from tickets.models import EventKind, TicketEvent


def _conversation(messages: int, events: int):
    """Messages and events alternating in time, one minute apart."""
    ticket = factories.TicketFactory()
    start = timezone.now() - timedelta(days=1)
    for index in range(max(messages, events)):
        at = start + timedelta(minutes=2 * index)
        if index < messages:
            factories.TicketMessageFactory(ticket=ticket, body=f"m{index}", created_at=at)
        if index < events:
            TicketEvent.objects.create(ticket=ticket, kind=EventKind.NOTE, note=f"e{index}", created_at=at)
    return ticket


def _labels(entries):
    return [entry.message.body if entry.message else entry.event.note for entry in entries]


def test_recent_timeline_is_the_tail_of_the_full_timeline(db):
    ticket = _conversation(messages=8, events=5)

    full = selectors.ticket_timeline(ticket=ticket, include_internal=True)
    recent = selectors.ticket_timeline_recent(ticket=ticket, include_internal=True, limit=6)

    assert _labels(recent.entries) == _labels(full)[-6:]
    assert recent.has_older


def test_recent_timeline_knows_when_nothing_is_hidden(db):
    ticket = _conversation(messages=3, events=3)

    recent = selectors.ticket_timeline_recent(ticket=ticket, include_internal=True, limit=6)

    assert len(recent.entries) == 6
    assert not recent.has_older


def test_recent_public_timeline_leaves_out_events_and_internal_notes(db):
    ticket = _conversation(messages=4, events=4)
    factories.TicketMessageFactory(ticket=ticket, body="secret", is_internal=True)

    recent = selectors.ticket_timeline_recent(ticket=ticket, include_internal=False, limit=3)

    assert _labels(recent.entries) == ["m1", "m2", "m3"]
    assert recent.has_older
