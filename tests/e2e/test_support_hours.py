"""A visitor opens the support hours page from the portal footer: the browser's zone is picked up, the hours shown."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from knowledge.models import NoticeSeverity, StatusNotice
from tests import factories
from tests.e2e.conftest import DESKTOP
from tickets.models import BusinessCalendar, BusinessHours, Holiday

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_hours_page_in_the_browsers_time_zone(live_server, browser, shot):
    weekdays = BusinessCalendar.objects.create(name="Wallet weekdays", time_zone="Asia/Shanghai")
    for day in range(7):
        BusinessHours.objects.create(
            calendar=weekdays, weekday=day, opens=time(9), closes=time(21) if day < 5 else time(18)
        )
    Holiday.objects.create(calendar=weekdays, date=timezone.localdate() + timedelta(days=20), name="Founders' day")
    factories.TeamFactory(name="Wallet support", business_calendar=weekdays, publish_hours=True)
    always = BusinessCalendar.objects.create(name="Security round the clock", time_zone="UTC", is_24_7=True)
    factories.TeamFactory(name="Security", business_calendar=always, publish_hours=True)
    StatusNotice.objects.create(
        title="Tron withdrawals delayed",
        body="Withdrawals on TRON take up to an hour. Your funds are safe.",
        severity=NoticeSeverity.MAJOR,
        starts_at=timezone.now() - timedelta(hours=1),
        is_published=True,
    )
    context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Paris")
    page = context.new_page()

    page.goto(f"{live_server.url}/portal/")
    page.click("[data-support-hours-link]")

    page.wait_for_url("**/portal/help/status/?tz=Europe%2FParis")
    expect(page.locator("[data-zone-source]")).to_contain_text("Europe/Paris, the time zone of your browser")
    expect(page.locator("[data-team]")).to_have_count(2)
    expect(page.locator('[data-team="Security"] [data-state]')).to_have_text("Open now")
    expect(page.locator('[data-team="Wallet support"] .sh-week tr')).to_have_count(7)
    expect(page.locator("[data-notice]")).to_contain_text("Tron withdrawals delayed")
    shot(page, "support-hours")
    context.close()
