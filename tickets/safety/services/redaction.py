"""Redacting wallet secrets found in messages and subjects already stored (manage.py scan_secrets).

New content is redacted at intake (tickets.safety.services.intake); this cleans up
what came in before the detector knew a kind of secret.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tickets import events
from tickets.models import Ticket, TicketMessage
from tickets.safety.detect import find_secrets, redact_findings
from tickets.safety.scrubbing import Scrubber, kind_labels


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
    events.secret_exposed(
        ticket=message.ticket_id,
        actor=actor,
        kinds=kind_labels(kinds),
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
    events.secret_exposed(
        ticket=ticket,
        actor=actor,
        kinds=kind_labels(kinds),
        note=_("removed from the subject by scan_secrets"),
    )
    return kinds
