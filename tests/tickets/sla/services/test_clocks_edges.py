"""SLA clocks at the edges: zero targets, pauses of late clocks, the due instant itself.

"Support hours" (seeded) is Asia/Shanghai, weekdays 09–21, weekends 10–18. The `clock`
fixture starts on Monday 25 May 2026, 10:00 Shanghai time; the default policy gives
8 business hours for the first response.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets import services
from tickets.models import BusinessCalendar, Channel, ClockState, EventKind, SLAClock, SLAPolicy, Status
from tickets.sla.services.sweep import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> datetime:
    return datetime(2026, *args, tzinfo=SHANGHAI)


@pytest.fixture
def answer_at_opening(db):
    """Phone tickets: the first response is due at the next opening (a zero target)."""
    return SLAPolicy.objects.create(
        name="Phone: call back at opening",
        position=0,
        match_channel=Channel.PHONE,
        calendar=BusinessCalendar.objects.get(name="Support hours"),
        first_response_minutes=0,
        resolution_minutes=8 * 60,
    )


def open_ticket(customer, team, channel=Channel.EMAIL):
    return services.ticket_create(customer=customer, subject="Call me", body="Hello", channel=channel, team=team)


def breach_events(ticket):
    return list(ticket.events.filter(kind=EventKind.SLA_BREACH).values_list("before", "created_at"))


# A zero target ---------------------------------------------------------------


def test_a_zero_target_for_a_ticket_arriving_while_closed_is_due_at_the_next_opening(
    clock, customer, team, answer_at_opening
):
    clock.set(shanghai(5, 26, 6, 15))  # Tuesday before opening

    ticket = open_ticket(customer, team, Channel.PHONE)

    assert ticket.sla_policy == answer_at_opening
    assert ticket.first_response_state == ClockState.ON_TRACK
    assert ticket.first_response_due == shanghai(5, 26, 9, 0)


def test_a_zero_target_while_open_is_due_at_once_and_met_by_an_answer_in_that_second(
    clock, customer, team, agent, answer_at_opening
):
    ticket = open_ticket(customer, team, Channel.PHONE)
    assert ticket.first_response_due == clock.now

    services.ticket_reply(ticket=ticket, body="Calling you now", actor=agent)

    ticket.refresh_from_db()
    assert (ticket.first_response_state, ticket.first_response_seconds) == (ClockState.FULFILLED, 0)


# Pausing a clock that is already late ----------------------------------------------


def test_pausing_a_clock_already_past_due_records_the_breach_and_keeps_the_due_time(clock, customer, team, agent):
    ticket = open_ticket(customer, team)
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)
    clock.set(shanghai(5, 25, 18, 30))  # late, but no sweep has run yet

    services.ticket_change_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)
    assert breach_events(ticket) == [(SLAClock.FIRST_RESPONSE, clock.now)]
    assert ticket.resolution_state == ClockState.PAUSED  # still in time: it pauses as usual

    clock.set(shanghai(5, 27, 10, 0))
    services.ticket_customer_reply(ticket=ticket, body="Here you go", via=Channel.EMAIL)
    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)
    assert len(breach_events(ticket)) == 1


def test_pausing_exactly_at_the_due_instant_is_in_time(clock, customer, team, agent):
    ticket = open_ticket(customer, team)
    clock.set(ticket.first_response_due)

    services.ticket_change_status(ticket=ticket, status=Status.ON_HOLD, actor=agent)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.PAUSED
    assert breach_events(ticket) == []


# One boundary: met at or before the due instant ------------------------------------


@pytest.mark.parametrize(
    ("late_by", "state"), [(timedelta(0), ClockState.FULFILLED), (timedelta(seconds=1), ClockState.BREACHED)]
)
def test_sweep_and_answer_agree_at_the_due_second(clock, customer, team, agent, late_by, state):
    ticket = open_ticket(customer, team)
    clock.set(ticket.first_response_due + late_by)

    sla_sweep(follow_up=False)
    services.ticket_reply(ticket=ticket, body="Answer", actor=agent)

    ticket.refresh_from_db()
    assert ticket.first_response_state == state
    assert len(breach_events(ticket)) == (state == ClockState.BREACHED)


# Zero targets and pauses ----------------------------------------------------------


def test_a_zero_target_paused_before_opening_is_due_at_the_first_opening_after_the_resume(
    clock, customer, team, agent, answer_at_opening
):
    clock.set(shanghai(5, 25, 22, 0))  # Monday after closing: due Tuesday 09:00
    ticket = open_ticket(customer, team, Channel.PHONE)
    clock.set(shanghai(5, 25, 23, 0))
    services.ticket_change_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent)

    clock.set(shanghai(5, 26, 22, 30))  # the customer answers Tuesday night, after closing again
    services.ticket_customer_reply(ticket=ticket, body="Call me tomorrow", via=Channel.EMAIL)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.ON_TRACK
    assert ticket.first_response_due == shanghai(5, 27, 9, 0)
    clock.set(shanghai(5, 27, 8, 59))
    assert sla_sweep(follow_up=False).summary()["breached"] == 0


def test_a_clock_paused_with_nothing_left_is_due_at_the_resume_when_open(clock, customer, team, agent):
    ticket = open_ticket(customer, team)
    clock.set(ticket.first_response_due)  # Monday 18:00: paused at the last second
    services.ticket_change_status(ticket=ticket, status=Status.ON_HOLD, actor=agent)

    clock.set(shanghai(5, 26, 11, 0))
    services.ticket_change_status(ticket=ticket, status=Status.OPEN, actor=agent)

    ticket.refresh_from_db()
    assert ticket.first_response_due == shanghai(5, 26, 11, 0)
    assert ticket.first_response_state == ClockState.WARNING
