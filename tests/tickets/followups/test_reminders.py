"""Tickets waiting on the customer: two reminders, then closed with a message that a reply reopens them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from tickets import services
from tickets.email.models import OutboundEmail, OutboundKind
from tickets.followups.models import FollowUpPolicy, FollowUpSent, FollowUpStep
from tickets.models import AuthorKind, Channel, EventKind, Status, TicketEvent, TicketMessage
from tickets.selectors import customer_can_reply, tickets_customer_can_reply

pytestmark = pytest.mark.django_db


def system_messages(ticket) -> list[str]:
    return list(
        TicketMessage.objects.filter(ticket=ticket, author_kind=AuthorKind.SYSTEM, is_internal=False)
        .order_by("id")
        .values_list("body", flat=True)
    )


def test_nothing_is_sent_before_the_first_reminder_is_due(clock, waiting, sweep, mailoutbox):
    mailoutbox.clear()
    clock.advance(days=2, hours=23)

    result = sweep()

    assert (result.reminded, result.closed) == ([], [])
    assert system_messages(waiting) == []
    assert mailoutbox == []


def test_first_reminder_after_n_days_is_stored_timed_and_mailed_once(clock, waiting, sweep, mailoutbox, customer):
    mailoutbox.clear()
    clock.advance(days=3, minutes=1)

    first = sweep()
    again = sweep()

    assert first.reminded == [waiting.pk]
    assert again.reminded == []
    [body] = system_messages(waiting)
    assert waiting.reference in body
    assert "within 11 days, we will close the request" in body
    [mail] = mailoutbox
    assert mail.to == [customer.email]
    assert "within 11 days, we will close the request" in mail.body
    assert OutboundEmail.objects.get(kind=OutboundKind.FOLLOW_UP).ticket_message.body == body
    event = TicketEvent.objects.get(ticket=waiting, kind=EventKind.REMINDER)
    assert (event.actor, event.after) == (None, FollowUpStep.FIRST_REMINDER)
    assert FollowUpSent.objects.get().step == FollowUpStep.FIRST_REMINDER


def test_second_reminder_after_m_days_then_closed_after_k_days(clock, waiting, sweep, mailoutbox):
    clock.advance(days=3, minutes=1)
    sweep()
    clock.advance(days=4)
    second = sweep()
    clock.advance(days=7)
    closed = sweep()
    after = sweep()

    waiting.refresh_from_db()
    assert second.reminded == [waiting.pk]
    assert closed.closed == [waiting.pk]
    assert after == type(after)(progress=[], reminded=[], closed=[])
    assert waiting.status == Status.CLOSED
    assert waiting.closed_at == clock()
    bodies = system_messages(waiting)
    assert len(bodies) == 3
    assert "just reply within 7 days and the request will reopen" in bodies[-1]
    kinds = list(TicketEvent.objects.filter(ticket=waiting).values_list("kind", flat=True))
    assert kinds.count(EventKind.REMINDER) == 2
    assert EventKind.AUTO_CLOSED in kinds
    status = TicketEvent.objects.filter(ticket=waiting, kind=EventKind.STATUS).last()
    assert (status.before, status.after) == (Status.PENDING_CUSTOMER, Status.CLOSED)


def test_a_sweep_that_was_down_sends_only_the_latest_step_due(clock, waiting, sweep):
    clock.advance(days=8)

    result = sweep()

    assert result.reminded == [waiting.pk]
    assert list(FollowUpSent.objects.values_list("step", flat=True)) == [FollowUpStep.SECOND_REMINDER]
    assert len(system_messages(waiting)) == 1


def test_a_customer_reply_stops_the_sequence(clock, waiting, sweep, customer):
    clock.advance(days=3, minutes=1)
    sweep()

    services.ticket_customer_reply(ticket=waiting, body="Version 2.9.1", via=Channel.PORTAL, user=customer.user)
    clock.advance(days=20)
    result = sweep()

    waiting.refresh_from_db()
    assert waiting.status == Status.OPEN
    assert (result.reminded, result.closed) == ([], [])
    assert len(system_messages(waiting)) == 1


def test_waiting_again_starts_a_new_sequence(clock, waiting, sweep, customer, agent):
    clock.advance(days=3, minutes=1)
    sweep()
    services.ticket_customer_reply(ticket=waiting, body="Version 2.9.1", via=Channel.PORTAL, user=customer.user)
    services.ticket_reply(ticket=waiting, body="And the device?", actor=agent, new_status=Status.PENDING_CUSTOMER)

    clock.advance(days=3, minutes=1)
    result = sweep()

    assert result.reminded == [waiting.pk]
    assert FollowUpSent.objects.filter(step=FollowUpStep.FIRST_REMINDER).count() == 2


def test_a_reply_to_a_ticket_closed_for_no_reply_reopens_it_within_the_window(clock, waiting, sweep, customer):
    clock.advance(days=14, minutes=1)
    sweep()
    waiting.refresh_from_db()
    assert customer_can_reply(ticket=waiting)
    assert list(tickets_customer_can_reply(user=customer.user)) == [waiting]

    clock.advance(days=6)
    services.ticket_customer_reply(ticket=waiting, body="Sorry, I was away.", via=Channel.EMAIL)

    waiting.refresh_from_db()
    assert (waiting.status, waiting.closed_at, waiting.resolved_at) == (Status.OPEN, None, None)
    reopened = TicketEvent.objects.filter(ticket=waiting, kind=EventKind.STATUS).last()
    assert (reopened.before, reopened.after) == (Status.CLOSED, Status.OPEN)


def test_after_the_window_or_after_a_close_by_staff_a_closed_ticket_stays_closed(clock, waiting, sweep, agent):
    clock.advance(days=14, minutes=1)
    sweep()
    waiting.refresh_from_db()
    clock.advance(days=7, minutes=1)
    assert not customer_can_reply(ticket=waiting)

    other = factories.ticket(customer=waiting.customer, team=waiting.team)
    services.ticket_change_status(ticket=other, status=Status.CLOSED, actor=agent)
    other.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.ticket_customer_reply(ticket=other, body="Hello again", via=Channel.EMAIL)
    assert factories.error_codes(refused.value) == {services.ERROR_TICKET_CLOSED}


def test_staff_still_cannot_move_a_closed_ticket(clock, waiting, sweep, agent):
    clock.advance(days=14, minutes=1)
    sweep()

    with pytest.raises(ValidationError):
        services.ticket_change_status(ticket=waiting, status=Status.OPEN, actor=agent)


def test_per_team_intervals_and_a_team_without_reminders(clock, waiting, sweep, team, other_team, other_agent):
    FollowUpPolicy.objects.create(team=team, first_reminder_days=1, second_reminder_days=2, close_after_days=3)
    FollowUpPolicy.objects.create(team=other_team, reminders=False)
    quiet = factories.ticket(customer=waiting.customer, team=other_team)
    services.ticket_reply(ticket=quiet, body="Which device?", actor=other_agent, new_status=Status.PENDING_CUSTOMER)
    clock.advance(days=1, minutes=1)

    first = sweep()
    clock.advance(days=30)
    later = sweep()

    assert first.reminded == [waiting.pk]
    assert "within 2 days, we will close the request" in system_messages(waiting)[0]
    assert later.closed == [waiting.pk]
    assert system_messages(quiet) == []


def test_the_run_is_bounded_and_the_rest_follows_next_time(clock, waiting, sweep, agent, customer):
    second = factories.ticket(customer=customer, team=waiting.team)
    services.ticket_reply(ticket=second, body="Which chain?", actor=agent, new_status=Status.PENDING_CUSTOMER)
    clock.advance(days=3, minutes=1)

    first_run = sweep(limit=1)
    second_run = sweep(limit=1)
    third_run = sweep(limit=1)

    assert first_run.reminded == [waiting.pk]
    assert second_run.reminded == [second.pk]
    assert third_run.reminded == []


def test_two_sweeps_claiming_the_same_step_send_it_once(clock, waiting, sweep):
    clock.advance(days=3, minutes=1)
    FollowUpSent.objects.create(
        ticket=waiting,
        step=FollowUpStep.FIRST_REMINDER,
        anchor=clock() - timedelta(days=3, minutes=1),
        run="00000000-0000-0000-0000-000000000001",
    )

    result = sweep()

    assert result.reminded == []
    assert system_messages(waiting) == []


def test_the_portal_shows_the_closing_message_and_a_reply_box_that_reopens(clock, waiting, sweep, client, customer):
    clock.advance(days=14, minutes=1)
    sweep()
    client.force_login(customer.user)
    detail = reverse("portal:request_detail", args=[waiting.pk])

    page = client.get(detail).content.decode()
    sent = client.post(reverse("portal:request_reply", args=[waiting.pk]), {"body": "Back now: version 2.9.1"})

    assert "the request will reopen" in page
    assert reverse("portal:request_reply", args=[waiting.pk]) in page
    assert sent.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.OPEN
