"""A ticket's version token: its `updated_at` to the microsecond (tickets.services.versions checks it on save)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def version_token(ticket) -> str:
    return str((ticket.updated_at - EPOCH) // MICROSECOND)


def version_time(token: str) -> datetime | None:
    """The time a token stands for; None for anything that is not a token."""
    try:
        return EPOCH + int(str(token).strip().strip('"')) * MICROSECOND
    except (TypeError, ValueError, OverflowError):
        return None
