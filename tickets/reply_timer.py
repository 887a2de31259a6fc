"""Handle time of agent replies, measured from when the reply box was opened.

The ticket page renders a signed token holding the moment it was opened, bound to the ticket
and the agent; the reply posted back with it is timed from that moment. The token is only ever
used for the handle-time statistic (staffing's average handle time): a missing, forged, foreign
or future token just leaves the reply unmeasured, and a page left open too long counts as
STAFFING_MAX_HANDLE_SECONDS.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "tickets.reply-opened-at"


def opened_at_token(*, ticket_id: int, user_id: int, at: datetime | None = None) -> str:
    """The token rendered with the reply box: "this agent opened this ticket's reply box at `at`"."""
    moment = at or timezone.now()
    return signing.dumps([ticket_id, user_id, moment.timestamp()], salt=SALT)


def opened_at_from_token(token: str, *, ticket_id: int, user_id: int) -> datetime | None:
    """When the reply box was opened, or None when the token is missing, tampered with or not for this pair."""
    if not token:
        return None
    try:
        token_ticket, token_user, stamp = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (token_ticket, token_user) != (ticket_id, user_id) or not isinstance(stamp, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def handle_seconds(*, opened_at: datetime | None, sent_at: datetime) -> int | None:
    """Seconds from opening to sending, at most STAFFING_MAX_HANDLE_SECONDS; None when unknown or in the future."""
    if opened_at is None or opened_at > sent_at:
        return None
    return min(int((sent_at - opened_at).total_seconds()), settings.STAFFING_MAX_HANDLE_SECONDS)
