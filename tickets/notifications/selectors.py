"""Reads of staff notifications: the bell's feed and the staff an internal note may @mention."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from tickets.notifications import live
from tickets.notifications.models import Notification

FEED_SIZE = 10
MENTION_CHOICES = 8


def bell_feed(*, user) -> dict:
    """The unread count and the newest notifications, in two queries whatever the user holds."""
    latest = list(Notification.objects.for_user(user).order_by("-created_at", "-id")[:FEED_SIZE])
    return {
        "type": "feed",
        "unread": Notification.objects.for_user(user).unread().count(),
        "items": [{**live.notification_frame(item), "read": item.read_at is not None} for item in latest],
    }


def mention_candidates(*, term: str) -> list[dict]:
    """Active staff whose username or name starts with `term` (the reply box's @ autocomplete)."""
    term = term.strip().lstrip("@")
    people = get_user_model().objects.filter(is_active=True, is_staff=True)
    if term:
        people = people.filter(
            Q(username__istartswith=term) | Q(first_name__istartswith=term) | Q(last_name__istartswith=term)
        )
    return [
        {"username": username, "name": f"{first} {last}".strip()}
        for username, first, last in people.order_by("username").values_list("username", "first_name", "last_name")[
            :MENTION_CHOICES
        ]
    ]
