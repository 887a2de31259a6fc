"""The ticket admin at scale: bounded counts, index-friendly search, a collapsed long timeline."""

import pytest
from django.urls import reverse

from supportdesk.kit.paginator import EstimatedCountPaginator
from tests import factories
from tickets.admin.conversation import TIMELINE_RECENT
from tickets.models import AuthorKind

CHANGELIST = reverse("admin:tickets_ticket_changelist")


def _change_url(ticket):
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


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


def _ticket_with_messages(count):
    ticket = factories.TicketFactory()
    for position in range(count):
        factories.TicketMessageFactory(
            ticket=ticket, body=f"message number {position:03d}", author_kind=AuthorKind.CUSTOMER
        )
    return ticket


def test_long_conversation_shows_the_newest_entries_with_a_link_to_all(supervisor_client):
    ticket = _ticket_with_messages(TIMELINE_RECENT + 10)

    response = supervisor_client.get(_change_url(ticket))

    assert response.status_code == 200
    assert "message number 059" in response.text
    assert "message number 010" in response.text
    assert "message number 009" not in response.text
    assert "Show the whole conversation" in response.text
    everything = supervisor_client.get(_change_url(ticket), {"timeline": "all"}).text
    assert "message number 000" in everything
    assert "Show the whole conversation" not in everything


def test_short_conversation_is_shown_whole(supervisor_client):
    ticket = _ticket_with_messages(3)

    text = supervisor_client.get(_change_url(ticket)).text

    assert "message number 000" in text
    assert "Show the whole conversation" not in text


def test_change_page_query_count_does_not_grow_with_messages(supervisor_client, django_assert_max_num_queries):
    counts = []
    for messages in (3, TIMELINE_RECENT * 3):
        ticket = _ticket_with_messages(messages)
        with django_assert_max_num_queries(100) as captured:
            assert supervisor_client.get(_change_url(ticket)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


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
