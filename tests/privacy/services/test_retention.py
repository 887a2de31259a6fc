from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from feedback.models import SurveyResponse
from knowledge.models import BotConversation
from privacy.models import DataKind, RetentionPolicy, RetentionRun
from privacy.services import retention
from privacy.services.erasure import ERASED
from privacy.services.holds import legal_hold_set
from supportdesk.audit.models import AuditEntry
from tests import factories
from tickets.connectors.models import OutboundChannelMessage, PhoneCall
from tickets.email.models import InboundEmail
from tickets.models import Attachment, Status, Ticket, TicketMessage

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=4 * 365)


def age(person) -> None:
    """Close the person's tickets and date everything they left four years back."""
    ids = [ticket.pk for ticket in person.tickets]
    Ticket.objects.filter(pk__in=ids).update(status=Status.CLOSED, closed_at=LONG_AGO)
    Attachment.objects.filter(message__ticket_id__in=ids).update(created_at=LONG_AGO)
    SurveyResponse.objects.filter(invitation__ticket_id__in=ids).update(submitted_at=LONG_AGO)
    InboundEmail.objects.filter(ticket_id__in=ids).update(received_at=LONG_AGO)
    BotConversation.objects.filter(user=person.customer.user).update(updated_at=LONG_AGO)


def run(*, dry_run: bool, capture) -> RetentionRun:
    with capture(execute=True):
        started = retention.retention_start(dry_run=dry_run)
    return RetentionRun.objects.get(pk=started.pk)


def test_a_dry_run_reports_what_is_due_and_changes_nothing(person, django_capture_on_commit_callbacks):
    age(person)
    report = run(dry_run=True, capture=django_capture_on_commit_callbacks).report

    assert report[DataKind.CLOSED_TICKETS]["due"] == 2
    assert report[DataKind.ATTACHMENTS]["due"] == 1
    assert report[DataKind.SURVEY_COMMENTS]["due"] == 1
    assert report[DataKind.CHAT_TRANSCRIPTS]["due"] == 1
    assert all(kind["done"] == 0 for kind in report.values())
    assert Ticket.objects.filter(subject=ERASED).count() == 0


def test_a_run_anonymises_closed_tickets_in_batches_keeping_counts_and_ratings(
    person, bystander, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_RETENTION_BATCH = 1
    age(person)
    files = [a.file.name for a in Attachment.objects.filter(message__ticket__in=person.tickets)]

    report = run(dry_run=False, capture=django_capture_on_commit_callbacks).report

    assert report[DataKind.CLOSED_TICKETS] == {"due": 2, "done": 2, "keep_days": 3 * 365}
    assert Ticket.objects.filter(customer=person.customer, subject=ERASED).count() == 2
    assert set(TicketMessage.objects.filter(ticket__in=person.tickets).values_list("body", flat=True)) == {ERASED}
    assert files and not any(default_storage.exists(name) for name in files)
    calls = PhoneCall.objects.filter(ticket__in=person.tickets)
    assert calls.exists() and set(calls.values_list("customer_number", flat=True)) == {""}
    assert set(
        OutboundChannelMessage.objects.filter(ticket__in=person.tickets).values_list("recipient", flat=True)
    ) == {ERASED}
    response = SurveyResponse.objects.get(invitation__customer=person.customer)
    assert response.comment == "" and response.overall == 5
    assert not BotConversation.objects.filter(user=person.customer.user).exists()
    assert InboundEmail.objects.get(ticket=person.tickets[0]).raw in (b"", memoryview(b""))
    # Recent data and other customers are untouched.
    assert not Ticket.objects.filter(customer=bystander.customer, subject=ERASED).exists()


def test_nothing_under_a_legal_hold_is_touched(person, administrator, django_capture_on_commit_callbacks):
    age(person)
    legal_hold_set(customer=person.customer, reason="Fraud investigation", actor=administrator)

    report = run(dry_run=False, capture=django_capture_on_commit_callbacks).report

    assert report[DataKind.CLOSED_TICKETS]["due"] == 0
    assert report[DataKind.ATTACHMENTS]["due"] == 0
    assert not Ticket.objects.filter(subject=ERASED).exists()
    assert Attachment.objects.filter(message__ticket__customer=person.customer).count() == 1


def test_inactive_policies_are_skipped_and_quarantined_mail_goes_after_its_own_period(
    db, django_capture_on_commit_callbacks
):
    RetentionPolicy.objects.exclude(kind=DataKind.QUARANTINED_MAIL).update(is_active=False)
    old = factories.InboundEmailFactory()
    InboundEmail.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=31))
    recent = factories.InboundEmailFactory()

    report = run(dry_run=False, capture=django_capture_on_commit_callbacks).report

    assert list(report) == [DataKind.QUARANTINED_MAIL]
    assert list(InboundEmail.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_on_postgresql_audit_rows_leave_only_through_the_retention_exception(agent):
    entry = AuditEntry.objects.create(actor=agent, object_type="tickets.ticket", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with transaction.atomic():
        retention.RULES[DataKind.AUDIT_ROWS].apply([entry.pk])
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()
