"""Who may change what: the one permission check every writing service makes, and the object rules.

The role table (supportdesk.roles) grants Django permissions. A service that writes names the
permission its change needs and asks here, so the admin, the REST API, the portal and tasks cannot
disagree: a view that forgot a check still reaches a service that refuses. On top of the
permission, three object rules decide which tickets a staff member may act on:

- team: only tickets they can see (Ticket.objects.visible_to: their teams' tickets and those
  assigned to them; every ticket with tickets.view_all_tickets);
- assignee: taking a ticket away from the colleague who holds it needs tickets.assign_any_ticket;
- escalation tier: sending a ticket back to a lower tier needs tickets.deescalate_ticket, unless
  the actor's own tier is at least the ticket's (an L2 agent may hand an L2 case back to L1).

Customers never pass these checks (they are not staff); what a customer may do to their own
records is decided by the customer services.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tickets.models import AgentProfile, Ticket, Tier

TIER_RANK = {value: rank for rank, value in enumerate(Tier.values)}


def has_staff_permission(actor, permission: str) -> bool:
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.is_staff
        and actor.has_perm(permission)
    )


def require_permission(actor, permission: str) -> None:
    """Raise PermissionDenied unless `actor` is active staff whose role grants `permission`."""
    if not has_staff_permission(actor, permission):
        raise PermissionDenied(_("Your role does not allow this."))


def require_ticket_permission(actor, ticket_id: int, permission: str = "tickets.change_ticket") -> None:
    """The permission, and the ticket within the actor's reach (team rule)."""
    require_permission(actor, permission)
    if not Ticket.objects.visible_to(actor).filter(pk=ticket_id).exists():
        raise PermissionDenied(_("You cannot work on this ticket."))


def require_may_reassign(actor, ticket: Ticket) -> None:
    """Assignee rule: a ticket held by someone else moves only with tickets.assign_any_ticket."""
    if ticket.assignee_id not in (None, actor.pk) and not actor.has_perm("tickets.assign_any_ticket"):
        raise PermissionDenied(_("Only a supervisor can take a ticket away from its assignee."))


def require_may_change_tier(actor, ticket: Ticket, tier: str) -> None:
    """Tier rule: escalating is open to everyone who works the ticket; de-escalating is not."""
    if TIER_RANK.get(tier, 0) >= TIER_RANK[ticket.tier] or actor.has_perm("tickets.deescalate_ticket"):
        return
    own_tier = AgentProfile.objects.filter(user=actor).values_list("tier", flat=True).first()
    if own_tier is None or TIER_RANK[own_tier] < TIER_RANK[ticket.tier]:
        raise PermissionDenied(
            _("Only a senior agent, a supervisor or an agent of tier %(tier)s can send this ticket back down.")
            % {"tier": Tier(ticket.tier).label}
        )
