"""Reads of the on-chain lookup that need more than a QuerySet method."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from tickets.onchain.models import ChainLookup


def lookups_to_recheck(*, now: datetime) -> list[tuple[int, str]]:
    """(ticket id, chain) of the unsettled lookups due again: on a configured chain, last checked longer ago than
    the pending cache lives, first checked within ONCHAIN_RECHECK_HOURS; at most ONCHAIN_RECHECK_BATCH of them."""
    return list(
        ChainLookup.objects.filter(
            is_final=False,
            chain__in=list(settings.ONCHAIN_PROVIDERS),
            checked_at__lte=now - timedelta(seconds=settings.ONCHAIN_PENDING_CACHE_SECONDS),
            first_checked_at__gte=now - timedelta(hours=settings.ONCHAIN_RECHECK_HOURS),
        )
        .order_by("checked_at")
        .values_list("ticket_id", "chain")[: settings.ONCHAIN_RECHECK_BATCH]
    )
