"""No phone number or wallet address reaches a log record, whatever the intake path logs on the way."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests import factories
from tests.factories import CustomerFactory
from tests.tickets.connectors.test_twilio import _sign
from tickets.connectors.models import ChannelIdentity
from tickets.models import Ticket, WalletAddress

PHONE = "+8613912345678"
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"
URL = "/connectors/sms/webhook/"


@pytest.mark.django_db
def test_intake_with_a_phone_number_and_a_wallet_address_logs_neither(
    client, connectors, caplog, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(phone="")
    WalletAddress.objects.create(customer=customer, chain="ethereum", address=WALLET)
    body = urlencode(
        {"MessageSid": "SM" + "7" * 32, "From": PHONE, "To": "+14155550100", "NumMedia": "0",
         "Body": f"Refund to {WALLET} please, call {PHONE}"}
    )  # fmt: skip
    caplog.set_level(logging.DEBUG)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, data=body, content_type="application/x-www-form-urlencoded", HTTP_X_TWILIO_SIGNATURE=_sign(body)
        )
        portal = factories.ticket(customer=customer, from_address=WALLET, body=f"From {WALLET}, phone {PHONE}")

    assert response.status_code == 200 and Ticket.objects.count() == 2 and portal.from_address == WALLET
    assert caplog.records, "the intake logged nothing: the test would prove nothing"
    texts = [f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records]
    needles = {PHONE, PHONE[1:], WALLET.lower(), WALLET[2:].lower()}
    assert not [text for text in texts if any(needle in text.lower() for needle in needles)]
    # ...and the columns that hold them are encrypted, found by their exact value.
    identity = ChannelIdentity.objects.get(handle=PHONE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT handle FROM tickets_channelidentity WHERE id = %s", [identity.pk])
        assert PHONE[3:] not in cursor.fetchone()[0]
        cursor.execute("SELECT address FROM tickets_walletaddress")
        assert WALLET[2:].lower() not in cursor.fetchone()[0].lower()
    assert Ticket.objects.filter(from_address=WALLET.lower()).get() == portal
