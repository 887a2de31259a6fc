"""The customer 360 page: what it shows, whom it hides, its query count, and the link from every ticket."""

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_queries import SIZES
from tickets import customer360
from tickets.models import WalletAddress

pytestmark = pytest.mark.django_db


def history(customer, team, size: int) -> None:
    """`size` tickets of the customer, each rated: 2 × size timeline entries."""
    for n in range(size):
        rated = factories.ticket(customer=customer, team=team, subject=f"Request {n}")
        factories.SurveyResponseFactory(invitation__ticket=rated, overall=2, comment=f"slow {n}")


@pytest.mark.parametrize("size", SIZES)
def test_the_page_runs_a_fixed_number_of_queries_whatever_the_history(
    client, supervisor, customer, team, django_assert_num_queries, size
):
    history(customer, team, size)
    WalletAddress.objects.create(customer=customer, chain="tron", address="TXyz", label="main")
    client.force_login(supervisor)
    url = reverse("admin:tickets_customer_360", args=[customer.pk])
    client.get(url)

    with django_assert_num_queries(14):
        response = client.get(url)

    assert response.status_code == 200
    page = response.context["timeline"]
    assert len(page.entries) == min(2 * size, customer360.PAGE_SIZE)
    assert page.has_next is (2 * size > customer360.PAGE_SIZE)
    body = response.content.decode()
    assert "TXyz" in body
    assert f"Request {size - 1}" in body


def test_the_timeline_pages_newest_first_without_losing_entries(client, supervisor, customer, team):
    history(customer, team, 15)
    client.force_login(supervisor)
    url = reverse("admin:tickets_customer_360", args=[customer.pk])

    first = client.get(url).context["timeline"]
    second = client.get(url, {"page": 2}).context["timeline"]

    entries = first.entries + second.entries
    assert len(entries) == 30
    assert not second.has_next
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    assert client.get(url, {"page": "x"}).status_code == 404


def test_an_agent_sees_only_the_tickets_of_their_teams_and_ratings_of_their_own_work(
    client, agent, customer, team, other_team
):
    factories.ticket(customer=customer, team=team, subject="Ours")
    hidden = factories.ticket(customer=customer, team=other_team, subject="Theirs")
    factories.SurveyResponseFactory(invitation__ticket=hidden, comment="hidden rating")
    client.force_login(agent)

    response = client.get(reverse("admin:tickets_customer_360", args=[customer.pk]))

    body = response.content.decode()
    assert "Ours" in body
    assert "Theirs" not in body
    assert "hidden rating" not in body
    assert response.context["overview"].ticket_total == 1


def test_the_ticket_page_links_to_the_customer_360(client, agent, ticket):
    client.force_login(agent)

    response = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))

    link = reverse("admin:tickets_customer_360", args=[ticket.customer_id])
    assert f'href="{link}" data-customer-360' in response.content.decode()


def test_staff_without_the_customer_view_permission_are_refused(client, customer):
    client.force_login(factories.UserFactory(is_staff=True, username="no-role"))

    assert client.get(reverse("admin:tickets_customer_360", args=[customer.pk])).status_code == 403
