"""Query budgets of the portal pages: the count does not grow with the number of rows."""

import pytest
from django.urls import reverse

from tests import factories
from tickets import services
from tickets.models import Channel

pytestmark = pytest.mark.django_db

# session, user, customer, count, page of tickets (with category)
LIST_QUERIES = 5
# session, user, customer, ticket, messages, attachments, the read audit's INSERT
DETAIL_QUERIES = 7


def _tickets(customer, count):
    return [
        services.ticket_create(customer=customer, subject=f"Case {n}", body="x", channel=Channel.PORTAL,
                               category=factories.CategoryFactory())
        for n in range(count)
    ]  # fmt: skip


@pytest.mark.parametrize("rows", [1, 20])
def test_the_request_list_runs_a_fixed_number_of_queries(client, customer, django_assert_num_queries, rows):
    _tickets(customer, rows)
    client.force_login(customer.user)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("portal:request_list"))

    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_the_request_detail_runs_a_fixed_number_of_queries(
    client, customer, agent, team, django_assert_num_queries, rows
):
    ticket = services.ticket_create(customer=customer, subject="Long", body="first", channel=Channel.PORTAL, team=team)
    for n in range(rows):
        services.ticket_reply(ticket=ticket, body=f"reply {n}", actor=agent, attachments=[factories.png_upload()])
    client.force_login(customer.user)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("portal:request_detail", args=[ticket.pk]))

    assert len(response.context["timeline"]) == rows + 1


def test_the_request_detail_loads_only_what_the_page_shows(client, customer, agent, team, django_assert_num_queries):
    ticket = services.ticket_create(customer=customer, subject="Lean", body="first", channel=Channel.PORTAL, team=team)
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    client.force_login(customer.user)

    with django_assert_num_queries(DETAIL_QUERIES) as captured:
        response = client.get(reverse("portal:request_detail", args=[ticket.pk]))

    ticket_query = next(q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "tickets_ticket"'))
    # The signed-in customer and their user are the request's; team and assignee are not on the page.
    assert '"tickets_team"' not in ticket_query
    assert '"supportdesk_user"' not in ticket_query
    assert response.context["ticket"].customer is response.wsgi_request.customer
