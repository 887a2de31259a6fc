"""Repeated permanent bounces mark an address bouncing: no more mail is queued for it until it works again."""

import pytest

from tests import factories
from tickets import services
from tickets.email.models import BounceType, DeliveryStatus, EmailAddressStatus, InboundSource, OutboundEmail
from tickets.email.services.deliverability import email_address_clear_bouncing, email_address_record_bounce
from tickets.email.services.inbound import inbound_email_receive
from tickets.models import Status

ADDRESS = "wei.zhang@customer.example"


def hard_bounce_of(message_id: str, number: int) -> bytes:
    return (
        f"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.customer.example\r\nTo: support@supportdesk.local\r\n"
        f"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-{number}@mx.customer.example>\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        f"--r\r\nContent-Type: text/plain\r\n\r\nUser unknown\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.customer.example\r\n\r\nFinal-Recipient: rfc822; {ADDRESS}\r\nAction: failed\r\n"
        f"Status: 5.1.1\r\n\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: <{message_id}>\r\n\r\n--r--\r\n"
    ).encode()


def test_the_limit_th_hard_bounce_marks_the_address_and_later_mail_is_suppressed(db, settings, supervisor):
    settings.SUPPORT_EMAIL_HARD_BOUNCE_LIMIT = 2
    ticket = services.ticket_create(
        customer=factories.CustomerFactory(email=ADDRESS), subject="Help", body="Hi", channel="email"
    )
    acknowledgement = OutboundEmail.objects.get(ticket=ticket)

    first, _created = inbound_email_receive(
        raw=hard_bounce_of(acknowledgement.message_id, 1), source=InboundSource.FILE
    )
    assert EmailAddressStatus.objects.get(address=ADDRESS).bouncing_since is None
    inbound_email_receive(raw=hard_bounce_of(acknowledgement.message_id, 2), source=InboundSource.FILE)

    status = EmailAddressStatus.objects.get(address=ADDRESS)
    assert (status.hard_bounces, status.bouncing_since is not None) == (2, True)
    assert "no more mail is sent to it" in ticket.messages.filter(is_internal=True).last().body
    services.ticket_change_status(ticket=ticket, status=Status.SOLVED, actor=supervisor)
    solved = OutboundEmail.objects.filter(ticket=ticket).latest("id")
    assert (solved.status, solved.last_error.startswith("the address bounces")) == (DeliveryStatus.SUPPRESSED, True)
    assert first.answers == acknowledgement


def test_a_soft_bounce_is_counted_but_never_marks_the_address(db, settings):
    settings.SUPPORT_EMAIL_HARD_BOUNCE_LIMIT = 1
    for _ in range(3):
        status = email_address_record_bounce(address=ADDRESS.upper(), bounce_type=BounceType.SOFT, diagnostic="4.4.1")

    assert (status.address, status.soft_bounces, status.hard_bounces, status.bouncing_since) == (ADDRESS, 3, 0, None)


@pytest.mark.parametrize("cleared_by", ["administrator", "mail from the address"])
def test_the_mark_is_cleared_when_the_address_works_again(db, settings, cleared_by):
    settings.SUPPORT_EMAIL_HARD_BOUNCE_LIMIT = 1
    email_address_record_bounce(address=ADDRESS, bounce_type=BounceType.HARD, diagnostic="5.1.1")
    assert EmailAddressStatus.objects.bouncing().filter(address=ADDRESS).exists()

    if cleared_by == "administrator":
        assert email_address_clear_bouncing(addresses=[ADDRESS]) == 1
    else:
        raw = f"From: {ADDRESS}\r\nSubject: I am back\r\nMessage-ID: <back@customer.example>\r\n\r\nHello\r\n"
        inbound_email_receive(raw=raw.encode(), source=InboundSource.FILE)

    status = EmailAddressStatus.objects.get(address=ADDRESS)
    assert (status.hard_bounces, status.bouncing_since) == (0, None)
