"""Classification and routing of new tickets, and the team of an escalation tier.

`plan_route` decides before the ticket row exists (category, priority, tier,
team, with the reasons, which ticket_create writes on the "created" event); it
and the other lookups here only read. `ticket_auto_assign` runs after the
ticket is created, inside ticket_create's transaction: when the team
auto-assigns, it hands the ticket to the best available agent and records why
on an assignment event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import events
from tickets.models import (
    OPEN_STATUSES,
    AgentProfile,
    Category,
    Channel,
    KeywordRule,
    Priority,
    Team,
    Ticket,
    Tier,
)
from tickets.notifications import services as notifications
from tickets.services import classifier

# Channels without a category form: their free text is classified by the keyword rules.
CLASSIFIED_CHANNELS = (Channel.EMAIL, Channel.BOT)
PRIORITY_RANK = {value: rank for rank, value in enumerate(Priority.values)}


@dataclass
class Route:
    category: Category | None
    priority: str
    tier: str
    team: Team | None
    reasons: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "; ".join(self.reasons)


def matching_rule(text: str, *, classify: bool) -> KeywordRule | None:
    """The first active rule with a phrase in `text`; unless `classify`, only rules that always apply."""
    folded = text.casefold()
    for rule in KeywordRule.objects.active():
        if (rule.applies_always or classify) and any(phrase in folded for phrase in rule.phrases()):
            return rule
    return None


def _speaking_first(teams: list[Team], language: str) -> list[Team]:
    return sorted(teams, key=lambda team: (language not in (team.languages or []), team.pk))


def team_for(*, category: Category | None, language: str, tier: str | None = None) -> Team | None:
    """The team serving `category` (of `tier` when given), preferring one that speaks the language.

    With a tier and no team of that tier serving the category, any team of the tier
    (the security team takes every L3 case).
    """
    teams = list(Team.objects.filter(is_active=True).prefetch_related("categories"))
    serving = [team for team in teams if category is not None and category in team.categories.all()]
    if tier is not None:
        serving = [team for team in serving if team.tier == tier] or [team for team in teams if team.tier == tier]
    return (_speaking_first(serving, language) or [None])[0]


def plan_route(
    *,
    text: str,
    channel: str,
    category: Category | None,
    priority: str | None,
    language: str,
    team: Team | None,
) -> Route:
    """Classify (keyword rules) and choose the team. An explicit team (chosen by an agent) is kept."""
    reasons: list[str] = []
    tier = Tier.L1
    rule = matching_rule(text, classify=category is None and channel in CLASSIFIED_CHANNELS)
    if rule is not None:
        reasons.append(_("keyword rule “%(rule)s”") % {"rule": rule.name})
        category = rule.category or category
        if rule.tier:
            tier = rule.tier
        if rule.priority and (priority is None or PRIORITY_RANK[rule.priority] > PRIORITY_RANK[priority]):
            priority = rule.priority
    priority = priority or (category.default_priority if category else Priority.NORMAL)
    if team is not None:
        reasons.append(_("team chosen by hand"))
    else:
        team = team_for(category=category, language=language, tier=tier if tier != Tier.L1 else None)
        if team is None:
            team = triage_team()
            reasons.extend(_triage_reasons(text=text, language=language, triage=team))
        else:
            speaks = language in (team.languages or [])
            reasons.append(
                _("routed to %(team)s: category %(category)s, language %(language)s%(speaks)s")
                % {
                    "team": team.name,
                    "category": category.name if category else "-",
                    "language": language,
                    "speaks": "" if speaks else _(" (the team does not speak it)"),
                }
            )
    return Route(category=category, priority=priority, tier=tier, team=team, reasons=reasons)


def triage_team() -> Team | None:
    """The active team that owns the triage queue (Team.handles_triage), if one is set."""
    return Team.objects.filter(handles_triage=True, is_active=True).first()


def _triage_reasons(*, text: str, language: str, triage: Team | None) -> list[str]:
    reasons = [
        _("no team serves this category: triage queue of %(team)s") % {"team": triage.name}
        if triage is not None
        else _("no team serves this category and no triage team is set")
    ]
    suggestion = classifier.ticket_classifier().suggest(text=text, language=language)
    if suggestion is not None:
        reasons.append(
            _("suggested: category %(category)s, team %(team)s (%(score)d%%)")
            % {
                "category": suggestion.category.name,
                "team": suggestion.team.name if suggestion.team else "-",
                "score": round(suggestion.score * 100),
            }
        )
    return reasons


def _open_ticket_count() -> Coalesce:
    open_assigned = (
        Ticket.objects.filter(assignee=OuterRef("user"), status__in=OPEN_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(open_assigned), 0)


def agent_candidates(*, team: Team, category: Category | None) -> QuerySet:
    """Available agents of the team below their maximum, least loaded first, then longest since an assignment."""
    candidates = (
        AgentProfile.objects.filter(teams=team, is_available=True, user__is_active=True, user__is_staff=True)
        .annotate(open_total=_open_ticket_count())
        .filter(open_total__lt=F("max_open_tickets"))
        .select_related("user")
        .order_by("open_total", F("last_assigned_at").asc(nulls_first=True), "pk")
    )
    if category is not None:
        candidates = candidates.filter(skills=category)
    return candidates


def choose_agent(*, team: Team, language: str, category: Category | None) -> AgentProfile | None:
    # Agents' languages are a JSON list: filtered here, the team's agents are few.
    return next((p for p in agent_candidates(team=team, category=category) if language in (p.languages or [])), None)


@transaction.atomic
def ticket_auto_assign(*, ticket: Ticket, route: Route) -> None:
    """Give a new ticket to the best available agent when its team auto-assigns; record why."""
    if route.team is None or not route.team.auto_assign:
        return
    # Serialise auto-assignment per team so two new tickets cannot both take an agent's last free slot.
    list(AgentProfile.objects.select_for_update(of=("self",)).filter(teams=route.team).values_list("pk", flat=True))
    profile = choose_agent(team=route.team, language=ticket.language, category=ticket.category)
    if profile is None:
        events.assignment_changed(
            ticket=ticket, actor=None, note=_("auto-assignment: no available agent with the skills")
        )
        return
    now = timezone.now()
    ticket.assignee = profile.user
    ticket.save(update_fields=["assignee", "updated_at"])
    AgentProfile.objects.filter(pk=profile.pk).update(last_assigned_at=now)
    notifications.on_commit(
        notifications.notify_ticket_assigned, ticket_id=ticket.pk, assignee_id=profile.user_id, actor_id=None
    )
    events.assignment_changed(
        ticket=ticket,
        actor=None,
        after=profile.user.get_username(),
        note=_("auto-assigned: %(open)d of %(max)d open tickets")
        % {"open": profile.open_total, "max": profile.max_open_tickets},
    )
