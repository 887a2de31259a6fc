"""The SLA policy is chosen again when a ticket's priority or category changes later.

Seeded policies (tickets migration 0010): the default gives 8 business hours for the first
response and 40 for resolution on "Support hours" (Shanghai, weekdays 09–21); "Security
emergency" (urgent) gives 30 minutes and 8 hours around the clock; "Failed transaction"
(category) 8 and 24 business hours. The `clock` fixture starts Monday 25 May 2026 10:00 Shanghai.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tickets import services
from tickets.models import Category, Channel, ClockState, EventKind, Priority, Status
from tickets.sla.models import SLAPolicy
from tickets.sla.services.sweep import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> datetime:
    return datetime(2026, *args, tzinfo=SHANGHAI)


@pytest.fixture
def ticket(clock, customer, team):
    return services.ticket_create(
        customer=customer, subject="Account question", body="Hello", channel=Channel.EMAIL, team=team
    )


def test_raising_the_priority_keeps_the_time_spent_and_takes_the_urgent_targets(clock, ticket, supervisor):
    clock.set(shanghai(5, 25, 10, 10))

    services.ticket_change_priority(ticket=ticket, priority=Priority.URGENT, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Security emergency"
    # 10 of the new 30 minutes are spent; the 80 % warning comes at 24 minutes.
    assert ticket.first_response_due == shanghai(5, 25, 10, 30)
    assert ticket.first_response_warn_at == shanghai(5, 25, 10, 24)
    assert ticket.first_response_state == ClockState.ON_TRACK
    assert ticket.resolution_due == shanghai(5, 25, 18, 0)
    event = ticket.events.get(kind=EventKind.PRIORITY)
    assert event.note == "SLA policy: Email, phone and other channels → Security emergency"


def test_a_new_target_already_used_up_falls_due_at_once_and_the_sweep_records_the_breach(clock, ticket, supervisor):
    clock.set(shanghai(5, 25, 12, 0))  # two business hours in, the urgent first response allows 30 minutes

    services.ticket_change_priority(ticket=ticket, priority=Priority.URGENT, actor=supervisor)
    ticket.refresh_from_db()
    assert ticket.first_response_due == clock.now
    assert ticket.first_response_state == ClockState.WARNING

    clock.advance(minutes=1)
    sla_sweep(now=clock.now, follow_up=False)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED


def test_lowering_the_priority_again_gives_back_the_longer_target(clock, ticket, supervisor):
    clock.set(shanghai(5, 25, 10, 10))
    services.ticket_change_priority(ticket=ticket, priority=Priority.URGENT, actor=supervisor)
    clock.set(shanghai(5, 25, 10, 20))

    services.ticket_change_priority(ticket=ticket, priority=Priority.NORMAL, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Email, phone and other channels"
    # 20 minutes spent of 8 business hours.
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)


def test_a_category_change_picks_the_category_policy(clock, ticket, supervisor):
    clock.set(shanghai(5, 25, 11, 0))

    services.ticket_change_category(ticket=ticket, category=Category.objects.get(slug="transaction"), actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Failed transaction"
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)  # same 8 hours, same start
    # 24 business hours from Monday 10:00: Mon 10–21 (11) + Tue 9–21 (12) + Wed 9–10 (1).
    assert ticket.resolution_due == shanghai(5, 27, 10, 0)


def test_a_fulfilled_first_response_is_history_and_stays(clock, ticket, agent, supervisor):
    clock.set(shanghai(5, 25, 11, 0))
    services.ticket_reply(ticket=ticket, body="Looking into it", actor=agent)
    clock.set(shanghai(5, 25, 12, 0))

    services.ticket_change_priority(ticket=ticket, priority=Priority.URGENT, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.FULFILLED
    assert ticket.first_response_seconds == 3600
    assert ticket.resolution_due == shanghai(5, 25, 18, 0)  # 2 of 8 hours spent


def test_when_no_policy_matches_any_more_the_promise_made_is_kept(clock, ticket, supervisor):
    due = ticket.first_response_due
    SLAPolicy.objects.exclude(name="Email, phone and other channels").update(is_active=False)
    SLAPolicy.objects.filter(name="Email, phone and other channels").update(match_priority="normal")

    services.ticket_change_priority(ticket=ticket, priority=Priority.LOW, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Email, phone and other channels"
    assert ticket.first_response_due == due
    assert ticket.events.get(kind=EventKind.PRIORITY).note == ""


def test_a_ticket_without_a_policy_gets_clocks_from_its_creation(clock, customer, supervisor):
    SLAPolicy.objects.exclude(name="Failed transaction").update(is_active=False)
    ticket = services.ticket_create(customer=customer, subject="Question", body="Hello", channel=Channel.EMAIL)
    assert ticket.sla_policy is None
    clock.set(shanghai(5, 25, 17, 0))

    services.ticket_change_category(ticket=ticket, category=Category.objects.get(slug="transaction"), actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Failed transaction"
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)
    assert ticket.first_response_state == ClockState.WARNING  # 7 of 8 hours gone: past the 80 % mark
    assert ticket.events.get(kind=EventKind.CATEGORY).note == "SLA policy: none → Failed transaction"


def test_a_paused_ticket_stays_paused_with_the_new_due_date_counted_to_the_pause(clock, ticket, agent, supervisor):
    clock.set(shanghai(5, 25, 10, 20))
    services.ticket_change_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent)
    clock.set(shanghai(5, 25, 15, 0))

    services.ticket_change_priority(ticket=ticket, priority=Priority.URGENT, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.PAUSED
    # 20 minutes spent before the pause: 10 of the urgent 30 remain from the pause.
    assert ticket.first_response_due == shanghai(5, 25, 10, 30)

    clock.set(shanghai(5, 25, 16, 0))
    services.ticket_customer_reply(ticket=ticket, body="Here is the hash", via=Channel.EMAIL)

    ticket.refresh_from_db()
    assert ticket.first_response_due == shanghai(5, 25, 16, 10)  # resumed with its 10 minutes


def test_a_paused_ticket_whose_new_target_is_already_used_up_is_breached_at_once(clock, ticket, agent, supervisor):
    clock.set(shanghai(5, 25, 11, 0))  # an hour spent, then paused
    services.ticket_change_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=agent)
    clock.set(shanghai(5, 25, 15, 0))

    services.ticket_change_priority(ticket=ticket, priority=Priority.URGENT, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED  # 60 minutes spent of the urgent 30
    assert list(ticket.events.filter(kind=EventKind.SLA_BREACH).values_list("before", flat=True)) == ["first_response"]
    clock.set(shanghai(5, 26, 10, 0))
    services.ticket_customer_reply(ticket=ticket, body="Here is the hash", via=Channel.EMAIL)
    ticket.refresh_from_db()
    assert ticket.first_response_state == ClockState.BREACHED  # the resume does not undo it


def test_a_seed_phrase_in_a_reply_makes_the_ticket_urgent_with_the_urgent_targets(clock, ticket):
    from mnemonic import Mnemonic

    phrase = Mnemonic("english").to_mnemonic(bytes.fromhex("1f2e3d4c5b6a79880f1e2d3c4b5a6978"))
    clock.set(shanghai(5, 25, 10, 5))

    services.ticket_customer_reply(ticket=ticket, body=f"My words: {phrase}", via=Channel.EMAIL)

    ticket.refresh_from_db()
    assert (ticket.priority, ticket.sla_policy.name) == (Priority.URGENT, "Security emergency")
    assert ticket.first_response_due == shanghai(5, 25, 10, 30)
