"""The dashboard (admin index) runs a fixed number of queries, whatever the size of the queues it shows."""

import pytest
from django.urls import reverse

from tests.admin_queries import SIZES, make_queue, measured_get
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_runs_8_queries_whatever_the_size(client, administrator, django_assert_num_queries, size):
    make_queue(size, actor=administrator)
    client.force_login(administrator)

    # 8 since issue 6: one bounded list more, the SLA alerts.
    response = measured_get(client, django_assert_num_queries, reverse("admin:index"), 8)

    assert len(response.context["newest_tickets"]) == min(size, 10)


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_runs_9_queries_for_an_agent_whatever_the_size(
    client, agent, administrator, django_assert_num_queries, size
):
    tickets = make_queue(size, actor=administrator, member=agent)
    for ticket in tickets:
        services.ticket_assign(ticket=ticket, assignee=agent, actor=administrator)
    client.force_login(agent)

    # 10 since issue 6: one bounded list more, the SLA alerts; 9 since issue 28: permissions in one query.
    response = measured_get(client, django_assert_num_queries, reverse("admin:index"), 9)

    assert len(response.context["my_open_tickets"]) == min(size, 10)
