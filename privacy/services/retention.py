"""Retention: per data kind, what is older than its policy goes — deleted, or anonymised where the
statistics must survive (ticket rows keep their counts and times, survey responses their ratings).

`retention_start` records a run and queues it; the job (`retention_apply`) first counts (a dry run
stops there and its report is the preview), then works in batches of PRIVACY_RETENTION_BATCH, each
in its own transaction, writing the progress to the run's report after every batch. Nothing under
a legal hold is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_q.tasks import async_task

from feedback.models import SurveyResponse
from knowledge.models import BotConversation
from privacy.models import DataKind, LegalHold, RetentionPolicy, RetentionRun
from privacy.services.erasure import ERASED, anonymise_tickets
from privacy.services.holds import held_customer_ids, held_ticket_ids
from supportdesk.audit.models import AuditEntry
from tickets.email.models import InboundEmail, InboundStatus
from tickets.models import Attachment, Status, Ticket


@dataclass(frozen=True)
class Rule:
    candidates: Callable[[object], QuerySet]  # cutoff → rows due
    apply: Callable[[list[int]], None]  # one batch of ids


def _closed_tickets(cutoff) -> QuerySet:
    return (
        Ticket.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff)
        .exclude(subject=ERASED)
        .exclude(pk__in=held_ticket_ids())
    )


def _chats(cutoff) -> QuerySet:
    return BotConversation.objects.filter(updated_at__lt=cutoff).exclude(handoff_ticket_id__in=held_ticket_ids())


def _delete_chats(ids: list[int]) -> None:
    BotConversation.objects.filter(pk__in=ids).delete()


def _attachments(cutoff) -> QuerySet:
    return Attachment.objects.filter(created_at__lt=cutoff, message__ticket__status=Status.CLOSED).exclude(
        message__ticket_id__in=held_ticket_ids()
    )


def _delete_attachments(ids: list[int]) -> None:
    for attachment in Attachment.objects.filter(pk__in=ids).only("pk", "file", "thumbnail_name"):
        for name in attachment.stored_names():
            attachment.file.storage.delete(name)
    Attachment.objects.filter(pk__in=ids).delete()


def _audit_rows(cutoff) -> QuerySet:
    active = LegalHold.objects.active()
    held_customers = [str(pk) for pk in held_customer_ids().values_list("pk", flat=True)]
    held_tickets = [str(pk) for pk in active.filter(ticket__isnull=False).values_list("ticket_id", flat=True)]
    return AuditEntry.objects.filter(created_at__lt=cutoff).exclude(
        Q(object_type="tickets.customer", object_id__in=held_customers)
        | Q(object_type="tickets.ticket", object_id__in=held_tickets)
    )


def _delete_audit_rows(ids: list[int]) -> None:
    # The documented exception to the append-only audit (privacy migration 0001): this transaction opts in.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL supportdesk.audit_retention = 'on'")
    AuditEntry.objects.filter(pk__in=ids).delete()


def _raw_email(cutoff) -> QuerySet:
    return (
        InboundEmail.objects.filter(received_at__lt=cutoff)
        .exclude(status=InboundStatus.QUARANTINED)
        .exclude(raw=b"")
        .exclude(ticket_id__in=held_ticket_ids())
    )


def _drop_raw(ids: list[int]) -> None:
    InboundEmail.objects.filter(pk__in=ids).update(raw=b"")


def _quarantined(cutoff) -> QuerySet:
    return InboundEmail.objects.filter(status=InboundStatus.QUARANTINED, received_at__lt=cutoff).exclude(
        ticket_id__in=held_ticket_ids()
    )


def _delete_mail(ids: list[int]) -> None:
    InboundEmail.objects.filter(pk__in=ids).delete()


def _survey_comments(cutoff) -> QuerySet:
    return (
        SurveyResponse.objects.filter(submitted_at__lt=cutoff)
        .filter(~Q(comment="") | ~Q(other_answers={}))
        .exclude(invitation__ticket_id__in=held_ticket_ids())
    )


def _drop_comments(ids: list[int]) -> None:
    for response in SurveyResponse.objects.filter(pk__in=ids).only("pk", "other_answers"):
        answers = {name: value for name, value in response.other_answers.items() if not isinstance(value, str)}
        SurveyResponse.objects.filter(pk=response.pk).update(comment="", other_answers=answers)


RULES: dict[str, Rule] = {
    DataKind.CLOSED_TICKETS: Rule(_closed_tickets, anonymise_tickets),
    DataKind.CHAT_TRANSCRIPTS: Rule(_chats, _delete_chats),
    DataKind.ATTACHMENTS: Rule(_attachments, _delete_attachments),
    DataKind.AUDIT_ROWS: Rule(_audit_rows, _delete_audit_rows),
    DataKind.RAW_EMAIL: Rule(_raw_email, _drop_raw),
    DataKind.QUARANTINED_MAIL: Rule(_quarantined, _delete_mail),
    DataKind.SURVEY_COMMENTS: Rule(_survey_comments, _drop_comments),
}


def retention_start(*, dry_run: bool, actor=None) -> RetentionRun:
    with transaction.atomic():
        run = RetentionRun.objects.create(dry_run=dry_run, started_by=actor)
        transaction.on_commit(partial(async_task, "privacy.tasks.run_retention", run.pk))
    return run


def retention_apply(*, run_id: int) -> RetentionRun | None:
    run = RetentionRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:
        return None
    now = timezone.now()
    report = {}
    for policy in RetentionPolicy.objects.filter(is_active=True).order_by("kind"):
        rule = RULES[policy.kind]
        cutoff = now - timedelta(days=policy.keep_days)
        due = rule.candidates(cutoff)
        report[policy.kind] = {"due": due.count(), "done": 0, "keep_days": policy.keep_days}
        RetentionRun.objects.filter(pk=run.pk).update(report=report)
        if run.dry_run:
            continue
        # Keyset batches: each asks for the next ids after the last one handled, so a row the rule
        # leaves in place (an anonymised ticket) is never picked twice in one run.
        last = 0
        while ids := list(
            rule.candidates(cutoff).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[: _batch()]
        ):
            with transaction.atomic():
                rule.apply(ids)
            last = ids[-1]
            report[policy.kind]["done"] += len(ids)
            RetentionRun.objects.filter(pk=run.pk).update(report=report)
    run.report, run.finished_at = report, timezone.now()
    run.save(update_fields=["report", "finished_at"])
    return run


def _batch() -> int:
    return settings.PRIVACY_RETENTION_BATCH
