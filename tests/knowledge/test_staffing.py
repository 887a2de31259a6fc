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

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from knowledge import staffing, staffing_selectors
from knowledge.services import staffing as staffing_services
from knowledge.staffing_models import ForecastEvent, ForecastEventKind
from knowledge.training_models import Shift
from tests import factories
from tickets.models import AuthorKind, Channel, SLAPolicy


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


TODAY = date(2026, 6, 1)  # a Monday


def at(day: date, hour: int, minute: int = 5) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


def weekly_tickets(*, count: int, hour: int, channel: str = Channel.PORTAL, weeks: int = 4, weekday: int = 0) -> None:
    """`count` new tickets at `hour` on `weekday` of each of the last `weeks` weeks before TODAY."""
    for week in range(1, weeks + 1):
        day = TODAY - timedelta(weeks=week) + timedelta(days=weekday)
        for _n in range(count):
            factories.TicketFactory(created_at=at(day, hour), channel=channel)


def busy_hours(hours: list[staffing.ForecastHour]) -> list[staffing.ForecastHour]:
    return [hour for hour in hours if hour.contacts]


@pytest.fixture(autouse=True)
def desk_in_utc(settings):
    settings.TIME_ZONE = "UTC"
    settings.STAFFING_HISTORY_WEEKS = 4
    settings.STAFFING_SHRINKAGE = 0.0
    settings.STAFFING_DEFAULT_AHT_SECONDS = 360


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
    launch = staffing_services.forecast_event_save(
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


# Contacts: new tickets and customer messages ---------------------------------------------


@pytest.mark.django_db
def test_customer_messages_on_existing_tickets_count_as_contacts_on_their_channel(agent):
    monday = TODAY - timedelta(weeks=1)
    ticket = factories.TicketFactory(created_at=at(monday, 9), channel=Channel.PORTAL)
    factories.TicketMessageFactory(ticket=ticket, created_at=at(monday, 9), via=Channel.PORTAL)  # the opening message
    factories.TicketMessageFactory(
        ticket=ticket, author_kind=AuthorKind.AGENT, author=agent, via=Channel.AGENT, created_at=at(monday, 11)
    )
    factories.TicketMessageFactory(ticket=ticket, via=Channel.EMAIL, created_at=at(monday, 14))
    factories.TicketMessageFactory(ticket=ticket, via=Channel.EMAIL, created_at=at(monday, 14, 40))
    # A phone call an agent recorded, then the customer writes on the portal.
    phone = factories.TicketFactory(created_at=at(monday, 16), channel=Channel.PHONE)
    factories.TicketMessageFactory(
        ticket=phone, author_kind=AuthorKind.AGENT, author=agent, via=Channel.PHONE, created_at=at(monday, 16)
    )
    factories.TicketMessageFactory(ticket=phone, via=Channel.PORTAL, created_at=at(monday, 17))
    # Outside the window: a reply written today is not history yet.
    factories.TicketMessageFactory(ticket=ticket, via=Channel.EMAIL, created_at=at(TODAY, 8))

    history = staffing_selectors.contact_history(start=TODAY - timedelta(weeks=4), end=TODAY)

    assert history == {
        (Channel.PORTAL, monday, 9): 1,
        (Channel.EMAIL, monday, 14): 2,
        (Channel.PHONE, monday, 16): 1,
        (Channel.PORTAL, monday, 17): 1,
    }
    assert staffing_selectors.contact_history(start=TODAY - timedelta(weeks=4), end=TODAY, channel=Channel.EMAIL) == {
        (Channel.EMAIL, monday, 14): 2
    }
    plan = staffing.staffing_plan(today=TODAY, days=7, channel=Channel.EMAIL)
    assert [hour.start.hour for hour in busy_hours(plan.hours)] == [14]
    assert [item.history_contacts for item in plan.channels] == [2]


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


# Measured handle time ----------------------------------------------------------------------


def handled(*, agent, seconds: list[int], channel: str = Channel.EMAIL, when: datetime | None = None):
    ticket = factories.TicketFactory(channel=channel)
    for value in seconds:
        factories.TicketMessageFactory(
            ticket=ticket,
            author_kind=AuthorKind.AGENT,
            author=agent,
            via=Channel.AGENT,
            handle_seconds=value,
            created_at=when or at(TODAY - timedelta(days=3), 10),
        )
    return ticket


@pytest.mark.django_db
@override_settings(STAFFING_MIN_AHT_SAMPLES=2)
def test_handle_time_is_the_average_per_ticket_sum_of_measured_replies(agent):
    handled(agent=agent, seconds=[100, 200])  # one ticket: 300 s
    handled(agent=agent, seconds=[500])
    unmeasured = factories.TicketFactory(channel=Channel.EMAIL)
    factories.TicketMessageFactory(ticket=unmeasured, author_kind=AuthorKind.AGENT, author=agent, via=Channel.AGENT)
    handled(agent=agent, seconds=[3000], when=at(TODAY - timedelta(weeks=6), 10))  # before the window
    handled(agent=agent, seconds=[120], channel=Channel.BOT)  # one ticket: too few to trust

    times = staffing_selectors.handle_times(start=TODAY - timedelta(weeks=4), end=TODAY)

    assert times[Channel.EMAIL] == staffing_selectors.HandleTime(seconds=400, samples=2, measured=True)
    assert times[Channel.BOT] == staffing_selectors.HandleTime(seconds=360, samples=1, measured=False)
    assert times[Channel.PHONE] == staffing_selectors.HandleTime(seconds=360, samples=0, measured=False)


@pytest.mark.django_db
@override_settings(STAFFING_MIN_AHT_SAMPLES=2)
def test_the_forecast_uses_the_measured_handle_time_of_each_channel(agent):
    weekly_tickets(count=10, hour=9, channel=Channel.BOT)
    handled(agent=agent, seconds=[700, 20], channel=Channel.BOT)
    handled(agent=agent, seconds=[720], channel=Channel.BOT)

    plan = staffing.staffing_plan(today=TODAY, days=7, channel=Channel.BOT)

    assert plan.channels[0].handle_time == staffing_selectors.HandleTime(seconds=720, samples=2, measured=True)
    # 10 chats × 12 minutes = 2 Erlangs: 80 % in 20 s needs 4 agents (3 with the default 6 minutes).
    assert busy_hours(plan.hours)[0].required == 4


# Per-channel service targets -------------------------------------------------------------


@pytest.mark.django_db
def test_real_time_channels_use_their_configured_target_and_asynchronous_ones_the_sla():
    targets = staffing_selectors.service_targets([Channel.BOT, Channel.PHONE, Channel.EMAIL, Channel.PORTAL])

    # Seeded policies (tickets 0010): "Email, phone and other channels" answers first within 8 business hours.
    assert targets[Channel.BOT] == staffing_selectors.ServiceTarget(level=0.8, seconds=20, source="configured")
    assert targets[Channel.PHONE].seconds == 20
    assert targets[Channel.EMAIL] == staffing_selectors.ServiceTarget(
        level=0.8, seconds=8 * 3600, source="sla", policy="Email, phone and other channels"
    )
    assert targets[Channel.PORTAL].source == "sla"


@pytest.mark.django_db
@override_settings(
    STAFFING_SERVICE_LEVELS={"email": {"level": 0.9, "seconds": None}, "social": {"level": 0.7, "seconds": 60}},
    STAFFING_SERVICE_LEVEL=0.85,
    STAFFING_TARGET_SECONDS=45,
)
def test_service_targets_follow_the_settings_and_fall_back_without_a_policy():
    SLAPolicy.objects.update(is_active=False)

    targets = staffing_selectors.service_targets([Channel.EMAIL, Channel.SOCIAL, Channel.BOT])

    assert targets[Channel.EMAIL] == staffing_selectors.ServiceTarget(level=0.9, seconds=45, source="default")
    assert targets[Channel.SOCIAL] == staffing_selectors.ServiceTarget(level=0.7, seconds=60, source="configured")
    assert targets[Channel.BOT] == staffing_selectors.ServiceTarget(level=0.85, seconds=45, source="default")


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


# Expected events: validation and who may enter them --------------------------------------


def launch(**fields) -> ForecastEvent:
    values = {
        "name": "Airdrop",
        "kind": ForecastEventKind.PROMOTION,
        "starts_at": at(date(2026, 6, 10), 9),
        "ends_at": at(date(2026, 6, 10), 18),
        "uplift_percent": 80,
    } | fields
    return ForecastEvent(**values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": at(date(2026, 6, 10), 9)}, "ends_at"),
        ({"ends_at": at(date(2026, 6, 9), 9)}, "ends_at"),
        ({"uplift_percent": 1001}, "uplift_percent"),
        ({"uplift_percent": -91}, "uplift_percent"),
        ({"name": ""}, "name"),
    ],
)
def test_an_event_with_a_bad_period_or_uplift_is_refused(supervisor, fields, field):
    with pytest.raises(ValidationError) as error:
        staffing_services.forecast_event_save(event=launch(**fields), actor=supervisor)

    assert field in error.value.message_dict
    assert not ForecastEvent.objects.exists()


@pytest.mark.django_db
def test_only_staffing_planners_enter_events(agent, supervisor):
    with pytest.raises(PermissionDenied):
        staffing_services.forecast_event_save(event=launch(), actor=agent)

    event = staffing_services.forecast_event_save(event=launch(uplift_percent=-90), actor=supervisor)
    assert (event.created_by, event.factor) == (supervisor, pytest.approx(0.1))


@pytest.mark.django_db
def test_a_shift_ends_after_it_starts(agent, team):
    with pytest.raises(ValidationError):
        staffing_services.shift_save(shift=Shift(agent=agent, team=team, weekday=0, start_hour=22, end_hour=6))
    assert not Shift.objects.exists()
