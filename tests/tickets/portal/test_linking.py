"""Linking a portal login to a customer record: only with the code sent to the record's address or phone.

Staff start the flow (verification_request on one of the customer's tickets); they can never complete it,
and nothing in the admin links a login any more.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from tickets import services
from tickets.models import EventKind
from tickets.safety.services import verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_customer(team):
    """A customer who wrote by email and has no portal login yet."""
    return factories.CustomerFactory(email="carol@example.com", name="Carol", user=None)


@pytest.fixture
def carol_ticket(email_customer, team):
    return factories.ticket(customer=email_customer, team=team, actor=None, channel="email")


@pytest.fixture
def carol_login(db):
    """Carol's new portal login, signed up with an address the record does not know."""
    return factories.UserFactory(username="carol.new", email="carol.new@example.net")


@pytest.fixture
def code(carol_ticket, agent, mailoutbox, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        verification.verification_request(ticket=carol_ticket, actor=agent)
    assert mailoutbox[-1].to == ["carol@example.com"]
    assert "/portal/link/" in mailoutbox[-1].body
    return re.search(r"^\s+(\d{6})$", mailoutbox[-1].body, re.MULTILINE).group(1)


def test_the_code_sent_to_the_records_address_links_the_login_and_leaves_an_event(carol_ticket, carol_login, code):
    result = services.customer_link_by_code(user=carol_login, ticket_id=carol_ticket.pk, code=code)

    carol_ticket.customer.refresh_from_db()
    assert result == verification.VERIFIED
    assert carol_ticket.customer.user == carol_login
    event = carol_ticket.events.get(kind=EventKind.CUSTOMER_LINK)
    assert (event.actor, event.after) == (carol_login, "carol.new@example.net")


def test_a_customer_who_has_a_login_is_not_offered_the_link(
    ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verification.verification_request(ticket=ticket, actor=agent)

    assert "/portal/link/" not in mailoutbox[-1].body


def test_a_wrong_code_links_nothing(carol_ticket, carol_login, code):
    wrong = "000000" if code != "000000" else "111111"

    result = services.customer_link_by_code(user=carol_login, ticket_id=carol_ticket.pk, code=wrong)

    carol_ticket.customer.refresh_from_db()
    assert (result, carol_ticket.customer.user) == (verification.WRONG, None)


def test_staff_who_start_the_flow_cannot_complete_it(carol_ticket, agent, code):
    with pytest.raises(PermissionDenied):
        services.customer_link_by_code(user=agent, ticket_id=carol_ticket.pk, code=code)

    carol_ticket.customer.refresh_from_db()
    assert carol_ticket.customer.user is None


def test_a_record_that_has_a_login_keeps_it(carol_ticket, carol_login, code):
    first = factories.UserFactory(username="carol.first")
    carol_ticket.customer.user = first
    carol_ticket.customer.save(update_fields=["user"])

    with pytest.raises(ValidationError):
        services.customer_link_by_code(user=carol_login, ticket_id=carol_ticket.pk, code=code)

    carol_ticket.customer.refresh_from_db()
    assert carol_ticket.customer.user == first


def test_the_portal_page_links_with_the_reference_and_code(client, carol_ticket, carol_login, code):
    client.force_login(carol_login)

    response = client.post(reverse("portal:link_account"), {"reference": carol_ticket.reference, "code": code})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:request_list")
    assert client.get(reverse("portal:request_detail", args=[carol_ticket.pk])).status_code == 200


def test_the_portal_page_sends_staff_to_the_admin(client, agent):
    client.force_login(agent)

    assert client.get(reverse("portal:link_account"))["Location"] == reverse("admin:index")


# The admin no longer links -----------------------------------------------------------


def test_an_agent_cannot_relink_a_customer_to_another_login_in_the_admin(client, agent, customer, carol_login):
    client.force_login(agent)
    url = reverse("admin:tickets_customer_change", args=[customer.pk])
    page = client.get(url)

    client.post(
        url,
        {
            "name": "Alice",
            "email": "attacker@example.net",
            "user": carol_login.pk,
            "language": "en",
            "other_emails-TOTAL_FORMS": "0",
            "other_emails-INITIAL_FORMS": "0",
            "wallet_addresses-TOTAL_FORMS": "0",
            "wallet_addresses-INITIAL_FORMS": "0",
        },
    )

    customer.refresh_from_db()
    assert page.status_code == 200
    assert 'name="user"' not in page.content.decode()
    assert (customer.user.username, customer.email) == ("alice@example.com", "alice@example.com")
