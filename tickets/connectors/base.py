"""The connector interface: what one social or phone channel provides, and the registry of configured ones.

A connector turns a provider's webhook into normalised events and sends text back:

- `verify(request)` raises SignatureInvalid unless the request really comes from the provider
  (compared in constant time); it runs before anything is read or stored;
- `parse(request)` returns the delivery's events (InboundEvent) or raises MalformedPayload;
- `send(recipient=, text=, idempotency_key=)` sends one text and returns the provider's id;
  ProviderError(retryable=True) for errors worth retrying (5xx, 429, timeouts), False otherwise;
- `download(media)` fetches an attachment the provider only referenced (Telegram's getFile);
- `official_contacts()` the public handles customers may trust (the verify-a-contact page).

Adding a channel is one module with a Connector subclass plus an entry in settings.CONNECTORS:
``{"name": {"class": "dotted.path.Connector", ...options}}``; the options are the connector's own
(tokens, base URL). Webhooks arrive at /connectors/<name>/webhook/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import import_string


class SignatureInvalid(Exception):
    """The request does not carry the provider's signature or secret: answered 403, nothing stored."""


class MalformedPayload(Exception):
    """An authenticated delivery the connector cannot read: answered 400 and quarantined."""


class ProviderError(Exception):
    def __init__(self, message: str, *, retryable: bool, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class MediaRef:
    """A file the provider holds; fetched with Connector.download when the message is processed."""

    file_id: str
    filename: str
    size: int | None = None


@dataclass(frozen=True)
class CallDetails:
    call_id: str
    status: str
    started_at: datetime | None
    duration_seconds: int | None
    agent_hint: str = ""
    recording_url: str = ""


@dataclass(frozen=True)
class InboundEvent:
    """One thing a customer did on a channel, in the desk's terms."""

    message_id: str  # the provider's id: the idempotency key of the delivery
    kind: str  # tickets.connectors.models.InboundKind
    handle: str  # where to answer: chat id, phone number
    text: str = ""
    display_name: str = ""
    username: str = ""
    language: str = ""  # as the channel reports it (an IETF tag such as "zh-hans" or "pt-br")
    command: str = ""  # "start" for /start
    media: tuple[MediaRef, ...] = ()
    call: CallDetails | None = None
    private: bool = True  # group messages are not support requests
    extra: dict[str, Any] = field(default_factory=dict)


class Connector:
    """Base class; subclasses set `channel` (tickets.choices.Channel) and implement the methods they support."""

    name: str
    channel: str
    # The connector can write text back to the handle it received from (a call cannot be answered in text).
    answers_in_text = True

    def __init__(self, name: str, options: dict[str, Any]) -> None:
        self.name = name
        self.options = options

    def option(self, key: str) -> Any:
        value = self.options.get(key)
        if value in (None, ""):
            raise ImproperlyConfigured(f"settings.CONNECTORS[{self.name!r}] needs {key!r}.")
        return value

    def verify(self, request: HttpRequest) -> None:
        raise NotImplementedError

    def parse(self, request: HttpRequest) -> list[InboundEvent]:
        raise NotImplementedError

    def send(self, *, recipient: str, text: str, idempotency_key: str) -> str:
        raise NotImplementedError

    def download(self, media: MediaRef) -> bytes:
        raise MalformedPayload(f"{self.name} has no media download")

    def webhook_response(self, events: list[InboundEvent]):
        """What the provider expects back after a good delivery (None: an empty 200)."""
        return None

    def official_contacts(self) -> list[tuple[str, str, str]]:
        """(tickets.safety.models.ContactKind, value, public label) of every handle customers may trust."""
        return []

    def broadcast_target(self) -> str:
        """Where announcements go (the official channel), or "" when this connector does not publish."""
        return ""


def _load(name: str) -> Connector:
    # Built on each use (cheap, and settings overridden in tests take effect at once).
    config = dict(settings.CONNECTORS[name])
    connector_class = import_string(config.pop("class"))
    return connector_class(name, config)


def connector(name: str) -> Connector | None:
    """The configured connector called `name`, or None (an unknown name is a 404 for webhooks)."""
    if name not in settings.CONNECTORS:
        return None
    return _load(name)


def configured_connectors() -> list[Connector]:
    return [_load(name) for name in settings.CONNECTORS]
