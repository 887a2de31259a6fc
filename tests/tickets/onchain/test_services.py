"""The lookup services: stored results, cache, events and notifications on a change, recorded failures, the
"check now" request, and the bounded re-check job."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from privacy.services.erasure import anonymise_tickets
from tests import factories
from tests.tickets.onchain.conftest import ETH_TX, Answer
from tickets.models import ChainLookup, EventKind, ExplorerLink, Notification, Ticket
from tickets.onchain import services
from tickets.onchain.providers import TxStatus


def chain_events(ticket):
    return list(ticket.events.filter(kind=EventKind.CHAIN_STATUS).values_list("before", "after"))


def test_a_lookup_stores_the_result_posts_an_event_and_is_cached(chains, eth_ticket):
    chains.evm()

    row = services.chain_lookup_run(ticket_id=eth_ticket.pk)
    again = services.chain_lookup_run(ticket_id=eth_ticket.pk)

    row.refresh_from_db()
    assert (row.status, row.confirmations, row.amount, row.unit) == ("confirmed", 12, Decimal("1.2345"), "ETH")
    assert (row.fee, row.fee_unit, row.is_final, row.error) == (Decimal("0.00042"), "ETH", True, "")
    assert again.status == "confirmed"
    assert chains.requests.count("eth_getTransactionByHash") == 1  # the second answer came from the cache
    assert chain_events(eth_ticket) == [("", "confirmed")]  # no second event: nothing changed


def test_the_transaction_addresses_are_encrypted_at_rest(chains, eth_ticket):
    chains.evm()
    row = services.chain_lookup_run(ticket_id=eth_ticket.pk)
    row.refresh_from_db()

    stored = ChainLookup.objects.filter(pk=row.pk).values_list("from_address", "to_address").get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT from_address, to_address FROM tickets_chainlookup WHERE ticket_id = %s", [row.pk])
        raw = cursor.fetchone()

    assert row.from_address and row.to_address
    assert stored == (row.from_address, row.to_address)
    assert all(value.startswith("enc1:") for value in raw)
    assert row.from_address not in "".join(raw) and row.to_address not in "".join(raw)


def test_the_explorer_link_comes_from_the_configured_explorer(chains, eth_ticket):
    ExplorerLink.objects.update_or_create(
        chain="ethereum", defaults={"name": "Scan", "address_url": "https://scan.example/a/{address}",
                                    "tx_url": "https://scan.example/tx/{tx}", "is_active": True},
    )  # fmt: skip
    chains.evm()

    row = services.chain_lookup_run(ticket_id=eth_ticket.pk)

    assert row.explorer_url == f"https://scan.example/tx/{ETH_TX}"


def test_pending_then_confirmed_by_the_recheck_job_posts_an_event_and_notifies_the_assignee(
    chains, eth_ticket, agent, settings, django_capture_on_commit_callbacks
):
    settings.ONCHAIN_PENDING_CACHE_SECONDS = 0  # nothing cached between the two looks
    chains.evm(tx="eth_tx_pending.json")
    start = timezone.now()
    services.chain_lookup_run(ticket_id=eth_ticket.pk, now=start)
    chains.evm(receipt="eth_receipt_failed.json")

    with django_capture_on_commit_callbacks(execute=True):
        summary = services.chain_lookups_recheck(now=start + timedelta(minutes=5))

    assert summary == {"checked": 1, "skipped": 0}
    assert chain_events(eth_ticket) == [("", "pending"), ("pending", "failed")]
    notification = Notification.objects.get(recipient=agent)
    assert notification.kind == "chain_status" and "Failed" in notification.text
    assert ChainLookup.objects.get(pk=eth_ticket.pk).is_final


def test_a_failed_attempt_is_recorded_and_keeps_the_last_answer(chains, eth_ticket, settings):
    settings.ONCHAIN_PENDING_CACHE_SECONDS = 0
    chains.evm(tx="eth_tx_pending.json")
    services.chain_lookup_run(ticket_id=eth_ticket.pk)
    chains.on("eth_getTransactionByHash", Answer(429, b"slow down", {"Retry-After": "120"}))

    row = services.chain_lookup_run(ticket_id=eth_ticket.pk)

    row.refresh_from_db()
    assert row.error == "rate limited by the provider, retry after 120 s"
    assert row.status == TxStatus.PENDING  # the last good answer is still shown
    assert chain_events(eth_ticket) == [("", "pending")]


def test_a_hash_of_the_wrong_format_fails_before_any_request(chains, eth_ticket):
    # Older data (or a chain changed afterwards): a Bitcoin-style hash on an Ethereum ticket.
    Ticket.objects.filter(pk=eth_ticket.pk).update(tx_hash=ETH_TX[2:])

    row = services.chain_lookup_run(ticket_id=eth_ticket.pk)

    assert row.error == "not a valid Ethereum transaction hash"
    assert chains.requests == []


def test_an_unconfigured_chain_is_recorded_as_not_configured_without_a_request(chains, customer, team):
    ticket = factories.ticket(customer=customer, team=team, chain="bsc", tx_hash=ETH_TX)

    row = services.chain_lookup_run(ticket_id=ticket.pk)

    assert row.error == "lookup not configured for this chain"
    assert chains.requests == []


def test_check_now_enqueues_one_job_per_window(chains, eth_ticket, agent, django_capture_on_commit_callbacks):
    chains.evm()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.chain_lookup_request(ticket=eth_ticket, actor=agent) is True
    assert len(callbacks) == 1
    assert ChainLookup.objects.get(pk=eth_ticket.pk).status == "confirmed"  # the job ran (sync queue in tests)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.chain_lookup_request(ticket=eth_ticket, actor=agent) is True  # answered since: may ask again
    assert chains.requests.count("eth_getTransactionByHash") == 1  # …and the cache answered


def test_check_now_pressed_twice_before_the_job_ran_enqueues_once(eth_ticket, agent, chains):
    # Without running the on-commit callbacks the first job has not answered yet.
    assert services.chain_lookup_request(ticket=eth_ticket, actor=agent) is True
    assert services.chain_lookup_request(ticket=eth_ticket, actor=agent) is False


def test_an_agent_who_cannot_see_the_ticket_cannot_ask_for_a_lookup(chains, eth_ticket, other_agent):
    with pytest.raises(PermissionDenied):
        services.chain_lookup_request(ticket=eth_ticket, actor=other_agent)

    assert not ChainLookup.objects.filter(pk=eth_ticket.pk).exists()
    assert chains.requests == []


def test_the_recheck_job_is_bounded_skips_settled_old_and_backed_off_lookups(
    chains, customer, team, settings, stub_chains
):
    settings.ONCHAIN_RECHECK_BATCH = 2
    settings.ONCHAIN_PENDING_CACHE_SECONDS = 0
    now = timezone.now()
    tickets = [
        factories.ticket(customer=customer, team=team, chain="ethereum", tx_hash=f"0x{n:064x}") for n in range(5)
    ]
    for n, ticket in enumerate(tickets):
        ChainLookup.objects.create(
            ticket=ticket, chain="ethereum", tx_hash=ticket.tx_hash, status="pending", is_final=n == 3,
            first_checked_at=now - timedelta(hours=100 if n == 4 else 1), checked_at=now - timedelta(minutes=10 - n),
        )  # fmt: skip
    chains.evm(tx="eth_tx_pending.json")

    assert services.chain_lookups_recheck(now=now) == {"checked": 2, "skipped": 0}
    assert chains.requests == ["eth_getTransactionByHash"] * 2

    chains.on("eth_getTransactionByHash", Answer(429, b"", {"Retry-After": "60"}))
    later = now + timedelta(minutes=1)
    assert services.chain_lookups_recheck(now=later) == {"checked": 1, "skipped": 1}
    assert len(chains.requests) == 3  # after the 429 the next lookup was skipped, not sent


def test_anonymising_the_ticket_removes_its_lookup(chains, eth_ticket):
    chains.evm()
    services.chain_lookup_run(ticket_id=eth_ticket.pk)

    anonymise_tickets([eth_ticket.pk])

    assert not ChainLookup.objects.filter(pk=eth_ticket.pk).exists()
