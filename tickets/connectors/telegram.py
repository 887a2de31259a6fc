"""Telegram Bot API connector: private messages to the support bot become tickets, replies go back to the chat.

Settings (settings.CONNECTORS["telegram"]): `token` (from @BotFather), `secret_token` (sent to
setWebhook; Telegram echoes it in X-Telegram-Bot-Api-Secret-Token), `base_url` (the Bot API,
https://api.telegram.org), `bot_username`, and optionally `channel` (the official channel's
@name or id, where announcements are published) and `group` (the official community group).

Only private chats are support conversations: a group or channel post reaches the desk only when
the bot is in it, and is ignored (support never answers in public where impersonators read along).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from tickets.connectors import http
from tickets.connectors.base import Connector, InboundEvent, MalformedPayload, MediaRef, SignatureInvalid
from tickets.connectors.models import InboundKind
from tickets.models import Channel

SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"  # noqa: S105 - a header name, not a secret
_COMMAND = re.compile(r"^/([a-z_]+)(?:@\w+)?(?:\s|$)", re.IGNORECASE)


class TelegramConnector(Connector):
    channel = Channel.SOCIAL

    def _api(self, method: str) -> str:
        return f"{self.option('base_url').rstrip('/')}/bot{self.option('token')}/{method}"

    def verify(self, request: HttpRequest) -> None:
        sent = request.META.get(SECRET_HEADER, "")
        if not sent or not constant_time_compare(sent, self.option("secret_token")):
            raise SignatureInvalid("X-Telegram-Bot-Api-Secret-Token is missing or wrong")

    def parse(self, request: HttpRequest) -> list[InboundEvent]:
        try:
            update = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise MalformedPayload(f"not JSON: {error}") from error
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise MalformedPayload("not a Telegram update (no update_id)")
        message = update.get("message") or update.get("edited_message")
        if message is None:
            # Channel posts, callback queries, membership changes: nothing a customer asked.
            return [InboundEvent(message_id=f"update:{update['update_id']}", kind=InboundKind.OTHER, handle="")]
        return [self._message_event(message, edited="edited_message" in update)]

    def _message_event(self, message: Any, *, edited: bool) -> InboundEvent:
        try:
            chat, sender = message["chat"], message.get("from") or {}
            chat_id, message_id = int(chat["id"]), int(message["message_id"])
        except (KeyError, TypeError, ValueError) as error:
            raise MalformedPayload(f"message without chat or message_id: {error}") from error
        text = str(message.get("text") or message.get("caption") or "")
        command = _COMMAND.match(text) if "text" in message else None
        # An edit is a new message for the desk: the customer's correction is kept beside the original.
        key = f"{chat_id}:{message_id}" + (f":edit:{message.get('edit_date', '')}" if edited else "")
        name = " ".join(filter(None, [sender.get("first_name"), sender.get("last_name")]))
        return InboundEvent(
            message_id=key,
            kind=InboundKind.COMMAND if command else InboundKind.MESSAGE,
            handle=str(chat_id),
            text=text,
            display_name=str(name)[:200],
            username=str(sender.get("username") or "")[:100],
            language=str(sender.get("language_code") or ""),
            command=command.group(1).lower() if command else "",
            media=_media(message),
            private=chat.get("type") == "private",
            extra={"sent_at": _timestamp(message.get("date"))},
        )

    def send(self, *, recipient: str, text: str, idempotency_key: str) -> str:
        # The Bot API has no idempotency key: a row is never attempted again once sent (see services.outbound).
        response = http.call("POST", self._api("sendMessage"), json={"chat_id": recipient, "text": text[:4096]})
        body = _json(response)
        if not body.get("ok"):
            raise http.ProviderError(f"Telegram refused: {body.get('description', '')}", retryable=False)
        return str(body["result"]["message_id"])

    def download(self, media: MediaRef) -> bytes:
        response = http.call("GET", self._api("getFile"), params={"file_id": media.file_id})
        body = _json(response)
        path = (body.get("result") or {}).get("file_path")
        if not body.get("ok") or not path:
            raise http.ProviderError(f"getFile refused: {body.get('description', '')}", retryable=False)
        base = self.option("base_url").rstrip("/")
        return http.call("GET", f"{base}/file/bot{self.option('token')}/{path}").content

    def official_contacts(self) -> list[tuple[str, str, str]]:
        contacts = [("social", f"@{self.option('bot_username').lstrip('@')}", "Official Telegram support bot")]
        for key, label in (("channel", "Official Telegram channel"), ("group", "Official Telegram group")):
            value = str(self.options.get(key) or "")
            if value.startswith("@"):
                contacts.append(("social", value, label))
        return contacts

    def broadcast_target(self) -> str:
        return str(self.options.get("channel") or "")


def _media(message: dict) -> tuple[MediaRef, ...]:
    found = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        # Telegram sends every size of a photo: the largest is last.
        largest = photos[-1]
        found.append(
            MediaRef(
                str(largest.get("file_id", "")), f"photo-{message.get('message_id')}.jpg", largest.get("file_size")
            )
        )
    document = message.get("document")
    if isinstance(document, dict):
        found.append(
            MediaRef(
                str(document.get("file_id", "")),
                str(document.get("file_name") or "document"),
                document.get("file_size"),
            )
        )
    return tuple(media for media in found if media.file_id)


def _timestamp(value: Any) -> str:
    return datetime.fromtimestamp(value, tz=UTC).isoformat() if isinstance(value, int) else ""


def _json(response) -> dict:
    try:
        body = response.json()
    except ValueError as error:
        raise http.ProviderError("answer is not JSON", retryable=True) from error
    return body if isinstance(body, dict) else {}
