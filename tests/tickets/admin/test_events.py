"""The audit log of ticket events."""

import pytest
from django.urls import reverse

from tickets import services

pytestmark = pytest.mark.django_db


def test_an_agent_cannot_see_another_teams_events_in_the_audit_log(agent_client, ticket, other_ticket):
    response = agent_client.get(reverse("admin:tickets_ticketevent_changelist"))

    assert {e.ticket_id for e in response.context["cl"].result_list} == {ticket.pk}


def test_the_audit_log_shows_the_newest_events_first(supervisor_client, ticket, agent):
    services.ticket_change_priority(ticket=ticket, priority="high", actor=agent)

    response = supervisor_client.get(reverse("admin:tickets_ticketevent_changelist"))

    shown = [event.pk for event in response.context["cl"].result_list]
    assert len(shown) >= 2
    assert shown == sorted(shown, reverse=True)
