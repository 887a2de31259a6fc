"""State changes of a ticket: status, priority, category, tier, team, assignment, tags, merge."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.kit.validators import check_choice, field_error
from tickets import access, events
from tickets.connectors.services import outbound as connector_outbound
from tickets.email.services import outbound as email_outbound
from tickets.models import (
    AgentProfile,
    Category,
    Priority,
    Status,
    Tag,
    Team,
    Ticket,
    Tier,
)
from tickets.notifications import services as notifications
from tickets.services import versions
from tickets.services.base import (
    ERROR_ASSIGNEE_NOT_AGENT,
    ERROR_ASSIGNEE_NOT_IN_TEAM,
    ERROR_MERGE_CLOSED,
    ERROR_MERGE_OTHER_CUSTOMER,
    ERROR_MERGE_SAME_TICKET,
    apply_status,
    is_team_member,
    lock_ticket,
)
from tickets.sla.services import clocks as sla_clocks


@transaction.atomic
def ticket_change_status(
    *, ticket: Ticket, status: str, actor, note: str = "", expected_version: str | None = None
) -> Ticket:
    access.require_ticket_permission(actor, ticket.pk)
    ticket = versions.ticket_require_version(ticket=ticket, expected_version=expected_version)
    previous_status = ticket.status
    apply_status(ticket, status, actor, note)
    email_outbound.outbound_email_queue_status_change(ticket=ticket, previous_status=previous_status)
    connector_outbound.channel_queue_status_change(ticket=ticket, previous_status=previous_status)
    notifications.ticket_changed_on_commit(ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def ticket_change_priority(*, ticket: Ticket, priority: str, actor) -> Ticket:
    access.require_ticket_permission(actor, ticket.pk)
    check_choice(priority, Priority, "priority")
    ticket = lock_ticket(ticket)
    if ticket.priority != priority:
        before = ticket.priority
        ticket.priority = priority
        ticket.save(update_fields=["priority", "updated_at"])
        events.priority_changed(ticket=ticket, actor=actor, before=before, after=priority, note=_sla_note(ticket))
    return ticket


@transaction.atomic
def ticket_change_category(*, ticket: Ticket, category: Category | None, actor) -> Ticket:
    access.require_ticket_permission(actor, ticket.pk)
    ticket = lock_ticket(ticket)
    if ticket.category_id != (category.pk if category else None):
        old = ticket.category.name if ticket.category else ""
        ticket.category = category
        ticket.save(update_fields=["category", "updated_at"])
        new = category.name if category else ""
        events.category_changed(ticket=ticket, actor=actor, before=old, after=new, note=_sla_note(ticket))
    return ticket


def _sla_note(ticket: Ticket) -> str:
    """Re-choose the SLA policy after a priority or category change; the timeline note when it changed."""
    changed = sla_clocks.policy_inputs_changed(ticket=ticket, at=timezone.now())
    if changed is None:
        return ""
    return _("SLA policy: %(old)s → %(new)s") % {"old": changed[0] or _("none"), "new": changed[1]}


@transaction.atomic
def ticket_change_tier(*, ticket: Ticket, tier: str, actor, reason: str = "") -> Ticket:
    """Escalate (or de-escalate) between L1, L2 and L3, with the reason on the timeline."""
    access.require_ticket_permission(actor, ticket.pk)
    check_choice(tier, Tier, "tier")
    ticket = lock_ticket(ticket)
    access.require_may_change_tier(actor, ticket, tier)
    apply_tier(ticket, tier, actor, reason)
    return ticket


def apply_tier(ticket: Ticket, tier: str, actor, reason: str = "") -> None:
    """Change the tier of a ticket the caller has locked (also used by tickets.services.escalation)."""
    if ticket.tier != tier:
        events.tier_changed(ticket=ticket, actor=actor, before=ticket.tier, after=tier, note=reason)
        ticket.tier = tier
        ticket.save(update_fields=["tier", "updated_at"])


@transaction.atomic
def ticket_change_team(*, ticket: Ticket, team: Team | None, actor) -> Ticket:
    """Move the ticket to another team; an assignee who is not in it is removed."""
    access.require_ticket_permission(actor, ticket.pk)
    ticket = lock_ticket(ticket)
    apply_team(ticket, team, actor)
    return ticket


def apply_team(ticket: Ticket, team: Team | None, actor, note: str = "") -> None:
    """Move a ticket the caller has locked to `team` (also used by tickets.services.escalation)."""
    if ticket.team_id == (team.pk if team else None):
        return
    events.team_changed(
        ticket=ticket,
        actor=actor,
        before=ticket.team.name if ticket.team else "",
        after=team.name if team else "",
        note=note,
    )
    ticket.team = team
    fields = ["team", "updated_at"]
    if ticket.assignee_id and (team is None or not is_team_member(ticket.assignee, team)):
        events.assignment_changed(
            ticket=ticket, actor=actor, before=ticket.assignee.get_username(), note=_("not in the new team")
        )
        ticket.assignee = None
        fields.append("assignee")
    ticket.save(update_fields=fields)
    if team is not None and ticket.assignee_id is None:
        notifications.on_commit(
            notifications.notify_ticket_team_assigned,
            ticket_id=ticket.pk,
            team_id=team.pk,
            actor_id=getattr(actor, "pk", None),
        )


def validate_assignee(*, ticket: Ticket, assignee) -> None:
    """An assignee must be an agent, and a member of the ticket's team when it has one."""
    if assignee is None:
        return
    if not assignee.is_active or not assignee.is_staff or not AgentProfile.objects.filter(user=assignee).exists():
        raise field_error(
            "assignee", _("%(user)s is not an agent.") % {"user": assignee.get_username()}, ERROR_ASSIGNEE_NOT_AGENT
        )
    if ticket.team_id and not is_team_member(assignee, ticket.team):
        raise field_error(
            "assignee",
            _("%(user)s is not a member of the team %(team)s.")
            % {"user": assignee.get_username(), "team": ticket.team.name},
            ERROR_ASSIGNEE_NOT_IN_TEAM,
        )


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee, actor, reason: str = "", expected_version: str | None = None) -> Ticket:
    """Assign (or, with None, unassign) a ticket; the new assignee is notified.

    Agents may take tickets of their teams and hand them to teammates;
    re-assigning a ticket someone else holds needs tickets.assign_any_ticket.
    """
    access.require_ticket_permission(actor, ticket.pk)
    ticket = versions.ticket_require_version(ticket=ticket, expected_version=expected_version)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    access.require_may_reassign(actor, ticket)
    validate_assignee(ticket=ticket, assignee=assignee)
    events.assignment_changed(
        ticket=ticket,
        actor=actor,
        before=ticket.assignee.get_username() if ticket.assignee else "",
        after=assignee.get_username() if assignee else "",
        note=reason,
    )
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    notifications.ticket_changed_on_commit(ticket=ticket, actor=actor)
    if assignee is not None:
        AgentProfile.objects.filter(user=assignee).update(last_assigned_at=timezone.now())
        notifications.on_commit(
            notifications.notify_ticket_assigned,
            ticket_id=ticket.pk,
            assignee_id=assignee.pk,
            actor_id=getattr(actor, "pk", None),
        )
    return ticket


@transaction.atomic
def ticket_set_tags(*, ticket: Ticket, tags: Iterable[Tag], actor) -> Ticket:
    access.require_ticket_permission(actor, ticket.pk)
    ticket = lock_ticket(ticket)
    new = sorted({tag.name for tag in tags})
    old = sorted(ticket.tags.values_list("name", flat=True))
    if new != old:
        ticket.tags.set(Tag.objects.filter(name__in=new))
        events.tags_changed(ticket=ticket, actor=actor, before=old, after=new)
        ticket.save(update_fields=["updated_at"])
    return ticket


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor) -> Ticket:
    """Merge a duplicate `source` into `target`: its messages move, it is closed with a pointer.

    Both tickets must belong to the same customer, so no one ever sees another
    customer's messages on their ticket.
    """
    access.require_ticket_permission(actor, source.pk)
    access.require_ticket_permission(actor, target.pk)
    if source.pk == target.pk:
        raise ValidationError(_("A ticket cannot be merged into itself."), code=ERROR_MERGE_SAME_TICKET)
    first, second = sorted([source.pk, target.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.customer_id != target.customer_id:
        raise ValidationError(_("Only tickets of the same customer can be merged."), code=ERROR_MERGE_OTHER_CUSTOMER)
    if source.status == Status.CLOSED or target.status == Status.CLOSED:
        raise ValidationError(_("Closed tickets cannot be merged."), code=ERROR_MERGE_CLOSED)
    moved = source.messages.update(ticket=target)
    events.merged(
        ticket=target,
        actor=actor,
        source_reference=source.reference,
        target_reference=target.reference,
        note=_("%(count)d messages moved in") % {"count": moved},
    )
    events.merged(
        ticket=source,
        actor=actor,
        source_reference=source.reference,
        target_reference=target.reference,
        note=_("merged into %(reference)s") % {"reference": target.reference},
    )
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    apply_status(source, Status.CLOSED, actor, note=_("merged"))
    target.save(update_fields=["updated_at"])
    return target
