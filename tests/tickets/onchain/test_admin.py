"""The ticket page's on-chain panel: shows the stored lookup without a query or a network call of its own,
"check now" runs through the job, and only for those who can see the ticket."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.admin_queries import measured_get
from tests.tickets.onchain.conftest import ETH_TX
from tickets.models import ChainLookup, Ticket
from tickets.onchain import services


def page(ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def check_url(ticket) -> str:
    return reverse("admin:tickets_ticket_onchain_check", args=[ticket.pk])


def test_the_panel_shows_the_stored_result_and_the_page_calls_no_provider(client, agent, chains, eth_ticket):
    chains.evm()
    services.chain_lookup_run(ticket_id=eth_ticket.pk)
    chains.requests.clear()
    client.force_login(agent)

    html = client.get(page(eth_ticket)).content.decode()

    assert 'data-onchain-status="confirmed"' in html
    assert "1.2345 ETH" in html and "0.00042 ETH" in html
    assert "0x8f9a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a" in html
    assert "data-onchain-check" in html
    assert chains.requests == []


# Stored result or none: the panel's data comes with the ticket's one query. The record's explorer link next to
# the hash is the one query a transaction case adds to the 10 of the ticket page (issue 28's budget).
@pytest.mark.parametrize("stored", [False, True])
def test_the_panel_adds_no_query(client, agent, chains, eth_ticket, django_assert_num_queries, stored):
    if stored:
        chains.evm()
        services.chain_lookup_run(ticket_id=eth_ticket.pk)
    client.force_login(agent)

    response = measured_get(client, django_assert_num_queries, page(eth_ticket), 11)

    assert ("data-onchain-status" in response.content.decode()) is stored


def test_a_chain_without_a_provider_says_lookup_not_configured(client, agent, settings, eth_ticket):
    settings.ONCHAIN_PROVIDERS = {}
    client.force_login(agent)

    html = client.get(page(eth_ticket)).content.decode()

    assert "Lookup not configured for Ethereum." in html
    assert "data-onchain-check" not in html


def test_a_failed_lookup_is_shown_as_its_reason(client, agent, chains, eth_ticket):
    Ticket.objects.filter(pk=eth_ticket.pk).update(tx_hash=ETH_TX[2:])
    services.chain_lookup_run(ticket_id=eth_ticket.pk)
    client.force_login(agent)

    html = client.get(page(eth_ticket)).content.decode()

    assert "Lookup failed: not a valid Ethereum transaction hash" in html


def test_a_lookup_of_another_hash_is_not_shown_for_the_new_one(client, agent, chains, eth_ticket):
    ChainLookup.objects.create(ticket=eth_ticket, chain="ethereum", tx_hash="0x" + "1" * 64, status="failed")
    client.force_login(agent)

    html = client.get(page(eth_ticket)).content.decode()

    assert "Not checked yet." in html and "data-onchain-status" not in html


def test_check_now_runs_the_lookup_job_and_returns_to_the_ticket(
    client, agent, chains, eth_ticket, django_capture_on_commit_callbacks
):
    chains.evm()
    client.force_login(agent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_url(eth_ticket))

    assert response.status_code == 302 and response["Location"] == page(eth_ticket)
    assert ChainLookup.objects.get(pk=eth_ticket.pk).status == "confirmed"
    assert "On-chain check queued" in client.get(page(eth_ticket)).content.decode()


def test_an_agent_who_cannot_see_the_ticket_cannot_trigger_a_lookup(client, other_agent, chains, eth_ticket):
    chains.evm()
    client.force_login(other_agent)

    response = client.post(check_url(eth_ticket))

    assert response.status_code == 404
    assert not ChainLookup.objects.filter(pk=eth_ticket.pk).exists()
    assert chains.requests == []


def test_check_now_takes_only_posts(client, agent, eth_ticket):
    client.force_login(agent)

    assert client.get(check_url(eth_ticket)).status_code == 405


def test_a_ticket_without_a_transaction_has_no_panel(client, agent, ticket):
    client.force_login(agent)

    assert "data-onchain-panel" not in client.get(page(ticket)).content.decode()


def test_the_status_change_reads_as_words_on_the_timeline(client, agent, chains, eth_ticket):
    chains.evm(tx="eth_tx_pending.json")
    services.chain_lookup_run(ticket_id=eth_ticket.pk)
    client.force_login(agent)

    html = client.get(page(eth_ticket) + "?timeline=all").content.decode()

    assert "On-chain status" in html and "Pending" in html
