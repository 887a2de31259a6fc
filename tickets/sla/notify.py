"""E-mail notices for SLA warnings, breaches and escalations.

Recipients are the assignee and the supervisor of the ticket's team; each gets
one message per sweep batch listing their tickets, not one per ticket. The
in-admin notice is the dashboard's "SLA alerts" panel (tickets.sla.selectors).
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from tickets.models import ClockState, EventKind, SLAClock, Ticket, Tier


def _recipients(ticket: Ticket) -> set[str]:
    people = [ticket.assignee, ticket.team.supervisor if ticket.team else None]
    return {person.email for person in people if person is not None and person.is_active and person.email}


def _line(ticket: Ticket, clock: str) -> str:
    due = getattr(ticket, f"{clock}_due")
    return _("%(reference)s %(subject)s — %(clock)s due %(due)s UTC — %(path)s") % {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "clock": SLAClock(clock).label,
        "due": f"{due.astimezone(UTC):%Y-%m-%d %H:%M}" if due else "-",
        "path": reverse("admin:tickets_ticket_change", args=[ticket.pk]),
    }


def send_sla_notices(*, kind: str, clock: str, ticket_ids: list[int]) -> int:
    """One e-mail per recipient listing their tickets that turned at risk or breached; returns messages sent."""
    tickets = Ticket.objects.filter(pk__in=ticket_ids).select_related("assignee", "team__supervisor").order_by("pk")
    lines_by_recipient: dict[str, list[str]] = {}
    for ticket in tickets:
        for address in _recipients(ticket):
            lines_by_recipient.setdefault(address, []).append(_line(ticket, clock))
    state = ClockState.BREACHED if kind == EventKind.SLA_BREACH else ClockState.WARNING
    messages = [
        (
            _("[SupportDesk] %(clock)s %(state)s: %(count)d tickets")
            % {"clock": SLAClock(clock).label, "state": ClockState(state).label.lower(), "count": len(lines)},
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [address],
        )
        for address, lines in sorted(lines_by_recipient.items())
    ]
    return send_mass_mail(messages, fail_silently=False)


def send_escalation_notice(*, ticket_id: int) -> int:
    """Tell the new team's supervisor and the assignee that a ticket changed tier, with the reason."""
    ticket = Ticket.objects.select_related("assignee", "team__supervisor").get(pk=ticket_id)
    reason = ticket.events.filter(kind=EventKind.TIER).order_by("-created_at", "-id").values_list("note", flat=True)
    subject = _("[SupportDesk] %(reference)s is now %(tier)s (%(team)s)") % {
        "reference": ticket.reference,
        "tier": Tier(ticket.tier).label,
        "team": ticket.team.name if ticket.team else "-",
    }
    body = _("%(subject)s\nReason: %(reason)s\n%(path)s") % {
        "subject": ticket.subject,
        "reason": reason.first() or "-",
        "path": reverse("admin:tickets_ticket_change", args=[ticket.pk]),
    }
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in sorted(_recipients(ticket))]
    return send_mass_mail(messages, fail_silently=False)
