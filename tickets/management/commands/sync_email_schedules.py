"""`manage.py sync_email_schedules`: create or update the email channel's django-q2 schedules (idempotent).

The outbound retry sweep always runs; IMAP polling exists only while IMAP_HOST
is set (and is removed when it is unset).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django_q.models import Schedule

RETRY_SCHEDULE = "email: retry outbound mail"
POLL_SCHEDULE = "email: poll IMAP mailbox"


class Command(BaseCommand):
    help = "Create/update the django-q2 schedules for sending retries and IMAP polling."

    def handle(self, *args, **options):
        Schedule.objects.update_or_create(
            name=RETRY_SCHEDULE,
            defaults={
                "func": "tickets.tasks.send_due_outbound_emails",
                "schedule_type": Schedule.MINUTES,
                "minutes": 1,
                "repeats": -1,
            },
        )
        if settings.IMAP_HOST:
            Schedule.objects.update_or_create(
                name=POLL_SCHEDULE,
                defaults={
                    "func": "tickets.tasks.poll_imap_mailbox",
                    "schedule_type": Schedule.MINUTES,
                    "minutes": settings.IMAP_POLL_MINUTES,
                    "repeats": -1,
                },
            )
            self.stdout.write(f"IMAP polling of {settings.IMAP_HOST} every {settings.IMAP_POLL_MINUTES} min.")
        else:
            Schedule.objects.filter(name=POLL_SCHEDULE).delete()
            self.stdout.write("IMAP_HOST is not set: no IMAP polling.")
        self.stdout.write(self.style.SUCCESS("Email schedules are up to date."))
