"""Live chat: a chat session is the live side of a chat-channel ticket.

The messages are the ticket's own messages (tickets.TicketMessage, via "chat"): the transcript is
the ticket. A session adds what only a live conversation has: who is on it now, its place in the
queue, what each side has read, and the widget's message ids that make a resent message harmless.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models.base import TimeStampedModel
from tickets.models.customers import Customer
from tickets.models.organisation import Team
from tickets.models.tickets import Ticket, TicketMessage


class ChatState(models.TextChoices):
    BOT = "bot", _("With the bot")
    QUEUED = "queued", _("Waiting for an agent")
    ACTIVE = "active", _("With an agent")
    OFFLINE = "offline", _("Left as a ticket (no agent)")
    ENDED = "ended", _("Ended")


LIVE_STATES = (ChatState.BOT, ChatState.QUEUED, ChatState.ACTIVE)


def new_chat_key() -> str:
    return secrets.token_urlsafe(24)


class ChatSessionQuerySet(models.QuerySet):
    def waiting(self) -> ChatSessionQuerySet:
        return self.filter(state=ChatState.QUEUED).order_by("queued_at", "pk")

    def held_by(self, user) -> ChatSessionQuerySet:
        return self.filter(state=ChatState.ACTIVE, agent=user)


class ChatSession(TimeStampedModel):
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_chat_key, editable=False)
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="chat", null=True, blank=True
    )
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="chats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer_chats",
        help_text=_("Empty for a visitor who chats without signing in (by email)."),
    )
    state = models.CharField(_("state"), max_length=10, choices=ChatState.choices, default=ChatState.BOT)
    language = models.CharField(_("language"), max_length=10, default="en")
    origin = models.CharField(_("started on"), max_length=200, blank=True, help_text=_("The site of the widget."))
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="chats"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent_chats",
    )
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offered_chats",
        help_text=_("The least-loaded available agent routing picked; any agent of the team may still accept."),
    )
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    customer_read_id = models.BigIntegerField(_("customer read up to"), default=0)
    agent_read_id = models.BigIntegerField(_("agent read up to"), default=0)

    objects = ChatSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        permissions = [
            ("work_chats", _("Can take and answer live chats")),
            ("supervise_chats", _("Can watch every chat queue and agent")),
        ]
        indexes = [
            models.Index(fields=["queued_at"], condition=Q(state=ChatState.QUEUED), name="chat_waiting"),
            models.Index(fields=["agent"], condition=Q(state=ChatState.ACTIVE), name="chat_active_agent"),
        ]

    def __str__(self) -> str:
        return self.ticket.reference if self.ticket_id else _("chat %(id)s") % {"id": self.pk}

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


class ChatMessageKey(models.Model):
    """The widget's id of a message it sent: the same id again is the same message (resent after a drop)."""

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="keys")
    client_id = models.CharField(max_length=64)
    message = models.OneToOneField(TicketMessage, on_delete=models.CASCADE, related_name="chat_key")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "client_id"], name="unique_chat_client_id")]

    def __str__(self) -> str:
        return self.client_id


class AgentChatStatus(models.Model):
    """An agent's chat console: available or away, how many chats at once, when it was last seen."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="chat_status"
    )
    is_available = models.BooleanField(_("available for chats"), default=False)
    max_chats = models.PositiveSmallIntegerField(_("chats at once"), default=3)
    seen_at = models.DateTimeField(_("console last seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent chat status")
        verbose_name_plural = _("agent chat statuses")

    def __str__(self) -> str:
        return str(self.user)
