"""Another customer's request, message or attachment is a 404 on every portal route: never a 403, never a leak."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tickets import services
from tickets.models import Channel, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_case(other_customer, agent, team):
    ticket = services.ticket_create(
        customer=other_customer,
        subject="Bob's secret case",
        body="My wallet holds 12 BTC",
        channel=Channel.PORTAL,
        team=team,
        attachments=[factories.png_upload("bob.png")],
    )
    services.ticket_add_note(ticket=ticket, body="Agents only", actor=agent, attachments=[factories.png_upload()])
    return ticket


def _main_content(response) -> str:
    """The page's <main> (the header differs per response: CSRF token, the current URL in the language form)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def _attachment_urls(ticket):
    return [
        reverse("tickets:attachment_download", args=[attachment.pk])
        for message in ticket.messages.all()
        for attachment in message.attachments.all()
    ]


def _requests_for(ticket):
    pk = ticket.pk
    return [
        ("get", reverse("portal:request_detail", args=[pk]), {}),
        ("post", reverse("portal:request_reply", args=[pk]), {"body": "Hi, I am Bob"}),
        ("post", reverse("portal:request_solve", args=[pk]), {}),
        ("post", reverse("portal:request_reopen", args=[pk]), {}),
        *[("get", url, {}) for url in _attachment_urls(ticket)],
    ]


def test_every_portal_route_answers_404_for_another_customers_request(client, customer, bobs_case):
    client.force_login(customer.user)

    for method, url, data in _requests_for(bobs_case):
        response = getattr(client, method)(url, data)

        assert response.status_code == 404, url
        assert "12 BTC" not in response.content.decode(errors="replace")

    bobs_case.refresh_from_db()
    assert bobs_case.status == Status.NEW
    assert bobs_case.messages.count() == 2


def test_a_solved_request_of_another_customer_cannot_be_reopened(client, customer, bobs_case, agent):
    services.ticket_change_status(ticket=bobs_case, status=Status.SOLVED, actor=agent)
    client.force_login(customer.user)

    response = client.post(reverse("portal:request_reopen", args=[bobs_case.pk]))

    assert response.status_code == 404
    bobs_case.refresh_from_db()
    assert bobs_case.status == Status.SOLVED


def test_references_and_ids_that_do_not_exist_look_the_same_as_foreign_ones(client, customer, bobs_case):
    client.force_login(customer.user)

    missing = client.get(reverse("portal:request_detail", args=[bobs_case.pk + 1000]))
    foreign = client.get(reverse("portal:request_detail", args=[bobs_case.pk]))

    assert missing.status_code == foreign.status_code == 404
    assert _main_content(missing) == _main_content(foreign)
    assert "Page not found" in foreign.content.decode()


def test_the_customer_never_downloads_a_file_from_an_internal_note_on_their_own_request(
    client, other_customer, bobs_case
):
    client.force_login(other_customer.user)
    note_file = bobs_case.messages.get(is_internal=True).attachments.get()
    own_file = bobs_case.messages.get(is_internal=False).attachments.get()

    assert client.get(reverse("tickets:attachment_download", args=[note_file.pk])).status_code == 404
    assert client.get(reverse("tickets:attachment_download", args=[own_file.pk])).status_code == 200


def test_a_customer_never_reaches_the_admin(client, customer):
    client.force_login(customer.user)

    index = client.get(reverse("admin:index"))
    changelist = client.get(reverse("admin:tickets_ticket_changelist"))

    assert index.status_code == 302
    assert index["Location"].startswith(reverse("admin:login"))
    assert changelist.status_code == 302


def test_a_customer_cannot_sign_in_to_the_admin_with_their_password(client, customer):
    response = client.post(reverse("admin:login"), {"username": customer.user.username, "password": "pw"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_signed_in_customer_is_refused_the_admin_login_page(client, customer):
    client.force_login(customer.user)

    assert client.get(reverse("admin:login")).status_code == 403
