"""tickets.api.messages: a ticket's messages (list, reply, note) and the one customer-reply rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supportdesk.models import ApiScope
from tests import factories
from tests.factories import token_client
from tickets import services
from tickets.models import Channel, Status, TicketMessage

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _ticket(customer, team=None):
    return factories.ticket(customer=customer, team=team, subject="Stuck transfer", body="Help")


def test_an_agent_replies_with_a_token_and_the_customer_reads_it(api, team, agent, customer):
    ticket = _ticket(customer, team=team)
    client = token_client(agent)

    reply = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"body": "We are on it", "status": "pending_customer"},
        format="json",
    )
    note = client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "internal", "internal": True}, format="json")
    api.force_authenticate(customer.user)
    seen = api.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]

    assert reply.status_code == 201 and note.status_code == 201
    assert [m["body"] for m in seen] == ["Help", "We are on it"]
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER


def test_a_read_scoped_token_cannot_write(team, agent, customer):
    ticket = _ticket(customer, team=team)
    response = token_client(agent, ApiScope.READ).post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "x"}, format="json"
    )
    assert response.status_code == 403
    assert ticket.messages.count() == 1


@pytest.mark.parametrize("rows", [1, 50])
def test_message_list_query_count_does_not_grow_with_rows(rows, api, customer, django_assert_num_queries):
    ticket = _ticket(customer)
    for n in range(rows - 1):
        services.ticket_customer_reply(
            ticket=ticket,
            body=f"m{n}",
            via=Channel.PORTAL,
            user=customer.user,
            attachments=[SimpleUploadedFile("a.png", PNG)],
        )
    api.force_authenticate(customer.user)
    with django_assert_num_queries(3):
        response = api.get(f"/api/v1/tickets/{ticket.pk}/messages/?page_size=100")
    assert len(response.json()["results"]) == rows
    assert TicketMessage.objects.filter(ticket=ticket).count() == rows


@pytest.mark.parametrize(("case", "refusal"), factories.CUSTOMER_REPLY_CASES.items())
def test_a_customer_reply_follows_the_one_customer_reply_rule(api, customer, case, refusal):
    ticket = factories.put_in_reply_case(_ticket(customer), case)
    status_before = ticket.status
    api.force_authenticate(customer.user)

    response = api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "It broke again."}, format="json")

    ticket.refresh_from_db()
    if refusal:
        assert response.status_code == 400
        assert [error["code"] for error in response.json()["error"]["fields"]["non_field_errors"]] == [refusal]
        assert (ticket.status, ticket.messages.count()) == (status_before, 1)
    else:
        assert response.status_code == 201, response.json()
        assert response.json()["body"] == "It broke again."
        assert ticket.status == Status.OPEN
