"""Reads of saved views: the ones a user may use, and how many tickets each shows, in one query for all.

A count is computed from the view's query with the same meaning as the ticket list's filters; a view
whose query uses a filter the count does not know (search words, dates, SLA state) shows no count
rather than a wrong one. The counts read only tickets the user may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tickets.models import OPEN_STATUSES, Status, Ticket, team_ids_of
from tickets.workspace.models import SavedView

_FIELD_FILTERS = {
    "status__exact": "status",
    "priority__exact": "priority",
    "channel__exact": "channel",
    "language__exact": "language",
    "tier__exact": "tier",
    "category__id__exact": "category_id",
    "team__id__exact": "team_id",
}
_IGNORED = {"o"}  # ordering changes the order, not the count


def _assignee_q(value: str, user) -> Q | None:
    if value == "me":
        return Q(assignee=user)
    if value == "created":
        return Q(created_by=user)
    if value == "none":
        return Q(assignee__isnull=True)
    return Q(assignee_id=int(value)) if value.isdigit() else None


def query_condition(query: str, *, user) -> Q | None:
    """The view's filters as one condition on tickets, or None when a filter is not countable."""
    condition = Q()
    for key, value in QueryDict(query).items():
        if key in _IGNORED:
            continue
        if key in _FIELD_FILTERS:
            condition &= Q(**{_FIELD_FILTERS[key]: value})
        elif key == "queue" and value in ("open", "pending"):
            condition &= Q(status__in=OPEN_STATUSES) if value == "open" else Q(status=Status.PENDING_CUSTOMER)
        elif key == "assignee" and (assignee := _assignee_q(value, user)) is not None:
            condition &= assignee
        else:
            return None
    return condition


@dataclass(frozen=True)
class ViewRow:
    key: str
    name: str
    query: str
    kind: str
    count: int | None
    view: SavedView | None = None


def visible_views(user) -> QuerySet:
    """The user's own views and those shared with their teams; team defaults first."""
    return (
        SavedView.objects.filter(Q(owner=user) | Q(team_id__in=team_ids_of(user)))
        .select_related("owner", "team")
        .order_by("-is_team_default", "name", "id")
    )


def builtin_views() -> list[tuple[str, str, str]]:
    return [
        ("mine", str(_("My open tickets")), "assignee=me&queue=open"),
        ("created", str(_("Created by me")), "assignee=created"),
        ("waiting", str(_("Waiting on the customer, mine")), "assignee=me&queue=pending"),
    ]


def my_work(user) -> list[ViewRow]:
    """Built-in views, team defaults, shared and own views, each with its count: two queries in all."""
    views = list(visible_views(user))
    rows = [(key, name, query, str(_("built-in")), None) for key, name, query in builtin_views()]
    for view in views:
        kind = _("team default") if view.is_team_default else (_("shared") if view.team_id else _("private"))
        rows.append((f"view-{view.pk}", view.name, view.query, str(kind), view))
    conditions = {key: query_condition(query, user=user) for key, _name, query, _kind, _view in rows}
    countable = {key: condition for key, condition in conditions.items() if condition is not None}
    counts = (
        Ticket.objects.visible_to(user).aggregate(
            **{
                key.replace("-", "_"): Count("id", filter=condition) if condition else Count("id")
                for key, condition in countable.items()
            }
        )
        if countable
        else {}
    )
    return [
        ViewRow(key=key, name=name, query=query, kind=kind, count=counts.get(key.replace("-", "_")), view=view)
        for key, name, query, kind, view in rows
    ]
