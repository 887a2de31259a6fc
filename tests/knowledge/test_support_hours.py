"""The portal's support hours and status page (knowledge.support_hours): hours in the viewer's zone, open or
closed now, next opening, holidays and status notices, in a fixed number of queries."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from knowledge.models import NoticeSeverity, StatusNotice
from knowledge.support_hours import (
    ZONE_BROWSER,
    ZONE_DEFAULT,
    ZONE_PROFILE,
    ViewerZone,
    support_status,
    viewer_zone,
)
from tests import factories
from tickets.models import BusinessCalendar, BusinessHours, Holiday

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Wednesday 2 December 2026, 10:00 in Shanghai.
WEDNESDAY_10_SHANGHAI = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def weekday_calendar(name="Shanghai weekdays", *, opens=time(9), closes=time(21), zone="Asia/Shanghai", days=range(5)):
    calendar = BusinessCalendar.objects.create(name=name, time_zone=zone)
    BusinessHours.objects.bulk_create(
        BusinessHours(calendar=calendar, weekday=day, opens=opens, closes=closes) for day in days
    )
    return calendar


def published_team(name, calendar):
    return factories.TeamFactory(name=name, business_calendar=calendar, publish_hours=True)


def status_at(now, zone=SHANGHAI, language="en"):
    return support_status(zone=ViewerZone(zone=zone, source=ZONE_PROFILE), language=language, now=now)


def test_an_open_team_says_when_it_closes():
    published_team("Wallet support", weekday_calendar())

    (team,) = status_at(WEDNESDAY_10_SHANGHAI).teams

    assert team.is_open
    assert team.closes_at == datetime(2026, 12, 2, 21, 0, tzinfo=SHANGHAI)
    assert team.next_opening is None


def test_on_friday_night_the_next_opening_is_monday_morning_in_the_viewers_zone():
    published_team("Wallet support", weekday_calendar())
    friday_night = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    london = zoneinfo.ZoneInfo("Europe/London")

    (team,) = status_at(friday_night, zone=london).teams

    assert not team.is_open
    # Monday 09:00 in Shanghai is Monday 01:00 in London (UTC+0 in December).
    assert team.next_opening == datetime(2026, 12, 7, 1, 0, tzinfo=london)
    assert team.next_opening.tzinfo == london


def test_the_week_is_shown_in_the_viewers_zone_split_at_their_midnight():
    published_team("Wallet support", weekday_calendar())
    new_york = zoneinfo.ZoneInfo("America/New_York")  # 13 hours behind Shanghai in December

    (team,) = status_at(WEDNESDAY_10_SHANGHAI, zone=new_york).teams

    # Tuesday 1 December in New York: Wednesday 09:00–21:00 Shanghai is Tuesday 20:00–Wednesday 08:00 New York.
    tuesday = team.days[0]
    assert tuesday.day == date(2026, 12, 1) and tuesday.is_today
    assert [(s.opens.time(), s.closes.time()) for s in tuesday.spans] == [(time(0), time(8)), (time(20), time(0))]
    assert tuesday.spans[-1].closes_at_midnight
    friday = team.days[3]
    assert [(s.opens.time(), s.closes.time()) for s in friday.spans] == [(time(0), time(8))]
    saturday = team.days[4]
    assert saturday.spans == ()
    assert len(team.days) == 7


def test_holidays_close_the_day_and_are_listed():
    calendar = weekday_calendar()
    Holiday.objects.create(calendar=calendar, date=date(2026, 12, 3), name="Staff day")
    Holiday.objects.create(calendar=calendar, date=date(2020, 1, 1), name="New Year", recurring=True)
    Holiday.objects.create(calendar=calendar, date=date(2026, 11, 1), name="Past")
    published_team("Wallet support", calendar)

    (team,) = status_at(WEDNESDAY_10_SHANGHAI).teams

    thursday = team.days[1]
    assert thursday.spans == () and thursday.holiday == "Staff day"
    assert [(h.day, h.name) for h in team.holidays] == [
        (date(2026, 12, 3), "Staff day"),
        (date(2027, 1, 1), "New Year"),
    ]


def test_a_24_7_team_is_always_open():
    calendar = BusinessCalendar.objects.create(name="Round the clock (test)", time_zone="UTC", is_24_7=True)
    published_team("Security", calendar)

    (team,) = status_at(WEDNESDAY_10_SHANGHAI).teams

    assert team.always_open and team.is_open and team.closes_at is None
    assert all(day.all_day for day in team.days)


def test_only_active_teams_that_publish_their_hours_are_listed():
    calendar = weekday_calendar()
    published_team("Wallet support", calendar)
    factories.TeamFactory(name="Internal L3", business_calendar=calendar, publish_hours=False)
    factories.TeamFactory(name="Retired", business_calendar=calendar, publish_hours=True, is_active=False)
    factories.TeamFactory(name="No calendar", publish_hours=True)
    empty = BusinessCalendar.objects.create(name="Being set up", is_24_7=False)
    published_team("Not ready", empty)

    assert [team.name for team in status_at(WEDNESDAY_10_SHANGHAI).teams] == ["Wallet support"]


def test_current_and_planned_notices_are_shown_the_worst_first_in_the_viewers_language():
    now = WEDNESDAY_10_SHANGHAI
    StatusNotice.objects.create(
        title="Node maintenance",
        severity=NoticeSeverity.MAINTENANCE,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=2),
        is_published=True,
    )
    StatusNotice.objects.create(
        title="Transfers delayed",
        body="Tron withdrawals are slow.",
        severity=NoticeSeverity.MAJOR,
        starts_at=now - timedelta(hours=1),
        is_published=True,
        translations={"zh-hans": {"title": "转账延迟", "body": "波场提现较慢。"}},
    )
    StatusNotice.objects.create(title="Draft", starts_at=now - timedelta(hours=1), is_published=False)
    StatusNotice.objects.create(
        title="Over", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1), is_published=True
    )

    notices = status_at(now, language="zh-hans").notices

    assert [(n.title, n.is_ongoing) for n in notices] == [("转账延迟", True), ("Node maintenance", False)]
    assert notices[0].body == "波场提现较慢。"
    assert notices[0].starts_at.tzinfo == SHANGHAI


def test_the_zone_is_the_profiles_else_the_browsers_else_utc(customer_user):
    customer_user.time_zone = "Asia/Jakarta"
    assert viewer_zone(user=customer_user, browser_zone="Europe/Paris").source == ZONE_PROFILE
    customer_user.time_zone = ""
    chosen = viewer_zone(user=customer_user, browser_zone="Europe/Paris")
    assert (chosen.name, chosen.source) == ("Europe/Paris", ZONE_BROWSER)
    chosen = viewer_zone(user=customer_user, browser_zone="Mars/Olympus")
    assert (chosen.name, chosen.source) == ("UTC", ZONE_DEFAULT)


# The page ------------------------------------------------------------------------------------------------


def page(client, **params):
    return client.get(reverse("knowledge:support_hours"), params)


def test_the_page_shows_the_browsers_zone_when_it_was_reported(client):
    published_team("Wallet support", weekday_calendar())

    html = page(client, tz="Asia/Ho_Chi_Minh").content.decode()

    assert "Times are shown in Asia/Ho_Chi_Minh, the time zone of your browser." in html
    assert 'data-team="Wallet support"' in html
    assert "hours.js" not in html  # the zone is known: no redirect script


def test_every_time_on_the_page_is_in_the_viewers_zone(client, clock):
    # The clock: Monday 25 May 2026, 02:00 UTC, 10:00 in Shanghai, 04:00 in Paris (summer time).
    published_team("Wallet support", weekday_calendar())
    StatusNotice.objects.create(title="Slow deposits", starts_at=clock.now - timedelta(hours=1), is_published=True)

    html = page(client, tz="Europe/Paris").content.decode()

    assert "Now: Mon 25 May, 04:00." in html
    assert "Closes Mon 25 May, 15:00." in html  # 21:00 in Shanghai
    assert "03:00–15:00" in html
    assert "Since Mon 25 May, 03:00, until further notice" in html


def test_without_any_zone_the_page_says_utc_and_asks_the_browser(client):
    html = page(client).content.decode()

    assert "Times are shown in UTC." in html
    assert "knowledge/hours.js" in html
    assert "Support hours have not been published yet." in html
    assert "No known incidents" in html


def test_a_signed_in_customer_sees_their_profile_zone(client, customer_user):
    customer_user.time_zone = "Asia/Shanghai"
    customer_user.save(update_fields=["time_zone"])
    client.force_login(customer_user)

    html = page(client, tz="Europe/Paris").content.decode()

    assert "Times are shown in Asia/Shanghai, the time zone of your profile." in html


def test_the_page_is_linked_from_the_portal_and_the_help_centre(client):
    url = reverse("knowledge:support_hours")

    assert url in client.get(reverse("portal:home")).content.decode()
    assert url in client.get(reverse("knowledge:home")).content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    for n in range(count):
        calendar = weekday_calendar(f"Calendar {n}")
        Holiday.objects.create(calendar=calendar, date=date(2027, 1, 1), name="New Year")
        published_team(f"Team {n}", calendar)
        StatusNotice.objects.create(title=f"Notice {n}", is_published=True)
    page(client, tz="Asia/Shanghai")

    # Teams with calendars, the calendars' hours, their holidays, the notices.
    with django_assert_num_queries(4):
        response = page(client, tz="Asia/Shanghai")

    assert response.content.decode().count("data-team=") == count
    assert response.content.decode().count("data-notice") == count
