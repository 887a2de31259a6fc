"""Recognition writes: a coach confirms a monthly "top agent" award from the ranking."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import COACH_PERMISSION, AgentAward
from training.selectors import first_of_month, top_agents

ERROR_MONTH_NOT_OVER = "month_not_over"
ERROR_NOT_IN_AWARD_PLACES = "not_in_award_places"


@transaction.atomic
def award_confirm(*, agent, month: date, actor, citation: str = "") -> tuple[AgentAward, bool]:
    """Confirm `agent`'s award for `month` with the ranking's figures; returns (award, created).

    Idempotent: confirming an award that exists returns it unchanged. Only coaches confirm,
    never their own; only finished months, and only agents within the award places.
    """
    if not actor.has_perm(COACH_PERMISSION) or agent.pk == actor.pk:
        raise PermissionDenied
    month = first_of_month(month)
    existing = AgentAward.objects.filter(agent=agent, month=month).first()
    if existing is not None:
        return existing, False
    if month >= first_of_month(timezone.localdate()):
        message = _("A month's awards are confirmed once the month is over.")
        raise ValidationError({"month": ValidationError(message, code=ERROR_MONTH_NOT_OVER)})
    entry = top_agents(month=month).entry_for(agent.pk)
    if entry is None or not entry.in_award_places:
        raise ValidationError(
            _("%(agent)s is not among the top agents of %(month)s.")
            % {"agent": agent.get_full_name() or agent.get_username(), "month": f"{month:%Y-%m}"},
            code=ERROR_NOT_IN_AWARD_PLACES,
        )
    # get_or_create: two coaches confirming at once end with one award (the unique constraint decides).
    return AgentAward.objects.get_or_create(
        agent=agent,
        month=month,
        defaults={
            "rank": entry.rank,
            "csat": entry.row.csat,
            "responses": entry.row.rated,
            "tickets": entry.row.solved,
            "citation": citation.strip(),
            "confirmed_by": actor,
        },
    )


@transaction.atomic
def award_revoke(*, award: AgentAward, actor, reason: str) -> AgentAward:
    """Revoke a confirmed award (a ranking built on answers later found to be wrong, a conduct issue).

    Kept on the record with who revoked it and why; revoking twice changes nothing. Coaches only,
    never their own award.
    """
    if not actor.has_perm(COACH_PERMISSION) or award.agent_id == actor.pk:
        raise PermissionDenied(_("Only another coach can revoke this award."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the award is revoked.")}, code="reason_required")
    award = AgentAward.objects.select_for_update().get(pk=award.pk)
    if award.revoked_at is None:
        award.revoked_at, award.revoked_by, award.revoke_reason = timezone.now(), actor, reason[:255]
        award.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return award
