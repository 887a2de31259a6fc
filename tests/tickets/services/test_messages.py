"""tickets.services.messages: creating tickets, agent replies and notes, customer replies."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from supportdesk.kit.text import ERROR_BODY_TOO_LONG, ERROR_EMPTY_BODY, MAX_BODY_LENGTH
from tests import factories
from tickets import services
from tickets.attachments import ERROR_FORBIDDEN_TYPE
from tickets.models import (
    Attachment,
    AuthorKind,
    Channel,
    EventKind,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
)

pytestmark = pytest.mark.django_db


def events(ticket, kind=None):
    queryset = TicketEvent.objects.filter(ticket=ticket).order_by("id")
    return list(queryset.filter(kind=kind) if kind else queryset)


# ticket_create -------------------------------------------------------------


def test_it_creates_a_ticket_with_its_first_message_and_a_created_event(customer, agent, team):
    ticket = services.ticket_create(
        customer=customer,
        subject="  Stuck   transfer ",
        body="Help",
        channel=Channel.PORTAL,
        actor=customer.user,
        team=team,
    )

    assert ticket.subject == "Stuck transfer"
    assert ticket.status == Status.NEW
    assert [m.body for m in ticket.messages.all()] == ["Help"]
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_a_customer_opens_a_ticket_with_a_first_message_and_a_created_event(customer, team):
    ticket = services.ticket_create(
        customer=customer,
        subject="  Stuck \n  transfer ",
        body="  I sent 250 USDT.\r\nStill pending.  ",
        channel=Channel.PORTAL,
        actor=customer.user,
        team=team,
        tx_hash="  0xabc  ",
    )

    ticket.refresh_from_db()
    assert ticket.subject == "Stuck transfer"
    assert ticket.status == Status.NEW
    assert ticket.team == team
    assert ticket.tx_hash == "0xabc"
    assert ticket.reference == f"SD-{ticket.pk:06d}"
    assert ticket.first_response_at is None
    message = ticket.messages.get()
    assert (message.body, message.author_kind, message.author, message.via, message.is_internal) == (
        "I sent 250 USDT.\nStill pending.",
        AuthorKind.CUSTOMER,
        customer.user,
        Channel.PORTAL,
        False,
    )
    [created] = events(ticket)
    assert (created.kind, created.actor, created.before, created.after) == (
        EventKind.CREATED,
        customer.user,
        "",
        Channel.PORTAL,
    )


def test_a_ticket_recorded_by_an_agent_has_an_agent_message(customer, agent, team):
    ticket = services.ticket_create(
        customer=customer, subject="Phone call", body="Called about fees.", channel=Channel.PHONE, actor=agent
    )

    assert ticket.messages.get().author_kind == AuthorKind.AGENT
    assert events(ticket)[0].actor == agent


def test_a_ticket_takes_the_categorys_default_priority_and_the_team_that_speaks_the_language(customer):
    category = factories.CategoryFactory(default_priority=Priority.HIGH)
    english = factories.TeamFactory(languages=["en"])
    chinese = factories.TeamFactory(languages=["zh-hans"])
    english.categories.add(category)
    chinese.categories.add(category)

    ticket = factories.ticket(customer=customer, category=category, language="zh-hans")

    assert ticket.priority == Priority.HIGH
    assert ticket.team == chinese


def test_an_html_body_is_sanitised_and_kept_as_text_too(customer):
    ticket = factories.ticket(
        customer=customer, body="", body_html='<p>Hello <b>team</b></p><script>alert("x")</script><img src=x>'
    )

    message = ticket.messages.get()
    assert message.body_html == "<p>Hello <b>team</b></p>"
    assert message.body == "Hello team"


@pytest.mark.parametrize(
    ("subject", "code"),
    [("", services.ERROR_EMPTY_SUBJECT), ("  \n\t ", services.ERROR_EMPTY_SUBJECT), ("x" * 201, "subject_too_long")],
    ids=["empty", "whitespace", "too-long"],
)
def test_a_ticket_without_a_usable_subject_is_refused_and_nothing_is_stored(customer, subject, code):
    with pytest.raises(ValidationError) as caught:
        factories.ticket(customer=customer, subject=subject)

    assert factories.error_codes(caught.value) == {code}
    assert "subject" in caught.value.message_dict
    assert not Ticket.objects.exists()
    assert not TicketMessage.objects.exists()
    assert not TicketEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [("", ERROR_EMPTY_BODY), (" \r\n  ", ERROR_EMPTY_BODY), ("x" * (MAX_BODY_LENGTH + 1), ERROR_BODY_TOO_LONG)],
    ids=["empty", "whitespace", "huge"],
)
def test_a_ticket_with_an_empty_or_huge_first_message_is_refused_and_nothing_is_stored(customer, body, code):
    with pytest.raises(ValidationError) as caught:
        factories.ticket(customer=customer, body=body)

    assert factories.error_codes(caught.value) == {code}
    assert not Ticket.objects.exists()
    assert not TicketMessage.objects.exists()


def test_a_ticket_with_an_unknown_channel_or_priority_is_refused(customer):
    with pytest.raises(ValidationError) as caught:
        factories.ticket(customer=customer, channel="carrier_pigeon")
    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_CHOICE}

    with pytest.raises(ValidationError) as caught:
        factories.ticket(customer=customer, priority="apocalyptic")
    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_CHOICE}
    assert not Ticket.objects.exists()


def test_a_ticket_keeps_its_attachments_with_type_size_and_digest(customer):
    ticket = factories.ticket(customer=customer, attachments=[factories.png_upload("../../etc/shot.png")])

    attachment = Attachment.objects.get(message__ticket=ticket)
    assert attachment.filename == "shot.png"
    assert attachment.content_type == "image/png"
    assert attachment.size == len(factories.PNG_BYTES)
    assert attachment.sha256 == Attachment.digest([factories.PNG_BYTES])
    # The stored name is random: the customer's file name never reaches the file system.
    assert "shot" not in attachment.file.name
    with attachment.file.open("rb") as stored:
        assert stored.read() == factories.PNG_BYTES


def test_a_forbidden_attachment_in_ticket_create_leaves_no_ticket_message_or_event(customer):
    with pytest.raises(ValidationError) as caught:
        factories.ticket(customer=customer, attachments=[factories.png_upload(), factories.upload("run.exe", b"MZ")])

    assert factories.error_codes(caught.value) == {ERROR_FORBIDDEN_TYPE}
    assert not Ticket.objects.exists()
    assert not TicketMessage.objects.exists()
    assert not Attachment.objects.exists()


def test_a_storage_failure_on_the_second_attachment_rolls_back_the_whole_ticket(customer):
    real_save = FileSystemStorage._save
    calls = []

    def failing_second_save(storage, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(storage, name, content)

    with (
        mock.patch.object(FileSystemStorage, "_save", failing_second_save),
        pytest.raises(OSError, match="disk full"),
    ):
        factories.ticket(customer=customer, attachments=[factories.png_upload(), factories.text_upload()])

    assert len(calls) == 2
    assert not Ticket.objects.exists()
    assert not TicketMessage.objects.exists()
    assert not Attachment.objects.exists()
    assert not TicketEvent.objects.exists()


# ticket_reply / ticket_add_note -------------------------------------------


def test_an_agents_first_reply_opens_a_new_ticket_and_stamps_the_first_response(ticket, agent):
    before = timezone.now()

    message = services.ticket_reply(ticket=ticket, body="We are checking.", actor=agent)

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert before <= ticket.first_response_at <= timezone.now()
    assert ticket.first_response_at == message.created_at
    assert (message.author, message.author_kind, message.via, message.is_internal) == (
        agent,
        AuthorKind.AGENT,
        Channel.AGENT,
        False,
    )
    reply, status = events(ticket)[1:]
    assert (reply.kind, reply.actor) == (EventKind.REPLY, agent)
    assert (status.kind, status.actor, status.before, status.after) == (
        EventKind.STATUS,
        agent,
        Status.NEW,
        Status.OPEN,
    )


def test_a_later_reply_keeps_the_first_response_time(ticket, agent):
    services.ticket_reply(ticket=ticket, body="First.", actor=agent)
    first = Ticket.objects.get(pk=ticket.pk).first_response_at

    services.ticket_reply(ticket=ticket, body="Second.", actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).first_response_at == first


def test_a_reply_can_move_the_ticket_to_pending_customer_in_the_same_step(ticket, agent):
    services.ticket_reply(ticket=ticket, body="Which address?", actor=agent, new_status=Status.PENDING_CUSTOMER)

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert [(e.before, e.after) for e in events(ticket, EventKind.STATUS)] == [(Status.NEW, Status.PENDING_CUSTOMER)]


def test_an_internal_note_never_sets_the_first_response_or_opens_the_ticket(ticket, agent):
    note = services.ticket_add_note(ticket=ticket, body="Looks like congestion.", actor=agent)

    ticket.refresh_from_db()
    assert note.is_internal
    assert ticket.first_response_at is None
    assert ticket.status == Status.NEW
    assert [e.kind for e in events(ticket)] == [EventKind.CREATED, EventKind.NOTE]


def test_a_reply_with_attachments_stores_them_on_the_message(ticket, agent):
    message = services.ticket_reply(
        ticket=ticket, body="See the guide.", actor=agent, attachments=[factories.upload("guide.pdf", b"%PDF-1.4 x")]
    )

    assert [(a.filename, a.content_type) for a in message.attachments.all()] == [("guide.pdf", "application/pdf")]


@pytest.mark.parametrize(
    ("body", "code"),
    [("", ERROR_EMPTY_BODY), ("   \n\t  ", ERROR_EMPTY_BODY), ("y" * (MAX_BODY_LENGTH + 1), ERROR_BODY_TOO_LONG)],
    ids=["empty", "whitespace", "huge"],
)
def test_an_empty_or_huge_reply_is_refused_and_changes_nothing(ticket, agent, body, code):
    with pytest.raises(ValidationError) as caught:
        services.ticket_reply(ticket=ticket, body=body, actor=agent)

    assert factories.error_codes(caught.value) == {code}
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.first_response_at is None
    assert ticket.messages.count() == 1
    assert [e.kind for e in events(ticket)] == [EventKind.CREATED]


def test_a_reply_on_a_closed_ticket_is_refused(ticket, agent):
    services.ticket_change_status(ticket=ticket, status=Status.CLOSED, actor=agent)

    with pytest.raises(ValidationError) as caught:
        services.ticket_reply(ticket=ticket, body="Hello?", actor=agent)

    assert factories.error_codes(caught.value) == {services.ERROR_TICKET_CLOSED}
    assert ticket.messages.count() == 1


def test_an_agent_cannot_reply_on_a_ticket_of_another_team(other_ticket, agent):
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=other_ticket, body="Hi", actor=agent)

    assert other_ticket.messages.count() == 1


def test_a_customer_cannot_use_the_agent_reply(ticket, customer):
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, body="Hi", actor=customer.user)


# ticket_customer_reply ----------------------------------------------------


@pytest.mark.parametrize("status", [Status.PENDING_CUSTOMER, Status.SOLVED, Status.ON_HOLD])
def test_a_customer_reply_reopens_a_waiting_or_solved_ticket(customer, team, status):
    ticket = factories.TicketFactory(customer=customer, team=team, status=status, resolved_at=timezone.now())

    message = services.ticket_customer_reply(
        ticket=ticket, body="Still broken.", via=Channel.PORTAL, user=customer.user
    )

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert (message.author_kind, message.author, message.is_internal) == (AuthorKind.CUSTOMER, customer.user, False)
    kinds = [(e.kind, e.actor, e.before, e.after) for e in events(ticket)]
    assert kinds == [
        (EventKind.CUSTOMER_MESSAGE, customer.user, "", ""),
        (EventKind.STATUS, customer.user, status, Status.OPEN),
    ]
    assert events(ticket, EventKind.STATUS)[0].note == "customer replied"
    if status == Status.SOLVED:
        assert ticket.resolved_at is None


@pytest.mark.parametrize("status", [Status.NEW, Status.OPEN])
def test_a_customer_reply_leaves_a_new_or_open_ticket_in_its_status(customer, team, status):
    ticket = factories.TicketFactory(customer=customer, team=team, status=status)

    services.ticket_customer_reply(ticket=ticket, body="More details.", via=Channel.EMAIL)

    ticket.refresh_from_db()
    assert ticket.status == status
    assert [e.kind for e in events(ticket)] == [EventKind.CUSTOMER_MESSAGE]


def test_a_closed_ticket_refuses_customer_replies_and_stores_nothing(customer, team):
    ticket = factories.TicketFactory(customer=customer, team=team, status=Status.CLOSED)

    with pytest.raises(ValidationError) as caught:
        services.ticket_customer_reply(ticket=ticket, body="Hello again", via=Channel.PORTAL, user=customer.user)

    assert factories.error_codes(caught.value) == {services.ERROR_TICKET_CLOSED}
    assert not ticket.messages.exists()
    assert not events(ticket)


@pytest.mark.parametrize("body", ["", "   ", "z" * (MAX_BODY_LENGTH + 1)], ids=["empty", "whitespace", "huge"])
def test_an_empty_or_huge_customer_reply_is_refused_and_does_not_reopen(customer, team, body):
    ticket = factories.TicketFactory(customer=customer, team=team, status=Status.PENDING_CUSTOMER)

    with pytest.raises(ValidationError):
        services.ticket_customer_reply(ticket=ticket, body=body, via=Channel.PORTAL, user=customer.user)

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert not ticket.messages.exists()
    assert not events(ticket)


def test_a_customer_reply_via_an_unknown_channel_is_refused(customer, team):
    ticket = factories.TicketFactory(customer=customer, team=team, status=Status.PENDING_CUSTOMER)

    with pytest.raises(ValidationError) as caught:
        services.ticket_customer_reply(ticket=ticket, body="Hi", via="fax", user=customer.user)

    assert factories.error_codes(caught.value) == {services.ERROR_INVALID_CHOICE}
    assert not ticket.messages.exists()


@pytest.mark.parametrize(("case", "refusal"), factories.CUSTOMER_REPLY_CASES.items())
@pytest.mark.parametrize("via", [Channel.PORTAL, Channel.EMAIL])
def test_one_rule_decides_whether_a_customer_reply_is_taken_whatever_the_channel(customer, team, case, refusal, via):
    ticket = factories.put_in_reply_case(factories.TicketFactory(customer=customer, team=team), case)
    status_before = ticket.status

    if refusal:
        with pytest.raises(ValidationError) as caught:
            services.ticket_customer_reply(ticket=ticket, body="It broke again.", via=via)
        assert factories.error_codes(caught.value) == {refusal}
        assert not ticket.messages.exists()
        assert not events(ticket)
    else:
        services.ticket_customer_reply(ticket=ticket, body="It broke again.", via=via)
        assert [message.body for message in ticket.messages.all()] == ["It broke again."]
    ticket.refresh_from_db()
    assert ticket.status == (status_before if refusal else Status.OPEN)


def test_a_signed_in_user_cannot_reply_on_someone_elses_ticket(customer, other_customer, team):
    ticket = factories.TicketFactory(customer=customer, team=team, status=Status.OPEN)

    with pytest.raises(PermissionDenied):
        services.ticket_customer_reply(ticket=ticket, body="Hi", via=Channel.PORTAL, user=other_customer.user)

    assert not ticket.messages.exists()
