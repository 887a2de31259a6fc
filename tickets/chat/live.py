"""What the chat tells open sockets: group names and the frames sent to them, after the change commits.

Services call these inside their transaction; the frames go out from `transaction.on_commit`, so a
rolled-back change is never announced and a socket never sees a message the database does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from supportdesk.kit.channel_layer import group_send_now
from tickets.models import AuthorKind, TicketMessage

CONSOLE_GROUP = "chat.console"


def session_group(session_id: int) -> str:
    return f"chat.session.{session_id}"


def agent_group(user_id: int) -> str:
    return f"chat.agent.{user_id}"


def message_frame(message: TicketMessage, *, client_id: str = "", attachments: Sequence | None = None) -> dict:
    """A line as sockets get it; `attachments` when the caller holds them (a line just stored: no query)."""
    author = {AuthorKind.CUSTOMER: "customer", AuthorKind.AGENT: "agent"}.get(message.author_kind, "bot")
    name = ""
    if message.author_kind == AuthorKind.AGENT and message.author is not None:
        name = message.author.first_name or message.author.get_username()
    return {
        "type": "message",
        "id": message.pk,
        "client_id": client_id,
        "author": author,
        "name": name,
        "body": message.body,
        "at": message.created_at.isoformat(),
        "attachments": [
            {"id": attachment.pk, "name": attachment.filename, "size": attachment.size}
            for attachment in (message.attachments.all() if attachments is None else attachments)
        ],
    }


def send_now(group: str, frame: dict) -> None:
    group_send_now(group, {"type": "chat.frame", "frame": frame})


def send_on_commit(group: str, frame: dict) -> None:
    transaction.on_commit(lambda: send_now(group, frame))


def send_to_session(session_id: int, frame: dict) -> None:
    """To the customer's widget and the agent's console of one chat (frames name their session)."""
    send_on_commit(session_group(session_id), {**frame, "session": session_id})


def join_on_commit(group: str, *, user_id: int, session_id: int) -> None:
    """Tell an agent's open consoles to subscribe to a session they now hold."""
    transaction.on_commit(
        lambda: send_now(agent_group(user_id), {"type": "joined", "session": session_id, "subscribe": group})
    )
