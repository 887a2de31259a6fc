"""SLA clocks driven by the ticket services, on the seeded policies and calendars.

The default policy ("Email, phone and other channels") gives 8 business hours
for first and next responses and 40 for resolution on "Support hours"
(Asia/Shanghai, weekdays 09–21, weekends 10–18). The `clock` fixture starts on
Monday 25 May 2026, 10:00 Shanghai time.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets import services
from tickets.models import Category, Channel, ClockState, Priority, Status, Ticket
from tickets.sla.models import SLAPolicy
from tickets.sla.selectors import expected_first_reply, expected_first_reply_text
from tickets.sla.services import clocks

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> datetime:
    return datetime(2026, *args, tzinfo=SHANGHAI)


def open_ticket(customer, **kwargs):
    defaults = {"subject": "Question about my account", "body": "Hello", "channel": Channel.EMAIL}
    return services.ticket_create(customer=customer, **(defaults | kwargs))


@pytest.fixture
def worked_ticket(clock, customer, agent, team):
    """An email ticket created Monday 10:00 in the agent's team."""
    return open_ticket(customer, team=team)


def test_a_new_ticket_gets_the_default_policy_and_running_clocks(worked_ticket):
    ticket = worked_ticket

    assert ticket.sla_policy.name == "Email, phone and other channels"
    assert ticket.first_response_state == ClockState.ON_TRACK
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)
    # warning at 80 %: 6.4 business hours after 10:00
    assert ticket.first_response_warn_at == shanghai(5, 25, 16, 24)
    assert ticket.resolution_due == shanghai(5, 28, 14, 0)  # 40 h: Mon 11 + Tue 12 + Wed 12 + Thu 5
    assert ticket.next_response_state == ""


def test_friday_evening_ticket_is_due_saturday_afternoon(clock, customer):
    clock.set(shanghai(5, 22, 20, 30))

    ticket = open_ticket(customer)

    assert ticket.first_response_due == shanghai(5, 23, 17, 30)
    assert expected_first_reply(ticket) == shanghai(5, 23, 17, 30)


def test_a_ticket_created_outside_hours_starts_its_clock_at_opening(clock, customer):
    clock.set(shanghai(5, 26, 6, 15))

    ticket = open_ticket(customer)

    assert ticket.first_response_due == shanghai(5, 26, 17, 0)


def test_policies_match_priority_channel_category_and_vip(clock, customer):
    chat = open_ticket(customer, channel=Channel.BOT)
    urgent = open_ticket(customer, priority=Priority.URGENT)
    transaction = open_ticket(customer, category=Category.objects.get(slug="transaction"))
    customer.is_vip = True
    vip = open_ticket(customer)

    assert chat.sla_policy.name == "Chat hand-off"
    assert chat.first_response_due == clock.now + timedelta(minutes=5)
    assert urgent.sla_policy.name == "Security emergency"
    assert urgent.first_response_due == clock.now + timedelta(minutes=30)
    assert transaction.sla_policy.name == "Failed transaction"
    assert vip.sla_policy.name == "VIP customers"


def test_no_matching_policy_means_no_clocks(clock, customer):
    SLAPolicy.objects.update(is_active=False)

    ticket = open_ticket(customer)

    assert ticket.sla_policy is None
    assert ticket.first_response_state == ""
    assert expected_first_reply(ticket) is None


def test_the_first_public_reply_fulfils_the_first_response_with_its_business_time(clock, worked_ticket, agent):
    clock.set(shanghai(5, 25, 12, 30))
    services.ticket_add_note(ticket=worked_ticket, body="checking", actor=agent)
    worked_ticket.refresh_from_db()
    assert worked_ticket.first_response_state == ClockState.ON_TRACK

    services.ticket_reply(ticket=worked_ticket, body="Here is the answer", actor=agent)

    worked_ticket.refresh_from_db()
    assert worked_ticket.first_response_state == ClockState.FULFILLED
    assert worked_ticket.first_response_seconds == 2.5 * 3600
    assert expected_first_reply(worked_ticket) is None


def test_a_late_first_reply_stays_breached_and_records_the_overrun(clock, worked_ticket, agent):
    clock.set(shanghai(5, 26, 10, 0))  # 3 h Monday evening + 1 h Tuesday past the 18:00 due

    services.ticket_reply(ticket=worked_ticket, body="Sorry for the wait", actor=agent)

    worked_ticket.refresh_from_db()
    assert worked_ticket.first_response_state == ClockState.BREACHED
    assert worked_ticket.first_response_seconds == 12 * 3600


def test_a_pause_spanning_days_moves_the_due_date_by_the_paused_business_time(clock, worked_ticket, agent, customer):
    clock.set(shanghai(5, 25, 12, 0))
    services.ticket_change_status(ticket=worked_ticket, status=Status.PENDING_CUSTOMER, actor=agent)
    worked_ticket.refresh_from_db()
    assert worked_ticket.first_response_state == ClockState.PAUSED
    assert worked_ticket.resolution_state == ClockState.PAUSED
    assert expected_first_reply(worked_ticket) is None

    clock.set(shanghai(5, 27, 15, 0))  # Wednesday afternoon: the customer answers
    services.ticket_customer_reply(ticket=worked_ticket, body="Here you go", via=Channel.EMAIL)

    worked_ticket.refresh_from_db()
    # paused Mon 12–21 (9 h) + Tue 9–21 (12 h) + Wed 9–15 (6 h) = 27 business hours;
    # 6 h were left at the pause → due Wednesday 21:00
    assert worked_ticket.status == Status.OPEN
    assert worked_ticket.sla_paused_seconds == 27 * 3600
    assert worked_ticket.first_response_due == shanghai(5, 27, 21, 0)
    assert worked_ticket.first_response_state == ClockState.ON_TRACK  # 2 h of 8 used: before the 80 % mark
    assert worked_ticket.first_response_warn_at == shanghai(5, 27, 19, 24)
    assert worked_ticket.next_response_state == ""  # the first response is still owed

    clock.set(shanghai(5, 27, 16, 0))
    services.ticket_reply(ticket=worked_ticket, body="Answer", actor=agent)

    worked_ticket.refresh_from_db()
    # Mon 10–12 plus Wed 15–16
    assert worked_ticket.first_response_seconds == 3 * 3600
    assert worked_ticket.first_response_state == ClockState.FULFILLED


def test_an_answer_while_paused_counts_up_to_the_pause(clock, worked_ticket, agent):
    clock.set(shanghai(5, 25, 11, 0))
    services.ticket_change_status(ticket=worked_ticket, status=Status.ON_HOLD, actor=agent)
    clock.set(shanghai(5, 26, 11, 0))

    services.ticket_reply(ticket=worked_ticket, body="Still checking with the chain team", actor=agent)

    worked_ticket.refresh_from_db()
    assert worked_ticket.first_response_seconds == 3600
    assert worked_ticket.status == Status.ON_HOLD


def test_a_customer_message_after_the_first_answer_starts_the_next_response_clock(clock, worked_ticket, agent):
    services.ticket_reply(ticket=worked_ticket, body="Answer", actor=agent)
    clock.set(shanghai(5, 25, 20, 0))

    services.ticket_customer_reply(ticket=worked_ticket, body="One more question", via=Channel.EMAIL)
    clock.set(shanghai(5, 25, 20, 30))
    services.ticket_customer_reply(ticket=worked_ticket, body="And another", via=Channel.EMAIL)

    worked_ticket.refresh_from_db()
    # started by the first unanswered message: 1 h Monday + 7 h Tuesday
    assert worked_ticket.next_response_state == ClockState.ON_TRACK
    assert worked_ticket.next_response_due == shanghai(5, 26, 16, 0)

    clock.set(shanghai(5, 26, 9, 30))
    services.ticket_reply(ticket=worked_ticket, body="Answer 2", actor=agent)

    worked_ticket.refresh_from_db()
    assert worked_ticket.next_response_state == ClockState.FULFILLED
    assert worked_ticket.next_response_seconds == 5400


def test_solving_fulfils_the_resolution_and_reopening_resumes_it(clock, worked_ticket, agent, customer):
    clock.set(shanghai(5, 25, 14, 0))
    services.ticket_reply(ticket=worked_ticket, body="Fixed", actor=agent, new_status=Status.SOLVED)
    worked_ticket.refresh_from_db()
    assert worked_ticket.resolution_state == ClockState.FULFILLED
    assert worked_ticket.resolution_seconds == 4 * 3600

    clock.set(shanghai(5, 26, 10, 0))  # solved for Mon 14–21 + Tue 9–10 = 8 business hours
    services.ticket_customer_reply(ticket=worked_ticket, body="It broke again", via=Channel.EMAIL)

    worked_ticket.refresh_from_db()
    assert worked_ticket.status == Status.OPEN
    assert worked_ticket.resolution_state == ClockState.ON_TRACK
    assert worked_ticket.resolution_seconds is None
    assert worked_ticket.resolution_due == shanghai(5, 29, 10, 0)  # Thu 14:00 + 8 business hours
    assert worked_ticket.next_response_state == ClockState.ON_TRACK


def test_closing_stops_every_clock_still_owed(clock, worked_ticket, agent):
    clock.set(shanghai(5, 25, 11, 0))

    services.ticket_change_status(ticket=worked_ticket, status=Status.CLOSED, actor=agent)

    worked_ticket.refresh_from_db()
    assert worked_ticket.first_response_state == ""
    assert worked_ticket.resolution_state == ClockState.FULFILLED
    assert worked_ticket.resolution_seconds == 3600


def test_a_ticket_paused_past_its_due_date_resumes_with_the_time_it_had_left(clock, worked_ticket, agent):
    """Paused with 6 h left, the resumed clock is not overdue: pauses never cause breaches."""
    clock.set(shanghai(5, 25, 12, 0))
    services.ticket_change_status(ticket=worked_ticket, status=Status.PENDING_CUSTOMER, actor=agent)
    clock.set(shanghai(6, 1, 12, 0))

    services.ticket_change_status(ticket=worked_ticket, status=Status.OPEN, actor=agent)

    worked_ticket.refresh_from_db()
    assert worked_ticket.first_response_due == shanghai(6, 1, 18, 0)
    assert worked_ticket.first_response_state == ClockState.ON_TRACK


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("en", "Asia/Shanghai", "We will reply by Saturday, May 23, 2026, 5:30 p.m. (Asia/Shanghai)."),
        ("en", "Europe/Berlin", "We will reply by Saturday, May 23, 2026, 11:30 a.m. (Europe/Berlin)."),
    ],
)
def test_the_acknowledgement_states_the_expected_reply_in_the_customers_zone(clock, customer, language, zone, expected):
    customer.user.time_zone = zone
    customer.user.save(update_fields=["time_zone"])
    clock.set(shanghai(5, 22, 20, 30))

    ticket = open_ticket(customer, language=language)

    assert expected_first_reply_text(ticket) == expected


def test_the_acknowledgement_is_translated(clock, customer):
    clock.set(shanghai(5, 22, 20, 30))
    ticket = open_ticket(customer, language="zh-hans")

    text = expected_first_reply_text(ticket, zone=SHANGHAI)

    assert "2026" in text
    assert "17:30" in text


def test_policy_matching_takes_the_first_match_by_position(db):
    policies = list(SLAPolicy.objects.for_matching().values_list("name", flat=True))

    matched = clocks.match_policy(priority=Priority.URGENT, category_id=None, channel=Channel.BOT, is_vip=True)

    assert policies[0] == "Security emergency"
    assert matched.name == "Security emergency"


def test_starting_a_new_tickets_clocks_reads_the_policy_and_calendar_once(clock, customer, django_assert_num_queries):
    ticket = Ticket.objects.select_related("customer").get(pk=open_ticket(customer).pk)

    # the matching policies with their calendar, the calendar's hours, its holidays; then the UPDATE
    with django_assert_num_queries(4):
        clocks.ticket_created(ticket=ticket)

    assert ticket.sla_policy.name == "Email, phone and other channels"
    assert ticket.first_response_due == shanghai(5, 25, 18, 0)
