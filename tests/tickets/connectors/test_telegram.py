"""Telegram webhook → tickets, replies back to the chat, recorded payloads from the Bot API documentation."""

from __future__ import annotations

import json

import pytest

from tests.tickets.connectors.conftest import TELEGRAM_SECRET, fixture_bytes
from tickets import services
from tickets.connectors.models import (
    ChannelIdentity,
    DeliveryStatus,
    InboundChannelMessage,
    InboundStatus,
    OutboundChannelMessage,
    OutboundKind,
)
from tickets.email.models import DeliveryStatus as EmailStatus
from tickets.email.models import OutboundEmail
from tickets.models import Attachment, Channel, Customer, Ticket, TicketMessage

URL = "/connectors/telegram/webhook/"
PHRASE = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"


@pytest.fixture
def post(client, connectors, django_capture_on_commit_callbacks):
    def send(body: bytes, *, secret: str | None = TELEGRAM_SECRET):
        headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data=body, content_type="application/json", **headers)

    return send


def _sent_texts(provider) -> list[dict]:
    return [json.loads(request.body) for request in provider.sent("/sendMessage")]


@pytest.mark.django_db
def test_private_message_opens_a_social_ticket_and_is_acknowledged_in_the_chat(post, connectors):
    response = post(fixture_bytes("telegram_text.json"))

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.SOCIAL
    assert ticket.subject == "My USDT transfer has been pending for two hours"
    assert ticket.messages.get().via == Channel.SOCIAL
    identity = ChannelIdentity.objects.get()
    assert (identity.connector, identity.handle, identity.username) == ("telegram", "1111111", "Testusername")
    assert identity.customer.email == "telegram-1111111@telegram.invalid"
    assert identity.verified_at is None
    record = InboundChannelMessage.objects.get()
    assert (record.status, record.ticket, record.dedup_key) == (InboundStatus.PROCESSED, ticket, "1111111:1365")
    [ack] = _sent_texts(connectors)
    assert ack["chat_id"] == "1111111"
    assert ticket.reference in ack["text"] and "never message you first" in ack["text"]
    # No mail to the placeholder address.
    assert not OutboundEmail.objects.filter(ticket=ticket, status=EmailStatus.QUEUED).exists()


@pytest.mark.django_db
def test_bad_or_missing_secret_is_rejected_and_nothing_is_stored(post, connectors):
    assert post(fixture_bytes("telegram_text.json"), secret="wrong").status_code == 403
    assert post(fixture_bytes("telegram_text.json"), secret=None).status_code == 403

    assert not InboundChannelMessage.objects.exists()
    assert not Ticket.objects.exists()
    assert not Customer.objects.exists()
    assert connectors.requests == []


@pytest.mark.django_db
def test_replayed_update_creates_nothing_twice(post, connectors):
    first = post(fixture_bytes("telegram_text.json"))
    replay = post(fixture_bytes("telegram_text.json"))

    assert first.status_code == replay.status_code == 200
    assert Ticket.objects.count() == 1
    assert TicketMessage.objects.count() == 1
    assert InboundChannelMessage.objects.count() == 1
    assert len(_sent_texts(connectors)) == 1


@pytest.mark.django_db
def test_next_message_threads_into_the_open_ticket(post):
    post(fixture_bytes("telegram_text.json"))
    follow_up = json.loads(fixture_bytes("telegram_text.json"))
    follow_up["update_id"], follow_up["message"]["message_id"] = 10010, 1370
    follow_up["message"]["text"] = "Here is the hash 0xabc"

    post(json.dumps(follow_up).encode())

    ticket = Ticket.objects.get()
    assert [message.body for message in ticket.messages.all()][-1] == "Here is the hash 0xabc"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", json.dumps({"update_id": 5, "message": {"text": "no chat"}}).encode()]
)
def test_malformed_update_is_a_clear_400_and_kept_in_quarantine(post, body):
    response = post(body)

    assert response.status_code == 400
    assert b"Malformed" in response.content
    record = InboundChannelMessage.objects.get()
    assert record.status == InboundStatus.QUARANTINED
    assert record.payload == body.decode()
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_oversized_update_is_a_400_and_kept_in_quarantine(post, settings):
    settings.CONNECTOR_MAX_PAYLOAD_BYTES = 1000
    update = json.loads(fixture_bytes("telegram_text.json"))
    update["message"]["text"] = "x" * 5000

    response = post(json.dumps(update).encode())

    assert response.status_code == 400
    record = InboundChannelMessage.objects.get()
    assert record.status == InboundStatus.QUARANTINED
    assert "too large" in record.error
    assert record.size > 5000 and len(record.payload) == 1000
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_start_is_answered_in_the_customers_language_with_the_official_contact_warning(post, connectors):
    response = post(fixture_bytes("telegram_start.json"))

    assert response.status_code == 200
    assert not Ticket.objects.exists()
    identity = ChannelIdentity.objects.get()
    assert identity.customer.language == "zh-hans"
    [welcome] = _sent_texts(connectors)
    assert welcome["chat_id"] == "2222222"
    assert "https://support.example.com/portal/verify/" in welcome["text"]
    assert OutboundChannelMessage.objects.get().kind == OutboundKind.SAFETY


@pytest.mark.django_db
def test_recovery_phrase_is_redacted_before_storage_and_the_customer_is_warned_in_telegram(post, connectors):
    update = json.loads(fixture_bytes("telegram_text.json"))
    update["message"]["text"] = f"Support asked me for my phrase: {PHRASE}"

    post(json.dumps(update).encode())

    ticket = Ticket.objects.get()
    assert ticket.secret_exposed
    assert PHRASE not in ticket.messages.order_by("id").first().body
    assert "abandon" not in InboundChannelMessage.objects.get().payload
    texts = [text["text"] for text in _sent_texts(connectors)]
    assert any("we removed the" in text.lower() and "recovery phrase" in text.lower() for text in texts)
    assert all("abandon abandon" not in text for text in texts)


@pytest.mark.django_db
def test_photo_is_fetched_with_get_file_and_stored_through_the_upload_checks(post, connectors):
    post(fixture_bytes("telegram_photo.json"))

    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.filename) == ("image/jpeg", "photo-1366.jpg")
    assert attachment.message.body == "Screenshot of the error"
    get_file = [request for request in connectors.requests if "/getFile" in request.path]
    assert len(get_file) == 1 and "AgADBAADlarge" in get_file[0].path


@pytest.mark.django_db
def test_a_document_the_upload_checks_refuse_is_listed_not_stored(post):
    post(fixture_bytes("telegram_document.json"))

    message = TicketMessage.objects.get()
    assert not Attachment.objects.exists()
    assert "wallet.exe" in message.body and "not accepted" in message.body


@pytest.mark.django_db
def test_group_messages_are_ignored(post, connectors):
    post(fixture_bytes("telegram_group.json"))

    assert InboundChannelMessage.objects.get().status == InboundStatus.IGNORED
    assert not Ticket.objects.exists()
    assert connectors.requests == []


@pytest.mark.django_db
def test_agent_reply_goes_back_to_the_chat_and_not_by_email(
    post, connectors, agent, django_capture_on_commit_callbacks
):
    post(fixture_bytes("telegram_text.json"))
    ticket = Ticket.objects.get()
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    with django_capture_on_commit_callbacks(execute=True):
        message = services.ticket_reply(ticket=ticket, body="It is confirmed now.", actor=agent)

    reply = OutboundChannelMessage.objects.get(kind=OutboundKind.REPLY)
    assert (reply.ticket_message, reply.status, reply.recipient) == (message, DeliveryStatus.SENT, "1111111")
    assert "It is confirmed now." in _sent_texts(connectors)[-1]["text"]
    assert OutboundEmail.objects.get(ticket_message=message).status == EmailStatus.SUPPRESSED


@pytest.mark.django_db
def test_unknown_connector_is_404(client, connectors):
    assert client.post("/connectors/whatsapp/webhook/", data=b"{}", content_type="application/json").status_code == 404
