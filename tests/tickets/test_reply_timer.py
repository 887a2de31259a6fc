"""Handle time: the reply box carries a signed "opened at" token and the reply service stores handle_seconds."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from supportdesk.models import ApiScope
from supportdesk.services import api_token_create
from tests import factories
from tests.tickets.admin.test_tickets import change_url, work_form
from tickets import reply_timer, services
from tickets.models import TicketMessage

pytestmark = pytest.mark.django_db


def reply_form(ticket, **changes) -> dict:
    return work_form(ticket, **({"reply_body": "We are checking the explorer."} | changes))


def token(ticket, user, *, ago: timedelta) -> str:
    return reply_timer.opened_at_token(ticket_id=ticket.pk, user_id=user.pk, at=timezone.now() - ago)


def last_reply(ticket) -> TicketMessage:
    return TicketMessage.objects.filter(ticket=ticket).latest("id")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


# The reply box ------------------------------------------------------------------------------


def test_the_reply_box_renders_a_signed_opened_at_token_for_this_ticket_and_agent(agent_client, ticket, agent):
    before = timezone.now()

    content = agent_client.get(change_url(ticket)).content.decode()

    rendered = re.search(r'<input type="hidden" name="reply_opened_at" value="([^"]+)"', content).group(1)
    opened = reply_timer.opened_at_from_token(rendered, ticket_id=ticket.pk, user_id=agent.pk)
    assert before - timedelta(seconds=1) <= opened <= timezone.now()


def test_a_reply_from_the_reply_box_stores_its_handle_time(agent_client, ticket, agent):
    response = agent_client.post(
        change_url(ticket), reply_form(ticket, reply_opened_at=token(ticket, agent, ago=timedelta(seconds=90)))
    )

    assert response.status_code == 302
    assert 90 <= last_reply(ticket).handle_seconds <= 95


def test_an_internal_note_from_the_reply_box_is_timed_too(agent_client, ticket, agent):
    agent_client.post(
        change_url(ticket),
        reply_form(ticket, reply_internal="on", reply_opened_at=token(ticket, agent, ago=timedelta(minutes=2))),
    )

    note = last_reply(ticket)
    assert note.is_internal
    assert 120 <= note.handle_seconds <= 125


def test_a_page_left_open_for_hours_counts_as_the_maximum(agent_client, ticket, agent, settings):
    settings.STAFFING_MAX_HANDLE_SECONDS = 1800

    agent_client.post(
        change_url(ticket), reply_form(ticket, reply_opened_at=token(ticket, agent, ago=timedelta(hours=5)))
    )

    assert last_reply(ticket).handle_seconds == 1800


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "not-a-token",
        signing.dumps([1, 2, 3], salt="another.salt"),
        signing.dumps("just text", salt=reply_timer.SALT),
        signing.dumps([1, 2, "soon"], salt=reply_timer.SALT),
        signing.dumps([1, 2, 1e20], salt=reply_timer.SALT),
    ],
)
def test_a_junk_token_leaves_the_reply_unmeasured_but_sends_it(agent_client, ticket, junk):
    response = agent_client.post(change_url(ticket), reply_form(ticket, reply_opened_at=junk))

    assert response.status_code == 302
    reply = last_reply(ticket)
    assert (reply.body, reply.handle_seconds) == ("We are checking the explorer.", None)


def test_a_token_for_another_ticket_another_agent_or_the_future_is_ignored(
    agent_client, ticket, agent, teammate, customer, team
):
    other = factories.ticket(customer=customer, team=team, subject="Another")
    for forged in (
        token(other, agent, ago=timedelta(minutes=5)),
        token(ticket, teammate, ago=timedelta(minutes=5)),
        token(ticket, agent, ago=-timedelta(minutes=5)),
    ):
        agent_client.post(change_url(ticket), reply_form(ticket, reply_opened_at=forged))

        assert last_reply(ticket).handle_seconds is None


def test_a_tampered_token_is_ignored(agent_client, ticket, agent):
    # Another moment (the epoch) under the signature of a genuine token.
    _payload, signature = token(ticket, agent, ago=timedelta(seconds=30)).split(":", 1)
    forged_payload = signing.dumps([ticket.pk, agent.pk, 0], salt=reply_timer.SALT).split(":", 1)[0]

    agent_client.post(change_url(ticket), reply_form(ticket, reply_opened_at=f"{forged_payload}:{signature}"))

    assert last_reply(ticket).handle_seconds is None


def test_the_token_is_not_a_change_to_the_ticket(agent_client, ticket, agent):
    agent_client.post(
        change_url(ticket),
        reply_form(ticket, reply_body="", reply_opened_at=token(ticket, agent, ago=timedelta(seconds=5))),
    )

    assert TicketMessage.objects.filter(ticket=ticket).count() == 1


# The service ------------------------------------------------------------------------------------


def test_the_service_times_the_reply_from_opened_at(ticket, agent):
    reply = services.ticket_reply(
        ticket=ticket, body="Checking.", actor=agent, opened_at=timezone.now() - timedelta(seconds=42)
    )

    assert 42 <= reply.handle_seconds <= 44


@pytest.mark.parametrize(
    ("opened_ago", "expected"),
    [(None, None), (-timedelta(seconds=30), None), (timedelta(days=2), 3600)],
)
def test_the_service_ignores_a_future_opening_and_clamps_a_long_one(ticket, agent, opened_ago, expected):
    opened_at = None if opened_ago is None else timezone.now() - opened_ago

    reply = services.ticket_reply(ticket=ticket, body="Checking.", actor=agent, opened_at=opened_at)

    assert reply.handle_seconds == expected


def test_customer_replies_and_api_replies_are_not_measured(ticket, agent, customer):
    _token, plain = api_token_create(user=agent, name="test", scope=ApiScope.WRITE)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")

    response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Via the API"}, format="json")
    customer_reply = services.ticket_customer_reply(ticket=ticket, body="Any news?", via="portal", user=customer.user)

    assert response.status_code == 201
    assert TicketMessage.objects.get(pk=response.json()["id"]).handle_seconds is None
    assert customer_reply.handle_seconds is None


# The macro page is a reply box too ------------------------------------------------------------


def test_a_macro_reply_is_timed_from_opening_the_macro_page(agent_client, ticket, agent):
    macro = factories.kb_macro(title="Ask for the hash", bodies={"en": "The hash please."})
    url = reverse("admin:knowledge_macro_apply", args=[ticket.pk])

    page = agent_client.get(url, {"macro": macro.pk}).content.decode()
    assert 'name="opened_at"' in page
    response = agent_client.post(
        url,
        {"macro": macro.pk, "body": "The hash please.", "opened_at": token(ticket, agent, ago=timedelta(minutes=3))},
    )

    assert response.status_code == 302
    assert 180 <= last_reply(ticket).handle_seconds <= 185
