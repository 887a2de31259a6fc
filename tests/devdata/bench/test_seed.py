"""The ticket core `make bench` seeds at tiny scale: volumes, distributions, ids in creation order.

No timing assertions: only the seeded data.
"""

from django.db.models import Count

from devdata.bench.plan import (
    HEAVY_CUSTOMER_EMAIL,
    HUNDRED_TICKET_MESSAGES,
    LONG_TICKET_MESSAGES,
    ORDINARY_TICKET_MESSAGES,
)
from devdata.bench.staff import AGENT_COUNT
from tests.devdata.conftest import TINY
from tickets.models import AgentProfile, Customer, EventKind, Status, Ticket, TicketEvent, TicketMessage


def test_seed_loads_the_planned_volumes_and_distributions(seeded):
    plan = seeded
    assert Ticket.objects.count() == TINY
    assert Customer.objects.count() == plan.customers
    assert AgentProfile.objects.filter(user__groups__name="Agent").count() == AGENT_COUNT
    long_ticket = Ticket.objects.get(pk=plan.long_ticket_id)
    assert long_ticket.messages.count() == LONG_TICKET_MESSAGES
    # a real conversation, not 500 messages squeezed into the same second
    assert long_ticket.messages.values("created_at").distinct().count() > LONG_TICKET_MESSAGES * 0.9
    assert Ticket.objects.filter(customer__email=HEAVY_CUSTOMER_EMAIL).count() == plan.heavy_customer_tickets

    # like-for-like with the peer bench: one ticket with exactly 3 messages, one with exactly 100
    assert Ticket.objects.get(pk=plan.ordinary_ticket_id).messages.count() == ORDINARY_TICKET_MESSAGES
    assert Ticket.objects.get(pk=plan.hundred_ticket_id).messages.count() == HUNDRED_TICKET_MESSAGES

    fixed = (plan.long_ticket_id, plan.hundred_ticket_id)
    ordinary = TicketMessage.objects.exclude(ticket_id__in=fixed).count() / (TINY - len(fixed))
    assert 3 <= ordinary <= 5
    by_status = dict(Ticket.objects.values_list("status").annotate(n=Count("id")))
    assert by_status[Status.CLOSED] > TINY / 2  # most history is closed
    assert TicketEvent.objects.filter(kind=EventKind.CREATED).count() == TINY
    # ids follow creation time, like a real auto-increment key
    created = list(Ticket.objects.order_by("pk").values_list("created_at", flat=True))
    assert created == sorted(created)
    # new tickets go through the normal sequence after explicit-id inserts
    assert Ticket.objects.create(subject="after seeding", customer_id=2).pk == TINY + 1
