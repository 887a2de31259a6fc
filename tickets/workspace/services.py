"""Every write of saved views."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from tickets.models import Team
from tickets.services.base import is_team_member
from tickets.workspace.models import SavedView

# Changelist parameters that are not part of a view: the page, the popup and action state.
_TRANSIENT = {"p", "_popup", "_to_field", "all", "e"}


def normalise_query(query: str) -> str:
    """The changelist query string without the page and admin-internal parameters, keys sorted."""
    params = QueryDict(query.lstrip("?"))
    kept = sorted((key, value) for key, values in params.lists() if key not in _TRANSIENT for value in values)
    return urlencode(kept)


def _may_supervise(user, team: Team) -> bool:
    return team.supervisor_id == user.pk or user.has_perm("tickets.view_all_tickets")


@transaction.atomic
def saved_view_create(*, owner, name: str, query: str, team: Team | None = None) -> SavedView:
    """Save the owner's current ticket-list query under a name, for themselves or shared with one of their teams."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the view a name.")}, code="required")
    if team is not None and not (is_team_member(owner, team) or _may_supervise(owner, team)):
        raise PermissionDenied(_("You can share a view only with a team you belong to."))
    return SavedView.objects.create(owner=owner, name=name[:100], query=normalise_query(query)[:1000], team=team)


@transaction.atomic
def saved_view_set_team_default(*, view: SavedView, actor, is_default: bool = True) -> SavedView:
    """A supervisor makes a shared view one of the team's defaults (or stops it being one)."""
    if view.team is None:
        raise ValidationError(_("Only a view shared with a team can be a team default."), code="not_shared")
    if not _may_supervise(actor, view.team):
        raise PermissionDenied(_("Only the team's supervisor sets its default views."))
    view.is_team_default = is_default
    view.save(update_fields=["is_team_default"])
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor) -> None:
    if view.owner_id != actor.pk and not (view.team is not None and _may_supervise(actor, view.team)):
        raise PermissionDenied(_("Only the owner or the team's supervisor can delete this view."))
    view.delete()
