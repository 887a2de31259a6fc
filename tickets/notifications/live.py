"""What notifications and presence tell open sockets: group names and frames, sent after the change commits."""

from __future__ import annotations

from django.urls import reverse

from supportdesk.kit.channel_layer import group_send_now

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
    group_send_now(group, {"type": FRAME_TYPE, "frame": frame})
