"""Every write to complaints and remedies.

Keyword-only and atomic like tickets.services: each change locks the complaint
(or remedy) row, checks the stage map, and leaves a TicketEvent on the ticket in
the same transaction. Emails and the `complaint_closed` signal go out after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from supportdesk.kit.validators import check_choice
from tickets import services as ticket_services
from tickets.complaints.models import (
    FINAL_STAGES,
    MONEY_REMEDIES,
    Complaint,
    ComplaintSubject,
    ConfirmationToken,
    Remedy,
    RemedyKind,
    RemedyStatus,
    RootCause,
    Severity,
    Stage,
)
from tickets.models import Attachment, Category, Channel, EventKind, Status, Team, Ticket, TicketEvent, TicketMessage
from tickets.signals import complaint_closed

ERROR_INVALID_STAGE_TRANSITION = "invalid_stage_transition"
ERROR_ALREADY_A_COMPLAINT = "already_a_complaint"
ERROR_TICKET_CLOSED = ticket_services.ERROR_TICKET_CLOSED
ERROR_REASON_REQUIRED = "reason_required"
ERROR_NO_REMEDY = "no_remedy"
ERROR_APPROVAL_PENDING = "approval_pending"
ERROR_NO_RESOLUTION_SUMMARY = "no_resolution_summary"
ERROR_COMPLAINT_FINAL = "complaint_final"
ERROR_REMEDY_STAGE = "remedy_wrong_stage"
ERROR_AMOUNT_REQUIRED = "amount_required"
ERROR_AMOUNT_NOT_ALLOWED = "amount_not_allowed"
ERROR_INVALID_AMOUNT = "invalid_amount"
ERROR_SAME_APPROVER = "same_approver"
ERROR_REMEDY_NOT_PENDING = "remedy_not_pending"
ERROR_REMEDY_NOT_PAYABLE = "remedy_not_payable"
ERROR_NOT_AWAITING_CONFIRMATION = "not_awaiting_confirmation"
ERROR_LINK_INVALID = "link_invalid"
ERROR_LINK_USED = "link_used"
ERROR_LINK_EXPIRED = "link_expired"
ERROR_EVIDENCE_OTHER_TICKET = "evidence_other_ticket"
ERROR_OWNER_NOT_STAFF = "owner_not_staff"

COMPLAINT_CATEGORY_SLUG = "complaint"
_SIGNING_SALT = "tickets.complaints.confirmation"  # namespaces the signature, not a secret
# Moves that undo or end work must say why; the forward path may carry a reason but need not.
_FORWARD_MOVES = {
    (Stage.INTAKE, Stage.INVESTIGATION),
    (Stage.REOPENED, Stage.INVESTIGATION),
    (Stage.INVESTIGATION, Stage.RESOLUTION_PROPOSED),
    (Stage.RESOLUTION_PROPOSED, Stage.AWAITING_CONFIRMATION),
}


def _error(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def _record(ticket_id: int, kind: str, actor, *, before: str = "", after: str = "", note: str = "") -> None:
    """The complaint's history is the ticket's timeline: one event per change."""
    TicketEvent.objects.create(
        ticket_id=ticket_id, kind=kind, actor=actor, before=str(before)[:255], after=str(after)[:255], note=note[:255]
    )
    Ticket.objects.filter(pk=ticket_id).update(updated_at=timezone.now())


def _require_staff(actor, ticket_id: int, permission: str = "tickets.change_complaint") -> None:
    if (
        actor is None
        or not actor.is_staff
        or not actor.has_perm(permission)
        or not Ticket.objects.visible_to(actor).filter(pk=ticket_id).exists()
    ):
        raise PermissionDenied(_("You cannot work on this complaint."))


def _require_customer(user, ticket_id: int) -> None:
    if user is None or user.is_staff or not Ticket.objects.visible_to(user).filter(pk=ticket_id).exists():
        raise PermissionDenied(_("This is not your complaint."))


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("ticket").get(pk=complaint.pk)


def stage_due_at(stage: str, start: datetime) -> datetime | None:
    if stage == Stage.AWAITING_CONFIRMATION:
        return start + timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)
    hours = settings.COMPLAINT_STAGE_DUE_HOURS.get(stage)
    return start + timedelta(hours=hours) if hours else None


def _send_closed(complaint: Complaint) -> None:
    complaint_id, ticket_id, stage = complaint.pk, complaint.ticket_id, complaint.stage
    transaction.on_commit(
        lambda: complaint_closed.send(sender=Complaint, complaint_id=complaint_id, ticket_id=ticket_id, stage=stage)
    )


def _check_move(complaint: Complaint, stage: str) -> None:
    if stage not in complaint.allowed_next_stages():
        raise _error(
            _("A complaint cannot go from %(old)s to %(new)s.")
            % {"old": Stage(complaint.stage).label, "new": Stage(stage).label},
            ERROR_INVALID_STAGE_TRANSITION,
            "stage",
        )


def _move(complaint: Complaint, stage: str, actor, reason: str, *, now: datetime | None = None) -> None:
    """Move a locked complaint along the stage map and record it."""
    _check_move(complaint, stage)
    now = now or timezone.now()
    before = complaint.stage
    complaint.stage = stage
    complaint.stage_entered_at = now
    complaint.stage_due_at = stage_due_at(stage, now)
    fields = ["stage", "stage_entered_at", "stage_due_at", "updated_at"]
    if stage in FINAL_STAGES:
        complaint.closed_at = now
        fields.append("closed_at")
    complaint.save(update_fields=fields)
    _record(complaint.ticket_id, EventKind.COMPLAINT_STAGE, actor, before=before, after=stage, note=reason)
    if stage in FINAL_STAGES:
        _send_closed(complaint)


# Opening -------------------------------------------------------------------


@transaction.atomic
def complaint_open(
    *,
    ticket: Ticket,
    subject: str,
    actor,
    severity: str = Severity.MEDIUM,
    desired_outcome: str = "",
    reason: str = "",
) -> Complaint:
    """Turn a ticket into a complaint (an agent in the admin, or the customer in the portal)."""
    check_choice(subject, ComplaintSubject, "subject")
    check_choice(severity, Severity, "severity")
    if actor is not None and actor.is_staff:
        _require_staff(actor, ticket.pk, "tickets.add_complaint")
    else:
        _require_customer(actor, ticket.pk)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise _error(_("A closed request cannot become a complaint."), ERROR_TICKET_CLOSED)
    if Complaint.objects.filter(ticket=ticket).exists():
        raise _error(_("%(ticket)s is already a complaint.") % {"ticket": ticket.reference}, ERROR_ALREADY_A_COMPLAINT)
    now = timezone.now()
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                ticket=ticket,
                subject=subject,
                severity=severity,
                desired_outcome=(desired_outcome or "").strip(),
                owner=ticket.assignee,
                stage_entered_at=now,
                stage_due_at=stage_due_at(Stage.INTAKE, now),
            )
    except IntegrityError as error:
        raise _error(
            _("%(ticket)s is already a complaint.") % {"ticket": ticket.reference}, ERROR_ALREADY_A_COMPLAINT
        ) from error
    _record(ticket.pk, EventKind.COMPLAINT, actor, after=subject, note=reason)
    return complaint


@transaction.atomic
def complaint_file(
    *,
    user,
    subject: str,
    title: str,
    body: str,
    desired_outcome: str = "",
    ticket: Ticket | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Complaint:
    """A customer files a complaint in the portal: on a new request, or on one of their existing requests."""
    customer = getattr(user, "customer", None)
    if customer is None or user.is_staff:
        raise PermissionDenied(_("Only customers file complaints in the portal."))
    if ticket is None:
        ticket = ticket_services.ticket_create(
            customer=customer,
            subject=title,
            body=body,
            channel=Channel.PORTAL,
            actor=user,
            category=Category.objects.filter(slug=COMPLAINT_CATEGORY_SLUG).first(),
            attachments=attachments,
        )
    else:
        _require_customer(user, ticket.pk)
        ticket_services.ticket_customer_reply(
            ticket=ticket, body=body, via=Channel.PORTAL, user=user, attachments=attachments
        )
    return complaint_open(ticket=ticket, subject=subject, actor=user, desired_outcome=desired_outcome)


# Details and investigation ------------------------------------------------

_SCALAR_FIELDS = ("subject", "severity", "root_cause", "company_at_fault", "evidence_tx_hash")
_TEXT_FIELDS = ("desired_outcome", "findings", "resolution_summary")
_UNSET = object()


def _validate_changes(complaint: Complaint, changes: dict) -> dict:
    if "subject" in changes:
        check_choice(changes["subject"], ComplaintSubject, "subject")
    if "severity" in changes:
        check_choice(changes["severity"], Severity, "severity")
    if changes.get("root_cause"):
        check_choice(changes["root_cause"], RootCause, "root_cause")
    for field in (*_TEXT_FIELDS, "evidence_tx_hash", "root_cause"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    owner = changes.get("owner")
    if owner is not None and (not owner.is_staff or not owner.is_active):
        raise _error(_("%(user)s is not a staff member.") % {"user": owner}, ERROR_OWNER_NOT_STAFF, "owner")
    for field, model in (("evidence_messages", TicketMessage), ("evidence_attachments", Attachment)):
        items = changes.get(field)
        if items is None:
            continue
        ticket_field = "ticket_id" if model is TicketMessage else "message__ticket_id"
        ids = [item.pk for item in items]
        if model.objects.filter(pk__in=ids).exclude(**{ticket_field: complaint.ticket_id}).exists():
            raise _error(_("Evidence must come from this complaint's ticket."), ERROR_EVIDENCE_OTHER_TICKET, field)
    return changes


def _shown(complaint: Complaint, name: str, value) -> str:
    """A changed value as the timeline shows it: the choice label, yes/no, or the related object."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = dict(Complaint._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


@transaction.atomic
def complaint_update(
    *,
    complaint: Complaint,
    actor,
    subject: str = _UNSET,
    severity: str = _UNSET,
    desired_outcome: str = _UNSET,
    owner=_UNSET,
    findings: str = _UNSET,
    root_cause: str = _UNSET,
    responsible_team: Team | None = _UNSET,
    company_at_fault: bool | None = _UNSET,
    evidence_tx_hash: str = _UNSET,
    evidence_messages: Iterable[TicketMessage] = _UNSET,
    evidence_attachments: Iterable[Attachment] = _UNSET,
    resolution_summary: str = _UNSET,
) -> Complaint:
    """Change details and investigation findings; only the arguments given are touched, each change is an event."""
    _require_staff(actor, complaint.ticket_id)
    complaint = _lock(complaint)
    if complaint.is_final:
        raise _error(_("This complaint is closed."), ERROR_COMPLAINT_FINAL)
    given = {
        "subject": subject,
        "severity": severity,
        "desired_outcome": desired_outcome,
        "owner": owner,
        "findings": findings,
        "root_cause": root_cause,
        "responsible_team": responsible_team,
        "company_at_fault": company_at_fault,
        "evidence_tx_hash": evidence_tx_hash,
        "evidence_messages": evidence_messages,
        "evidence_attachments": evidence_attachments,
        "resolution_summary": resolution_summary,
    }
    changes = _validate_changes(complaint, {name: value for name, value in given.items() if value is not _UNSET})
    fields = []
    for name in (*_SCALAR_FIELDS, *_TEXT_FIELDS, "owner", "responsible_team"):
        if name not in changes or getattr(complaint, name) == changes[name]:
            continue
        label = Complaint._meta.get_field(name).verbose_name
        old = getattr(complaint, name)
        setattr(complaint, name, changes[name])
        fields.append(name)
        if name in _TEXT_FIELDS:
            _record(complaint.ticket_id, EventKind.COMPLAINT_UPDATE, actor, note=str(label))
        else:
            _record(
                complaint.ticket_id,
                EventKind.COMPLAINT_UPDATE,
                actor,
                before=_shown(complaint, name, old),
                after=_shown(complaint, name, changes[name]),
                note=str(label),
            )
    for name in ("evidence_messages", "evidence_attachments"):
        if name not in changes:
            continue
        manager = getattr(complaint, name)
        new_ids = {item.pk for item in changes[name]}
        if new_ids != set(manager.values_list("pk", flat=True)):
            manager.set(new_ids)
            note = str(Complaint._meta.get_field(name).verbose_name)
            _record(complaint.ticket_id, EventKind.COMPLAINT_UPDATE, actor, after=str(len(new_ids)), note=note)
    if fields:
        complaint.save(update_fields=[*fields, "updated_at"])
    return complaint


# Stages --------------------------------------------------------------------


def _check_can_propose(complaint: Complaint) -> None:
    if not complaint.remedies.exclude(status=RemedyStatus.REJECTED).exists():
        raise _error(_("Add at least one remedy before proposing a resolution."), ERROR_NO_REMEDY, "stage")


def _check_can_communicate(complaint: Complaint) -> None:
    if not complaint.resolution_summary:
        raise _error(
            _("Write the resolution for the customer before communicating it."),
            ERROR_NO_RESOLUTION_SUMMARY,
            "resolution_summary",
        )
    remedies = complaint.remedies.all()
    if remedies.pending_approval().exists():
        raise _error(_("A remedy is still awaiting approval."), ERROR_APPROVAL_PENDING, "stage")
    if not remedies.granted().exists():
        raise _error(_("No approved remedy to communicate."), ERROR_NO_REMEDY, "stage")


@transaction.atomic
def complaint_change_stage(*, complaint: Complaint, stage: str, actor, reason: str = "") -> Complaint:
    """A staff member moves the complaint; the guards of the target stage apply.

    Communicating the resolution (→ awaiting confirmation) emails the customer a
    confirmation link after commit.
    """
    check_choice(stage, Stage, "stage")
    _require_staff(actor, complaint.ticket_id)
    complaint = _lock(complaint)
    _check_move(complaint, stage)
    reason = (reason or "").strip()
    if (complaint.stage, stage) not in _FORWARD_MOVES and not reason:
        raise _error(_("Please give a reason for this change."), ERROR_REASON_REQUIRED, "reason")
    if stage == Stage.RESOLUTION_PROPOSED:
        _check_can_propose(complaint)
    now = timezone.now()
    if stage == Stage.AWAITING_CONFIRMATION:
        _check_can_communicate(complaint)
        complaint.resolution_communicated_at = now
        complaint.reminder_sent_at = None
        complaint.save(update_fields=["resolution_communicated_at", "reminder_sent_at", "updated_at"])
        complaint_id = complaint.pk
        transaction.on_commit(
            lambda: async_task("tickets.complaints.tasks.send_confirmation_request", complaint_id, False)
        )
    if stage == Stage.CLOSED_CONFIRMED:
        # The customer confirmed outside the portal (phone, chat): the agent records it.
        complaint.customer_resolved = True
        complaint.customer_answered_at = now
        complaint.save(update_fields=["customer_resolved", "customer_answered_at", "updated_at"])
    _move(complaint, stage, actor, reason, now=now)
    return complaint


# Remedies ------------------------------------------------------------------


def approval_threshold(asset: str) -> Decimal:
    thresholds = settings.COMPLAINT_REMEDY_APPROVAL_THRESHOLDS
    return Decimal(str(thresholds.get(asset.upper(), settings.COMPLAINT_REMEDY_DEFAULT_THRESHOLD)))


def _clean_amount(kind: str, amount, asset: str) -> tuple[Decimal | None, str]:
    asset = (asset or "").strip().upper()
    if kind not in MONEY_REMEDIES:
        if amount is not None or asset:
            raise _error(_("This kind of remedy carries no amount."), ERROR_AMOUNT_NOT_ALLOWED, "amount")
        return None, ""
    try:
        amount = Decimal(str(amount)) if amount is not None else None
    except InvalidOperation as error:
        raise _error(_("Enter a valid amount."), ERROR_INVALID_AMOUNT, "amount") from error
    if amount is None or not asset:
        raise _error(
            _("A refund, compensation or fee waiver needs an amount and an asset."), ERROR_AMOUNT_REQUIRED, "amount"
        )
    if amount <= 0 or not amount.is_finite():
        raise _error(_("The amount must be greater than zero."), ERROR_INVALID_AMOUNT, "amount")
    return amount, asset


@transaction.atomic
def remedy_propose(
    *, complaint: Complaint, kind: str, actor, amount: Decimal | None = None, asset: str = "", description: str = ""
) -> Remedy:
    """Add a remedy line. Money above the asset's threshold waits for four-eyes approval; the rest is approved."""
    check_choice(kind, RemedyKind, "kind")
    _require_staff(actor, complaint.ticket_id, "tickets.add_remedy")
    complaint = _lock(complaint)
    if complaint.stage not in (Stage.INVESTIGATION, Stage.REOPENED, Stage.RESOLUTION_PROPOSED):
        raise _error(
            _("Remedies are proposed during the investigation, not at stage %(stage)s.")
            % {"stage": Stage(complaint.stage).label},
            ERROR_REMEDY_STAGE,
        )
    amount, asset = _clean_amount(kind, amount, asset)
    needs_approval = amount is not None and amount > approval_threshold(asset)
    remedy = Remedy.objects.create(
        complaint=complaint,
        kind=kind,
        amount=amount,
        asset=asset,
        description=(description or "").strip(),
        status=RemedyStatus.PENDING_APPROVAL if needs_approval else RemedyStatus.APPROVED,
        needs_approval=needs_approval,
        proposed_by=actor,
    )
    _record(
        complaint.ticket_id,
        EventKind.REMEDY,
        actor,
        after=remedy.status,
        note=_("proposed: %(remedy)s") % {"remedy": remedy},
    )
    return remedy


def _lock_remedy(remedy: Remedy) -> Remedy:
    return Remedy.objects.select_for_update().select_related("complaint").get(pk=remedy.pk)


@transaction.atomic
def _remedy_decide(*, remedy: Remedy, actor, reason: str, approve: bool) -> Remedy:
    remedy = _lock_remedy(remedy)
    _require_staff(actor, remedy.complaint.ticket_id, "tickets.approve_remedy")
    if remedy.proposed_by_id == actor.pk:
        raise _error(_("Someone other than the proposer must decide on this remedy."), ERROR_SAME_APPROVER)
    if remedy.status != RemedyStatus.PENDING_APPROVAL:
        raise _error(_("This remedy is not awaiting approval."), ERROR_REMEDY_NOT_PENDING)
    reason = (reason or "").strip()
    if not reason:
        raise _error(_("Please give a reason for the decision."), ERROR_REASON_REQUIRED, "reason")
    remedy.status = RemedyStatus.APPROVED if approve else RemedyStatus.REJECTED
    remedy.decided_by = actor
    remedy.decided_at = timezone.now()
    remedy.decision_reason = reason[:255]
    remedy.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _record(
        remedy.complaint.ticket_id,
        EventKind.REMEDY,
        actor,
        before=RemedyStatus.PENDING_APPROVAL,
        after=remedy.status,
        note=f"{remedy}: {reason}",
    )
    return remedy


def remedy_approve(*, remedy: Remedy, actor, reason: str) -> Remedy:
    """Four-eyes approval: needs tickets.approve_remedy and must not be the proposer."""
    return _remedy_decide(remedy=remedy, actor=actor, reason=reason, approve=True)


def remedy_reject(*, remedy: Remedy, actor, reason: str) -> Remedy:
    return _remedy_decide(remedy=remedy, actor=actor, reason=reason, approve=False)


@transaction.atomic
def remedy_mark_paid(*, remedy: Remedy, actor, payment_reference: str = "") -> Remedy:
    """Record that an approved money remedy went out (the ledger's "paid" line)."""
    remedy = _lock_remedy(remedy)
    _require_staff(actor, remedy.complaint.ticket_id, "tickets.change_remedy")
    if remedy.status != RemedyStatus.APPROVED or remedy.amount is None:
        raise _error(_("Only an approved refund, compensation or fee waiver can be paid."), ERROR_REMEDY_NOT_PAYABLE)
    remedy.status = RemedyStatus.PAID
    remedy.paid_by = actor
    remedy.paid_at = timezone.now()
    remedy.payment_reference = (payment_reference or "").strip()[:128]
    remedy.save(update_fields=["status", "paid_by", "paid_at", "payment_reference"])
    _record(
        remedy.complaint.ticket_id,
        EventKind.REMEDY,
        actor,
        before=RemedyStatus.APPROVED,
        after=RemedyStatus.PAID,
        note=f"{remedy} {remedy.payment_reference}".strip(),
    )
    return remedy


# Customer confirmation -----------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def confirmation_link_issue(*, complaint: Complaint) -> str:
    """A new signed, single-use link token for the customer; only its hash is stored."""
    complaint = _lock(complaint)
    if complaint.stage != Stage.AWAITING_CONFIRMATION:
        raise _error(_("This complaint is not awaiting the customer's confirmation."), ERROR_NOT_AWAITING_CONFIRMATION)
    token = signing.TimestampSigner(salt=_SIGNING_SALT).sign(secrets.token_urlsafe(32))
    ConfirmationToken.objects.create(
        complaint=complaint,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS),
    )
    return token


def confirmation_token_lookup(*, token: str, for_update: bool = False) -> ConfirmationToken:
    """The stored token for a link, or a ValidationError saying why the link cannot be used."""
    max_age = timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)
    try:
        signing.TimestampSigner(salt=_SIGNING_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise _error(_("This link has expired."), ERROR_LINK_EXPIRED) from error
    except signing.BadSignature as error:
        raise _error(_("This link is not valid."), ERROR_LINK_INVALID) from error
    tokens = ConfirmationToken.objects.select_related("complaint", "complaint__ticket", "complaint__ticket__customer")
    if for_update:
        tokens = tokens.select_for_update(of=("self",))
    stored = tokens.filter(token_hash=_token_hash(token)).first()
    if stored is None:
        raise _error(_("This link is not valid."), ERROR_LINK_INVALID)
    if stored.used_at is not None or stored.complaint.stage != Stage.AWAITING_CONFIRMATION:
        raise _error(_("This link has already been used."), ERROR_LINK_USED)
    if stored.expires_at <= timezone.now():
        raise _error(_("This link has expired."), ERROR_LINK_EXPIRED)
    return stored


def _answer(complaint: Complaint, *, resolved: bool, comment: str, actor) -> Complaint:
    if complaint.stage != Stage.AWAITING_CONFIRMATION:
        raise _error(_("This complaint is not awaiting your confirmation."), ERROR_NOT_AWAITING_CONFIRMATION)
    now = timezone.now()
    complaint.customer_resolved = resolved
    complaint.customer_comment = (comment or "").strip()
    complaint.customer_answered_at = now
    complaint.save(update_fields=["customer_resolved", "customer_comment", "customer_answered_at", "updated_at"])
    ConfirmationToken.objects.filter(complaint=complaint, used_at__isnull=True).update(used_at=now)
    note = _("customer: resolved") if resolved else _("customer: not resolved")
    if complaint.customer_comment:
        note = f"{note} – {complaint.customer_comment}"
    _move(complaint, Stage.CLOSED_CONFIRMED if resolved else Stage.REOPENED, actor, note, now=now)
    return complaint


@transaction.atomic
def complaint_respond(*, complaint: Complaint, resolved: bool, user, comment: str = "") -> Complaint:
    """The signed-in customer confirms ("resolved") or rejects ("not resolved") the resolution in the portal."""
    _require_customer(user, complaint.ticket_id)
    return _answer(_lock(complaint), resolved=resolved, comment=comment, actor=user)


@transaction.atomic
def complaint_respond_with_link(*, token: str, resolved: bool, comment: str = "", user=None) -> Complaint:
    """The customer answers through the emailed link. A signed-in visitor must be that customer."""
    stored = confirmation_token_lookup(token=token, for_update=True)
    customer = stored.complaint.ticket.customer
    if user is not None and user.is_authenticated and customer.user_id != user.pk:
        raise _error(_("This link is not valid."), ERROR_LINK_INVALID)
    return _answer(_lock(stored.complaint), resolved=resolved, comment=comment, actor=customer.user)


# Follow-up -----------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpResult:
    reminded: list[int]
    closed: list[int]


@transaction.atomic
def complaint_follow_up_sweep(*, now: datetime | None = None) -> FollowUpResult:
    """Daily: remind customers who have not answered after N days, close as unconfirmed after M days.

    Set-based and idempotent: a complaint is reminded once (reminder_sent_at) and
    closed once (it leaves the awaiting stage), however often the sweep runs.
    """
    now = now or timezone.now()
    awaiting = Complaint.objects.select_for_update().filter(stage=Stage.AWAITING_CONFIRMATION)
    close_cutoff = now - timedelta(days=settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS)
    remind_cutoff = now - timedelta(days=settings.COMPLAINT_REMINDER_AFTER_DAYS)

    to_close = list(awaiting.filter(resolution_communicated_at__lte=close_cutoff).values_list("pk", "ticket_id"))
    if to_close:
        Complaint.objects.filter(pk__in=[pk for pk, _ticket in to_close]).update(
            stage=Stage.CLOSED_UNCONFIRMED, stage_entered_at=now, stage_due_at=None, closed_at=now, updated_at=now
        )
        _bulk_record(
            [ticket_id for _pk, ticket_id in to_close],
            EventKind.COMPLAINT_STAGE,
            before=Stage.AWAITING_CONFIRMATION,
            after=Stage.CLOSED_UNCONFIRMED,
            note=_("no answer from the customer"),
            now=now,
        )
        for pk, ticket_id in to_close:
            _send_closed(Complaint(pk=pk, ticket_id=ticket_id, stage=Stage.CLOSED_UNCONFIRMED))

    to_remind = list(
        awaiting.filter(
            resolution_communicated_at__lte=remind_cutoff,
            resolution_communicated_at__gt=close_cutoff,
            reminder_sent_at__isnull=True,
        ).values_list("pk", "ticket_id")
    )
    if to_remind:
        Complaint.objects.filter(pk__in=[pk for pk, _ticket in to_remind]).update(reminder_sent_at=now, updated_at=now)
        _bulk_record(
            [ticket_id for _pk, ticket_id in to_remind],
            EventKind.COMPLAINT_FOLLOW_UP,
            after="reminder",
            note=_("reminder sent to the customer"),
            now=now,
        )
        for pk, _ticket_id in to_remind:
            transaction.on_commit(
                lambda pk=pk: async_task("tickets.complaints.tasks.send_confirmation_request", pk, True)
            )
    return FollowUpResult(reminded=[pk for pk, _t in to_remind], closed=[pk for pk, _t in to_close])


def _bulk_record(ticket_ids: list[int], kind: str, *, now: datetime, before: str = "", after: str = "", note: str = ""):
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket_id=ticket_id, kind=kind, before=before, after=after, note=note[:255], created_at=now)
        for ticket_id in ticket_ids
    )
    Ticket.objects.filter(pk__in=ticket_ids).update(updated_at=now)
