"""Outbound mail against a real SMTP server (aiosmtpd) refusing or never answering: retried with backoff, sent once."""

import socket
import threading
import time
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.utils import timezone

from devdata.cluster import free_port
from tests.mailservers import Mailbox, start_smtp
from tickets.email.models import DeliveryStatus, OutboundEmail, OutboundKind
from tickets.email.services import outbound_email_send, outbound_email_send_due

pytestmark = [pytest.mark.django_db, pytest.mark.fault]


@pytest.fixture
def smtp_server(settings):
    def start(mailbox: Mailbox) -> Mailbox:
        controller = start_smtp(mailbox)
        servers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return mailbox

    servers = []
    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def queued(ticket):
    """The only mail waiting (the ticket's own acknowledgement is cleared away)."""
    OutboundEmail.objects.all().delete()
    return OutboundEmail.objects.create(
        ticket=ticket,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        to_address="alice@example.com",
        message_id="fault-test.sd-000001@supportdesk.local",
        status=DeliveryStatus.QUEUED,
        next_attempt_at=timezone.now(),
    )


def _time_passes(outbound: OutboundEmail) -> None:
    """The backoff delay is over (instead of waiting minutes)."""
    OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_refusing_server_gets_retries_with_growing_delays_and_one_copy_in_the_end(smtp_server, queued, settings):
    mailbox = smtp_server(Mailbox(refuse=2))

    started = timezone.now()
    assert outbound_email_send(outbound_id=queued.pk) == DeliveryStatus.RETRYING
    first = OutboundEmail.objects.get(pk=queued.pk)
    # Not due yet: a second task or the sweep leaves it alone.
    assert outbound_email_send(outbound_id=queued.pk) == DeliveryStatus.RETRYING
    assert outbound_email_send_due() == 0
    _time_passes(queued)
    assert outbound_email_send(outbound_id=queued.pk) == DeliveryStatus.RETRYING
    second = OutboundEmail.objects.get(pk=queued.pk)
    _time_passes(queued)
    assert outbound_email_send_due() == 1
    assert outbound_email_send_due() == 0

    sent = OutboundEmail.objects.get(pk=queued.pk)
    assert "451" in first.last_error
    assert 55 <= (first.next_attempt_at - started).total_seconds() <= 70
    assert 115 <= (second.next_attempt_at - started).total_seconds() <= 130
    assert (sent.status, sent.attempts, sent.last_error) == (DeliveryStatus.SENT, 3, "")
    assert mailbox.attempts == 3
    assert len(mailbox.delivered) == 1
    assert message_from_bytes(mailbox.delivered[0])["Message-ID"] == f"<{queued.message_id}>"


@pytest.fixture
def silent_server():
    """Accepts TCP connections and never says a word (a hung mail server)."""
    listener = socket.create_server(("127.0.0.1", free_port()))
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_server_that_never_answers_times_out_and_is_retried(silent_server, queued, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", silent_server, 1
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    started = time.monotonic()
    status = outbound_email_send(outbound_id=queued.pk)

    outbound = OutboundEmail.objects.get(pk=queued.pk)
    assert time.monotonic() - started < 5
    assert status == DeliveryStatus.RETRYING
    assert outbound.last_error.startswith(("TimeoutError", "timeout", "SMTPServerDisconnected"))
    assert outbound.next_attempt_at > timezone.now()
