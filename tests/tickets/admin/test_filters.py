"""Filters of the ticket changelist."""

import pytest
from django.urls import reverse

from tests import factories
from tickets import services

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_ticket_changelist")


def test_the_assignee_filter_shows_my_tickets_and_unassigned_ones(agent_client, agent, ticket, customer, team):
    other = factories.ticket(customer=customer, team=team)
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    mine = agent_client.get(CHANGELIST, {"assignee": "me"})
    unassigned = agent_client.get(CHANGELIST, {"assignee": "none"})

    assert [t.pk for t in mine.context["cl"].result_list] == [ticket.pk]
    assert [t.pk for t in unassigned.context["cl"].result_list] == [other.pk]
