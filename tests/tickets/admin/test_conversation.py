"""The conversation panel of the ticket page: messages and events in one timeline, long ones collapsed."""

import pytest

from tests.tickets.admin.test_tickets import change_url, ticket_with_messages
from tickets import services
from tickets.admin.conversation import TIMELINE_RECENT
from tickets.models import Priority

pytestmark = pytest.mark.django_db


def test_the_change_page_shows_one_timeline_of_messages_and_events(agent_client, ticket, agent):
    services.ticket_add_note(ticket=ticket, body="Congestion on Tron, check again at noon.", actor=agent)
    services.ticket_change_priority(ticket=ticket, priority=Priority.HIGH, actor=agent)

    response = agent_client.get(change_url(ticket))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="sd-timeline"' in content
    assert "Sent 250 USDT." in content
    assert "Congestion on Tron, check again at noon." in content
    assert "Internal note" in content
    assert "Priority changed: Normal → High" in content
    kinds = [entry.event.kind if entry.event else "message" for entry in response.context["timeline"]]
    assert kinds == ["created", "message", "message", "note", "priority"]
    assert '<textarea name="reply_body"' in content


def test_long_conversation_shows_the_newest_entries_with_a_link_to_all(supervisor_client):
    ticket = ticket_with_messages(TIMELINE_RECENT + 10)

    response = supervisor_client.get(change_url(ticket))

    assert response.status_code == 200
    assert "message number 059" in response.text
    assert "message number 010" in response.text
    assert "message number 009" not in response.text
    assert "Show the whole conversation" in response.text
    everything = supervisor_client.get(change_url(ticket), {"timeline": "all"}).text
    assert "message number 000" in everything
    assert "Show the whole conversation" not in everything


def test_short_conversation_is_shown_whole(supervisor_client):
    ticket = ticket_with_messages(3)

    text = supervisor_client.get(change_url(ticket)).text

    assert "message number 000" in text
    assert "Show the whole conversation" not in text
