"""The investigation: details, findings, root cause and evidence, each change an event on the ticket."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.kit.validators import check_choice
from tickets import events
from tickets.complaints.models import Complaint, ComplaintSubject, RootCause, Severity
from tickets.complaints.services.base import (
    ERROR_COMPLAINT_FINAL,
    ERROR_EVIDENCE_OTHER_TICKET,
    ERROR_OWNER_NOT_STAFF,
    domain_error,
    lock_complaint,
    require_staff,
    touch_tickets,
)
from tickets.models import Attachment, Team, TicketMessage

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
        raise domain_error(_("%(user)s is not a staff member.") % {"user": owner}, ERROR_OWNER_NOT_STAFF, "owner")
    for field, model in (("evidence_messages", TicketMessage), ("evidence_attachments", Attachment)):
        items = changes.get(field)
        if items is None:
            continue
        ticket_field = "ticket_id" if model is TicketMessage else "message__ticket_id"
        ids = [item.pk for item in items]
        if model.objects.filter(pk__in=ids).exclude(**{ticket_field: complaint.ticket_id}).exists():
            raise domain_error(
                _("Evidence must come from this complaint's ticket."), ERROR_EVIDENCE_OTHER_TICKET, field
            )
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
    require_staff(actor, complaint.ticket_id)
    complaint = lock_complaint(complaint)
    if complaint.is_final:
        raise domain_error(_("This complaint is closed."), ERROR_COMPLAINT_FINAL)
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
            events.complaint_updated(ticket=complaint.ticket_id, actor=actor, field=str(label))
        else:
            events.complaint_updated(
                ticket=complaint.ticket_id,
                actor=actor,
                field=str(label),
                before=_shown(complaint, name, old),
                after=_shown(complaint, name, changes[name]),
            )
        touch_tickets([complaint.ticket_id])
    for name in ("evidence_messages", "evidence_attachments"):
        if name not in changes:
            continue
        manager = getattr(complaint, name)
        new_ids = {item.pk for item in changes[name]}
        if new_ids != set(manager.values_list("pk", flat=True)):
            manager.set(new_ids)
            note = str(Complaint._meta.get_field(name).verbose_name)
            events.complaint_updated(ticket=complaint.ticket_id, actor=actor, field=note, after=str(len(new_ids)))
            touch_tickets([complaint.ticket_id])
    if fields:
        complaint.save(update_fields=[*fields, "updated_at"])
    return complaint
