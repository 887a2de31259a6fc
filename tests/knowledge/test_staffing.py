"""Erlang C against published worked examples, and the forecast on a synthetic history with a known pattern.

Worked example 1 — Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
(https://www.callcentrehelper.com/erlang-c-formula-example-121281.htm): 100 calls in 30 minutes,
AHT 180 s, target 80 % answered in 20 s. Traffic 10 Erlangs; with 11 agents the probability of
waiting is 68.21 % and the average speed of answer 122.8 s; 14 agents reach the target (13 do
not); with 30 % shrinkage 20 agents are scheduled.

Worked example 2 — "The Erlang-C formula" (mitan.co.uk/erlang/elgcmath.htm): 360 calls per half
hour, 4-minute calls, 55 agents, 15-second target: traffic 48 Erlangs, occupancy 87.3 %,
probability of waiting 23.9 %, average speed of answer 8.2 s, service level 84.6 %.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledge import staffing
from knowledge.services import training as services
from knowledge.training_models import Shift
from tests import factories


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


@pytest.fixture
def desk_in_utc(settings):
    settings.TIME_ZONE = "UTC"


@pytest.mark.django_db
@override_settings(STAFFING_HISTORY_WEEKS=4, STAFFING_DEFAULT_AHT_SECONDS=360, STAFFING_SHRINKAGE=0.0)
def test_the_forecast_repeats_a_flat_weekly_pattern_and_shows_the_gap(desk_in_utc, agent, team):
    today = date(2026, 6, 1)  # a Monday
    # Every Monday 09:00 for four weeks: 10 tickets; nothing else.
    for week in range(1, 5):
        at = datetime.combine(today - timedelta(weeks=week), datetime.min.time(), UTC) + timedelta(hours=9, minutes=5)
        for _n in range(10):
            factories.TicketFactory(created_at=at)
    Shift.objects.create(agent=agent, team=team, weekday=0, start_hour=8, end_hour=12)

    hours = staffing.forecast(today=today, days=7)

    busy = [hour for hour in hours if hour.contacts]
    assert len(hours) == 7 * 24
    assert [(hour.start, hour.contacts) for hour in busy] == [(datetime(2026, 6, 8, 9, tzinfo=UTC), 10.0)]
    # 10 contacts × 6 minutes = 1 Erlang: 80 % in 20 s needs 3 agents (Erlang C); one is scheduled.
    assert (busy[0].required, busy[0].scheduled, busy[0].gap) == (3, 1, -2)
    assert all(hour.required == 0 for hour in hours if not hour.contacts)


@pytest.mark.django_db
@override_settings(STAFFING_HISTORY_WEEKS=4)
def test_a_growing_history_forecasts_above_its_average(desk_in_utc):
    today = date(2026, 6, 1)
    for week, count in zip(range(4, 0, -1), (2, 4, 6, 8), strict=True):
        at = datetime.combine(today - timedelta(weeks=week), datetime.min.time(), UTC) + timedelta(hours=10)
        for _n in range(count):
            factories.TicketFactory(created_at=at)

    monday_ten = next(
        hour for hour in staffing.forecast(today=today, days=7) if hour.start.hour == 10 and hour.contacts
    )

    # 2, 4, 6, 8 in weeks 0–3 (mean 5, +2 a week = 40 % of the mean); next Monday is week 5,
    # 3.5 weeks past the middle: 5 × (1 + 0.4 × 3.5) = 12, where the line 2 + 2 × 5 also ends.
    assert monday_ten.contacts == pytest.approx(12.0)
    assert timezone.is_aware(monday_ten.start)


STAFFING = "/admin/knowledge/shift/staffing/"


@pytest.mark.django_db
def test_the_staffing_page_is_for_supervisors_and_managers(client, agent, supervisor, manager):
    client.force_login(agent)
    assert client.get(STAFFING).status_code == 403
    for user in (supervisor, manager):
        client.force_login(user)
        assert client.get(STAFFING).status_code == 200


@pytest.mark.django_db
def test_the_staffing_page_and_csv_cost_the_same_queries_for_1_or_20_shifts(
    client, manager, agent, team, django_assert_max_num_queries
):
    client.force_login(manager)
    Shift.objects.create(agent=agent, team=team, weekday=0, start_hour=0, end_hour=24)
    factories.TicketFactory()
    with CaptureQueriesContext(connection) as one:
        page = client.get(STAFFING)
    for weekday in range(7):
        for _n in range(3):
            Shift.objects.create(agent=agent, team=team, weekday=weekday, start_hour=9, end_hour=17)
    with django_assert_max_num_queries(len(one)):
        client.get(STAFFING)

    csv_lines = client.get(STAFFING, {"format": "csv"}).content.decode().splitlines()
    assert len(page.context["hours"]) == 14 * 24
    assert len(csv_lines) == 1 + 14 * 24
    assert csv_lines[0] == "hour,forecast contacts,agents needed,agents scheduled,gap"


@pytest.mark.django_db
def test_a_shift_ends_after_it_starts(agent, team):
    with pytest.raises(ValidationError):
        services.shift_save(shift=Shift(agent=agent, team=team, weekday=0, start_hour=22, end_hour=6))
    assert not Shift.objects.exists()
