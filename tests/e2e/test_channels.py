"""A customer writes to the Telegram bot; the agent works it from the ticket page: the channel panel shows
where replies go, and the agent logs the call they made."""

import json

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import DESKTOP
from tests.tickets.connectors.conftest import TELEGRAM_SECRET, connectors, fake_provider, fixture_bytes  # noqa: F401
from tickets.connectors.models import PhoneCall
from tickets.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-agent-pass-42"


def test_agent_sees_the_telegram_channel_and_logs_a_call(live_server, new_page, shot, connectors):  # noqa: F811
    Client().post(
        "/connectors/telegram/webhook/",
        data=fixture_bytes("telegram_text.json"),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TELEGRAM_SECRET,
    )
    ticket = Ticket.objects.get()
    agent = factories.agent(username="li", password=PASSWORD)
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    page = new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=login]", "li")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")
    panel = page.locator(".sd-channel-panel")
    expect(panel).to_contain_text("The customer writes through Telegram (Testusername)")
    expect(panel).to_contain_text("Acknowledgement")
    shot(page, "ticket-channel-panel")

    panel.get_by_role("link", name="Log a call").click()
    page.fill("input[name=customer_number]", "+8613800138000")
    page.fill("input[name=started_at_0]", "2026-12-07")
    page.fill("input[name=started_at_1]", "10:30:00")
    page.fill("input[name=duration_seconds]", "185")
    page.fill("textarea[name=summary]", "Called back: the transfer is confirmed on chain.")
    shot(page, "log-a-call")
    page.click("input[name=_save]")

    call = PhoneCall.objects.get()
    assert (call.agent, call.ticket, call.duration_seconds) == (agent, ticket, 185)
    page.goto(f"{live_server.url}/admin/tickets/ticket/{ticket.pk}/change/")
    expect(page.locator(".sd-channel-panel")).to_contain_text("185 s")
    shot(page, "ticket-with-call")
    sent = [json.loads(request.body)["text"] for request in connectors.sent("/sendMessage")]
    assert any(ticket.reference in text for text in sent)
