"""Escalation tiers: L1 front line → L2 technical → L3 senior / security, and back.

Built on the tier and team changes of tickets.services.changes: an escalation
is a tier change plus a move to a team of that tier, with the reason on both
events.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from supportdesk.kit.validators import check_choice, field_error
from tickets import access
from tickets.models import Ticket, Tier
from tickets.services.base import lock_ticket
from tickets.services.changes import apply_team, apply_tier
from tickets.services.routing import team_for

ERROR_REASON_REQUIRED = "escalation_reason_required"


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, to_tier: str, reason: str, actor) -> Ticket:
    """Move `ticket` to `to_tier` (up or down) and to the team serving that tier; notify the team.

    `actor` None means an automatic escalation (SLA breach, keyword rule); a
    person must be allowed to work on the ticket. A ticket already at the tier
    is left alone, so repeating an escalation is harmless.
    """
    if actor is not None:
        access.require_ticket_permission(actor, ticket.pk)
    check_choice(to_tier, Tier, "tier")
    reason = " ".join((reason or "").split())
    if not reason:
        raise field_error("reason", _("Say why the tier changes."), ERROR_REASON_REQUIRED)
    ticket = lock_ticket(ticket)
    if ticket.tier == to_tier:
        return ticket
    if actor is not None:
        access.require_may_change_tier(actor, ticket, to_tier)
    team = team_for(category=ticket.category, language=ticket.language, tier=to_tier)
    apply_tier(ticket, to_tier, actor, reason)
    if team is not None:
        apply_team(ticket, team, actor, note=reason)
    ticket_id = ticket.pk
    transaction.on_commit(lambda: async_task("tickets.sla.tasks.notify_escalation", ticket_id))
    return ticket


def ticket_escalate_breached(*, ticket_ids: list[int]) -> int:
    """Escalate freshly breached tickets whose policy says so; returns how many moved.

    Runs over the tickets one sweep found breached (not over all open tickets),
    each in its own transaction so one failure does not undo the others.
    """
    tickets = Ticket.objects.filter(pk__in=ticket_ids, sla_policy__escalate_to_tier__gt="").select_related("sla_policy")
    moved = 0
    for ticket in tickets:
        target = ticket.sla_policy.escalate_to_tier
        if access.TIER_RANK[ticket.tier] < access.TIER_RANK[target]:
            ticket_escalate(ticket=ticket, to_tier=target, reason=_("SLA breached"), actor=None)
            moved += 1
    return moved
