"""What notifications and presence tell open sockets: group names and frames, sent after the change commits."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

FRAME_TYPE = "notify.frame"


def user_group(user_id: int) -> str:
    return f"notifications.user.{user_id}"


def ticket_group(ticket_id: int) -> str:
    return f"presence.ticket.{ticket_id}"


def notification_frame(notification) -> dict:
    return {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "label": str(notification.get_kind_display()),
        "text": notification.text,
        "url": reverse("admin:tickets_notification_open", args=[notification.pk]),
        "at": notification.created_at.isoformat(),
    }


def send_now(group: str, frame: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, {"type": FRAME_TYPE, "frame": frame})
