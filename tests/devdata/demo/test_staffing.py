"""Issue 11's "done when" on the demo staffing data `make run` loads (devdata.demo.seed_demo).

The staffing page shows next week's hourly forecast, the agent gap, measured handle times and next
week's expected events.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from devdata.demo.staffing import EVENTS, HISTORY_DOMAIN
from tickets.models import Channel, Status, Ticket
from workforce.models import ForecastEvent, Shift

pytestmark = pytest.mark.django_db

STAFFING = reverse("admin:workforce_shift_staffing")
MAIN_CHANNELS = [Channel.EMAIL, Channel.PORTAL, Channel.IN_APP, Channel.WEB_FORM, Channel.BOT]


def _assert_history_has_busy_weekday_afternoons_and_quiet_weekends() -> None:
    history = Ticket.objects.filter(customer__email__endswith=f"@{HISTORY_DOMAIN}")
    zone = timezone.get_default_timezone()
    counts = {"afternoon": 0, "morning": 0, "weekend afternoon": 0, "night": 0}
    for created in history.values_list("created_at", flat=True):
        local = created.astimezone(zone)
        weekend = local.weekday() >= 5
        if local.hour in (14, 15, 16):
            counts["weekend afternoon" if weekend else "afternoon"] += 1
        elif local.hour in (9, 10, 11) and not weekend:
            counts["morning"] += 1
        elif local.hour < 9 or local.hour >= 21:
            counts["night"] += 1

    assert 1000 < history.count() < 4000
    assert counts["afternoon"] > 3 * counts["morning"] > 0
    assert counts["afternoon"] > 5 * counts["weekend afternoon"] > 0
    assert counts["night"] == 0
    oldest = min(history.values_list("created_at", flat=True))
    assert oldest.date() >= timezone.localdate() - timedelta(weeks=settings.STAFFING_HISTORY_WEEKS)
    assert history.values("channel").distinct().count() >= 5
    assert not history.exclude(status__in=[Status.SOLVED, Status.CLOSED]).exists()
    assert all(ticket.messages.count() == 2 for ticket in history.order_by("?")[:20])


def test_the_staffing_page_shows_next_weeks_hours_and_the_gap_at_the_weekday_peak(client, users):
    _assert_history_has_busy_weekday_afternoons_and_quiet_weekends()
    assert Shift.objects.count() == 20
    client.force_login(users["supervisor"])

    response = client.get(STAFFING)

    assert response.status_code == 200
    next_week = response.context["hours"][: 7 * 24]
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert [hour.start.date() for hour in next_week[::24]] == [tomorrow + timedelta(days=day) for day in range(7)]
    short = [hour for hour in next_week if hour.gap < 0]
    assert short and response.context["gaps"] >= len(short)
    weekday_peaks = [hour for hour in next_week if hour.start.weekday() < 5 and hour.start.hour in (14, 15, 16)]
    assert all(hour.gap < 0 and hour.scheduled > 0 for hour in weekday_peaks)
    assert max(hour.contacts for hour in weekday_peaks) > max(
        hour.contacts for hour in next_week if hour.start.hour < 12
    )
    assert "short of agents" in response.content.decode()


def test_the_staffing_page_shows_measured_handle_times_and_next_weeks_expected_events(client, users):
    client.force_login(users["supervisor"])

    response = client.get(STAFFING)

    content = response.content.decode()
    handle_times = {item.channel: item.handle_time for item in response.context["plan"].channels}
    for channel in MAIN_CHANNELS:
        assert handle_times[channel].measured
        assert handle_times[channel].samples >= settings.STAFFING_MIN_AHT_SAMPLES
        assert f"measured on {handle_times[channel].samples} tickets" in content
    # Email answers take longer than chat lines; phone calls are not measured, so phone stays on the default.
    assert 180 <= handle_times[Channel.BOT].seconds < handle_times[Channel.EMAIL].seconds <= 720
    assert not handle_times[Channel.PHONE].measured
    assert handle_times[Channel.PHONE].seconds == settings.STAFFING_DEFAULT_AHT_SECONDS

    next_week = response.context["hours"][: 7 * 24]
    flagged = {name: [hour for hour in next_week if name in hour.events] for name, *_rest in EVENTS}
    announcement = flagged["Token listing announcement"]
    assert [hour.start.hour for hour in announcement] == [13, 14, 15, 16, 17]
    assert [hour.start.hour for hour in flagged["Network congestion"]] == [9, 10, 11]
    assert all(hour.start.weekday() < 5 for hours in flagged.values() for hour in hours)
    assert response.context["peaks"] == 8
    assert "Token listing announcement" in content and "Network congestion" in content
    # +60 % on every channel against the same hours a week later, which only the trend lifts.
    week_later = {hour.start - timedelta(weeks=1): hour for hour in response.context["hours"][7 * 24 :]}
    assert all(hour.contacts > 1.4 * week_later[hour.start].contacts for hour in announcement)
    assert ForecastEvent.objects.filter(created_by=users["manager"]).count() == len(EVENTS)
