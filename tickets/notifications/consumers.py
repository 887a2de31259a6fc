"""The staff sockets: each user's notifications, and who else is on a ticket page (presence).

Frames are JSON objects with a "type". Notifications, client → server: read {id}, ping; server →
client: notification {id, kind, label, text, url, at}, read {id}, pong, error {code, message}. A socket
joins only its own user's group (notifications.user.<id>): there is no frame that names another user.

Presence, on /ws/tickets/<id>/presence/ for staff who may see the ticket: the client sends heartbeat
{typing} every PRESENCE_HEARTBEAT_SECONDS; everyone on the page gets presence {user, name, typing}
(a newcomer's first one asks the others to announce themselves), left {user} when a socket closes,
and changed {version, by} when the ticket is saved. Frames that are not JSON objects with a type, or
larger than MAX_FRAME_BYTES, close the socket with an error.
"""

from __future__ import annotations

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from tickets.models import Ticket
from tickets.notifications import live, services

CLOSE_FORBIDDEN = 4403
CLOSE_MALFORMED = 4400
MAX_FRAME_BYTES = 1024


def _staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _may_see_ticket(user, ticket_id: int) -> bool:
    return _staff(user) and Ticket.objects.visible_to(user).filter(pk=ticket_id).exists()


class StaffSocket(AsyncWebsocketConsumer):
    """Frame checks and the fan-out from the channel layer shared by both sockets."""

    group = ""

    async def send_json(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame))

    async def fail(self, message: str) -> None:
        await self.send_json({"type": "error", "code": "malformed", "message": message})
        await self.close(code=CLOSE_MALFORMED)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.fail(_("Frames must be short JSON text."))
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.fail(_("Frames must be JSON objects with a type."))
            return
        handler = getattr(self, f"on_{frame['type']}", None)
        if handler is None:
            await self.send_json({"type": "error", "code": "unknown_type", "message": _("Unknown frame type.")})
            return
        await handler(frame)

    async def on_ping(self, frame: dict) -> None:
        await self.send_json({"type": "pong"})

    async def disconnect(self, code) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notify_frame(self, event: dict) -> None:
        await self.send_json(event["frame"])


class NotificationConsumer(StaffSocket):
    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if not _staff(self.user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = live.user_group(self.user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def on_read(self, frame: dict) -> None:
        try:
            notification_id = int(frame.get("id"))
        except (TypeError, ValueError):
            notification_id = 0
        marked = await database_sync_to_async(services.notifications_mark_read)(
            user=self.user, notification_ids=[notification_id]
        )
        if not marked:
            await self.send_json({"type": "error", "code": "not_found", "message": _("No such unread notification.")})
            return
        # Every open page of this user updates its bell.
        await self.channel_layer.group_send(
            self.group, {"type": "notify.frame", "frame": {"type": "read", "id": notification_id}}
        )


class TicketPresenceConsumer(StaffSocket):
    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.ticket_id = self.scope["url_route"]["kwargs"]["ticket_id"]
        if not await database_sync_to_async(_may_see_ticket)(self.user, self.ticket_id):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = live.ticket_group(self.ticket_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.announce(typing=False, new=True)

    async def announce(self, *, typing: bool, new: bool = False) -> None:
        name = self.user.get_full_name() or self.user.get_username()
        frame = {"type": "presence", "user": self.user.pk, "name": name, "typing": typing, "new": new}
        await self.channel_layer.group_send(
            self.group, {"type": "notify.frame", "frame": frame, "sender": self.channel_name}
        )

    async def notify_frame(self, event: dict) -> None:
        if event.get("sender") == self.channel_name:
            return
        frame = event["frame"]
        if frame.get("type") == "presence" and frame.get("new"):
            # A newcomer: tell them who is already here.
            await self.announce(typing=False)
        await self.send_json(frame)

    async def on_heartbeat(self, frame: dict) -> None:
        await self.announce(typing=bool(frame.get("typing")))

    async def disconnect(self, code) -> None:
        if self.group:
            await self.channel_layer.group_send(
                self.group,
                {"type": "notify.frame", "frame": {"type": "left", "user": self.user.pk}, "sender": self.channel_name},
            )
        await super().disconnect(code)
