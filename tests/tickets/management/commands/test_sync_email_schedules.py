"""manage.py sync_email_schedules: the retry sweep always, IMAP polling only while IMAP_HOST is set."""

from django.core.management import call_command
from django_q.models import Schedule


def test_schedules_are_created_idempotently_and_polling_only_with_an_imap_host(db, settings):
    settings.IMAP_HOST = ""
    call_command("sync_email_schedules", stdout=None)
    email_schedules = Schedule.objects.filter(func__startswith="tickets.tasks.")
    assert list(email_schedules.values_list("func", flat=True)) == ["tickets.tasks.send_due_outbound_emails"]

    settings.IMAP_HOST = "imap.example.com"
    call_command("sync_email_schedules")
    call_command("sync_email_schedules")
    assert sorted(email_schedules.values_list("func", flat=True)) == [
        "tickets.tasks.poll_imap_mailbox",
        "tickets.tasks.send_due_outbound_emails",
    ]

    settings.IMAP_HOST = ""
    call_command("sync_email_schedules")
    assert email_schedules.count() == 1
