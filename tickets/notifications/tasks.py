"""django-q2 tasks of staff notifications: thin and idempotent."""

from __future__ import annotations

from tickets.notifications import services


def send_notification_digests() -> int:
    """Scheduled every five minutes: mails the digests that are due (each notification once)."""
    return services.notification_digests_send()
