"""Writes customers make themselves, and linking a portal login to its Customer."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets import customer_services, services
from tickets.models import Channel, Customer, Status

pytestmark = pytest.mark.django_db


def test_linking_attaches_the_login_to_the_customer_who_already_wrote_from_that_address():
    emailed = services.customer_get_or_create(email="dave@example.com", name="Dave")[0]
    services.ticket_create(customer=emailed, subject="By email", body="Hi", channel=Channel.EMAIL)
    user = factories.UserFactory(username="dave", email="dave@example.com")

    linked = services.customer_link_user(user=user, email="DAVE@example.com")

    assert linked == emailed
    emailed.refresh_from_db()
    assert emailed.user == user
    assert [ticket.subject for ticket in user.customer.tickets.all()] == ["By email"]


def test_linking_finds_the_customer_by_one_of_their_other_addresses():
    primary = services.customer_get_or_create(email="erin@example.com")[0]
    primary.other_emails.create(email="erin@work.example")
    user = factories.UserFactory(username="erin")

    assert services.customer_link_user(user=user, email="erin@work.example") == primary


def test_linking_creates_a_customer_for_a_new_address():
    user = factories.UserFactory(username="frank", first_name="Frank", last_name="Li")

    customer = services.customer_link_user(user=user, email="frank@example.com", language="zh-hans")

    assert (customer.email, customer.name, customer.language, customer.user) == (
        "frank@example.com",
        "Frank Li",
        "zh-hans",
        user,
    )


def test_linking_is_idempotent_and_never_steals_another_users_customer(customer):
    intruder = factories.UserFactory(username="mallory")

    assert services.customer_link_user(user=customer.user, email="other@example.com") == customer
    assert services.customer_link_user(user=intruder, email=customer.email) is None
    customer.refresh_from_db()
    assert customer.user.username == "alice@example.com"


def test_staff_are_never_linked_to_a_customer(agent):
    assert services.customer_link_user(user=agent, email="agent@example.com") is None
    assert not Customer.objects.filter(email="agent@example.com").exists()


def test_only_the_owner_may_solve_reopen_or_answer_a_request(customer_ticket, other_customer):
    intruder = other_customer.user

    with pytest.raises(PermissionDenied):
        customer_services.ticket_customer_solve(ticket=customer_ticket, user=intruder)
    with pytest.raises(PermissionDenied):
        customer_services.ticket_customer_reopen(ticket=customer_ticket, user=intruder)
    with pytest.raises(PermissionDenied):
        customer_services.ticket_portal_reply(ticket=customer_ticket, body="hi", user=intruder)


def test_solving_twice_is_a_clear_error(customer_ticket, customer):
    customer_services.ticket_customer_solve(ticket=customer_ticket, user=customer.user)

    with pytest.raises(ValidationError) as error:
        customer_services.ticket_customer_solve(ticket=customer_ticket, user=customer.user)

    assert error.value.code == customer_services.ERROR_ALREADY_SOLVED


def test_an_open_request_cannot_be_reopened(customer_ticket, customer):
    with pytest.raises(ValidationError) as error:
        customer_services.ticket_customer_reopen(ticket=customer_ticket, user=customer.user)

    assert error.value.code == customer_services.ERROR_REOPEN_WINDOW
    customer_ticket.refresh_from_db()
    assert customer_ticket.status == Status.NEW


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("language", "xx", customer_services.ERROR_UNKNOWN_LANGUAGE),
        ("time_zone", "Nowhere/City", customer_services.ERROR_UNKNOWN_TIME_ZONE),
    ],
)
def test_the_profile_refuses_unknown_values_and_saves_nothing(customer, field, value, code):
    values = {"name": "New", "language": "en", "time_zone": "", "notify_on_reply": False, "notify_on_status": False}

    with pytest.raises(ValidationError) as error:
        customer_services.customer_update_profile(customer=customer, **{**values, field: value})

    assert error.value.error_dict[field][0].code == code
    customer.refresh_from_db()
    assert customer.name == "Alice"


def test_a_contact_request_with_an_empty_subject_is_refused():
    with pytest.raises(ValidationError) as error:
        customer_services.contact_request_create(
            email="x@example.com", name="", subject="  ", body="b", category=None, language="en", site_url="/"
        )

    assert "subject" in error.value.error_dict
