"""Collision detection: a save based on a version older than the ticket is refused with what changed,
in the service, the admin's ticket page and the API; saving again with the version shown sends anyway."""

import pytest
from django.contrib.admin.models import LogEntry
from rest_framework.test import APIClient

from tests.tickets.admin.test_tickets import change_url, work_form
from tickets import services
from tickets.admin.forms import TicketWorkForm
from tickets.models import Status, Ticket, TicketMessage
from tickets.versions import version_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(clock):
    return clock


def loaded_then_changed(ticket, agent, teammate, clock):
    """The version `agent` loaded, then, a minute later, a colleague's reply and a status change."""
    ticket.refresh_from_db()
    loaded = version_token(ticket)
    clock.advance(minutes=1)
    services.ticket_reply(ticket=ticket, body="Teammate here: checking.", actor=teammate)
    services.ticket_change_status(ticket=ticket, status=Status.PENDING_CUSTOMER, actor=teammate)
    return loaded


def test_a_reply_on_a_stale_version_is_refused_with_what_changed(ticket, agent, teammate, clock):
    loaded = loaded_then_changed(ticket, agent, teammate, clock)

    with pytest.raises(services.StaleTicketError) as refused:
        services.ticket_reply(ticket=ticket, body="Mine", actor=agent, expected_version=loaded)

    error = refused.value
    assert error.code == services.ERROR_STALE_VERSION
    assert error.changes[0] == "teammate replied" and any("pending" in change.lower() for change in error.changes)
    assert not TicketMessage.objects.filter(body="Mine").exists()
    # Sending anyway: with the version the refusal showed.
    services.ticket_reply(ticket=ticket, body="Mine", actor=agent, expected_version=error.current_version)
    assert TicketMessage.objects.filter(body="Mine").exists()


def test_the_current_version_and_no_version_pass(ticket, agent):
    ticket.refresh_from_db()
    services.ticket_change_status(
        ticket=ticket, status=Status.OPEN, actor=agent, expected_version=version_token(ticket)
    )
    services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.OPEN, agent)


def test_assignment_on_a_stale_version_is_refused(ticket, agent, teammate, clock):
    loaded = loaded_then_changed(ticket, agent, teammate, clock)

    with pytest.raises(services.StaleTicketError):
        services.ticket_assign(ticket=ticket, assignee=agent, actor=agent, expected_version=loaded)
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_the_ticket_page_refuses_a_stale_save_keeps_the_reply_and_sends_on_confirmation(
    agent_client, ticket, agent, teammate, clock
):
    loaded = loaded_then_changed(ticket, agent, teammate, clock)
    data = work_form(ticket, reply_body="My answer", ticket_version=loaded)

    refused = agent_client.post(change_url(ticket), data)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This ticket changed since you opened it" in page and "teammate replied" in page
    assert "My answer" in page and not TicketMessage.objects.filter(body="My answer").exists()
    ticket.refresh_from_db()
    assert f'name="ticket_version" value="{version_token(ticket)}"' in page

    confirmed = agent_client.post(change_url(ticket), {**data, "ticket_version": version_token(ticket)})

    assert confirmed.status_code == 302
    assert TicketMessage.objects.filter(body="My answer", author=agent).exists()


def test_a_colleague_saving_between_validation_and_the_locked_check_keeps_the_reply_and_shows_the_changes(
    agent_client, ticket, agent, teammate, clock, monkeypatch
):
    """The form's version check passes, then a colleague saves before the service locks the ticket: the service
    refuses, and the page must come back with the typed reply and what changed, not redirect with a message."""
    ticket.refresh_from_db()
    loaded = version_token(ticket)
    data = work_form(ticket, reply_body="My typed answer", ticket_version=loaded)
    validate = TicketWorkForm.clean
    raced = []

    def clean_then_a_colleague_saves(form):
        cleaned = validate(form)
        if not raced:
            raced.append(True)
            clock.advance(minutes=1)
            services.ticket_reply(
                ticket=Ticket.objects.get(pk=ticket.pk), body="Teammate got there first", actor=teammate
            )
        return cleaned

    monkeypatch.setattr(TicketWorkForm, "clean", clean_then_a_colleague_saves)

    refused = agent_client.post(change_url(ticket), data)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This ticket changed since you opened it" in page and "teammate replied" in page
    assert "My typed answer" in page and not TicketMessage.objects.filter(body="My typed answer").exists()
    ticket.refresh_from_db()
    assert f'name="ticket_version" value="{version_token(ticket)}"' in page
    assert not LogEntry.objects.filter(object_id=str(ticket.pk)).exists()


def test_the_ticket_page_carries_its_version(agent_client, ticket):
    page = agent_client.get(change_url(ticket)).content.decode()

    ticket.refresh_from_db()
    assert f'name="ticket_version" value="{version_token(ticket)}"' in page
    assert f'data-socket="/ws/tickets/{ticket.pk}/presence/"' in page


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def test_the_api_shows_the_version_and_refuses_a_stale_reply_with_409(api, ticket, agent, teammate, clock):
    detail = api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert detail["version"] == version_token(ticket)
    loaded_then_changed(ticket, agent, teammate, clock)

    refused = api.post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Mine", "version": detail["version"]}, format="json"
    )

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "stale_version" and "teammate replied" in error["changes"]
    accepted = api.post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Mine", "version": error["version"]}, format="json"
    )
    assert accepted.status_code == 201


def test_the_api_takes_the_etag_or_version_in_if_match(api, ticket, agent, teammate, clock):
    etag = api.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    url = f"/api/v1/tickets/{ticket.pk}/status/"
    clock.advance(minutes=1)

    fresh = api.post(url, {"status": Status.OPEN}, format="json", HTTP_IF_MATCH=etag)
    assert fresh.status_code == 200

    stale = api.post(f"/api/v1/tickets/{ticket.pk}/assign/", {"assignee": agent.pk}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409 and stale.json()["error"]["version"] == fresh.json()["version"]
