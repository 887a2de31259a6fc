"""The chat's WebSocket endpoints: the customer's widget and the agent's console.

Frames are JSON objects with a "type". Client → server, customer: hello {last_id}, message {client_id,
body}, typing {on}, read {id}, human, end, ping. Agent: the same with a "session" id, plus status
{available, max_chats}, accept, transfer {agent | team}, history {last_id}. Server → client: message,
ack {client_id, id}, typing, read, state, queue, survey, error {code, message}, pong.

Delivery without loss or duplicates: every line carries the sender's client id; the server stores it
once (a resend returns the stored line) and acknowledges with the line's id; on reconnect the client
says the last id it holds and gets every later line again. A frame that is too big or not a JSON
object closes the socket with an error; more frames than the per-connection rate are refused one by
one (not stored, not acknowledged: the client resends).
"""

from __future__ import annotations

import json
import time
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tickets.access import has_staff_permission
from tickets.chat import live, queueing, selectors, services
from tickets.chat.models import ChatSession, ChatState
from tickets.models import Team


def in_pool(function):
    """Database work off the event loop: on PostgreSQL in the thread pool, so sockets wait on the database
    side by side (Channels' default is one thread per process); SQLite takes one writer at a time anyway,
    so there it stays in that one thread. A consumer handles its own frames one after the other, so a
    connection's lines keep their order either way.
    """
    one_thread = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    return database_sync_to_async(function, thread_sensitive=one_thread)


CLOSE_FORBIDDEN = 4403
CLOSE_MALFORMED = 4400
CLOSE_TOO_BIG = 4413


class RateWindow:
    """At most `limit` events in any `seconds`-long window."""

    def __init__(self, limit: int, seconds: float):
        self.limit, self.seconds, self.times = limit, seconds, deque()

    def allow(self) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] > self.seconds:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


def _error_text(error: Exception) -> tuple[str, str]:
    if isinstance(error, ValidationError):
        code = error.code or (error.error_list[0].code if hasattr(error, "error_list") else "") or "invalid"
        return code, " ".join(error.messages)
    return "forbidden", str(error)


class ChatConsumer(AsyncWebsocketConsumer):
    """Frame checks, rate limit, and the fan-out from the channel layer shared by both endpoints."""

    groups_joined: set[str]

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.add(group)

    async def disconnect(self, code) -> None:
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def send_json(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame))

    async def fail(self, code: str, message: str, close_code: int) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
        await self.close(code=close_code)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if bytes_data is not None or text_data is None:
            await self.fail("malformed", _("Frames must be JSON text."), CLOSE_MALFORMED)
            return
        if len(text_data.encode()) > settings.CHAT_MAX_FRAME_BYTES:
            await self.fail(
                "frame_too_large",
                _("The message is too large (at most %(limit)d bytes).") % {"limit": settings.CHAT_MAX_FRAME_BYTES},
                CLOSE_TOO_BIG,
            )
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.fail("malformed", _("Frames must be JSON objects with a type."), CLOSE_MALFORMED)
            return
        if not self.rate.allow():
            await self.send_json(
                {
                    "type": "error",
                    "code": "rate_limited",
                    "client_id": str(frame.get("client_id", "")),
                    "message": _("You are sending too fast. Please wait a moment."),
                }
            )
            return
        handler = getattr(self, f"on_{frame['type']}", None)
        if handler is None:
            await self.send_json({"type": "error", "code": "unknown_type", "message": _("Unknown frame type.")})
            return
        try:
            await handler(frame)
        except (ValidationError, PermissionDenied) as error:
            code, message = _error_text(error)
            await self.send_json(
                {"type": "error", "code": code, "message": message, "client_id": str(frame.get("client_id", ""))}
            )

    async def chat_frame(self, event: dict) -> None:
        frame = dict(event["frame"])
        group = frame.pop("subscribe", None)
        if group:
            await self.join(group)
        await self.send_json(frame)

    async def on_ping(self, frame: dict) -> None:
        await self.send_json({"type": "pong"})


def _int(value, default: int = 0) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return default


class CustomerChatConsumer(ChatConsumer):
    async def connect(self) -> None:
        self.groups_joined = set()
        self.rate = RateWindow(settings.CHAT_RATE_MESSAGES, settings.CHAT_RATE_SECONDS)
        key = self.scope["url_route"]["kwargs"]["key"]
        self.session = await in_pool(selectors.chat_for_customer)(key=key, user=self.scope.get("user"))
        if self.session is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.join(live.session_group(self.session.pk))
        await self.accept()

    async def _fresh(self) -> ChatSession:
        return await in_pool(ChatSession.objects.select_related("ticket").get)(pk=self.session.pk)

    async def on_hello(self, frame: dict) -> None:
        session = await self._fresh()
        for line in await in_pool(selectors.chat_history)(session, after_id=_int(frame.get("last_id"))):
            await self.send_json(line)
        await self.send_json(await in_pool(_state_frame)(session))

    async def on_message(self, frame: dict) -> None:
        posted = await in_pool(services.chat_customer_message)(
            session=self.session, body=str(frame.get("body", "")), client_id=str(frame.get("client_id", ""))
        )
        await self.send_json({"type": "ack", "client_id": frame["client_id"], "id": posted.message.pk})

    async def on_typing(self, frame: dict) -> None:
        await self.channel_layer.group_send(
            live.session_group(self.session.pk),
            {"type": "chat.frame", "frame": {"type": "typing", "by": "customer", "on": bool(frame.get("on"))}},
        )

    async def on_read(self, frame: dict) -> None:
        await in_pool(services.chat_mark_read)(session=self.session, message_id=_int(frame.get("id")), by_agent=False)

    async def on_human(self, frame: dict) -> None:
        await in_pool(services.chat_request_human)(session=self.session)

    async def on_end(self, frame: dict) -> None:
        await in_pool(services.chat_end)(session=self.session, actor=self.scope.get("user"))


def _state_frame(session: ChatSession) -> dict:
    frame = {
        "type": "state",
        "state": session.state,
        "reference": session.ticket.reference if session.ticket_id else "",
        "agent_read_id": session.agent_read_id,
    }
    if session.state == ChatState.QUEUED:
        frame["place"], frame["wait"] = queueing.queue_position(session)
    return frame


class AgentConsoleConsumer(ChatConsumer):
    async def connect(self) -> None:
        self.groups_joined = set()
        self.rate = RateWindow(settings.CHAT_RATE_MESSAGES * 3, settings.CHAT_RATE_SECONDS)
        self.user = self.scope.get("user")
        if not await in_pool(has_staff_permission)(self.user, "tickets.work_chats"):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.join(live.CONSOLE_GROUP)
        await self.join(live.agent_group(self.user.pk))
        held = await in_pool(lambda: list(ChatSession.objects.held_by(self.user).values_list("pk", flat=True)))()
        for session_id in held:
            await self.join(live.session_group(session_id))
        await self.accept()
        await in_pool(services.agent_chat_status_set)(actor=self.user)
        await self.send_queue()

    async def send_queue(self) -> None:
        await self.send_json(await in_pool(selectors.console_snapshot)(user=self.user))

    async def chat_frame(self, event: dict) -> None:
        if event["frame"].get("type") == "queue":
            await self.send_queue()
            return
        frame = event["frame"]
        if frame.get("type") == "left":
            await self.channel_layer.group_discard(live.session_group(frame["session"]), self.channel_name)
            self.groups_joined.discard(live.session_group(frame["session"]))
        await super().chat_frame(event)

    async def _session(self, frame: dict) -> ChatSession:
        session = await in_pool(selectors.chat_for_agent)(session_id=_int(frame.get("session")), user=self.user)
        if session is None:
            raise PermissionDenied(_("You cannot work on this chat."))
        return session

    async def on_ping(self, frame: dict) -> None:
        await in_pool(services.agent_chat_status_set)(actor=self.user)
        await self.send_json({"type": "pong"})

    async def on_status(self, frame: dict) -> None:
        max_chats = frame.get("max_chats")
        await in_pool(services.agent_chat_status_set)(
            actor=self.user,
            available=bool(frame.get("available")) if "available" in frame else None,
            max_chats=_int(max_chats, 1) if max_chats is not None else None,
        )

    async def on_accept(self, frame: dict) -> None:
        await in_pool(services.chat_accept)(session=await self._session(frame), actor=self.user)

    async def on_history(self, frame: dict) -> None:
        session = await self._session(frame)
        lines = await in_pool(selectors.chat_history)(session, after_id=_int(frame.get("last_id")))
        await self.send_json({"type": "history", "session": session.pk, "lines": lines, "state": session.state})

    async def on_message(self, frame: dict) -> None:
        posted = await in_pool(services.chat_agent_message)(
            session=await self._session(frame),
            body=str(frame.get("body", "")),
            client_id=str(frame.get("client_id", "")),
            actor=self.user,
        )
        await self.send_json(
            {
                "type": "ack",
                "session": _int(frame.get("session")),
                "client_id": frame["client_id"],
                "id": posted.message.pk,
            }
        )

    async def on_typing(self, frame: dict) -> None:
        session = await self._session(frame)
        await self.channel_layer.group_send(
            live.session_group(session.pk),
            {
                "type": "chat.frame",
                "frame": {"type": "typing", "by": "agent", "session": session.pk, "on": bool(frame.get("on"))},
            },
        )

    async def on_read(self, frame: dict) -> None:
        session = await self._session(frame)
        await in_pool(services.chat_mark_read)(session=session, message_id=_int(frame.get("id")), by_agent=True)

    async def on_transfer(self, frame: dict) -> None:
        session = await self._session(frame)
        await in_pool(_transfer)(session=session, actor=self.user, frame=frame)

    async def on_end(self, frame: dict) -> None:
        await in_pool(services.chat_end)(session=await self._session(frame), actor=self.user)


def _transfer(*, session: ChatSession, actor, frame: dict) -> None:
    agent = (
        get_user_model().objects.filter(pk=_int(frame.get("agent")), is_staff=True, is_active=True).first()
        if frame.get("agent")
        else None
    )
    team = Team.objects.filter(pk=_int(frame.get("team")), is_active=True).first() if frame.get("team") else None
    services.chat_transfer(session=session, actor=actor, agent=agent, team=team)
