"""Erlang C against published worked examples; the forecast on a synthetic history with a known pattern
(expected events, messages as contacts, measured handle time, per-channel service targets).

Worked example 1 — Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
(https://www.callcentrehelper.com/erlang-c-formula-example-121281.htm): 100 calls in 30 minutes,
AHT 180 s, target 80 % answered in 20 s. Traffic 10 Erlangs; with 11 agents the probability of
waiting is 68.21 % and the average speed of answer 122.8 s; 14 agents reach the target (13 do
not); with 30 % shrinkage 20 agents are scheduled.

Worked example 2 — "The Erlang-C formula" (mitan.co.uk/erlang/elgcmath.htm): 360 calls per half
hour, 4-minute calls, 55 agents, 15-second target: traffic 48 Erlangs, occupancy 87.3 %,
probability of waiting 23.9 %, average speed of answer 8.2 s, service level 84.6 %.
"""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests import factories
from tests.workforce.history import TODAY, at, busy_hours, handled, weekly_tickets
from tickets.models import Channel
from workforce import selectors, services, staffing
from workforce.models import ForecastEvent, ForecastEventKind, Shift

pytestmark = pytest.mark.usefixtures("desk_in_utc")


def test_call_centre_helper_worked_example():
    assert staffing.erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    assert staffing.average_speed_of_answer(11, 10.0, 180) == pytest.approx(122.8, abs=0.1)
    assert staffing.service_level(13, 10.0, 180, 20) < 0.80 < staffing.service_level(14, 10.0, 180, 20)
    needed = staffing.agents_needed(
        contacts=100, period_seconds=1800, aht_seconds=180, target_level=0.8, target_seconds=20
    )
    assert (needed, staffing.with_shrinkage(needed, 0.3)) == (14, 20)


def test_mitan_worked_example():
    traffic = 360 * 240 / 1800
    assert traffic == 48
    assert staffing.erlang_c(55, traffic) == pytest.approx(0.2387, abs=1e-3)
    assert staffing.average_speed_of_answer(55, traffic, 240) == pytest.approx(8.2, abs=0.05)
    assert staffing.service_level(55, traffic, 240, 15) == pytest.approx(0.846, abs=1e-3)


def test_overloaded_and_idle_hours():
    assert staffing.erlang_c(5, 5.0) == 1.0
    assert staffing.service_level(4, 5.0, 180, 20) == 0.0
    assert (
        staffing.agents_needed(contacts=0, period_seconds=3600, aht_seconds=300, target_level=0.8, target_seconds=20)
        == 0
    )
    assert staffing.with_shrinkage(0, 0.3) == 0


# The forecast ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_forecast_repeats_a_flat_weekly_pattern_and_shows_the_gap(agent, team):
    # Every Monday 09:00 for four weeks: 10 chats; nothing else.
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)
    Shift.objects.create(agent=agent, team=team, weekday=0, start_hour=8, end_hour=12)

    hours = staffing.staffing_plan(today=TODAY, days=7).hours

    assert len(hours) == 7 * 24
    assert [(hour.start, hour.contacts) for hour in busy_hours(hours)] == [(at(date(2026, 6, 8), 9, 0), 10.0)]
    # 10 contacts × 6 minutes = 1 Erlang: 80 % in 20 s needs 3 agents (Erlang C); one is scheduled.
    busy = busy_hours(hours)[0]
    assert (busy.required, busy.scheduled, busy.gap, busy.events) == (3, 1, -2, ())
    assert all(hour.required == 0 for hour in hours if not hour.contacts)


@pytest.mark.django_db
def test_a_growing_history_forecasts_above_its_average():
    for week, count in zip(range(4, 0, -1), (2, 4, 6, 8), strict=True):
        for _n in range(count):
            factories.TicketFactory(created_at=at(TODAY - timedelta(weeks=week), 10, 0))

    monday_ten = busy_hours(staffing.staffing_plan(today=TODAY, days=7).hours)[0]

    # 2, 4, 6, 8 in weeks 0–3 (mean 5, +2 a week = 40 % of the mean); next Monday is week 5,
    # 3.5 weeks past the middle: 5 × (1 + 0.4 × 3.5) = 12, where the line 2 + 2 × 5 also ends.
    assert monday_ten.start.hour == 10
    assert monday_ten.contacts == pytest.approx(12.0)
    assert timezone.is_aware(monday_ten.start)


@pytest.mark.django_db
def test_an_expected_event_lifts_the_hours_it_overlaps_and_flags_them(manager):
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)
    weekly_tickets(count=10, hour=10, channel=Channel.BOT)
    launch = services.forecast_event_save(
        event=ForecastEvent(
            name="Token launch",
            kind=ForecastEventKind.ANNOUNCEMENT,
            starts_at=at(date(2026, 6, 15), 9, 30),  # overlaps 09:00–10:00 only
            ends_at=at(date(2026, 6, 15), 10, 0),
            uplift_percent=50,
        ),
        actor=manager,
    )

    hours = {(hour.start.date(), hour.start.hour): hour for hour in staffing.staffing_plan(today=TODAY).hours}

    lifted, after, week_before = (
        hours[(date(2026, 6, 15), 9)],
        hours[(date(2026, 6, 15), 10)],
        hours[(date(2026, 6, 8), 9)],
    )
    assert (lifted.contacts, lifted.required, lifted.events) == (15.0, 4, ("Token launch",))
    assert (after.contacts, after.required, after.events) == (10.0, 3, ())
    assert (week_before.contacts, week_before.events) == (10.0, ())
    assert launch.created_by == manager


@pytest.mark.django_db
def test_an_event_for_one_channel_lifts_only_that_channel(manager):
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)
    weekly_tickets(count=10, hour=9, channel=Channel.EMAIL)
    ForecastEvent.objects.create(
        name="Chain halt",
        kind=ForecastEventKind.NETWORK_INCIDENT,
        channel=Channel.EMAIL,
        starts_at=at(date(2026, 6, 8), 0, 0),
        ends_at=at(date(2026, 6, 9), 0, 0),
        uplift_percent=100,
    )

    def monday_nine(channel: str = "") -> staffing.ForecastHour:
        return busy_hours(staffing.staffing_plan(today=TODAY, days=7, channel=channel).hours)[0]

    assert (monday_nine(Channel.EMAIL).contacts, monday_nine(Channel.EMAIL).events) == (20.0, ("Chain halt",))
    assert (monday_nine(Channel.BOT).contacts, monday_nine(Channel.BOT).events) == (10.0, ())
    assert (monday_nine().contacts, monday_nine().events) == (30.0, ("Chain halt",))


@pytest.mark.django_db
def test_the_history_is_a_weekday_by_hour_average_per_channel():
    weekly_tickets(count=3, hour=9, channel=Channel.BOT, weekday=2)
    weekly_tickets(count=1, hour=9, channel=Channel.EMAIL, weekday=2, weeks=2)

    plan = staffing.staffing_plan(today=TODAY, days=1)

    by_channel = {item.channel: item for item in plan.channels}
    assert list(by_channel) == [Channel.EMAIL, Channel.BOT]  # in the order of the channel choices
    assert by_channel[Channel.BOT].history[2][9] == 3.0
    assert by_channel[Channel.EMAIL].history[2][9] == 0.5  # 2 contacts over 4 weeks
    assert (by_channel[Channel.BOT].history_contacts, by_channel[Channel.EMAIL].history_contacts) == (12, 2)
    assert plan.history_total[2][9] == 3.5
    assert sum(map(sum, plan.history_total)) == pytest.approx(3.5)
    assert staffing.staffing_plan(today=TODAY, days=1, channel=Channel.BOT).history_total == ()


@pytest.mark.django_db
@override_settings(STAFFING_MIN_AHT_SAMPLES=2)
def test_the_forecast_uses_the_measured_handle_time_of_each_channel(agent):
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)
    handled(agent=agent, seconds=[700, 20], channel=Channel.BOT)
    handled(agent=agent, seconds=[720], channel=Channel.BOT)

    plan = staffing.staffing_plan(today=TODAY, days=7, channel=Channel.BOT)

    assert plan.channels[0].handle_time == selectors.HandleTime(seconds=720, samples=2, measured=True)
    # 10 chats × 12 minutes = 2 Erlangs: 80 % in 20 s needs 4 agents (3 with the default 6 minutes).
    assert busy_hours(plan.hours)[0].required == 4


@pytest.mark.django_db
def test_all_channels_share_the_agents():
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)
    weekly_tickets(count=10, hour=9, channel=Channel.EMAIL)

    def monday_nine(channel: str = "") -> staffing.ForecastHour:
        return busy_hours(staffing.staffing_plan(today=TODAY, days=7, channel=channel).hours)[0]

    # Chat: 1 Erlang, 80 % in 20 s → 3 agents (Erlang C). Email: 1 Erlang of work within 8 hours at
    # 85 % occupancy → 1.18, rounded up to 2 agents. Together: the 3 chat agents also have time for the
    # email (2 Erlangs / 0.85 → 3).
    assert monday_nine(Channel.BOT).required == 3
    assert monday_nine(Channel.EMAIL).required == 2
    assert (monday_nine().contacts, monday_nine().required) == (20.0, 3)


def load(contacts, *, aht=300, real_time=True, level=0.8, seconds=20) -> staffing.ChannelLoad:
    return staffing.ChannelLoad(
        contacts=contacts, aht_seconds=aht, target_level=level, target_seconds=seconds, real_time=real_time
    )


def test_blended_agents_take_the_larger_of_the_real_time_service_level_and_all_the_work():
    def agents(*loads):
        return staffing.blended_agents(list(loads), period_seconds=3600, occupancy=0.85)

    # 10 chats × 6 min = 1 Erlang: Erlang C needs 3 agents for 80 % in 20 s, who are idle half the time;
    # 10 emails (1 Erlang more) fit in that idle time: 2 Erlangs / 0.85 → 3 agents.
    assert agents(load(10, aht=360)) == 3
    assert agents(load(10, aht=360), load(10, aht=360, real_time=False, seconds=28800)) == 3
    # 30 emails more: 5 Erlangs of work / 0.85 → 6 agents, more than the chats alone need.
    assert agents(load(10, aht=360), load(40, aht=360, real_time=False, seconds=28800)) == 6
    # Two quiet real-time channels are one queue, not a whole agent each.
    assert agents(load(0.5), load(0.5, level=0.9, seconds=30)) == 1
    # Only email: its work at the target occupancy (12 × 5 min = 1 Erlang / 0.85 → 2).
    assert agents(load(12, real_time=False, seconds=28800)) == 2
    assert agents(load(0), load(0, real_time=False)) == 0


@pytest.mark.django_db
def test_quiet_asynchronous_channels_fill_the_chat_agents_idle_time():
    for channel in (Channel.EMAIL, Channel.PORTAL, Channel.WEB_FORM):
        weekly_tickets(count=1, hour=9, channel=channel)
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)

    plan = staffing.staffing_plan(today=TODAY, days=7)
    monday_nine = busy_hours(plan.hours)[0]

    assert {item.channel: item.target.is_deferred for item in plan.channels} == {
        Channel.BOT: False,
        Channel.EMAIL: True,
        Channel.PORTAL: True,
        Channel.WEB_FORM: True,
    }
    # chat: Erlang C 3 agents; all the work (13 × 6 min = 1.3 Erlangs / 0.85 → 2) fits in them.
    assert (monday_nine.contacts, monday_nine.required) == (13.0, 3)


@pytest.mark.django_db
@override_settings(STAFFING_SHRINKAGE=0.3)
def test_shrinkage_is_added_once_to_the_blended_agents():
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)
    weekly_tickets(count=10, hour=9, channel=Channel.EMAIL)

    monday_nine = busy_hours(staffing.staffing_plan(today=TODAY, days=7).hours)[0]

    assert monday_nine.required == staffing.with_shrinkage(3, 0.3) == 5
