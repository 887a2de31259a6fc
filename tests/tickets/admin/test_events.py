"""The audit log of ticket events."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_agent_cannot_see_another_teams_events_in_the_audit_log(agent_client, ticket, other_ticket):
    response = agent_client.get(reverse("admin:tickets_ticketevent_changelist"))

    assert {e.ticket_id for e in response.context["cl"].result_list} == {ticket.pk}
