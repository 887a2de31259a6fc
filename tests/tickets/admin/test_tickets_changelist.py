"""The agents' queue (the ticket changelist): who sees which tickets, search, paging at scale, query counts."""

import pytest
from django.urls import reverse

from supportdesk.kit.paginator import EstimatedCountPaginator
from tests import factories
from tests.admin_queries import SIZES, make_queue, measured_get
from tickets import services

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_ticket_changelist")


# Who sees what ---------------------------------------------------------------


def test_an_agent_sees_only_their_teams_and_assigned_tickets_in_the_changelist(
    agent_client, agent, supervisor, ticket, other_ticket, customer
):
    assigned_elsewhere = factories.ticket(customer=customer)
    services.ticket_assign(ticket=assigned_elsewhere, assignee=agent, actor=supervisor)

    response = agent_client.get(CHANGELIST)

    assert response.status_code == 200
    assert {t.pk for t in response.context["cl"].result_list} == {ticket.pk, assigned_elsewhere.pk}
    assert other_ticket.reference not in response.content.decode()


def test_an_agent_searching_for_another_teams_reference_finds_nothing(agent_client, other_ticket, ticket):
    response = agent_client.get(CHANGELIST, {"q": other_ticket.reference})

    assert list(response.context["cl"].result_list) == []


def test_searching_by_reference_finds_the_ticket(agent_client, ticket, customer, team):
    factories.ticket(customer=customer, team=team)

    response = agent_client.get(CHANGELIST, {"q": ticket.reference.lower()})

    assert [t.pk for t in response.context["cl"].result_list] == [ticket.pk]


# At scale --------------------------------------------------------------------


def _changelist_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(100) as captured:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_changelist_query_count_does_not_grow_with_rows(supervisor_client, team, django_assert_max_num_queries):
    factories.TicketFactory(team=team)
    one = _changelist_queries(supervisor_client, django_assert_max_num_queries)
    factories.TicketFactory.create_batch(19, team=team)
    assert _changelist_queries(supervisor_client, django_assert_max_num_queries) == one


def test_changelist_shows_a_bounded_count_and_pages_past_it(supervisor_client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "count_cap", 3)
    tickets = factories.TicketFactory.create_batch(5, subject="Card payment failed")

    first = supervisor_client.get(CHANGELIST, {"q": "card payment"})
    assert "more than 3 tickets" in first.text

    # admin list_per_page is 50: ask for a page size the cap matters for
    monkeypatch.setattr("tickets.admin.tickets.TicketAdmin.list_per_page", 2)
    third = supervisor_client.get(CHANGELIST, {"q": "card payment", "p": 3})
    assert third.status_code == 200
    assert tickets[0].reference in third.text
    assert tickets[4].reference not in third.text
    past_the_end = supervisor_client.get(CHANGELIST, {"q": "card payment", "p": 4})
    assert past_the_end.status_code == 302  # the admin's "invalid page" redirect (?e=1)


def test_search_by_email_finds_the_customers_tickets(supervisor_client, customer, other_customer):
    mine = factories.TicketFactory(customer=customer, subject="Mine")
    theirs = factories.TicketFactory(customer=other_customer, subject="Theirs")

    response = supervisor_client.get(CHANGELIST, {"q": "ALICE@example.com"})

    assert mine.reference in response.text
    assert theirs.reference not in response.text


def test_search_by_transaction_hash_matches_it_exactly(supervisor_client):
    tx_hash = "7c2d8f0e9b1a4c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"
    hit = factories.TicketFactory(tx_hash=tx_hash)
    miss = factories.TicketFactory(tx_hash=tx_hash[:-1] + "6")

    response = supervisor_client.get(CHANGELIST, {"q": f" {tx_hash} "})

    assert hit.reference in response.text
    assert miss.reference not in response.text


def test_free_text_search_still_covers_subject_and_customer_name(supervisor_client, customer):
    by_subject = factories.TicketFactory(subject="Phishing site")
    by_name = factories.TicketFactory(customer=customer, subject="Something")
    neither = factories.TicketFactory(subject="Other")

    assert by_subject.reference in supervisor_client.get(CHANGELIST, {"q": "phishing"}).text
    text = supervisor_client.get(CHANGELIST, {"q": "alice"}).text
    assert by_name.reference in text
    assert neither.reference not in text


def test_a_word_shared_by_many_customers_is_searched_through_a_subquery(supervisor_client, monkeypatch):
    monkeypatch.setattr("tickets.selectors._INLINE_CUSTOMER_IDS", 1)
    chens = [factories.TicketFactory(customer=factories.CustomerFactory(name=f"Chen {n}")) for n in range(3)]
    other = factories.TicketFactory(subject="Unrelated")

    text = supervisor_client.get(CHANGELIST, {"q": "chen"}).text

    assert all(ticket.reference in text for ticket in chens)
    assert other.reference not in text


def test_deep_pages_load_the_same_rows_through_their_keys(supervisor_client, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "deferred_join_offset", 0)
    monkeypatch.setattr("tickets.admin.tickets.TicketAdmin.list_per_page", 2)
    tickets = factories.TicketFactory.create_batch(5)

    text = supervisor_client.get(CHANGELIST, {"p": 2}).text

    # newest first: page 2 holds the 3rd and 4th newest
    assert [ticket.reference in text for ticket in reversed(tickets)] == [False, False, True, True, False]


# Queries ---------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_the_ticket_changelist_runs_7_queries_for_a_superuser_whatever_the_size(
    client, administrator, django_assert_num_queries, size
):
    make_queue(size, actor=administrator)
    client.force_login(administrator)

    response = measured_get(
        client,
        django_assert_num_queries,
        reverse("admin:tickets_ticket_changelist"),
        7 + factories.TABLE_ESTIMATE_QUERIES,
    )

    assert len(response.context["cl"].result_list) == size


@pytest.mark.parametrize("size", SIZES)
# 8: the agent's permissions are one query (supportdesk.kit.auth_backends), not two.
def test_the_ticket_changelist_runs_8_queries_for_an_agent_whatever_the_size(
    client, agent, administrator, django_assert_num_queries, size
):
    make_queue(size, actor=administrator, member=agent)
    client.force_login(agent)

    response = measured_get(client, django_assert_num_queries, reverse("admin:tickets_ticket_changelist"), 8)

    assert len(response.context["cl"].result_list) == size
