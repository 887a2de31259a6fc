"""SMS and voice webhooks (Twilio's documented parameters), signatures, calls, and verification codes by SMS."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.factories import CustomerFactory, UserFactory
from tests.tickets.connectors.conftest import TWILIO_TOKEN, fixture_bytes
from tickets.connectors.models import CallDirection, InboundChannelMessage, PhoneCall
from tickets.connectors.services import phone_call_log
from tickets.connectors.sms import ConnectorSmsBackend
from tickets.connectors.twilio import twilio_signature
from tickets.models import Channel, Ticket

URL = "/connectors/sms/webhook/"
PUBLIC_URL = "https://support.example.com" + URL


def _sign(body: str, url: str = PUBLIC_URL) -> str:
    return twilio_signature(auth_token=TWILIO_TOKEN, url=url, params=parse_qs(body, keep_blank_values=True))


@pytest.fixture
def post(client, connectors, django_capture_on_commit_callbacks):
    def send(body: str, *, signature: str | None = None, path: str = URL):
        signature = signature if signature is not None else _sign(body, "https://support.example.com" + path)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                path,
                data=body,
                content_type="application/x-www-form-urlencoded",
                HTTP_X_TWILIO_SIGNATURE=signature
                if signature is not None
                else _sign(body, "https://support.example.com" + path),
            )

    return send


def test_signature_matches_twilios_documented_example():
    # https://www.twilio.com/docs/usage/security#validating-requests
    params = {"CallSid": ["CA1234567890ABCDE"], "Caller": ["+14158675310"], "Digits": ["1234"],
              "From": ["+14158675310"], "To": ["+18005551212"]}  # fmt: skip
    signature = twilio_signature(auth_token="12345", url="https://mycompany.com/myapp.php?foo=1&bar=2", params=params)
    assert signature == "GvWf1cFY/Q7PnoempGyD5oXAezc="


@pytest.mark.django_db
def test_inbound_sms_opens_an_sms_ticket_for_the_customer_with_that_phone(post, connectors):
    alice = CustomerFactory(phone="+86 138-0013 8000")

    response = post(fixture_bytes("twilio_sms.txt").decode())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.channel) == (alice, Channel.SMS)
    assert ticket.messages.get().body == "Hi, my withdrawal is stuck"
    [ack] = connectors.sent("/Messages.json")
    form = parse_qs(ack.body.decode())
    assert form["To"] == ["+8613800138000"] and ticket.reference in form["Body"][0]
    assert ack.headers["I-Twilio-Idempotency-Token"]


@pytest.mark.django_db
def test_unknown_sender_gets_a_customer_of_their_own(post):
    post(fixture_bytes("twilio_sms.txt").decode())

    customer = Ticket.objects.get().customer
    assert customer.email == "sms-8613800138000@sms.invalid"
    assert customer.phone == "+8613800138000"


@pytest.mark.django_db
def test_bad_signature_is_rejected_and_nothing_is_stored(post, connectors):
    body = fixture_bytes("twilio_sms.txt").decode()

    assert post(body, signature="bm90IHRoZSBzaWduYXR1cmU=").status_code == 403
    assert post(body, signature=_sign(body, "https://evil.example.com" + URL)).status_code == 403
    assert post(body.replace("stuck", "fine"), signature=_sign(body)).status_code == 403

    assert not InboundChannelMessage.objects.exists() and not Ticket.objects.exists()
    assert connectors.requests == []


@pytest.mark.django_db
def test_replayed_sms_creates_nothing_twice(post):
    body = fixture_bytes("twilio_sms.txt").decode()
    post(body)
    post(body)

    assert Ticket.objects.count() == 1 and InboundChannelMessage.objects.count() == 1


@pytest.mark.django_db
def test_malformed_sms_is_a_400_and_quarantined(post):
    response = post(urlencode({"AccountSid": "ACtest", "Body": "no sid"}))

    assert response.status_code == 400
    assert InboundChannelMessage.objects.get().status == "quarantined"


@pytest.mark.django_db
def test_voice_webhooks_create_then_complete_a_phone_ticket(post, settings):
    alice = CustomerFactory(phone="+8613800138000")
    agent = UserFactory(username="li.wei", is_staff=True)

    ringing = post(fixture_bytes("twilio_voice_ringing.txt").decode())
    completed = post(fixture_bytes("twilio_voice_completed.txt").decode(), path=URL + "?agent=li.wei")

    assert b"<Dial" in ringing.content and b"+14155550199" in ringing.content
    assert completed.status_code == 200
    call = PhoneCall.objects.get()
    assert (call.ticket.customer, call.ticket.channel, call.direction) == (alice, Channel.PHONE, CallDirection.INBOUND)
    assert (call.duration_seconds, call.status, call.agent) == (184, "completed", agent)
    assert call.recording_url.endswith("/Recordings/RE0123456789abcdef0123456789abcdef")
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_agent_logs_an_outbound_call_from_the_ticket(customer_ticket, agent):
    call = phone_call_log(
        ticket=customer_ticket,
        actor=agent,
        customer_number="+8613800138000",
        started_at=customer_ticket.created_at,
        duration_seconds=125,
        summary="Explained how to speed up the transfer.",
    )

    assert (call.direction, call.agent, call.duration_seconds) == (CallDirection.OUTBOUND, agent, 125)
    note = customer_ticket.messages.filter(is_internal=True).get()
    assert "2:05" in note.body and "speed up the transfer" in note.body


@pytest.mark.django_db
def test_verification_codes_go_through_the_sms_connector(connectors):
    ConnectorSmsBackend().send("+8613800138000", "SupportDesk code for SD-000001: 123456.")

    [sent] = connectors.sent("/Messages.json")
    assert parse_qs(sent.body.decode())["Body"] == ["SupportDesk code for SD-000001: 123456."]


def test_production_settings_refuse_the_console_sms_connector(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    monkeypatch.setenv("SITE_URL", "https://support.example.com")
    monkeypatch.setenv("SMS_PROVIDER", "console")
    for name in ("supportdesk.settings.production", "supportdesk.settings.base", "supportdesk.settings.connectors"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with pytest.raises(ImproperlyConfigured, match="console connector"):
        importlib.import_module("supportdesk.settings.production")
