"""The email channel's django-q2 schedules: the outbound retry sweep always runs; IMAP polling
exists only while IMAP_HOST is set (and is removed when it is unset). Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_q.models import Schedule

RETRY_SCHEDULE = "email: retry outbound mail"
POLL_SCHEDULE = "email: poll IMAP mailbox"


@transaction.atomic
def email_schedules_sync() -> bool:
    """Create or update the schedules from the settings; returns whether the mailbox is polled."""
    Schedule.objects.update_or_create(
        name=RETRY_SCHEDULE,
        defaults={
            "func": "tickets.tasks.send_due_outbound_emails",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    if not settings.IMAP_HOST:
        Schedule.objects.filter(name=POLL_SCHEDULE).delete()
        return False
    Schedule.objects.update_or_create(
        name=POLL_SCHEDULE,
        defaults={
            "func": "tickets.tasks.poll_imap_mailbox",
            "schedule_type": Schedule.MINUTES,
            "minutes": settings.IMAP_POLL_MINUTES,
            "repeats": -1,
        },
    )
    return True
