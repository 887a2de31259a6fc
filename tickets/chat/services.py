"""Every write of the live chat: start, messages, queue and routing, accept, transfer, end, agent status.

A chat is a chat-channel ticket from the customer's first line: the lines are the ticket's messages
(tickets.services.ticket_add_chat_message: intake gate, SLA clocks), the session holds the live state.
The bot (knowledge) answers through chat_bot_say after the tickets core tells it a customer wrote
(tickets.signals.chat_customer_wrote). Each service is atomic and announces its change to open sockets
after commit (tickets.chat.live).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from supportdesk.kit.text import ERROR_INVALID_EMAIL, normalise_email
from tickets import access
from tickets import services as ticket_services
from tickets.chat import live, queueing
from tickets.chat.models import AgentChatStatus, ChatMessageKey, ChatSession, ChatState
from tickets.models import AuthorKind, Channel, Status, Team, Ticket, TicketMessage
from tickets.safety.services import intake
from tickets.selectors import customer_for_user
from tickets.services.base import apply_status, lock_ticket
from tickets.services.changes import apply_team
from tickets.signals import send_chat_customer_wrote_on_commit
from tickets.sla.selectors import expected_first_reply_text

ERROR_CHAT_ENDED = "chat_ended"
ERROR_EMPTY_MESSAGE = "empty_message"
ERROR_MESSAGE_TOO_LONG = "message_too_long"
ERROR_BAD_CLIENT_ID = "bad_client_id"
ERROR_STAFF_CHAT = "staff_chat"
ERROR_AGENT_BUSY = "agent_busy"
ERROR_NOT_WAITING = "not_waiting"
MAX_CLIENT_ID_LENGTH = 64


@dataclass(frozen=True)
class Posted:
    message: TicketMessage
    created: bool  # False: the widget resent a message we already hold
    secret_removed: bool


def _lock(session: ChatSession) -> ChatSession:
    return ChatSession.objects.select_for_update(of=("self",)).select_related("ticket", "customer").get(pk=session.pk)


@transaction.atomic
def chat_start(*, user, email: str = "", name: str = "", language: str, origin: str = "") -> ChatSession:
    """A new chat for a signed-in customer, or for a visitor who gives an email address.

    The visitor's address is not proven: the console says so, and the chat shows the visitor only
    this conversation, never the customer's other requests.
    """
    if user is not None and user.is_authenticated:
        if user.is_staff:
            raise ValidationError(_("Staff accounts cannot start a customer chat."), code=ERROR_STAFF_CHAT)
        customer = customer_for_user(user=user)
        if customer is None:
            customer, _created = ticket_services.customer_get_or_create(
                email=user.email, name=user.get_full_name(), language=language, user=user
            )
        return ChatSession.objects.create(customer=customer, user=user, language=language, origin=origin[:200])
    try:
        address = normalise_email(email)
    except ValidationError as error:
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid email address."), code=ERROR_INVALID_EMAIL)}
        ) from error
    # A name is stored outside any ticket: the gate removes a secret typed into it (tickets.safety).
    gated = intake.gate_standalone({"name": " ".join(name.split())}, channel=Channel.CHAT)
    customer, _created = ticket_services.customer_get_or_create(
        email=address, name=gated.values["name"][:200], language=language
    )
    return ChatSession.objects.create(customer=customer, language=language, origin=origin[:200])


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ValidationError(
            _("A message can be at most %(limit)d characters.") % {"limit": settings.CHAT_MAX_MESSAGE_CHARS},
            code=ERROR_MESSAGE_TOO_LONG,
        )
    return text


def _check_client_id(client_id: str) -> str:
    if not client_id or len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise ValidationError(_("Each message needs its own id."), code=ERROR_BAD_CLIENT_ID)
    return client_id


def _already_posted(session: ChatSession, client_id: str) -> Posted | None:
    # A narrow lookup: every line asks, almost never is it a resend.
    message_id = ChatMessageKey.objects.filter(session=session, client_id=client_id).values_list("message_id").first()
    if message_id is None:
        return None
    return Posted(message=TicketMessage.objects.get(pk=message_id[0]), created=False, secret_removed=False)


def chat_customer_message(
    *, session: ChatSession, body: str, client_id: str, attachments: Sequence[UploadedFile] = ()
) -> Posted:
    """The customer's line: stored once per client id (a resend returns the stored line), then announced.

    The first line opens the chat ticket. A wallet secret is removed before storage and the customer is
    warned in the chat at once (and flagged, escalated, notified by tickets.safety like any intake).
    """
    client_id = _check_client_id(client_id)
    text = _clean_body(body)
    if not text and not attachments:
        raise ValidationError(_("Please type a message."), code=ERROR_EMPTY_MESSAGE)
    try:
        return _chat_customer_message(session=session, text=text, client_id=client_id, attachments=attachments)
    except IntegrityError:
        # The same id arrived twice at once (two tabs, a resend racing its original): the first one won.
        posted = _already_posted(session, client_id)
        if posted is None:
            raise
        return posted


@transaction.atomic
def _chat_customer_message(
    *, session: ChatSession, text: str, client_id: str, attachments: Sequence[UploadedFile]
) -> Posted:
    # The session row alone: a line on an open chat needs neither the customer nor the ticket joined here (the
    # ticket service reads the ticket under its own lock). Each line of a busy desk runs this.
    session = ChatSession.objects.select_for_update().get(pk=session.pk)
    posted = _already_posted(session, client_id)
    if posted is not None:
        return posted
    if session.state == ChatState.ENDED:
        raise ValidationError(_("This chat has ended. Start a new chat to write to us."), code=ERROR_CHAT_ENDED)
    author = session.user
    with override(session.language):
        if session.ticket_id is None:
            subject = text.splitlines()[0] if text else _("Chat")
            ticket = ticket_services.ticket_create(
                customer=session.customer,
                subject=subject[: ticket_services.SUBJECT_MAX_LENGTH],
                body=text or _("(attachment)"),
                channel=Channel.CHAT,
                actor=author,
                language=session.language,
                attachments=attachments,
            )
            if ticket.team_id is None:
                # Nothing in the first line named a category: the chat goes to a first-line team that speaks
                # the customer's language (an agent may still move it).
                ticket = lock_ticket(ticket)
                apply_team(ticket, queueing.chat_team_for(language=session.language), None, note=_("live chat"))
            session.ticket = ticket
            session.team = ticket.team
            session.save(update_fields=["ticket", "team", "updated_at"])
            message = ticket.messages.order_by("id").first()
            secret_removed = ticket.secret_exposed
        else:
            message, secret_removed = ticket_services.ticket_add_chat_message(
                ticket=Ticket(pk=session.ticket_id),  # re-read under the ticket's lock by the service
                body=text or _("(attachment)"),
                author_kind=AuthorKind.CUSTOMER,
                author=author,
                attachments=attachments,
            )
        ChatMessageKey.objects.create(session=session, client_id=client_id, message=message)
        stored = None if attachments else []
        live.send_to_session(session.pk, live.message_frame(message, client_id=client_id, attachments=stored))
        if secret_removed:
            _system_line(
                session,
                _(
                    "Please never share your recovery phrase or private key with anyone, including us: we removed "
                    "it and did not keep it. Treat it as stolen: create a new wallet on a clean device and move "
                    "your funds now."
                ),
            )
    if session.state == ChatState.BOT:
        send_chat_customer_wrote_on_commit(session_id=session.pk, message_id=message.pk)
    return Posted(message=message, created=True, secret_removed=secret_removed)


def _system_line(session: ChatSession, text: str) -> TicketMessage:
    message, _removed = ticket_services.ticket_add_chat_message(
        ticket=session.ticket, body=text, author_kind=AuthorKind.SYSTEM
    )
    live.send_to_session(session.pk, live.message_frame(message, attachments=[]))
    return message


@transaction.atomic
def chat_bot_say(*, session: ChatSession, text: str, hand_off: bool = False) -> TicketMessage | None:
    """The bot's line in a chat still with the bot; `hand_off` then asks for a person (chat_request_human)."""
    session = _lock(session)
    if session.state != ChatState.BOT or session.ticket_id is None:
        return None
    message = _system_line(session, text)
    if hand_off:
        _queue(session)
    return message


@transaction.atomic
def chat_request_human(*, session: ChatSession) -> ChatSession:
    """The customer asked for a person ("talk to a human"): join the queue, or leave a ticket when nobody is there."""
    session = _lock(session)
    if session.state != ChatState.BOT:
        return session
    if session.ticket_id is None:
        raise ValidationError(_("Please tell us what you need help with first."), code=ERROR_EMPTY_MESSAGE)
    _queue(session)
    return session


def _queue(session: ChatSession) -> None:
    """Into the queue with place and expected wait; closed or nobody online: a ticket the team answers later."""
    now = timezone.now()
    if not queueing.desk_is_open(session, at=now) or not queueing.online_agents(session).exists():
        session.state = ChatState.OFFLINE
        session.save(update_fields=["state", "updated_at"])
        reply_by = expected_first_reply_text(session.ticket, language=session.language)
        text = _(
            "No agent is available right now. Your conversation is saved as request %(reference)s "
            "and our team will answer it."
        ) % {"reference": session.ticket.reference}
        _system_line(session, f"{text} {reply_by}".strip())
        live.send_to_session(
            session.pk,
            {"type": "state", "state": session.state, "reference": session.ticket.reference, "reply_by": reply_by},
        )
        return
    session.state = ChatState.QUEUED
    session.queued_at = now
    session.offered_to = queueing.route_agent(session=session)
    session.save(update_fields=["state", "queued_at", "offered_to", "updated_at"])
    _system_line(session, _("You are in the queue for a person from our support team."))
    queueing.announce_queue(session.team_id)


def _require_chat_agent(actor) -> None:
    access.require_permission(actor, "tickets.work_chats")


@transaction.atomic
def chat_accept(*, session: ChatSession, actor) -> ChatSession:
    """An agent takes a waiting chat: it becomes theirs (the ticket too), up to their concurrency limit."""
    _require_chat_agent(actor)
    session = _lock(session)
    if session.state != ChatState.QUEUED:
        raise ValidationError(_("This chat is no longer waiting."), code=ERROR_NOT_WAITING)
    access.require_ticket_permission(actor, session.ticket_id)
    status, _created = AgentChatStatus.objects.get_or_create(
        user=actor, defaults={"max_chats": settings.CHAT_AGENT_MAX_CHATS}
    )
    if ChatSession.objects.held_by(actor).count() >= status.max_chats:
        raise ValidationError(
            _("You already hold %(count)d chats, your limit.") % {"count": status.max_chats}, code=ERROR_AGENT_BUSY
        )
    session.state = ChatState.ACTIVE
    session.agent = actor
    session.accepted_at = timezone.now()
    session.save(update_fields=["state", "agent", "accepted_at", "updated_at"])
    ticket_services.ticket_assign(ticket=session.ticket, assignee=actor, actor=actor)
    with override(session.language):
        _system_line(
            session,
            _("%(name)s from our support team joined the chat.") % {"name": actor.first_name or actor.get_username()},
        )
    live.send_to_session(session.pk, {"type": "state", "state": session.state})
    live.join_on_commit(live.session_group(session.pk), user_id=actor.pk, session_id=session.pk)
    queueing.announce_queue(session.team_id)
    return session


@transaction.atomic
def chat_agent_message(*, session: ChatSession, body: str, client_id: str, actor) -> Posted:
    """The agent's line in a chat they hold (a resend with the same client id returns the stored line)."""
    client_id = _check_client_id(client_id)
    text = _clean_body(body)
    if not text:
        raise ValidationError(_("Please type a message."), code=ERROR_EMPTY_MESSAGE)
    session = _lock(session)
    posted = _already_posted(session, client_id)
    if posted is not None:
        return posted
    if session.state != ChatState.ACTIVE or session.agent_id != actor.pk:
        raise PermissionDenied(_("This chat is not yours."))
    message, _removed = ticket_services.ticket_add_chat_message(
        ticket=session.ticket, body=text, author_kind=AuthorKind.AGENT, author=actor
    )
    ChatMessageKey.objects.create(session=session, client_id=client_id, message=message)
    live.send_to_session(session.pk, live.message_frame(message, client_id=client_id, attachments=[]))
    return Posted(message=message, created=True, secret_removed=False)


@transaction.atomic
def chat_transfer(*, session: ChatSession, actor, agent=None, team: Team | None = None) -> ChatSession:
    """Hand a held chat to another agent (it becomes theirs) or back to the queue of another team."""
    _require_chat_agent(actor)
    session = _lock(session)
    if session.state != ChatState.ACTIVE or (
        session.agent_id != actor.pk and not actor.has_perm("tickets.supervise_chats")
    ):
        raise PermissionDenied(_("This chat is not yours."))
    previous = session.agent_id
    if agent is not None:
        _require_chat_agent(agent)
        access.require_ticket_permission(agent, session.ticket_id)
        session.agent = agent
        session.save(update_fields=["agent", "updated_at"])
        ticket_services.ticket_assign(ticket=session.ticket, assignee=agent, actor=actor)
        live.join_on_commit(live.session_group(session.pk), user_id=agent.pk, session_id=session.pk)
        name = agent.first_name or agent.get_username()
        with override(session.language):
            _system_line(session, _("%(name)s from our support team took over the chat.") % {"name": name})
    elif team is not None:
        ticket_services.ticket_change_team(ticket=session.ticket, team=team, actor=actor)
        session.team = team
        session.agent = None
        session.state = ChatState.QUEUED
        session.queued_at = timezone.now()
        session.save(update_fields=["team", "agent", "state", "queued_at", "updated_at"])
        session.offered_to = queueing.route_agent(session=session)
        session.save(update_fields=["offered_to"])
        with override(session.language):
            _system_line(session, _("We are passing you to a colleague. Please stay in the chat."))
        queueing.announce_queue(team.pk)
    else:
        raise ValidationError(_("Choose an agent or a team."), code="transfer_target")
    live.send_on_commit(live.agent_group(previous), {"type": "left", "session": session.pk})
    return session


@transaction.atomic
def chat_end(*, session: ChatSession, actor=None) -> ChatSession:
    """End the chat: the customer (actor None or their login), the agent holding it, or a supervisor.

    A chat answered (by the bot or an agent) leaves its ticket solved, which sends the survey
    (tickets.signals.ticket_solved); one that was still waiting stays open for the team to answer.
    """
    session = _lock(session)
    is_staff = actor is not None and actor.is_staff
    if is_staff:
        if session.agent_id != actor.pk:
            access.require_permission(actor, "tickets.supervise_chats")
        else:
            _require_chat_agent(actor)
    if not session.is_live:
        return session
    previous_state = session.state
    session.state = ChatState.ENDED
    session.ended_at = timezone.now()
    session.save(update_fields=["state", "ended_at", "updated_at"])
    ticket = session.ticket
    if ticket is not None:
        with override(session.language):
            if previous_state == ChatState.QUEUED:
                reply_by = expected_first_reply_text(ticket, language=session.language)
                text = _("You left the queue. Our team will answer request %(reference)s.") % {
                    "reference": ticket.reference
                }
                _system_line(session, f"{text} {reply_by}".strip())
            else:
                _system_line(session, _("The chat has ended. Thank you for contacting us."))
                ticket = lock_ticket(ticket)
                if ticket.status in (Status.NEW, Status.OPEN):
                    apply_status(ticket, Status.SOLVED, actor if is_staff else session.user, note=_("chat ended"))
    live.send_to_session(session.pk, {"type": "state", "state": session.state})
    if previous_state != ChatState.BOT:
        queueing.announce_queue(session.team_id)
    return session


@transaction.atomic
def chat_offer_survey(*, ticket_id: int, url: str) -> None:
    """The survey of an ended chat (feedback invites): the customer gets the link in the chat."""
    session = ChatSession.objects.select_related("ticket").filter(ticket_id=ticket_id).first()
    if session is None:
        return
    with override(session.language):
        _system_line(session, _("How did we do? Rate this chat: %(url)s") % {"url": url})
    live.send_to_session(session.pk, {"type": "survey", "url": url})


@transaction.atomic
def chat_mark_read(*, session: ChatSession, message_id: int, by_agent: bool) -> None:
    """Read receipt: the reader saw every line up to `message_id` (never moves back)."""
    field = "agent_read_id" if by_agent else "customer_read_id"
    updated = ChatSession.objects.filter(pk=session.pk, **{f"{field}__lt": message_id}).update(**{field: message_id})
    if updated:
        live.send_to_session(session.pk, {"type": "read", "by": "agent" if by_agent else "customer", "id": message_id})


@transaction.atomic
def agent_chat_status_set(*, actor, available: bool | None = None, max_chats: int | None = None) -> AgentChatStatus:
    """Available or away, and how many chats at once; each console ping also refreshes `seen_at`."""
    _require_chat_agent(actor)
    status, _created = AgentChatStatus.objects.select_for_update().get_or_create(
        user=actor, defaults={"max_chats": settings.CHAT_AGENT_MAX_CHATS}
    )
    fields = ["seen_at"]
    status.seen_at = timezone.now()
    if available is not None and available != status.is_available:
        status.is_available = available
        fields.append("is_available")
    if max_chats is not None:
        status.max_chats = max(1, min(int(max_chats), 20))
        fields.append("max_chats")
    status.save(update_fields=fields)
    if len(fields) > 1:
        live.send_on_commit(live.CONSOLE_GROUP, {"type": "queue"})
    return status
