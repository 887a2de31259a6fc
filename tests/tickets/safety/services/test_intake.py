"""End to end: a recovery phrase sent through any intake path never reaches the database, the
outbox, the task queue or the logs in clear; the ticket is flagged, escalated and the customer warned.
An agent reply that asks for a secret is refused and the attempt recorded."""

import logging
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from mnemonic import Mnemonic

from tests import factories
from tickets import services
from tickets.models import AuthorKind, Channel, EventKind, Priority, Tier
from tickets.safety.detect import find_secrets
from tickets.safety.services import ERROR_SECRET_REQUEST

PHRASE = Mnemonic("english").to_mnemonic(bytes.fromhex("1f2e3d4c5b6a79880f1e2d3c4b5a6978"))
PHRASE_ZH = Mnemonic("chinese_simplified").to_mnemonic(bytes.fromhex("a1b2c3d4e5f60718293a4b5c6d7e8f90"))
PRIVATE_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def _windows(phrase: str, size: int = 4) -> list[str]:
    words = phrase.split()
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+|[\u4e00-\u9fff]", text.lower()))


def _stored_text() -> str:
    """Every text-like column of every table (tickets, auth, django-q tasks and queue …) plus stored files."""
    chunks = []
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField, models.FileField))
            or field.get_internal_type() in ("TextField", "BinaryField")
        ]
        if fields:
            chunks += [str(row) for row in model._base_manager.values_list(*fields)]
    for attachment in apps.get_model("tickets", "Attachment").objects.all():
        with attachment.file.open("rb") as handle:
            chunks.append(handle.read().decode("utf-8", errors="replace"))
    return _normalise("\n".join(chunks))


def warning_mails(outbox) -> list:
    """The safety warning, told apart from the email channel's acknowledgement of the same ticket."""
    return [mail for mail in outbox if "may be at risk" in mail.subject]


def assert_nowhere_in_clear(phrase: str, mailoutbox, caplog) -> None:
    places = {
        "database": _stored_text(),
        "outbox": _normalise("\n".join(f"{mail.subject}\n{mail.body}" for mail in mailoutbox)),
        "logs": _normalise("\n".join(record.getMessage() for record in caplog.records)),
    }
    for place, text in places.items():
        leaked = [window for window in _windows(_normalise(phrase)) if window in text]
        assert not leaked, f"phrase fragment in the {place}: {leaked[:1]}"


@pytest.fixture(autouse=True)
def _capture_all_logs(caplog):
    caplog.set_level(logging.DEBUG)


@pytest.mark.parametrize(
    ("channel", "as_user"),
    [(Channel.PORTAL, True), (Channel.EMAIL, False), (Channel.BOT, False), (Channel.WEB_FORM, False)],
)
def test_phrase_sent_at_intake_is_removed_and_the_customer_warned(
    channel, as_user, customer, security_team, team, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(
            customer=customer,
            subject=f"Help {PHRASE}",
            body=f"Hello, I lost access. My words:\n{PHRASE}\nPlease hurry.",
            body_html=f"<p>Hello, I lost access. My words:</p><p>{PHRASE}</p>",
            channel=channel,
            actor=customer.user if as_user else None,
            team=team,
            attachments=[
                SimpleUploadedFile(f"{PHRASE}.txt", f"backup: {PHRASE}\n".encode(), content_type="text/plain")
            ],
        )

    ticket.refresh_from_db()
    first, warning = ticket.messages.order_by("id")
    assert "[recovery phrase removed]" in first.body
    assert first.attachments.get().filename == "[recovery phrase removed].txt"
    assert (ticket.secret_exposed, ticket.priority, ticket.tier, ticket.team) == (
        True, Priority.URGENT, Tier.L3, security_team,
    )  # fmt: skip
    assert warning.author_kind == AuthorKind.SYSTEM and not warning.is_internal
    assert "compromised" in warning.body and "new wallet" in warning.body
    assert ticket.events.filter(kind=EventKind.SECRET_EXPOSED, after="recovery phrase").exists()
    # The warning, besides the email channel's acknowledgement (which must not quote the phrase either).
    assert [mail.to for mail in warning_mails(mailoutbox)] == [[customer.email]]
    assert any("Removed recovery phrase" in record.getMessage() for record in caplog.records)
    assert_nowhere_in_clear(PHRASE, mailoutbox, caplog)


def test_chinese_phrase_in_a_customer_reply_is_removed(
    customer, security_team, team, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    ticket = services.ticket_create(
        customer=customer, subject="转账问题", body="转账没到账", channel=Channel.PORTAL, actor=customer.user, team=team
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_customer_reply(
            ticket=ticket, body=f"我的助记词是{PHRASE_ZH.replace(' ', '')}", via=Channel.PORTAL, user=customer.user
        )

    ticket.refresh_from_db()
    assert ticket.secret_exposed and ticket.team == security_team
    assert ticket.messages.filter(body="我的助记词是[recovery phrase removed]").exists()
    assert len(warning_mails(mailoutbox)) == 1
    assert_nowhere_in_clear(PHRASE_ZH, mailoutbox, caplog)


def test_keystore_text_attachment_is_replaced_by_its_redacted_copy(customer, security_team, mailoutbox):
    keystore = b'{"crypto": {"cipher": "aes-128-ctr", "ciphertext": "d172bf74", "kdf": "scrypt"}, "version": 3}'
    ticket = services.ticket_create(
        customer=customer,
        subject="Wallet file",
        body="Attached my wallet file",
        channel=Channel.EMAIL,
        attachments=[SimpleUploadedFile("UTC--2026.json", keystore, content_type="application/json")],
    )

    attachment = ticket.messages.first().attachments.get()
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"[keystore file removed]"
    assert attachment.size == len(b"[keystore file removed]")
    ticket.refresh_from_db()
    assert ticket.secret_exposed


def test_private_key_in_context_is_removed_but_a_transaction_hash_is_kept(customer, security_team):
    ticket = services.ticket_create(
        customer=customer,
        subject="Transfer",
        body=f"tx hash 0x{PRIVATE_KEY} is pending",
        channel=Channel.PORTAL,
        actor=customer.user,
    )
    services.ticket_customer_reply(ticket=ticket, body=f"my private key: {PRIVATE_KEY}", via=Channel.PORTAL)

    bodies = list(ticket.messages.filter(author_kind=AuthorKind.CUSTOMER).values_list("body", flat=True))
    assert bodies == [f"tx hash 0x{PRIVATE_KEY} is pending", "my private key: [private key removed]"]


def test_a_typo_phrase_is_kept_flagged_and_the_customer_warned_without_escalation(
    customer, team, security_team, mailoutbox, django_capture_on_commit_callbacks
):
    typo = PHRASE.replace("olympic", "olimpic")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(
            customer=customer, subject="Help", body=typo, channel=Channel.PORTAL, actor=customer.user, team=team
        )

    ticket.refresh_from_db()
    assert (ticket.secret_exposed, ticket.team) == (False, team)
    assert ticket.messages.filter(body=typo).exists()
    assert ticket.events.filter(kind=EventKind.SECRET_SUSPECTED).exists()
    assert ticket.messages.filter(author_kind=AuthorKind.SYSTEM, body__contains="looks like").exists()
    assert len(warning_mails(mailoutbox)) == 1


def test_a_phrase_in_an_agent_note_is_removed_without_escalating(customer, agent, team, security_team, mailoutbox):
    ticket = services.ticket_create(customer=customer, subject="Hi", body="Hello", channel=Channel.PORTAL, team=team)

    note = services.ticket_add_note(ticket=ticket, body=f"Customer said on the phone: {PHRASE}", actor=agent)

    ticket.refresh_from_db()
    assert note.body == "Customer said on the phone: [recovery phrase removed]"
    assert (ticket.secret_exposed, ticket.team) == (False, team)
    assert ticket.events.filter(kind=EventKind.SECRET_EXPOSED).exists()
    assert mailoutbox == []


def test_an_assignee_outside_the_security_team_is_released(customer, agent, team, security_team):
    ticket = services.ticket_create(customer=customer, subject="Hi", body="Hello", channel=Channel.PORTAL, team=team)
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    services.ticket_customer_reply(ticket=ticket, body=PHRASE, via=Channel.EMAIL)

    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (security_team, None)


def test_without_a_security_team_the_ticket_is_still_flagged_and_urgent(customer, team):
    ticket = services.ticket_create(customer=customer, subject="x", body=PHRASE, channel=Channel.EMAIL, team=team)

    ticket.refresh_from_db()
    assert (ticket.secret_exposed, ticket.priority, ticket.team) == (True, Priority.URGENT, team)


def test_ordinary_tickets_are_untouched(customer, team, mailoutbox):
    ticket = services.ticket_create(
        customer=customer,
        subject="Where is my USDT?",
        body="I sent 100 USDT to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed two hours ago, order 2026112300012345.",
        channel=Channel.PORTAL,
        team=team,
    )

    ticket.refresh_from_db()
    assert not ticket.secret_exposed
    assert ticket.messages.count() == 1
    assert not find_secrets(ticket.messages.get().body)
    assert mailoutbox == []
    assert factories.TicketFactory._meta.model.objects.filter(secret_exposed=True).count() == 0


def test_the_leak_scanner_itself_sees_a_phrase_stored_in_clear(customer, mailoutbox, caplog):
    factories.TicketMessageFactory(ticket__customer=customer, body=f"raw import without services: {PHRASE}")

    with pytest.raises(AssertionError, match="in the database"):
        assert_nowhere_in_clear(PHRASE, mailoutbox, caplog)


def test_the_warning_mail_goes_through_the_email_channel_whatever_the_preferences(
    customer, security_team, team, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    from tickets.email.models import DeliveryStatus, OutboundEmail, OutboundKind

    customer.notify_on_reply = customer.notify_on_status = False
    customer.save(update_fields=["notify_on_reply", "notify_on_status"])
    ticket = services.ticket_create(customer=customer, subject="Hi", body="Hello", channel=Channel.EMAIL, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_customer_reply(ticket=ticket, body=f"words: {PHRASE}", via=Channel.EMAIL)

    outbound = OutboundEmail.objects.get(kind=OutboundKind.SECURITY_WARNING)
    assert (outbound.status, outbound.to_address) == (DeliveryStatus.SENT, customer.email)
    [mail] = warning_mails(mailoutbox)
    assert mail.extra_headers["Message-ID"] == f"<{outbound.message_id}>"
    assert mail.extra_headers["X-SupportDesk-Ticket"] == ticket.reference
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"
    assert ticket.events.filter(kind=EventKind.CUSTOMER_WARNED, after=str(outbound.ticket_message_id)).exists()
    assert_nowhere_in_clear(PHRASE, mailoutbox, caplog)


# Agent replies that ask for a secret ------------------------------------------


@pytest.fixture
def ticket(customer, team):
    return services.ticket_create(customer=customer, subject="Help", body="Hello", channel=Channel.PORTAL, team=team)


def test_service_refuses_the_reply_and_records_the_attempt(ticket, agent):
    with pytest.raises(ValidationError) as error:
        services.ticket_reply(ticket=ticket, body="请提供您的助记词。", actor=agent)

    assert error.value.code == ERROR_SECRET_REQUEST
    assert not ticket.messages.filter(author=agent).exists()
    blocked = ticket.events.get(kind=EventKind.REPLY_BLOCKED)
    assert (blocked.actor, blocked.after) == (agent, "recovery phrase")


def test_internal_notes_may_discuss_it_and_warnings_are_sent(ticket, agent):
    services.ticket_add_note(ticket=ticket, body="Customer asked whether to send us the seed phrase.", actor=agent)
    services.ticket_reply(ticket=ticket, body="We will never ask for your recovery phrase.", actor=agent)

    assert ticket.messages.filter(author=agent).count() == 2
    assert not ticket.events.filter(kind=EventKind.REPLY_BLOCKED).exists()


def test_admin_reply_box_shows_the_refusal_as_a_field_error(client, ticket, agent):
    client.force_login(agent)
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in ("status", "priority", "tier")}
    data |= {"team": ticket.team_id, "reply_body": "Please send us your private key."}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Official support never asks for a password" in str(response.context["adminform"].form.errors["reply_body"])
    assert ticket.events.filter(kind=EventKind.REPLY_BLOCKED, actor=agent).exists()
    assert not ticket.messages.filter(author=agent).exists()


def test_the_environment_fields_of_a_request_pass_the_gate(customer, security_team, team):
    ticket = services.ticket_create(
        customer=customer, subject="Crash", body="The app closes.", channel=Channel.PORTAL, actor=customer.user,
        team=team, device=PHRASE, os=f"key 0x{PRIVATE_KEY}", browser="Chrome 120", app_version="2.1",
    )  # fmt: skip

    ticket.refresh_from_db()
    assert (ticket.device, ticket.os, ticket.browser) == (
        "[recovery phrase removed]",
        "key [private key removed]",
        "Chrome 120",
    )
    assert ticket.secret_exposed
    assert ticket.events.get(kind=EventKind.SECRET_EXPOSED).note == "device, os"


def test_a_complaints_desired_outcome_passes_the_gate_and_flags_the_ticket(customer, security_team, team):
    from tickets.complaints.services import complaint_file

    complaint = complaint_file(
        user=customer.user, subject="fees", title="Fees", body="Too high.", desired_outcome=f"refund, words {PHRASE}"
    )

    assert complaint.desired_outcome == "refund, words [recovery phrase removed]"
    assert complaint.ticket.secret_exposed
    assert complaint.ticket.events.filter(kind=EventKind.SECRET_EXPOSED, note="desired outcome").exists()


def test_a_survey_comment_passes_the_gate(customer):
    from feedback.services import survey_response_submit

    invitation = factories.SurveyInvitationFactory(ticket=factories.ticket(customer=customer))
    response = survey_response_submit(invitation=invitation, answers={"overall": 5, "comment": f"ok {PHRASE}"})

    customer.refresh_from_db()
    assert response.comment == "ok [recovery phrase removed]"
    assert customer.secret_exposed_channel == "survey"
