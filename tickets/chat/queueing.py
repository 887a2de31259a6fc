"""Where a chat waits and who takes it: the chat's team, business hours, agents online, routing, queue places.

Reads only, plus announce_queue (after commit, every waiting customer gets their place and the consoles a
fresh queue); the writes that move a chat between states are in tickets.chat.services.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from tickets.chat import live
from tickets.chat.models import AgentChatStatus, ChatSession, ChatState
from tickets.models import AgentProfile, Team, Tier
from tickets.sla.calendar import open_intervals


def chat_team_for(*, language: str) -> Team | None:
    """The first-line team for a chat nothing routed: one speaking the language, else any."""
    teams = list(Team.objects.filter(is_active=True, tier=Tier.L1, handles_security=False).order_by("name"))
    speaking = [team for team in teams if language in (team.languages or [])]
    return (speaking or teams or [None])[0]


def desk_is_open(session: ChatSession, *, at: datetime | None = None) -> bool:
    """Business hours of the chat's SLA calendar (the policy its ticket got); no policy: always open."""
    ticket = session.ticket
    if ticket is None or ticket.sla_policy_id is None:
        return True
    calendar = ticket.sla_policy.calendar.to_calendar()
    moment = at or timezone.now()
    local_day = timezone.localtime(moment, calendar.time_zone).date()
    for day in (local_day - timedelta(days=1), local_day):
        for start, end in open_intervals(calendar, day):
            if start <= moment <= end:
                return True
    return False


def online_agents(session: ChatSession):
    seen_since = timezone.now() - timedelta(seconds=settings.CHAT_AGENT_ONLINE_SECONDS)
    statuses = AgentChatStatus.objects.filter(
        is_available=True, seen_at__gte=seen_since, user__is_active=True, user__is_staff=True
    )
    if session.team_id is not None:
        statuses = statuses.filter(user__agent_profile__teams=session.team_id)
    return statuses


def route_agent(*, session: ChatSession):
    """The least-loaded available online agent of the chat's team with its language and category, under their limit."""
    ticket = session.ticket
    statuses = (
        online_agents(session)
        .select_related("user")
        .annotate(active=Count("user__agent_chats", filter=Q(user__agent_chats__state=ChatState.ACTIVE)))
        .filter(active__lt=F("max_chats"))
    )
    candidates = []
    for status in statuses:
        profile = AgentProfile.objects.filter(user=status.user).prefetch_related("skills").first()
        if profile is None:
            continue
        if profile.languages and session.language not in profile.languages:
            continue
        skills = {skill.pk for skill in profile.skills.all()}
        if ticket.category_id and skills and ticket.category_id not in skills:
            continue
        candidates.append((status.active / max(status.max_chats, 1), status.active, status.user.pk, status.user))
    if not candidates:
        return None
    return min(candidates, key=lambda row: row[:3])[3]


def queue_position(session: ChatSession) -> tuple[int, int]:
    """(place in the team's queue, expected wait in seconds) for a waiting chat."""
    ahead = ChatSession.objects.waiting().filter(team_id=session.team_id, queued_at__lt=session.queued_at).count()
    place = ahead + 1
    recent = (
        ChatSession.objects.filter(team_id=session.team_id, accepted_at__isnull=False)
        .order_by("-accepted_at")[:20]
        .aggregate(wait=Avg(F("accepted_at") - F("queued_at")))["wait"]
    )
    per_place = recent.total_seconds() if recent else settings.CHAT_DEFAULT_WAIT_SECONDS
    online = max(online_agents(session).count(), 1)
    return place, int(per_place * place / online)


def announce_queue(team_id: int | None) -> None:
    """After commit: every waiting customer of the team gets their place, the consoles a fresh queue."""

    def send() -> None:
        for waiting in ChatSession.objects.waiting().filter(team_id=team_id):
            place, wait = queue_position(waiting)
            live.send_now(
                live.session_group(waiting.pk),
                {"type": "state", "session": waiting.pk, "state": waiting.state, "place": place, "wait": wait},
            )
        live.send_now(live.CONSOLE_GROUP, {"type": "queue"})

    transaction.on_commit(send)
