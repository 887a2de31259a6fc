"""Optimistic concurrency on a ticket: the version an agent's page (or API client) loaded, checked on save.

A ticket's version is its `updated_at` to the microsecond, as a token (tickets.versions). Every service that changes a
ticket saves `updated_at`, so a reply, a customer message, a status, assignee or classification change
moves the version on. A save based on an older version is refused with StaleTicketError, which lists
what changed since (new messages, the timeline's changes); the agent may then send anyway, by saving
again with the version the refusal showed. The check runs with the ticket row locked, so two agents
saving at once cannot both pass it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tickets.models import AuthorKind, EventKind, Ticket, TicketEvent, TicketMessage
from tickets.services.base import lock_ticket
from tickets.versions import version_time, version_token

ERROR_STALE_VERSION = "stale_version"
# Listed changes of each kind (messages, timeline), at most.
MAX_LISTED = 10
# The messages and events of the save that produced a version are written a few milliseconds around its
# updated_at; a colleague's change comes later. Only what happened after this window is listed as a change.
SAME_SAVE_WINDOW = timedelta(seconds=2)


class StaleTicketError(ValidationError):
    """The ticket changed after `version`: `changes` says how, `current_version` lets the agent send anyway."""

    def __init__(self, *, changes: list[str], current_version: str):
        self.changes = changes
        self.current_version = current_version
        listed = "; ".join(changes) or _("it was changed")
        super().__init__(
            _("This ticket changed since you opened it: %(changes)s. Check it, then save again to send anyway.")
            % {"changes": listed},
            code=ERROR_STALE_VERSION,
        )


def changes_since(ticket: Ticket, since: datetime | None) -> list[str]:
    """What happened on the ticket after `since`, oldest first: messages and timeline changes."""
    if since is None:
        return []
    since += SAME_SAVE_WINDOW
    messages = TicketMessage.objects.filter(ticket=ticket, created_at__gt=since).select_related("author")
    events = (
        TicketEvent.objects.filter(ticket=ticket, created_at__gt=since)
        .exclude(kind__in=(EventKind.REPLY, EventKind.NOTE, EventKind.CUSTOMER_MESSAGE))
        .select_related("actor")
    )
    lines: list[tuple[datetime, str]] = []
    for message in messages[:MAX_LISTED]:
        if message.author_kind == AuthorKind.CUSTOMER:
            what = _("the customer wrote")
        else:
            who = message.author.get_username() if message.author else _("the system")
            what = (_("%(who)s added a note") if message.is_internal else _("%(who)s replied")) % {"who": who}
        lines.append((message.created_at, what))
    for event in events[:MAX_LISTED]:
        who = event.actor.get_username() if event.actor else _("the system")
        lines.append((event.created_at, f"{who}: {event}"))
    return [text for _at, text in sorted(lines, key=lambda line: line[0])]


def check_version(ticket: Ticket, expected_version: str | None) -> None:
    """Raise StaleTicketError when `ticket` (freshly read or locked) moved past `expected_version`.

    None or "" (no version sent: older API clients, tasks, a form without the field) skips the check.
    """
    if not expected_version:
        return
    current = version_token(ticket)
    if str(expected_version).strip().strip('"') == current:
        return
    raise StaleTicketError(changes=changes_since(ticket, version_time(expected_version)), current_version=current)


@transaction.atomic
def ticket_require_version(*, ticket: Ticket, expected_version: str | None) -> Ticket:
    """Lock the ticket and check the version; for a save of several changes, call first in their transaction."""
    locked = lock_ticket(ticket)
    check_version(locked, expected_version)
    return locked
