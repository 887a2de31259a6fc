"""Erasure ("right to be forgotten") of one customer, across every app.

A supervisor starts it after the customer's identity was verified (`erasure_request`), someone with
`privacy.confirm_erasure` confirms it by typing the customer's address (`erasure_confirm`), and the
job (`erasure_run`) carries out STEPS in order. Each step is idempotent and runs in its own
transaction together with the ErasureStep row that marks it done, so a job killed midway leaves
every step either done or untouched and a second run resumes where the first stopped.

What is kept, because the law or the statistics need it: ticket rows with their channel, category,
status and times (the person gone), survey ratings, the remedy ledger (kinds, amounts, assets,
decisions), the audit rows with their object description redacted (the documented exception to
the append-only audit, see privacy.migrations), and this request with its certificate. The
customer's identifying values are collected from the customer row, which the last step anonymises.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Task
from django_q.tasks import async_task

from feedback.models import Suggestion, SurveyFollowUp, SurveyResponse
from knowledge.models import BotConversation, BotMessage, BotRole
from privacy.models import AccessRequest, ErasureRequest, ErasureStatus, ErasureStep, LegalHold
from privacy.services.holds import customer_is_held
from supportdesk.audit.models import AuditEntry
from tickets.complaints.models import Complaint, Remedy
from tickets.connectors.models import ChannelIdentity, InboundChannelMessage, OutboundChannelMessage, PhoneCall
from tickets.email.models import EmailAddressStatus, InboundEmail, OutboundEmail
from tickets.models import (
    Attachment,
    ChainLookup,
    ContactRequest,
    Customer,
    CustomerMerge,
    IdentityVerification,
    ImpersonatorReport,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from tickets.safety.models import VerificationStatus

logger = logging.getLogger(__name__)

ERASED = "[erased]"
ERROR_HELD = "erasure_under_legal_hold"
ERROR_NOT_VERIFIED = "erasure_identity_not_verified"
ERROR_WRONG_CONFIRMATION = "erasure_wrong_confirmation"
ERROR_NOT_AWAITING = "erasure_not_awaiting"
ERROR_ALREADY_OPEN = "erasure_already_open"
BATCH = 500


def erased_email(customer_ref: int) -> str:
    return f"erased-{customer_ref}@erased.invalid"


@dataclass
class Subject:
    """The customer being erased and every value that identifies them (collected before any step)."""

    customer: Customer | None
    ticket_ids: list[int]
    emails: set[str] = field(default_factory=set)
    values: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, customer: Customer) -> Subject:
        ticket_ids = list(Ticket.objects.filter(customer=customer).values_list("pk", flat=True))
        emails = {customer.email, *customer.other_emails.values_list("email", flat=True)}
        if customer.user_id:
            emails |= {
                customer.user.email,
                *EmailAddress.objects.filter(user=customer.user).values_list("email", flat=True),
            }
        emails = {email.lower() for email in emails if email and not email.endswith("@erased.invalid")}
        values = set(emails) | {customer.name, customer.phone}
        values |= set(customer.wallet_addresses.values_list("address", flat=True))
        values |= set(customer.channel_identities.values_list("handle", flat=True))
        if customer.user_id:
            values |= {customer.user.username, customer.user.first_name, customer.user.last_name}
        for row in Ticket.objects.filter(pk__in=ticket_ids).values_list(
            "tx_hash", "from_address", "to_address", "account_email"
        ):
            values |= set(row)
        # Values too short to mean anything on their own ("Al", "") would scrub unrelated text.
        return cls(customer=customer, ticket_ids=ticket_ids, emails=emails, values={v for v in values if len(v) >= 4})

    def scrub(self, text: str) -> str:
        """The text with every identifying value replaced (case-insensitive)."""
        for value in sorted(self.values, key=len, reverse=True):
            text = re.sub(re.escape(value), ERASED, text, flags=re.IGNORECASE)
        return text

    def mentions(self, text: str) -> bool:
        folded = text.casefold()
        return any(value.casefold() in folded for value in self.values)


def _scrub_rows(queryset, fields: list[str], subject: Subject) -> int:
    changed = 0
    for row in queryset.only("pk", *fields).iterator(chunk_size=BATCH):
        updates = {name: subject.scrub(getattr(row, name)) for name in fields if subject.mentions(getattr(row, name))}
        if updates:
            type(row).objects.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


# Steps ------------------------------------------------------------------------------------------


def _attachments(subject: Subject) -> int:
    """Files first, then rows: a crash between the two leaves rows whose file is already gone, and the
    storage's delete of a missing name is a no-op, so the next run finishes the job."""
    attachments = Attachment.objects.filter(message__ticket_id__in=subject.ticket_ids)
    count = 0
    for attachment in attachments.only("pk", "file", "thumbnail_name").iterator(chunk_size=BATCH):
        for name in attachment.stored_names():
            attachment.file.storage.delete(name)
        count += 1
    attachments.delete()
    return count


def _messages(subject: Subject) -> int:
    return (
        TicketMessage.objects.filter(ticket_id__in=subject.ticket_ids)
        .exclude(body=ERASED, body_html="")
        .update(body=ERASED, body_html="")
    )


def _tickets(subject: Subject) -> int:
    tickets = Ticket.objects.filter(pk__in=subject.ticket_ids)
    count = tickets.update(
        subject=ERASED,
        app_version="",
        device="",
        os="",
        browser="",
        tx_hash="",
        from_address="",
        to_address="",
        account_email="",
    )
    # The on-chain lookup repeats the hash and addresses: it goes with them.
    ChainLookup.objects.filter(ticket_id__in=subject.ticket_ids).delete()
    _scrub_rows(TicketEvent.objects.filter(ticket_id__in=subject.ticket_ids), ["before", "after", "note"], subject)
    return count


def _complaints(subject: Subject) -> int:
    complaints = Complaint.objects.filter(ticket_id__in=subject.ticket_ids)
    count = complaints.update(
        desired_outcome=ERASED, findings=ERASED, resolution_summary=ERASED, customer_comment="", evidence_tx_hash=""
    )
    # The remedy ledger keeps kind, amount, asset and decisions; what was told the customer goes.
    remedies = Remedy.objects.filter(complaint__ticket_id__in=subject.ticket_ids)
    remedies.exclude(description="").update(description=ERASED)
    _scrub_rows(remedies, ["decision_reason", "payment_reference"], subject)
    return count


def _mail(subject: Subject) -> int:
    erased_to = erased_email(subject.customer.pk)
    inbound = InboundEmail.objects.filter(Q(ticket_id__in=subject.ticket_ids) | Q(from_address__in=subject.emails))
    count = inbound.update(raw=b"", size=0, subject="", from_address="", notes="", error="", message_id="")
    outbound = OutboundEmail.objects.filter(Q(ticket_id__in=subject.ticket_ids) | Q(to_address__in=subject.emails))
    count += outbound.update(
        to_address=erased_to,
        subject="",
        body_text="",
        body_html="",
        customer_link="",
        in_reply_to="",
        references="",
        last_error="",
    )
    count += EmailAddressStatus.objects.filter(address__in=subject.emails).delete()[0]
    count += ContactRequest.objects.filter(Q(ticket_id__in=subject.ticket_ids) | Q(email__in=subject.emails)).update(
        email=erased_to, name="", subject=ERASED, body=ERASED
    )
    return count


def _safety(subject: Subject) -> int:
    reports = ImpersonatorReport.objects.filter(Q(reporter_email__in=subject.emails))
    if subject.customer.user_id:
        reports = reports | ImpersonatorReport.objects.filter(reporter_id=subject.customer.user_id)
    return reports.update(reporter_email=erased_email(subject.customer.pk), reporter=None, description=ERASED)


def _channels(subject: Subject) -> int:
    """Handles (chat ids, numbers), calls and texts of the social and phone channels: the rows that keep
    the desk's counts stay, the person's number, words and deliveries go; the handles are deleted (their
    blind index would still find the person). For retention (no customer) only the tickets' part runs."""
    identities = ChannelIdentity.objects.none()
    if subject.customer is not None:
        identities = ChannelIdentity.objects.filter(customer=subject.customer)
    identity_ids = list(identities.values_list("pk", flat=True))
    inbound = InboundChannelMessage.objects.filter(
        Q(ticket_id__in=subject.ticket_ids) | Q(identity_id__in=identity_ids)
    )
    count = inbound.update(payload=ERASED, notes="", error="", identity=None)
    count += OutboundChannelMessage.objects.filter(ticket_id__in=subject.ticket_ids).update(
        recipient=ERASED, body=ERASED
    )
    count += PhoneCall.objects.filter(ticket_id__in=subject.ticket_ids).update(
        customer_number="", recording_url="", summary=ERASED
    )
    count += identities.delete()[0] if identity_ids else 0
    return count


def _surveys(subject: Subject) -> int:
    count = 0
    responses = SurveyResponse.objects.filter(invitation__customer=subject.customer)
    for response in responses.only("pk", "comment", "other_answers").iterator(chunk_size=BATCH):
        # Ratings and "problem solved" stay for the reports; the person's words go.
        answers = {name: value for name, value in response.other_answers.items() if not isinstance(value, str)}
        SurveyResponse.objects.filter(pk=response.pk).update(comment="", other_answers=answers)
        count += 1
    count += _scrub_rows(SurveyFollowUp.objects.filter(ticket_id__in=subject.ticket_ids), ["notes"], subject)
    suggestions = Suggestion.objects.filter(customer=subject.customer)
    _scrub_rows(suggestions, ["title", "body", "triage_note"], subject)
    count += suggestions.update(customer=None)
    return count


def _chats(subject: Subject) -> int:
    conditions = Q(handoff_ticket_id__in=subject.ticket_ids) | Q(handoff_email__in=subject.emails)
    if subject.customer.user_id:
        conditions |= Q(user_id=subject.customer.user_id)
    conversations = BotConversation.objects.filter(conditions)
    ids = list(conversations.values_list("pk", flat=True))
    BotMessage.objects.filter(conversation_id__in=ids, role=BotRole.USER).update(text=ERASED)
    BotConversation.objects.filter(pk__in=ids).update(handoff_email="", handoff_name="", user=None)
    return len(ids)


def _merges(subject: Subject) -> int:
    merges = CustomerMerge.objects.filter(Q(primary=subject.customer) | Q(duplicate_email__in=subject.emails))
    return merges.update(
        duplicate_email=erased_email(subject.customer.pk),
        duplicate={},
        primary_before={},
        added_emails=[],
        added_wallets=[],
    )


def _audit(subject: Subject) -> int:
    """The documented exception to the append-only audit: only the object description is redacted;
    who looked, when, from where and at which record id all stay."""
    entries = AuditEntry.objects.filter(
        Q(object_type="tickets.customer", object_id=str(subject.customer.pk))
        | Q(object_type="tickets.ticket", object_id__in=[str(pk) for pk in subject.ticket_ids])
    ).exclude(object_repr=ERASED)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL supportdesk.audit_redaction = 'on'")
        return entries.update(object_repr=ERASED)


def _queue(subject: Subject) -> int:
    """Finished django-q tasks keep their arguments (an address, a phone number for a code)."""
    doomed = [
        task.pk
        for task in Task.objects.only("pk", "args", "kwargs", "result").iterator(chunk_size=BATCH)
        if subject.mentions(f"{task.args!r} {task.kwargs!r} {task.result!r}")
    ]
    return Task.objects.filter(pk__in=doomed).delete()[0]


def _account(subject: Subject) -> int:
    user = subject.customer.user
    if user is None:
        return 0
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    doomed = [
        session.pk
        for session in Session.objects.iterator(chunk_size=BATCH)
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()
    user.username = f"erased-{subject.customer.pk}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["username", "email", "first_name", "last_name", "is_active", "password"])
    return 1


def _customer(subject: Subject) -> int:
    """Last: until here the values every other step scrubs are read from this row."""
    customer = subject.customer
    customer.other_emails.all().delete()
    customer.wallet_addresses.all().delete()
    for export in AccessRequest.objects.filter(customer=customer):
        if export.file.name:
            export.file.storage.delete(export.file.name)
    AccessRequest.objects.filter(customer=customer).delete()
    _scrub_rows(ErasureRequest.objects.filter(customer_ref=customer.pk), ["reason"], subject)
    _scrub_rows(
        LegalHold.objects.filter(Q(customer=customer) | Q(ticket_id__in=subject.ticket_ids)), ["reason"], subject
    )
    customer.name = ""
    customer.email = erased_email(customer.pk)
    customer.phone = ""
    customer.notes = ""
    customer.is_vip = False
    customer.notify_on_reply = customer.notify_on_status = False
    customer.save(
        update_fields=["name", "email", "phone", "notes", "is_vip", "notify_on_reply", "notify_on_status", "updated_at"]
    )
    return 1


STEPS: list[tuple[str, Callable[[Subject], int]]] = [
    ("attachments", _attachments),
    ("messages", _messages),
    ("tickets", _tickets),
    ("complaints", _complaints),
    ("mail", _mail),
    ("safety", _safety),
    ("channels", _channels),
    ("surveys", _surveys),
    ("chats", _chats),
    ("merges", _merges),
    ("audit", _audit),
    ("queue", _queue),
    ("account", _account),
    ("customer", _customer),
]


def anonymise_tickets(ticket_ids: list[int]) -> int:
    """The ticket part of an erasure, for retention: files, words and transaction data go, the rows stay."""
    subject = Subject(customer=None, ticket_ids=ticket_ids)
    for step in (_attachments, _messages, _complaints, _channels):
        step(subject)
    return _tickets(subject)


KEPT = [
    "ticket rows: channel, category, priority, status, team, times, SLA results",
    "survey ratings (comments removed)",
    "remedy ledger: kinds, amounts, assets, approvals, payments",
    "read audit rows (object description redacted)",
    "this erasure request and its step log",
]


# Services ---------------------------------------------------------------------------------------


def verified_identity(customer: Customer):
    """The customer's latest identity verification that succeeded recently enough to act on."""
    since = timezone.now() - timedelta(days=settings.PRIVACY_VERIFICATION_MAX_AGE_DAYS)
    return (
        IdentityVerification.objects.filter(
            ticket__customer=customer, status=VerificationStatus.VERIFIED, verified_at__gte=since
        )
        .order_by("-verified_at", "-id")
        .first()
    )


def erasure_check(customer: Customer):
    """Why an erasure of this customer cannot start now (ValidationError), or the verification it rests on."""
    if customer_is_held(customer):
        raise ValidationError(_("This customer or one of their tickets is under a legal hold."), code=ERROR_HELD)
    verification = verified_identity(customer)
    if verification is None:
        raise ValidationError(
            _("Verify the customer's identity (email/SMS code on one of their tickets) before an erasure."),
            code=ERROR_NOT_VERIFIED,
        )
    if (
        ErasureRequest.objects.filter(customer_ref=customer.pk)
        .exclude(status__in=[ErasureStatus.DONE, ErasureStatus.CANCELLED])
        .exists()
    ):
        raise ValidationError(_("An erasure of this customer is already under way."), code=ERROR_ALREADY_OPEN)
    return verification


@transaction.atomic
def erasure_request(*, customer: Customer, actor, reason: str = "") -> ErasureRequest:
    """Step one: record the request. Needs a recent identity verification and no legal hold."""
    if not actor.has_perm("privacy.add_erasurerequest"):
        raise PermissionDenied
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    verification = erasure_check(customer)
    return ErasureRequest.objects.create(
        customer=customer, customer_ref=customer.pk, verification=verification, reason=reason, requested_by=actor
    )


@transaction.atomic
def erasure_confirm(*, request: ErasureRequest, typed_email: str, actor) -> ErasureRequest:
    """Step two: the confirmer types the customer's address; the job is queued on commit."""
    if not actor.has_perm("privacy.confirm_erasure"):
        raise PermissionDenied
    request = ErasureRequest.objects.select_for_update(of=("self",)).select_related("customer").get(pk=request.pk)
    if request.status != ErasureStatus.AWAITING_CONFIRMATION:
        raise ValidationError(_("This erasure is not awaiting confirmation."), code=ERROR_NOT_AWAITING)
    if typed_email.strip().casefold() != request.customer.email.casefold():
        raise ValidationError(
            _("Type the customer's primary email address exactly to confirm."), code=ERROR_WRONG_CONFIRMATION
        )
    if customer_is_held(request.customer):
        raise ValidationError(_("This customer or one of their tickets is under a legal hold."), code=ERROR_HELD)
    request.status, request.confirmed_by, request.confirmed_at = ErasureStatus.CONFIRMED, actor, timezone.now()
    request.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    transaction.on_commit(partial(async_task, "privacy.tasks.run_erasure", request.pk))
    return request


@transaction.atomic
def erasure_cancel(*, request: ErasureRequest, actor) -> ErasureRequest:
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ErasureStatus.AWAITING_CONFIRMATION:
        raise ValidationError(_("Only an erasure awaiting confirmation can be cancelled."), code=ERROR_NOT_AWAITING)
    request.status = ErasureStatus.CANCELLED
    request.save(update_fields=["status"])
    return request


def _claim(request_id: int) -> ErasureRequest | None:
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        runnable = (ErasureStatus.CONFIRMED, ErasureStatus.RUNNING, ErasureStatus.FAILED)
        if request is None or request.status not in runnable or request.customer_id is None:
            return None
        if customer_is_held(request.customer):
            request.status, request.last_error = ErasureStatus.FAILED, "legal hold"
            request.save(update_fields=["status", "last_error"])
            return None
        request.status = ErasureStatus.RUNNING
        request.save(update_fields=["status"])
        return request


def erasure_run(*, request_id: int) -> ErasureRequest | None:
    """Carry out every step not done yet, each in its own transaction with its step row. Re-runnable."""
    request = _claim(request_id)
    if request is None:
        return None
    done = set(request.steps.values_list("name", flat=True))
    try:
        for name, step in STEPS:
            if name in done:
                continue
            with transaction.atomic():
                customer = Customer.objects.select_for_update().get(pk=request.customer_id)
                count = step(Subject.of(customer))
                ErasureStep.objects.create(request=request, name=name, count=count)
    except Exception as error:
        ErasureRequest.objects.filter(pk=request.pk).update(status=ErasureStatus.FAILED, last_error=repr(error)[:2000])
        raise
    return _finish(request)


@transaction.atomic
def _finish(request: ErasureRequest) -> ErasureRequest:
    request = (
        ErasureRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by", "confirmed_by")
        .get(pk=request.pk)
    )
    now = timezone.now()
    request.certificate = {
        "request": request.pk,
        "customer_id": request.customer_ref,
        "identity_verification": request.verification_id,
        "requested_by": request.requested_by.get_username(),
        "requested_at": request.requested_at.isoformat(),
        "confirmed_by": request.confirmed_by.get_username() if request.confirmed_by else "",
        "confirmed_at": request.confirmed_at.isoformat() if request.confirmed_at else "",
        "completed_at": now.isoformat(),
        "erased": {step.name: step.count for step in request.steps.all()},
        "kept": KEPT,
    }
    request.status, request.completed_at, request.last_error = ErasureStatus.DONE, now, ""
    request.save(update_fields=["certificate", "status", "completed_at", "last_error"])
    return request


def erasures_resume() -> int:
    """Scheduled: picks up erasures a crash or a deploy interrupted. Returns how many it finished."""
    stale = ErasureRequest.objects.filter(status__in=[ErasureStatus.FAILED, ErasureStatus.RUNNING])
    finished = 0
    for request_id in stale.values_list("pk", flat=True):
        try:
            finished += erasure_run(request_id=request_id) is not None
        except Exception:
            logger.exception("erasure request %s failed again", request_id)
    return finished
