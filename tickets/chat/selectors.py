"""Reads of the live chat: whose chat a socket may open, the history to replay, the consoles' live picture."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from tickets.chat.live import message_frame
from tickets.chat.models import AgentChatStatus, ChatSession, ChatState
from tickets.models import Ticket, TicketMessage


def chat_for_customer(*, key: str, user) -> ChatSession | None:
    """The chat behind the widget's key, if this visitor may open it.

    The key is the visitor's proof (it is only ever given to the browser that started the chat). A chat
    started signed in additionally needs that same login: another customer's session never opens it.
    """
    session = ChatSession.objects.select_related("ticket").filter(key=key).first() if key else None
    if session is None:
        return None
    if session.user_id is not None and (user is None or not user.is_authenticated or user.pk != session.user_id):
        return None
    if user is not None and user.is_authenticated and user.is_staff:
        return None
    return session


def chat_history(session: ChatSession, *, after_id: int = 0, limit: int = 500) -> list[dict]:
    """The public lines after `after_id` (the last one the client acknowledged), oldest first, as frames."""
    if session.ticket_id is None:
        return []
    messages = (
        TicketMessage.objects.filter(ticket_id=session.ticket_id, is_internal=False, pk__gt=after_id)
        .select_related("author", "chat_key")
        .prefetch_related("attachments")
        .order_by("id")[:limit]
    )
    return [{**message_frame(message, client_id=_client_id(message)), "session": session.pk} for message in messages]


def _client_id(message: TicketMessage) -> str:
    try:
        return message.chat_key.client_id
    except TicketMessage.chat_key.RelatedObjectDoesNotExist:
        return ""


def chat_for_agent(*, session_id: int, user) -> ChatSession | None:
    """A chat the staff member may see: its ticket is within their reach (tickets visible to them)."""
    visible = Ticket.objects.visible_to(user).values("pk")
    return (
        ChatSession.objects.select_related("ticket", "customer", "agent", "team")
        .filter(pk=session_id, ticket__in=visible)
        .first()
    )


def _waited(since) -> int:
    return int((timezone.now() - since).total_seconds()) if since else 0


def console_snapshot(*, user) -> dict:
    """What an agent's console shows: waiting chats (by team and language), their own chats, and for
    supervisors every team's queue and every agent's status."""
    visible = Ticket.objects.visible_to(user).values("pk")
    waiting = [
        {
            "id": chat.pk,
            "reference": chat.ticket.reference,
            "subject": chat.ticket.subject,
            "team": chat.team.name if chat.team else "",
            "language": chat.language,
            "waited": _waited(chat.queued_at),
            "offered_to_me": chat.offered_to_id == user.pk,
        }
        for chat in ChatSession.objects.waiting().filter(ticket__in=visible).select_related("ticket", "team")[:200]
    ]
    mine = [
        {
            "id": chat.pk,
            "reference": chat.ticket.reference,
            "subject": chat.ticket.subject,
            "customer": chat.customer.name or chat.customer.email,
            "language": chat.language,
            "agent_read_id": chat.agent_read_id,
            "customer_read_id": chat.customer_read_id,
        }
        for chat in ChatSession.objects.held_by(user).select_related("ticket", "customer")
    ]
    status = AgentChatStatus.objects.filter(user=user).first()
    snapshot = {
        "type": "queue",
        "waiting": waiting,
        "mine": mine,
        "available": bool(status and status.is_available),
        "max_chats": status.max_chats if status else settings.CHAT_AGENT_MAX_CHATS,
    }
    if user.has_perm("tickets.supervise_chats"):
        snapshot["teams"] = supervisor_queues()
        snapshot["agents"] = supervisor_agents()
    return snapshot


def supervisor_queues() -> list[dict]:
    now = timezone.now()
    rows = {}
    for chat in ChatSession.objects.filter(state__in=(ChatState.QUEUED, ChatState.ACTIVE)).select_related("team"):
        row = rows.setdefault(
            chat.team_id, {"team": chat.team.name if chat.team else "", "waiting": 0, "active": 0, "longest": 0}
        )
        if chat.state == ChatState.QUEUED:
            row["waiting"] += 1
            row["longest"] = max(row["longest"], int((now - chat.queued_at).total_seconds()))
        else:
            row["active"] += 1
    return sorted(rows.values(), key=lambda row: row["team"])


def supervisor_agents() -> list[dict]:
    online_since = timezone.now() - timedelta(seconds=settings.CHAT_AGENT_ONLINE_SECONDS)
    statuses = (
        AgentChatStatus.objects.select_related("user")
        .annotate(active=Count("user__agent_chats", filter=Q(user__agent_chats__state=ChatState.ACTIVE)))
        .order_by("user__username")
    )
    return [
        {
            "name": status.user.get_full_name() or status.user.get_username(),
            "available": status.is_available,
            "online": bool(status.seen_at and status.seen_at >= online_since),
            "active": status.active,
            "max_chats": status.max_chats,
        }
        for status in statuses
    ]
