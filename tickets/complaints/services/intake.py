"""Opening complaints: an agent turns a ticket into one, or a customer files one in the portal."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.validators import check_choice
from tickets import events
from tickets import services as ticket_services
from tickets.complaints.models import Complaint, ComplaintSubject, Severity, Stage
from tickets.complaints.services.base import (
    ERROR_ALREADY_A_COMPLAINT,
    ERROR_TICKET_CLOSED,
    domain_error,
    require_customer,
    require_staff,
    touch_tickets,
)
from tickets.complaints.services.stages import stage_due_at
from tickets.models import Category, Channel, Status, Ticket
from tickets.safety.services import intake as safety_intake
from tickets.selectors import customer_for_user

COMPLAINT_CATEGORY_SLUG = "complaint"


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
        require_staff(actor, ticket.pk, "tickets.add_complaint")
    else:
        require_customer(actor, ticket.pk)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise domain_error(_("A closed request cannot become a complaint."), ERROR_TICKET_CLOSED)
    if Complaint.objects.filter(ticket=ticket).exists():
        raise domain_error(
            _("%(ticket)s is already a complaint.") % {"ticket": ticket.reference}, ERROR_ALREADY_A_COMPLAINT
        )
    now = timezone.now()
    gated = safety_intake.gate_on_ticket(
        {"desired outcome": (desired_outcome or "").strip()}, ticket=ticket, actor=actor
    )
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                ticket=ticket,
                subject=subject,
                severity=severity,
                desired_outcome=gated["desired outcome"],
                owner=ticket.assignee,
                stage_entered_at=now,
                stage_due_at=stage_due_at(Stage.INTAKE, now),
            )
    except IntegrityError as error:
        raise domain_error(
            _("%(ticket)s is already a complaint.") % {"ticket": ticket.reference}, ERROR_ALREADY_A_COMPLAINT
        ) from error
    events.complaint_opened(ticket=ticket.pk, actor=actor, subject=subject, note=reason)
    touch_tickets([ticket.pk])
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
    customer = customer_for_user(user=user)
    if customer is None:
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
        require_customer(user, ticket.pk)
        ticket_services.ticket_customer_reply(
            ticket=ticket, body=body, via=Channel.PORTAL, user=user, attachments=attachments
        )
    return complaint_open(ticket=ticket, subject=subject, actor=user, desired_outcome=desired_outcome)
