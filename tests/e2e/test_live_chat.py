"""Live chat in two browsers over a real ASGI server (uvicorn, WebSockets): customer widget ↔ agent console.

Django's live server speaks no WebSocket, so the test starts uvicorn on a free port in a thread, on
the test database, with static files served from the finders.
"""

import pytest
from django.test import Client

from feedback.models import SurveyResponse
from tests import factories
from tests.e2e.conftest import ARTIFACTS, DESKTOP
from tickets.chat.models import ChatSession, ChatState
from tickets.models import AuthorKind, BusinessCalendar, Channel, Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = ARTIFACTS / "live_chat"
# Records every socket the page opens, so the test can drop the connection as a network failure would.
TRACK_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function (url, protocols) {
    const s = new Native(url, protocols); window.__sockets.push(s); return s;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})();
"""


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=False)


def signed_in_context(browser, url: str, user, **options):
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
    context.set_default_timeout(10_000)
    return context


def test_customer_chats_with_the_bot_then_an_agent_across_a_dropped_connection_and_rates_it(browser, asgi_server, team):
    BusinessCalendar.objects.update(is_24_7=True)
    agent = factories.agent(teams=[team], username="lin", first_name="Lin")
    agent_context = signed_in_context(browser, asgi_server, agent, viewport=DESKTOP)
    console = agent_context.new_page()
    console.goto(f"{asgi_server}/admin/tickets/chatsession/console/")
    console.locator("#chat-available").check()
    console.locator("#chat-available-label", has_text="Available").wait_for()

    customer_context = browser.new_context(viewport={"width": 1280, "height": 800})
    customer_context.set_default_timeout(10_000)
    customer_context.add_init_script(TRACK_SOCKETS)
    widget = customer_context.new_page()
    widget.goto(f"{asgi_server}/portal/help/")
    widget.get_by_role("button", name="Chat with us").click()
    widget.get_by_placeholder("Your email address").fill("visitor@example.com")
    widget.get_by_role("button", name="Start chat").click()
    message_box = widget.get_by_placeholder("Type your message…")
    message_box.fill("My withdrawal is stuck")
    message_box.press("Enter")
    widget.locator(".sdchat-bot", has_text="passing this chat to a person").wait_for()
    widget.locator(".sdchat-status", has_text="number 1 in the queue").wait_for()
    shot(widget, "widget-queued")

    console.get_by_role("button", name="Accept").click()
    console.locator(".chat-customer", has_text="My withdrawal is stuck").wait_for()
    console.locator("#chat-side", has_text="visitor@example.com").wait_for()
    reply = console.locator("#id_reply_body")
    reply.fill("Hello, I am Lin. Which network did you use?")
    reply.press("Enter")
    widget.locator(".sdchat-agent", has_text="Which network did you use?").wait_for()

    # The connection drops: a line typed meanwhile and a line the agent sends both arrive, once each.
    widget.evaluate("window.__sockets.forEach((s) => s.close())")
    message_box.fill("Ethereum, sent 2 hours ago")
    message_box.press("Enter")
    reply.fill("Thanks, checking the transaction now")
    reply.press("Enter")
    widget.locator(".sdchat-agent", has_text="checking the transaction").wait_for()
    console.locator(".chat-customer", has_text="Ethereum, sent 2 hours ago").wait_for()
    shot(widget, "widget-with-agent")
    shot(console, "console-light")
    assert widget.locator(".sdchat-agent", has_text="checking the transaction").count() == 1
    assert console.locator(".chat-customer", has_text="Ethereum, sent 2 hours ago").count() == 1

    console.get_by_role("button", name="End chat").click()
    widget.locator(".sdchat-status", has_text="Rate this chat").wait_for()
    survey_url = widget.locator(".sdchat-rate").get_attribute("href")
    widget.goto(survey_url)
    for option in widget.locator("input[type=radio][value='5']").all():
        option.check()
    widget.get_by_role("button", name="Send my answers").click()
    widget.wait_for_load_state()

    session = ChatSession.objects.select_related("ticket").get()
    ticket = session.ticket
    assert session.state == ChatState.ENDED and ticket.channel == Channel.CHAT and ticket.status == Status.SOLVED
    transcript = [(kind, body) for kind, body in ticket.messages.values_list("author_kind", "body")]
    customer_lines = [body for kind, body in transcript if kind == AuthorKind.CUSTOMER]
    agent_lines = [body for kind, body in transcript if kind == AuthorKind.AGENT]
    assert customer_lines == ["My withdrawal is stuck", "Ethereum, sent 2 hours ago"]
    assert agent_lines == ["Hello, I am Lin. Which network did you use?", "Thanks, checking the transaction now"]
    assert ticket.first_response_at is not None and ticket.assignee == agent
    assert SurveyResponse.objects.filter(invitation__ticket=ticket, overall=5).exists()
    agent_context.close()
    customer_context.close()


def test_screenshots_of_the_widget_and_console_in_dark_mode(browser, asgi_server, team, supervisor):
    BusinessCalendar.objects.update(is_24_7=True)
    context = signed_in_context(browser, asgi_server, supervisor, viewport=DESKTOP, color_scheme="dark")
    console = context.new_page()
    console.goto(f"{asgi_server}/admin/tickets/chatsession/console/")
    console.locator("#chat-agents tbody tr").first.wait_for()
    shot(console, "console-dark")
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    widget = visitor.new_page()
    widget.goto(f"{asgi_server}/portal/help/")
    widget.get_by_role("button", name="Chat with us").click()
    widget.get_by_placeholder("Your email address").wait_for()
    shot(widget, "widget-dark-phone")
    context.close()
    visitor.close()
