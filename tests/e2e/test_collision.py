"""Two agents on one ticket page in two browsers over a real ASGI server: each sees the other (presence and
typing), the first saves, the second is told at once that the ticket changed, and the second save is refused
with what changed until the agent saves again. Then the bell: a notification pushed live, opened from the menu.

Django's live server speaks no WebSocket, so the test serves the ASGI application with uvicorn on a free port
in a thread, on the test database, with static files served from the finders (as the live chat e2e does).
"""

import threading

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import ARTIFACTS, DESKTOP
from tickets import services
from tickets.models import Notification, TicketMessage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = ARTIFACTS / "collision"


@pytest.fixture(autouse=True)
def fast_presence(settings):
    """Viewers announce themselves every second, so leaving shows within the test's timeouts."""
    settings.PRESENCE_HEARTBEAT_SECONDS = 1


def signed_in_page(browser, url: str, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
    context.set_default_timeout(10_000)
    return context, context.new_page()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_two_agents_see_each_other_and_the_second_save_warns(browser, asgi_server, team):
    first_agent = factories.agent(teams=[team], username="ana", first_name="Ana")
    second_agent = factories.agent(teams=[team], username="ben", first_name="Ben")
    ticket = factories.ticket(team=team, subject="Swap stuck on bridge")
    page_url = f"{asgi_server}/admin/tickets/ticket/{ticket.pk}/change/"
    first_context, first = signed_in_page(browser, asgi_server, first_agent)
    second_context, second = signed_in_page(browser, asgi_server, second_agent)
    try:
        first.goto(page_url)
        second.goto(page_url)
        expect(first.locator(".sd-presence-people")).to_contain_text("Ben")
        expect(second.locator(".sd-presence-people")).to_contain_text("Ana")

        second.fill("#id_reply_body", "Looking at the bridge")
        expect(first.locator(".sd-presence-people")).to_contain_text("typing a reply")
        shot(first, "presence-typing")

        first.fill("#id_reply_body", "We see the swap on the explorer.")
        first.click("input[name=_continue]")
        expect(first.locator(".messagelist")).to_contain_text("was changed successfully")
        expect(second.locator(".sd-presence-changed")).to_contain_text("Ana")

        second.fill("#id_reply_body", "Bridge is congested, please wait.")
        second.click("input[name=_continue]")
        expect(second.locator("ul.errorlist.nonfield")).to_contain_text("This ticket changed since you opened it")
        expect(second.locator(".sd-stale")).to_contain_text("ana replied")
        assert second.input_value("#id_reply_body") == "Bridge is congested, please wait."
        shot(second, "stale-save-warns")
        assert not TicketMessage.objects.filter(body="Bridge is congested, please wait.").exists()

        second.click("input[name=_continue]")
        expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
        assert TicketMessage.objects.filter(body="Bridge is congested, please wait.", author=second_agent).exists()

        # The bell: a ticket assigned to Ana by Ben shows up live on her open page, and opening it marks it read.
        expect(first.locator(".sd-bell-count")).to_be_hidden()
        # (from another thread: Playwright's event loop runs in this one, and the service pushes to the socket)
        assigning = threading.Thread(
            target=services.ticket_assign, kwargs={"ticket": ticket, "assignee": first_agent, "actor": second_agent}
        )
        assigning.start()
        assigning.join()
        expect(first.locator(".sd-bell-count")).to_have_text("1")
        first.click("#sd-bell")
        expect(first.locator("#sd-bell-menu")).to_contain_text("Swap stuck on bridge")
        shot(first, "bell-menu")
        first.click("#sd-bell-menu li a")
        expect(first.locator(".sd-bell-count")).to_be_hidden()
        assert not Notification.objects.unread().filter(recipient=first_agent).exists()
    finally:
        first_context.close()
        second_context.close()
