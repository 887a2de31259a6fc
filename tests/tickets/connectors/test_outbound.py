"""Sends through a provider: errors and timeouts retried with backoff, never sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tickets.connectors.models import DeliveryStatus, OutboundChannelMessage, OutboundKind
from tickets.connectors.services import (
    channel_message_queue,
    channel_message_retry_now,
    channel_message_send,
    channel_message_send_due,
)
from tickets.connectors.services.outbound import retry_delay


def _queue(connector_name: str = "sms", recipient: str = "+8613800138000") -> OutboundChannelMessage:
    return channel_message_queue(
        connector_name=connector_name,
        recipient=recipient,
        body="Your request is solved.",
        kind=OutboundKind.NOTIFICATION,
    )


def _due_now(outbound: OutboundChannelMessage) -> None:
    OutboundChannelMessage.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_server_error_is_retried_with_backoff_and_sent_once_with_the_same_key(connectors):
    connectors.script("/Messages.json", (500, b'{"message": "internal"}', 0), (503, b"{}", 0))
    outbound = _queue()

    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.RETRYING
    outbound.refresh_from_db()
    assert outbound.next_attempt_at - timezone.now() > retry_delay(1) - timedelta(seconds=5)
    assert channel_message_send_due() == 0  # not due yet: the backoff holds
    _due_now(outbound)
    assert channel_message_send_due() == 1
    _due_now(outbound)
    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.SENT

    keys = {request.headers["I-Twilio-Idempotency-Token"] for request in connectors.requests}
    assert keys == {outbound.idempotency_key}
    assert len(connectors.requests) == 3 and len(connectors.delivered) == 1
    outbound.refresh_from_db()
    assert (outbound.attempts, outbound.provider_message_id) == (3, outbound.provider_message_id)
    assert outbound.provider_message_id.startswith("SM")


@pytest.mark.django_db
def test_timeout_after_the_provider_accepted_is_not_delivered_twice(connectors):
    # The first answer comes too late: the provider has the message, we saw a timeout and retry with the same key.
    connectors.script("/Messages.json", (201, b'{"sid": "SMlate"}', 1.0))
    outbound = _queue()

    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.RETRYING
    assert "timeout" in OutboundChannelMessage.objects.get().last_error
    _due_now(outbound)
    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.SENT

    assert len(connectors.requests) == 2 and len(connectors.delivered) == 1


@pytest.mark.django_db
def test_a_sent_message_is_never_sent_again(connectors):
    outbound = _queue("telegram", "1111111")

    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.SENT
    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.SENT
    assert channel_message_retry_now(outbound_ids=[outbound.pk]) == 0
    assert channel_message_send_due() == 0

    assert len(connectors.sent("/sendMessage")) == 1


@pytest.mark.django_db
def test_a_refusal_fails_at_once(connectors):
    connectors.script("/sendMessage", (403, b'{"ok": false, "description": "bot was blocked by the user"}', 0))
    outbound = _queue("telegram", "1111111")

    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.FAILED
    assert "blocked" in OutboundChannelMessage.objects.get().last_error


@pytest.mark.django_db
def test_gives_up_after_the_maximum_attempts(connectors, settings):
    settings.CONNECTOR_MAX_ATTEMPTS = 2
    connectors.script("/Messages.json", (500, b"{}", 0), (500, b"{}", 0))
    outbound = _queue()

    channel_message_send(outbound_id=outbound.pk)
    _due_now(outbound)
    assert channel_message_send(outbound_id=outbound.pk) == DeliveryStatus.FAILED
    assert channel_message_retry_now(outbound_ids=[outbound.pk]) == 1


def test_backoff_doubles_and_is_capped(settings):
    settings.CONNECTOR_RETRY_BASE_SECONDS, settings.CONNECTOR_RETRY_MAX_SECONDS = 30, 100
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]
