"""The attachment download view: only for people who may see the ticket, always as a download."""

import pytest
from django.urls import reverse

from tests import factories
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(ticket):
    message = services.ticket_customer_reply(
        ticket=ticket, body="Here is the screenshot", via="portal", attachments=[factories.png_upload("proof.png")]
    )
    return message.attachments.get()


def url(attachment) -> str:
    return reverse("tickets:attachment_download", args=[attachment.pk])


def test_the_owner_downloads_the_exact_bytes_as_an_attachment(client, customer, attachment):
    client.force_login(customer.user)

    response = client.get(url(attachment))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="proof.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == factories.PNG_BYTES


def test_an_agent_of_the_tickets_team_downloads_it(client, agent, attachment):
    client.force_login(agent)

    response = client.get(url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == factories.PNG_BYTES


def test_another_customer_gets_404(client, other_customer, attachment):
    client.force_login(other_customer.user)

    assert client.get(url(attachment)).status_code == 404


def test_staff_of_another_team_get_404(client, other_agent, attachment):
    client.force_login(other_agent)

    assert client.get(url(attachment)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, attachment):
    response = client.get(url(attachment))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url(attachment)}"


def test_a_customer_gets_404_for_an_internal_note_file_on_their_own_ticket(client, customer, ticket, agent):
    note = services.ticket_add_note(
        ticket=ticket, body="explorer dump", actor=agent, attachments=[factories.text_upload("dump.txt")]
    )
    client.force_login(customer.user)

    assert client.get(url(note.attachments.get())).status_code == 404


def test_a_missing_attachment_is_404(client, customer):
    client.force_login(customer.user)

    assert client.get(reverse("tickets:attachment_download", args=[987654])).status_code == 404


def test_post_is_not_allowed(client, customer, attachment):
    client.force_login(customer.user)

    assert client.post(url(attachment)).status_code == 405
