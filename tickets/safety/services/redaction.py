"""Wallet-safety writes that build on the ticket services: impersonator reports and the
redaction of secrets found in already-stored messages (manage.py scan_secrets).

Intake redaction and escalation live in tickets.safety.intake and identity
verification in tickets.safety.verification (tickets.services calls them).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tickets import services
from tickets.models import Category, Channel, EventKind, Priority, Ticket, TicketEvent, TicketMessage
from tickets.safety.detect import find_secrets, redact_findings
from tickets.safety.intake import Scrubber, kind_labels, security_team
from tickets.safety.lookalike import Verdict

SECURITY_CATEGORY_SLUG = "account-security"


def impersonator_report(
    *, contact: str, verdict: Verdict, where_seen: str, description: str, email: str, language: str, user=None
) -> Ticket:
    """A public "report an impersonator" submission becomes a high-priority ticket for the security team.

    The description is customer text like any other: it goes through the
    intake scrubber inside ticket_create.
    """
    customer, _created = services.customer_get_or_create(email=email, language=language, user=user)
    reasons = ", ".join(verdict.reasons) or verdict.status
    body = "\n".join(
        [
            _("Reported contact: %(contact)s") % {"contact": contact},
            _("Check result: %(reasons)s") % {"reasons": reasons},
            _("Where it was seen: %(where)s") % {"where": where_seen or "-"},
            "",
            description or "-",
        ]
    )
    return services.ticket_create(
        customer=customer,
        subject=_("Impersonator report: %(contact)s") % {"contact": contact[:150]},
        body=body,
        channel=Channel.WEB_FORM,
        actor=user,
        category=Category.objects.filter(slug=SECURITY_CATEGORY_SLUG).first(),
        priority=Priority.HIGH,
        language=language,
        team=security_team(),
    )


@transaction.atomic
def message_redact_secrets(*, message: TicketMessage, actor=None) -> list[str]:
    """Redact certain findings in a stored message (body and HTML); returns the kinds removed."""
    message = TicketMessage.objects.select_for_update().get(pk=message.pk)
    scrubber = Scrubber(from_customer=False)
    body, body_html = scrubber.text(message.body), scrubber.html(message.body_html)
    kinds = [finding.kind for finding in scrubber.certain]
    if not kinds:
        return []
    message.body, message.body_html = body, body_html
    message.save(update_fields=["body", "body_html"])
    TicketEvent.objects.create(
        ticket_id=message.ticket_id,
        kind=EventKind.SECRET_EXPOSED,
        actor=actor,
        after=kind_labels(kinds)[:255],
        note=_("removed from a stored message by scan_secrets"),
    )
    return kinds


@transaction.atomic
def ticket_subject_redact_secrets(*, ticket: Ticket, actor=None) -> list[str]:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    found = [finding for finding in find_secrets(ticket.subject) if finding.is_certain]
    if not found:
        return []
    ticket.subject = redact_findings(ticket.subject, found)[:200]
    ticket.save(update_fields=["subject", "updated_at"])
    kinds = [finding.kind for finding in found]
    TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.SECRET_EXPOSED,
        actor=actor,
        after=kind_labels(kinds)[:255],
        note=_("removed from the subject by scan_secrets"),
    )
    return kinds
