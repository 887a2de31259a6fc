"""`manage.py sync_email_schedules`: create or update the email channel's django-q2 schedules (idempotent).

The outbound retry sweep always runs; IMAP polling exists only while IMAP_HOST
is set (and is removed when it is unset).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from tickets.email.services import email_schedules_sync


class Command(BaseCommand):
    help = "Create/update the django-q2 schedules for sending retries and IMAP polling."

    def handle(self, *args, **options):
        if email_schedules_sync():
            self.stdout.write(f"IMAP polling of {settings.IMAP_HOST} every {settings.IMAP_POLL_MINUTES} min.")
        else:
            self.stdout.write("IMAP_HOST is not set: no IMAP polling.")
        self.stdout.write(self.style.SUCCESS("Email schedules are up to date."))
