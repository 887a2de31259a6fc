"""Locale and time zone per request: staff see the admin in their language and their own zone."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tickets.models import TicketMessage

pytestmark = pytest.mark.django_db

WRITTEN_AT = datetime.datetime(2026, 1, 15, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def reset_time_zone():
    # The test client runs requests in this thread; don't let one test's zone leak into the next.
    yield
    timezone.deactivate()


@pytest.fixture
def page(ticket):
    TicketMessage.objects.filter(ticket=ticket).update(created_at=WRITTEN_AT)
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def test_a_staff_user_with_a_time_zone_sees_times_in_that_zone(client, agent, page):
    agent.time_zone = "Asia/Shanghai"
    agent.save(update_fields=["time_zone"])
    client.force_login(agent)

    content = client.get(page).content.decode()

    assert '<time datetime="2026-01-15T10:00:00+08:00">' in content


def test_a_staff_user_without_a_time_zone_sees_the_site_zone(client, agent, page):
    client.force_login(agent)

    content = client.get(page).content.decode()

    assert '<time datetime="2026-01-15T02:00:00+00:00">' in content


def test_an_unknown_stored_zone_falls_back_to_the_site_zone(client, agent, page):
    agent.time_zone = "Mars/Olympus_Mons"
    agent.save(update_fields=["time_zone"])
    client.force_login(agent)

    response = client.get(page)

    assert response.status_code == 200
    assert '<time datetime="2026-01-15T02:00:00+00:00">' in response.content.decode()


def test_the_admin_is_in_simplified_chinese_for_a_zh_hans_browser(client, administrator):
    client.force_login(administrator)

    content = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert '<html lang="zh-hans"' in content
    # Django's own catalog: "Welcome," and "Log out" in the user tools.
    assert "欢迎" in content
    assert "注销" in content


def test_the_ticket_page_is_in_simplified_chinese_for_a_zh_hans_browser(client, agent, page):
    client.force_login(agent)

    content = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    # "Home" in the breadcrumbs and "Save" come from Django's catalog.
    assert "首页" in content
    assert "保存" in content


def test_the_admin_stays_in_english_for_an_english_browser(client, administrator):
    client.force_login(administrator)

    content = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en"' in content
    assert "Welcome," in content
    assert "欢迎" not in content


def test_a_staff_member_s_chosen_language_wins_over_the_browser_s(client, administrator):
    administrator.language = "zh-hans"
    administrator.save(update_fields=["language"])
    client.force_login(administrator)

    content = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="zh-hans"' in content
    assert "欢迎" in content


def test_every_anonymous_form_post_is_limited_per_client_address(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "anonymous_post": "2/m/ip"}
    forms = [reverse("portal:contact"), reverse("knowledge:bot_feedback"), reverse("safety:report_impersonator")]
    attacker = Client(REMOTE_ADDR="203.0.113.7")

    statuses = [
        attacker.post(url, {}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n, url in enumerate(forms)
    ]
    other = Client(REMOTE_ADDR="203.0.113.8").post(forms[0], {})

    assert 429 not in statuses[:2]
    assert statuses[2] == 429
    assert other.status_code != 429


def test_signed_in_users_are_left_to_each_form_s_own_limits(settings, customer):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "anonymous_post": "1/m/ip"}
    client = Client()
    client.force_login(customer.user)

    statuses = [client.post(reverse("knowledge:bot_feedback"), {}).status_code for _ in range(3)]

    assert 429 not in statuses
