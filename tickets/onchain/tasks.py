"""django-q2 tasks of the on-chain lookup: thin wrappers around tickets.onchain.services."""

from __future__ import annotations

from tickets.onchain import services


def lookup_transaction(ticket_id: int) -> str:
    row = services.chain_lookup_run(ticket_id=ticket_id)
    return "" if row is None else (row.error or row.status)


def recheck_transactions() -> dict[str, int]:
    return services.chain_lookups_recheck()
