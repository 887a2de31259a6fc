"""Inbound mail from the fixture corpus: tickets, replies, notes, quarantine, loops, duplicates."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests import factories
from tickets import services
from tickets.email.models import (
    BounceType,
    DeliveryStatus,
    InboundEmail,
    InboundKind,
    InboundResult,
    InboundSource,
    InboundStatus,
    OutboundEmail,
    OutboundKind,
    QuarantineReason,
)
from tickets.email.services import inbound
from tickets.email.services.inbound import inbound_email_receive
from tickets.models import AuthorKind, Channel, Customer, Status, Ticket, TicketMessage


def receive(raw: bytes) -> InboundEmail:
    record, created = inbound_email_receive(raw=raw, source=InboundSource.FILE)
    assert created
    return record


def test_it_creates_a_ticket_and_customer_from_a_new_utf8_mail(db, mail_fixture):
    record = receive(mail_fixture("01_new_utf8_qp.eml"))

    ticket = record.ticket
    assert record.status == InboundStatus.PROCESSED
    assert record.result == InboundResult.NEW_TICKET
    assert record.message_id == "new-1@customer.example"
    assert ticket.channel == Channel.EMAIL
    assert ticket.subject == "Transfer pending — USDT"
    assert ticket.customer.email == "wei.zhang@customer.example"
    assert ticket.customer.name == "Wei Zhang"
    message = ticket.messages.get()
    assert message == record.ticket_message
    assert message.via == Channel.EMAIL
    assert message.author_kind == AuthorKind.CUSTOMER
    assert message.author is None
    assert "pending for 3 hours.\nTx hash: 0xabc123 — please help." in message.body


@pytest.mark.parametrize(
    ("fixture", "subject", "body_part", "sender"),
    [
        ("02_gbk_base64.eml", "转账没有到账 镕", "交易哈希是 0xdef456。朱镕基", "李明"),
        ("03_big5_8bit.eml", "錢包餘額顯示為零", "我的錢包無法同步，顯示餘額為零。", "陳大文"),
        ("04_mislabelled_utf8_as_latin1.eml", "Dépôt manquant", "Mon dépôt n'apparaît pas. 转账失败", "Rene"),
        ("05_unlabelled_gbk_header.eml", "助记词导入失败", "导入钱包时提示格式错误，请问怎么办？", ""),
        ("17_cp1252_as_latin1.eml", "“Insufficient gas” error", "I get “insufficient gas” — but", "O'Brien, Sean"),
    ],
)
def test_it_decodes_every_charset_a_mailbox_sends(db, mail_fixture, fixture, subject, body_part, sender):
    ticket = receive(mail_fixture(fixture)).ticket

    assert ticket.subject == subject
    assert body_part in ticket.messages.get().body
    assert ticket.customer.name == sender


def test_a_first_time_sender_writing_chinese_gets_chinese_notifications(db, mail_fixture):
    ticket = receive(mail_fixture("02_gbk_base64.eml")).ticket

    assert ticket.customer.language == "zh-hans"
    assert ticket.language == "zh-hans"


def test_the_language_of_a_mail_is_detected_once_and_a_reply_needs_no_detection(db, mail_fixture, monkeypatch):
    from tickets.services import language as ticket_language

    detected = []

    def counting(text):
        detected.append(text)
        return detect(text)

    detect = inbound.detected_language
    monkeypatch.setattr(inbound, "detected_language", counting)
    monkeypatch.setattr(ticket_language, "detected_language", counting)

    first = receive(mail_fixture("01_new_utf8_qp.eml")).ticket
    assert len(detected) == 1
    assert first.language == first.customer.language

    record = receive(mail_fixture("10_reply_subject_reference.eml", {"SD-000001": first.reference}))

    assert record.ticket == first
    assert len(detected) == 1, "a reply from a known customer is not run through the language detector"


def test_it_turns_html_only_mail_into_text_without_scripts_and_with_link_addresses(db, mail_fixture):
    body = receive(mail_fixture("06_html_only.eml")).ticket.messages.get().body

    assert body == "Hi team,\n\nThe swap failed with error E42.\nSee this (https://evil.example/).\n\nRegards, Ana"


def test_it_stores_allowed_attachments_and_lists_refused_ones(db, mail_fixture):
    record = receive(mail_fixture("07_attachments.eml"))

    message = record.ticket_message
    stored = {(a.filename, a.content_type) for a in message.attachments.all()}
    assert stored == {("statement.pdf", "application/pdf"), ("截图.png", "image/png")}
    assert message.body.startswith("Please see the attached statement and screenshot.")
    assert "[Attachments not accepted:]\n- wallet-fix.exe: this type of file is not accepted." in message.body
    assert "wallet-fix.exe" in record.notes


def test_it_keeps_inline_images_as_attachments(db, mail_fixture):
    message = receive(mail_fixture("08_inline_image.eml")).ticket_message

    assert message.body == "The QR code below does not scan in the app."
    assert [(a.filename, a.content_type) for a in message.attachments.all()] == [("inline-3.png", "image/png")]


def test_a_reply_threads_by_in_reply_to_and_loses_the_quote(db, mail_fixture, agent, team):
    first = receive(mail_fixture("01_new_utf8_qp.eml")).ticket
    Ticket.objects.filter(pk=first.pk).update(team=team)
    services.ticket_reply(ticket=first, body="Checking.", actor=agent, new_status=Status.PENDING_CUSTOMER)

    record = receive(mail_fixture("09_reply_in_reply_to.eml"))

    first.refresh_from_db()
    assert record.ticket == first
    assert record.result == InboundResult.REPLY
    assert record.ticket_message.body == "It is still pending, now 5 hours."
    assert first.status == Status.OPEN
    assert Ticket.objects.count() == 1


def test_a_reply_threads_by_the_subject_reference_and_loses_a_chinese_quote(db, mail_fixture):
    first = receive(mail_fixture("01_new_utf8_qp.eml")).ticket

    record = receive(mail_fixture("10_reply_subject_reference.eml", {"SD-000001": first.reference}))

    assert record.ticket == first
    assert record.ticket_message.body == "已经到账了，谢谢！"


def test_a_reply_threads_by_the_plus_address(db, mail_fixture):
    first = receive(mail_fixture("01_new_utf8_qp.eml")).ticket
    raw = mail_fixture(
        "09_reply_in_reply_to.eml",
        {
            "In-Reply-To: <new-1@customer.example>\r\nReferences: <new-1@customer.example>\r\n": "",
            "To: support@supportdesk.local": f"To: support+{first.reference}@supportdesk.local",
        },
    )

    assert receive(raw).ticket == first


def test_a_reference_to_another_customers_ticket_opens_a_new_ticket(db, mail_fixture, other_customer):
    someone_else = services.ticket_create(customer=other_customer, subject="Mine", body="Private", channel="portal")

    record = receive(mail_fixture("10_reply_subject_reference.eml", {"SD-000001": someone_else.reference}))

    assert record.result == InboundResult.NEW_TICKET
    assert record.ticket != someone_else
    assert record.ticket.customer.email == "wei.zhang@customer.example"
    assert someone_else.messages.count() == 1


def test_a_reply_to_a_closed_ticket_opens_a_new_ticket(db, mail_fixture, supervisor):
    first = receive(mail_fixture("01_new_utf8_qp.eml")).ticket
    services.ticket_change_status(ticket=first, status=Status.CLOSED, actor=supervisor)

    record = receive(mail_fixture("09_reply_in_reply_to.eml"))

    assert record.result == InboundResult.NEW_TICKET
    assert record.ticket != first
    assert record.ticket.subject == "Re: Transfer pending"


@pytest.mark.parametrize(("case", "refusal"), factories.CUSTOMER_REPLY_CASES.items())
def test_a_reply_follows_the_one_customer_reply_rule_and_a_refused_one_opens_a_new_ticket(
    db, mail_fixture, case, refusal
):
    first = factories.put_in_reply_case(receive(mail_fixture("01_new_utf8_qp.eml")).ticket, case)
    status_before = first.status

    record = receive(mail_fixture("09_reply_in_reply_to.eml"))

    first.refresh_from_db()
    if refusal:
        assert (record.result, first.status, first.messages.count()) == (InboundResult.NEW_TICKET, status_before, 1)
        assert record.ticket != first
    else:
        assert (record.result, record.ticket, first.status) == (InboundResult.REPLY, first, Status.OPEN)
        assert record.ticket_message.body == "It is still pending, now 5 hours."


def test_a_reply_to_a_merged_ticket_lands_on_the_surviving_ticket(db, mail_fixture, supervisor):
    first = receive(mail_fixture("01_new_utf8_qp.eml")).ticket
    survivor = services.ticket_create(customer=first.customer, subject="Same issue", body="Again", channel="portal")
    services.ticket_merge(source=first, target=survivor, actor=supervisor)

    assert receive(mail_fixture("09_reply_in_reply_to.eml")).ticket == survivor


def test_an_auto_reply_that_answers_none_of_our_mail_opens_no_ticket_and_gets_no_answer(
    db, mail_fixture, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(mail_fixture("11_auto_reply.eml"))

    assert record.kind == InboundKind.AUTO_REPLY
    assert (record.status, record.result, record.ticket) == (InboundStatus.IGNORED, InboundResult.NONE, None)
    assert (Ticket.objects.count(), Customer.objects.count(), OutboundEmail.objects.count()) == (0, 0, 0)
    assert mail.outbox == []


def test_an_auto_reply_to_our_mail_becomes_a_note_and_does_not_reopen(
    db, mail_fixture, agent, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = receive(mail_fixture("01_new_utf8_qp.eml")).ticket
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    services.ticket_change_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent)
    acknowledgement = OutboundEmail.objects.get(ticket=ticket, kind=OutboundKind.ACKNOWLEDGEMENT)
    threading = f"In-Reply-To: <{acknowledgement.message_id}>\r\nAuto-Submitted: auto-replied"
    raw = mail_fixture("11_auto_reply.eml", {"Auto-Submitted: auto-replied": threading})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        record = receive(raw)

    ticket.refresh_from_db()
    assert record.result == InboundResult.NOTE
    assert record.ticket == ticket
    assert ticket.status == Status.PENDING_CUSTOMER
    assert record.answers == acknowledgement
    note = record.ticket_message
    assert note.is_internal and note.author_kind == AuthorKind.SYSTEM
    assert "I am out of the office until 12 January." in note.body
    assert mail.outbox == []


def test_a_bounce_is_filed_on_the_ticket_whose_mail_bounced(db, mail_fixture):
    ticket = receive(mail_fixture("01_new_utf8_qp.eml")).ticket
    OutboundEmail.objects.filter(ticket=ticket).update(message_id="bounced-original@supportdesk.local")

    record = receive(mail_fixture("12_bounce_dsn.eml"))

    assert record.kind == InboundKind.BOUNCE
    assert record.result == InboundResult.NOTE
    assert record.ticket == ticket
    assert record.ticket_message.is_internal
    assert "550 5.1.1 User unknown" in record.ticket_message.body
    assert (record.bounce_type, record.answers) == (BounceType.HARD, OutboundEmail.objects.get(ticket=ticket))
    assert OutboundEmail.objects.get(ticket=ticket).status == DeliveryStatus.BOUNCED
    assert Customer.objects.filter(email__startswith="mailer-daemon").count() == 0


def test_a_bounce_of_an_unknown_mail_is_kept_but_ignored(db, mail_fixture):
    record = receive(mail_fixture("12_bounce_dsn.eml"))

    assert record.status == InboundStatus.IGNORED
    assert record.ticket is None
    assert Ticket.objects.count() == 0


def test_importing_the_same_message_twice_creates_nothing_new(db, mail_fixture):
    first = receive(mail_fixture("01_new_utf8_qp.eml"))

    again, created = inbound_email_receive(raw=mail_fixture("13_duplicate_of_01.eml"), source=InboundSource.IMAP)

    assert not created
    assert again.pk == first.pk
    assert (InboundEmail.objects.count(), Ticket.objects.count(), TicketMessage.objects.count()) == (1, 1, 1)


def test_broken_mime_is_read_as_a_human_would_and_the_raw_source_is_attached(db, mail_fixture):
    raw = mail_fixture("14_broken_mime.eml")

    record = receive(raw)

    assert (record.status, record.result) == (InboundStatus.PROCESSED, InboundResult.NEW_TICKET)
    message = record.ticket_message
    assert message.body == "Text that no client could find."
    source = message.attachments.get()
    assert (source.filename, source.content_type) == ("original-message.txt", "text/plain")
    assert source.file.read() == raw
    assert bytes(InboundEmail.objects.get(pk=record.pk).raw) == raw


def test_mail_without_a_sender_goes_to_quarantine_with_the_reason(db, mail_fixture):
    record = receive(mail_fixture("16_no_sender.eml"))

    assert record.status == InboundStatus.QUARANTINED
    assert record.quarantine_reason == QuarantineReason.NO_SENDER
    assert "no usable sender address" in record.error


def test_mail_from_our_own_address_is_ignored(db, mail_fixture):
    record = receive(mail_fixture("15_own_address.eml"))

    assert record.status == InboundStatus.IGNORED
    assert (Ticket.objects.count(), Customer.objects.count()) == (0, 0)


def test_a_failing_service_leaves_nothing_half_saved_and_can_be_processed_again(db, mail_fixture, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("storage is full", code="storage_full")

    monkeypatch.setattr(inbound.services, "ticket_create", refuse)
    record = receive(mail_fixture("07_attachments.eml"))

    assert record.status == InboundStatus.QUARANTINED
    assert record.quarantine_reason == QuarantineReason.FAILED
    assert record.error == "storage_full: storage is full"
    assert (Customer.objects.count(), Ticket.objects.count()) == (0, 0)

    monkeypatch.undo()
    again = inbound.inbound_email_reprocess(inbound=record)

    assert again.status == InboundStatus.PROCESSED
    assert again.attempts == 2
    assert again.ticket.messages.get().attachments.count() == 2


def test_only_quarantined_mail_can_be_processed_again(db, mail_fixture):
    record = receive(mail_fixture("01_new_utf8_qp.eml"))

    with pytest.raises(ValidationError) as error:
        inbound.inbound_email_reprocess(inbound=record)

    assert error.value.code == inbound.ERROR_NOT_REPROCESSABLE


def test_acknowledgements_are_rate_limited_per_sender(db, mail_fixture, settings, django_capture_on_commit_callbacks):
    settings.SUPPORT_EMAIL_ACK_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):
            receive(mail_fixture("01_new_utf8_qp.eml", {"new-1@": f"burst-{number}@"}))

    statuses = sorted(OutboundEmail.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.SUPPRESSED, DeliveryStatus.SUPPRESSED]
    assert len(mail.outbox) == 2
    assert Ticket.objects.count() == 4


def test_an_empty_subject_and_body_still_make_a_ticket(db):
    raw = b"From: quiet@example.org\r\nTo: support@supportdesk.local\r\nMessage-ID: <quiet@example.org>\r\n\r\n"

    ticket = receive(raw).ticket

    assert ticket.subject == "(no subject)"
    assert ticket.messages.get().body == "(Empty message.)"


def test_an_existing_customer_is_found_by_another_of_their_addresses(db, mail_fixture):
    customer = factories.CustomerFactory(email="wei@work.example")
    services.customer_merge(
        primary=customer,
        duplicate=factories.CustomerFactory(email="wei.zhang@customer.example"),
        actor=factories.supervisor(),
    )

    assert receive(mail_fixture("01_new_utf8_qp.eml")).ticket.customer == customer


def test_an_agent_makes_a_ticket_of_held_mail_but_never_for_our_own_address(db, mail_fixture, agent):
    held = receive(mail_fixture("16_no_sender.eml"))
    own = receive(mail_fixture("15_own_address.eml"))

    for record, address in ((held, ""), (held, "support+SD-1@supportdesk.local"), (own, "")):
        with pytest.raises(ValidationError):
            inbound.inbound_email_make_ticket(inbound=record, actor=agent, customer_email=address)
    made = inbound.inbound_email_make_ticket(inbound=held, actor=agent, customer_email="who@example.org")

    assert (made.status, made.result, made.quarantine_reason) == (InboundStatus.PROCESSED, InboundResult.NEW_TICKET, "")
    assert made.ticket.customer.email == "who@example.org"
    assert made.ticket.events.filter(actor=agent).exists()
    assert Ticket.objects.count() == 1


def test_a_broken_multipart_carrying_a_recovery_phrase_gets_no_raw_source_copy(db, mail_fixture):
    phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    raw = mail_fixture("14_broken_mime.eml", {"Text that no client could find.": f"My words: {phrase}"})

    record = receive(raw)

    message = record.ticket_message
    assert record.result == InboundResult.NEW_TICKET
    assert phrase not in message.body
    assert not message.attachments.exists(), "the raw source would carry the phrase in clear"
    assert phrase.encode() not in bytes(InboundEmail.objects.get(pk=record.pk).raw)


def test_control_characters_are_dropped_so_every_database_stores_the_mail(db):
    raw = b"From: nul@example.org\r\nSubject: Help\x00 me\x07\r\nMessage-ID: <nul\x00@example.org>\r\n\r\n"
    raw += b"Text\x00 here\r\n"

    record = receive(raw)

    assert (record.status, record.subject, record.message_id) == (InboundStatus.PROCESSED, "Help me", "")
    assert record.ticket.messages.get().body == "Text here"
