"""Outbound notifications: what is sent when, threading headers, language, retries, the round trip."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from supportdesk.kit.mail import CUSTOMER_LINK_PLACEHOLDER, RenderedMail
from tickets import services, tasks
from tickets.email.models import (
    DeliveryStatus,
    InboundResult,
    InboundSource,
    OutboundEmail,
    OutboundKind,
)
from tickets.email.services import outbound
from tickets.email.services.inbound import inbound_email_receive
from tickets.models import Channel, Status


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp.example.com:587 refused the connection")


@pytest.fixture
def portal_ticket(customer, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(
            customer=customer, subject="Lost access", body="Help", channel=Channel.PORTAL, team=team
        )
    return ticket


def ticket_mails() -> list:
    """Mails of the email channel: the survey invitation a solved ticket also triggers is the feedback app's."""
    return [message for message in mail.outbox if "/portal/survey/" not in message.body]


def sent_headers(index: int = -1):
    return message_from_bytes(ticket_mails()[index].message().as_bytes(), policy=policy.default)


def test_a_new_ticket_is_acknowledged_once_after_commit(portal_ticket):
    acknowledgement = OutboundEmail.objects.get(ticket=portal_ticket)
    assert acknowledgement.kind == OutboundKind.ACKNOWLEDGEMENT
    assert acknowledgement.status == DeliveryStatus.SENT
    assert acknowledgement.attempts == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["alice@example.com"]
    assert sent.subject == f"[{portal_ticket.reference}] Lost access"
    headers = sent_headers()
    assert headers["Message-ID"] == f"<{acknowledgement.message_id}>"
    assert headers["Auto-Submitted"] == "auto-replied"
    assert headers["X-Auto-Response-Suppress"] == "All"
    assert headers["Reply-To"] == f"support+{portal_ticket.reference}@supportdesk.local"
    assert headers["From"] == "SupportDesk <support@supportdesk.local>"
    assert "In-Reply-To" not in headers
    assert "We will reply by" in sent.body
    assert sent.body.startswith("##- Please type your reply above this line -##")
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert '<meta charset="utf-8">' in html


def test_nothing_is_sent_inside_the_request_or_when_the_change_rolls_back(customer):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_create(customer=customer, subject="Oops", body="Help", channel=Channel.PORTAL)
        assert mail.outbox == []
        raise RuntimeError("request failed later")

    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_an_agent_reply_is_mailed_in_the_thread(portal_ticket, agent, django_capture_on_commit_callbacks):
    acknowledgement = OutboundEmail.objects.get(ticket=portal_ticket)
    agent.first_name = "Lin"
    agent.save(update_fields=["first_name"])

    with django_capture_on_commit_callbacks(execute=True):
        message = services.ticket_reply(
            ticket=portal_ticket, body="Please restore from your\nbackup.", actor=agent, new_status="pending_customer"
        )

    reply = OutboundEmail.objects.get(ticket_message=message)
    assert reply.kind == OutboundKind.REPLY
    assert len(mail.outbox) == 2, "the reply carries the status; no separate status mail"
    headers = sent_headers()
    assert "Auto-Submitted" not in headers
    assert headers["References"] == f"<{acknowledgement.message_id}>"
    body = mail.outbox[-1].body
    assert "Please restore from your\nbackup." in body
    assert "We are waiting for your answer before we can continue." in body
    assert "Lin\nSupportDesk" in body
    assert "Please restore from your<br>backup." in mail.outbox[-1].alternatives[0][0]


def test_internal_notes_are_never_mailed(portal_ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_add_note(ticket=portal_ticket, body="Customer seems confused", actor=agent)

    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(kind=OutboundKind.REPLY).count() == 0


def test_a_note_that_solves_the_ticket_sends_the_solved_mail_only(
    portal_ticket, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(
            ticket=portal_ticket, body="Fixed in 2.3", actor=agent, internal=True, new_status="solved"
        )

    # Solving also sends the satisfaction survey, on the same thread.
    assert [o.kind for o in OutboundEmail.objects.order_by("id")] == [
        OutboundKind.ACKNOWLEDGEMENT,
        OutboundKind.SOLVED,
        OutboundKind.SURVEY,
    ]
    assert all("Fixed in 2.3" not in mail.body for mail in ticket_mails())
    assert sent_headers()["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (Status.PENDING_CUSTOMER, OutboundKind.PENDING_CUSTOMER),
        (Status.SOLVED, OutboundKind.SOLVED),
        (Status.OPEN, None),
    ],
)
def test_status_changes_the_customer_cares_about_are_mailed(
    portal_ticket, agent, django_capture_on_commit_callbacks, status, kind
):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_change_status(ticket=portal_ticket, status=status, actor=agent)

    # (Solving also queues the satisfaction survey, tested with the feedback app.)
    kinds = OutboundEmail.objects.exclude(kind__in=[OutboundKind.ACKNOWLEDGEMENT, OutboundKind.SURVEY])
    assert list(kinds.values_list("kind", flat=True)) == ([kind] if kind else [])
    assert len(ticket_mails()) == (2 if kind else 1)


def test_mail_is_rendered_in_the_customers_language(other_customer, django_capture_on_commit_callbacks):
    other_customer.language = "zh-hans"
    other_customer.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(customer=other_customer, subject="钱包", body="帮助", channel=Channel.PORTAL)

    html = mail.outbox[0].alternatives[0][0]
    assert '<html lang="zh-hans">' in html
    assert mail.outbox[0].subject == f"[{ticket.reference}] 钱包"
    assert ticket.reference in mail.outbox[0].body


def test_a_reply_to_an_email_ticket_answers_the_customers_last_mail(
    mail_fixture, agent, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record, _created = inbound_email_receive(raw=mail_fixture("01_new_utf8_qp.eml"), source=InboundSource.FILE)
    ticket = record.ticket
    ticket.team = team
    ticket.save(update_fields=["team"])

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=ticket, body="On it.", actor=agent)

    headers = sent_headers()
    acknowledgement = OutboundEmail.objects.get(kind=OutboundKind.ACKNOWLEDGEMENT)
    assert headers["In-Reply-To"] == "<new-1@customer.example>"
    assert headers["References"] == f"<new-1@customer.example> <{acknowledgement.message_id}>"
    assert sent_headers(0)["In-Reply-To"] == "<new-1@customer.example>"


def test_round_trip_the_customers_answer_to_our_reply_threads_back(
    mail_fixture, agent, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record, _created = inbound_email_receive(raw=mail_fixture("06_html_only.eml"), source=InboundSource.FILE)
    ticket = record.ticket
    ticket.team = team
    ticket.save(update_fields=["team"])
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=ticket, body="Which app version?", actor=agent, new_status="pending_customer")
    ours = sent_headers()
    answer = (
        f"From: Ana Souza <ana@example.br>\r\nTo: {ours['Reply-To']}\r\nSubject: Re: {ours['Subject']}\r\n"
        f"Message-ID: <answer-1@example.br>\r\nIn-Reply-To: {ours['Message-ID']}\r\n"
        f"References: {ours['References']} {ours['Message-ID']}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Version 2.3.1.\r\n\r\n{outbound.REPLY_MARKER}\r\n\r\nHello Ana Souza,\r\n\r\nWhich app version?\r\n"
    ).encode()

    with django_capture_on_commit_callbacks(execute=True):
        answered, _created = inbound_email_receive(raw=answer, source=InboundSource.IMAP)

    ticket.refresh_from_db()
    assert answered.ticket == ticket
    assert answered.result == InboundResult.REPLY
    assert answered.ticket_message.body == "Version 2.3.1."
    assert ticket.status == Status.OPEN
    assert ticket.messages.count() == 3
    assert len(mail.outbox) == 2, "a customer reply is not acknowledged"


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(
    customer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.tickets.email.services.test_outbound.FailingBackend"
    settings.SUPPORT_EMAIL_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(customer=customer, subject="Help", body="Help", channel=Channel.PORTAL)
    row = OutboundEmail.objects.get(ticket=ticket)
    assert (row.status, row.attempts) == (DeliveryStatus.RETRYING, 1)
    assert row.last_error == "ConnectionRefusedError: smtp.example.com:587 refused the connection"
    assert timedelta(seconds=55) < row.next_attempt_at - timezone.now() <= timedelta(seconds=60)

    assert tasks.send_due_outbound_emails() == 0, "not due before the backoff has passed"
    for expected_attempts, expected_status in [(2, DeliveryStatus.RETRYING), (3, DeliveryStatus.FAILED)]:
        OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert tasks.send_due_outbound_emails() == 1
        row.refresh_from_db()
        assert (row.attempts, row.status) == (expected_attempts, expected_status)
    assert row.next_attempt_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert outbound.outbound_email_retry_now(outbound_ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 4)
    assert len(mail.outbox) == 1


def test_sending_is_idempotent(portal_ticket):
    row = OutboundEmail.objects.get(ticket=portal_ticket)

    assert tasks.send_outbound_email(row.pk) == DeliveryStatus.SENT
    assert tasks.send_due_outbound_emails() == 0
    assert len(mail.outbox) == 1


def test_a_worker_that_died_mid_send_is_retried_after_its_lease(portal_ticket):
    row = OutboundEmail.objects.get(ticket=portal_ticket)
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=DeliveryStatus.SENDING, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )

    assert tasks.send_due_outbound_emails() == 1
    assert len(mail.outbox) == 2


def test_backoff_doubles_and_is_capped(settings):
    settings.SUPPORT_EMAIL_RETRY_MAX_SECONDS = 600

    assert [outbound.retry_delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_plus_addressing_can_be_switched_off(portal_ticket, settings):
    settings.SUPPORT_EMAIL_PLUS_ADDRESSING = False

    assert outbound.reply_to_address(portal_ticket) == "support@supportdesk.local"


def test_a_customer_who_opted_out_gets_no_reply_or_solved_mail(
    portal_ticket, agent, django_capture_on_commit_callbacks
):
    customer = portal_ticket.customer
    customer.notify_on_reply = customer.notify_on_status = False
    customer.save(update_fields=["notify_on_reply", "notify_on_status"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(ticket=portal_ticket, body="Checked on the explorer.", actor=agent)
        services.ticket_change_status(ticket=portal_ticket, status=Status.SOLVED, actor=agent)

    suppressed = OutboundEmail.objects.filter(ticket=portal_ticket, status=DeliveryStatus.SUPPRESSED)
    assert sorted(suppressed.values_list("kind", flat=True)) == sorted([OutboundKind.REPLY, OutboundKind.SOLVED])
    assert ticket_mails() == []


def test_a_prepared_mail_keeps_its_customer_link_through_failed_attempts_and_drops_it_once_sent(
    portal_ticket, settings, django_capture_on_commit_callbacks
):
    link = "https://desk.example/portal/survey/key:stamp:sig/"
    content = RenderedMail(subject="Rate us", text=f"Open {CUSTOMER_LINK_PLACEHOLDER}\n", html="", customer_link=link)
    settings.EMAIL_BACKEND = "tests.tickets.email.services.test_outbound.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        row = outbound.outbound_email_queue_prepared(ticket=portal_ticket, kind=OutboundKind.SURVEY, content=content)
    row.refresh_from_db()
    assert (row.status, row.body_text, row.customer_link) == (DeliveryStatus.RETRYING, "Open [customer link]\n", link)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert tasks.send_due_outbound_emails() == 1

    row.refresh_from_db()
    assert (row.status, row.customer_link) == (DeliveryStatus.SENT, "")
    assert mail.outbox[-1].body == f"Open {link}\n"
