"""Every write of the on-chain lookup: asking for a check, running one, re-checking unsettled transactions.

`chain_lookup_request` is the ticket page's "check now": it never calls the network in the request; it
records the request and enqueues `chain_lookup_run` as a django-q2 job (after commit), once per pending
window however often the button is pressed. `chain_lookup_run` validates the chain and hash, answers
from the cache when it can, otherwise asks the chain's provider, and stores the result on the ticket's
ChainLookup row. A failure is stored as the reason ("timeout", "rate limited, retry after 30 s"),
keeping the last good answer. A changed status leaves a timeline event, and a transaction that
settles (confirmed or failed) after a pending answer notifies the assignee.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from tickets import events
from tickets.chains import CHAIN_LABELS, is_valid_tx_hash
from tickets.models import ExplorerLink, Ticket
from tickets.notifications import services as notifications
from tickets.notifications.models import NotificationKind
from tickets.onchain import selectors
from tickets.onchain.models import ChainLookup
from tickets.onchain.providers import LookupFailed, TxResult, TxStatus, provider_for
from tickets.onchain.providers.http import backoff_remaining

# The largest amount a DecimalField(38, 18) holds; a bigger token amount is kept in the note instead.
AMOUNT_LIMIT = Decimal(10) ** 20
SETTLED = (TxStatus.CONFIRMED, TxStatus.FAILED)


def result_cache_key(chain: str, tx_hash: str) -> str:
    return f"onchain:tx:{chain}:{tx_hash.lower()}"


def lookup_problem(ticket: Ticket) -> str:
    """Why this ticket's transaction cannot be looked up ("" when it can): checked before any request."""
    chain, tx_hash = ticket.chain.strip().lower(), ticket.tx_hash.strip()
    if not chain or not tx_hash:
        return "the ticket has no chain and transaction hash"
    if provider_for(chain) is None:
        return "lookup not configured for this chain"
    if not is_valid_tx_hash(chain, tx_hash):
        return f"not a valid {CHAIN_LABELS.get(chain, chain)} transaction hash"
    return ""


def chain_lookup_request(*, ticket: Ticket, actor, now: datetime | None = None) -> bool:
    """Ask for a lookup of the ticket's transaction; False when one is already on its way (nothing enqueued)."""
    if not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied("You cannot see this ticket.")
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked_row(ticket)
        if problem := lookup_problem(ticket):
            _record_failure(row, ticket, problem, now)
            return False
        window = timedelta(seconds=settings.ONCHAIN_PENDING_CACHE_SECONDS)
        answered_since = (
            row.checked_at is not None and row.requested_at is not None and (row.checked_at >= row.requested_at)
        )
        if row.requested_at is not None and not answered_since and now - row.requested_at < window:
            return False
        row.requested_at = now
        row.save(update_fields=["requested_at"])
        transaction.on_commit(lambda: async_task("tickets.onchain.tasks.lookup_transaction", ticket.pk))
    return True


def chain_lookup_run(*, ticket_id: int, now: datetime | None = None) -> ChainLookup | None:
    """Look the ticket's transaction up now (cache first); the stored row, or None for a ticket without one."""
    ticket = Ticket.objects.filter(pk=ticket_id).only("pk", "subject", "chain", "tx_hash", "to_address",
                                                      "assignee_id").first()  # fmt: skip
    if ticket is None or not ticket.chain.strip() or not ticket.tx_hash.strip():
        return None
    now = now or timezone.now()
    if problem := lookup_problem(ticket):
        with transaction.atomic():
            return _record_failure(_locked_row(ticket), ticket, problem, now)
    chain, tx_hash = ticket.chain.strip().lower(), ticket.tx_hash.strip()
    key = result_cache_key(chain, tx_hash)
    cached = cache.get(key)
    try:
        result = (
            TxResult.from_cache(cached) if cached else provider_for(chain).lookup(tx_hash, to_hint=ticket.to_address)
        )
    except LookupFailed as failure:
        with transaction.atomic():
            return _record_failure(_locked_row(ticket), ticket, failure.reason, now)
    final = _is_final(chain, result)
    if not cached:
        ttl = settings.ONCHAIN_FINAL_CACHE_SECONDS if final else settings.ONCHAIN_PENDING_CACHE_SECONDS
        cache.set(key, result.to_cache(), timeout=ttl)
    with transaction.atomic():
        row = _locked_row(ticket)
        before = row.status if row.tx_hash == tx_hash and row.chain == chain else ""
        _apply(row, result, chain=chain, tx_hash=tx_hash, final=final, now=now)
        if result.status != before:
            events.chain_status_changed(
                ticket=ticket, before=before, after=result.status, note=_summary(result), at=now
            )
            if before in (TxStatus.PENDING, TxStatus.NOT_FOUND) and result.status in SETTLED:
                notifications.on_commit(
                    notifications.notify,
                    recipient_ids=[ticket.assignee_id],
                    kind=NotificationKind.CHAIN_STATUS,
                    text=notifications.ticket_text(
                        ticket.reference, f"{TxStatus(result.status).label}: {ticket.subject}"
                    ),
                    url=notifications.ticket_url(ticket.pk),
                    ticket_id=ticket.pk,
                )
    return row


def chain_lookups_recheck(*, now: datetime | None = None) -> dict[str, int]:
    """The re-check job: unsettled lookups (pending, not found yet, failed attempts), a bounded batch, oldest
    check first, never against an endpoint in a rate-limit backoff."""
    now = now or timezone.now()
    summary = {"checked": 0, "skipped": 0}
    for ticket_id, chain in selectors.lookups_to_recheck(now=now):
        provider = provider_for(chain)
        if provider is None or backoff_remaining(provider.cache_key):
            summary["skipped"] += 1
            continue
        chain_lookup_run(ticket_id=ticket_id, now=now)
        summary["checked"] += 1
    return summary


def _locked_row(ticket: Ticket) -> ChainLookup:
    row, _created = ChainLookup.objects.select_for_update().get_or_create(
        ticket_id=ticket.pk, defaults={"chain": ticket.chain.strip().lower(), "tx_hash": ticket.tx_hash.strip()}
    )
    return row


def _record_failure(row: ChainLookup, ticket: Ticket, reason: str, now: datetime) -> ChainLookup:
    chain, tx_hash = ticket.chain.strip().lower(), ticket.tx_hash.strip()
    if (row.chain, row.tx_hash) != (chain, tx_hash):
        # Another transaction than the one answered before: its old answer says nothing about this one.
        _clear(row)
        row.chain, row.tx_hash = chain, tx_hash
    row.error = reason[:255]
    row.checked_at = now
    row.first_checked_at = row.first_checked_at or now
    row.save()
    return row


def _clear(row: ChainLookup) -> None:
    row.status, row.confirmations, row.block_number, row.block_time = "", 0, None, None
    row.from_address = row.to_address = row.unit = row.fee_unit = row.note = row.explorer_url = ""
    row.amount = row.fee = row.answered_at = row.first_checked_at = None
    row.is_final = False


def _apply(row: ChainLookup, result: TxResult, *, chain: str, tx_hash: str, final: bool, now: datetime) -> None:
    if (row.chain, row.tx_hash) != (chain, tx_hash):
        _clear(row)
    amount, note = result.amount, result.note
    if amount is not None and abs(amount) >= AMOUNT_LIMIT:
        amount, note = None, f"{note} amount {result.amount} {result.unit}".strip()
    explorer = ExplorerLink.objects.filter(chain=chain, is_active=True).first()
    row.chain, row.tx_hash, row.status = chain, tx_hash, result.status
    row.confirmations = result.confirmations
    row.block_number, row.block_time = result.block_number, result.block_time
    row.from_address, row.to_address = result.from_address[:128], result.to_address[:128]
    row.amount, row.unit = amount, result.unit[:16]
    row.fee, row.fee_unit = result.fee, str(result.extra.get("fee_unit", result.unit))[:16]
    row.note = note[:255]
    row.explorer_url = explorer.link_for_tx(tx_hash)[:500] if explorer is not None else ""
    row.is_final, row.error = final, ""
    row.checked_at = row.answered_at = now
    row.first_checked_at = row.first_checked_at or now
    row.save()


def _is_final(chain: str, result: TxResult) -> bool:
    if result.status == TxStatus.FAILED:
        return True
    needed = settings.ONCHAIN_FINAL_CONFIRMATIONS.get(chain, 1)
    return result.status == TxStatus.CONFIRMED and result.confirmations >= needed


def _summary(result: TxResult) -> str:
    if result.status in SETTLED:
        return f"{result.confirmations} confirmations"
    return ""
