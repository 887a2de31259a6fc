"""tickets.services.customers: finding, creating, linking and merging customers; the writes customers make
themselves (profile, their own requests, the contact form)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from supportdesk.kit.text import ERROR_INVALID_EMAIL
from tests import factories
from tickets import services
from tickets.models import (
    Channel,
    Customer,
    CustomerEmail,
    CustomerMerge,
    EventKind,
    Status,
    Ticket,
    TicketEvent,
    WalletAddress,
)

pytestmark = pytest.mark.django_db


# customer_get_or_create ----------------------------------------------------


def test_a_new_address_creates_a_customer_with_the_normalised_email():
    customer, created = services.customer_get_or_create(
        email="  Alice@Example.COM ", name="  Alice Chen ", language="zh-hans"
    )

    assert created
    assert (customer.email, customer.name, customer.language) == ("alice@example.com", "Alice Chen", "zh-hans")


def test_an_address_in_odd_case_and_whitespace_finds_the_existing_customer(customer):
    found, created = services.customer_get_or_create(email="  Alice@Example.COM ")

    assert (found, created) == (customer, False)
    assert Customer.objects.count() == 1


def test_an_other_email_finds_its_customer(customer):
    CustomerEmail.objects.create(customer=customer, email="alice.work@example.com")

    found, created = services.customer_get_or_create(email="ALICE.WORK@example.com ")

    assert (found, created) == (customer, False)
    assert services.customer_find_by_email("alice.work@EXAMPLE.com") == customer


@pytest.mark.parametrize("email", ["", "   ", "not-an-address", "alice@", "a b@example.com"])
def test_an_invalid_address_is_refused_and_creates_nothing(email):
    with pytest.raises(ValidationError) as caught:
        services.customer_get_or_create(email=email)

    assert factories.error_codes(caught.value) == {ERROR_INVALID_EMAIL}
    assert not Customer.objects.exists()


# customer_merge ------------------------------------------------------------


@pytest.fixture
def duplicate(db):
    duplicate = factories.CustomerFactory(
        email="alice.old@example.com", name="", phone="+86 138 0000 0000", notes="Called twice.", is_vip=True
    )
    CustomerEmail.objects.create(customer=duplicate, email="alice.older@example.com")
    WalletAddress.objects.create(customer=duplicate, chain="tron", address="TXYZ1", label="main")
    WalletAddress.objects.create(customer=duplicate, chain="eth", address="0xabc")
    return duplicate


def test_a_merge_keeps_the_duplicates_phone_notes_and_wallets_encrypted_and_an_undo_restores_them(
    customer, duplicate, supervisor
):
    merge = services.customer_merge(primary=customer, duplicate=duplicate, actor=supervisor).merges_in.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT duplicate, primary_before, added_wallets FROM tickets_customermerge WHERE id = %s", [merge.pk]
        )
        stored = " ".join(cursor.fetchone())

    assert "138" not in stored and "Called twice" not in stored and "TXYZ1" not in stored
    assert merge.duplicate["phone"] == "+86 138 0000 0000" and ["tron", "TXYZ1"] in merge.added_wallets
    restored = services.customer_merge_undo(merge=merge, actor=supervisor)
    assert Customer.objects.get(pk=restored.pk).phone == "+86 138 0000 0000"


def test_merging_customers_moves_tickets_addresses_and_wallets_and_deletes_the_duplicate(
    customer, duplicate, team, supervisor
):
    WalletAddress.objects.create(customer=customer, chain="eth", address="0xabc")
    kept = factories.ticket(customer=customer, team=team)
    moved = [factories.ticket(customer=duplicate, team=team), factories.ticket(customer=duplicate, team=team)]

    primary = services.customer_merge(primary=customer, duplicate=duplicate, actor=supervisor)

    assert primary.pk == customer.pk
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert set(Ticket.objects.filter(customer=customer).values_list("id", flat=True)) == {
        kept.pk,
        *(t.pk for t in moved),
    }
    assert set(customer.other_emails.values_list("email", flat=True)) == {
        "alice.old@example.com",
        "alice.older@example.com",
    }
    assert sorted(customer.wallet_addresses.values_list("chain", "address")) == [("eth", "0xabc"), ("tron", "TXYZ1")]
    customer.refresh_from_db()
    assert customer.is_vip
    assert customer.phone == "+86 138 0000 0000"
    assert customer.name == "Alice"
    assert customer.notes == "Called twice."


def test_merging_customers_leaves_an_event_on_every_moved_ticket(customer, duplicate, team, supervisor):
    moved = factories.ticket(customer=duplicate, team=team)
    untouched = factories.ticket(customer=customer, team=team)

    services.customer_merge(primary=customer, duplicate=duplicate, actor=supervisor)

    event = TicketEvent.objects.get(kind=EventKind.CUSTOMER_MERGE)
    assert (event.ticket_id, event.actor, event.before, event.after) == (
        moved.pk,
        supervisor,
        "alice.old@example.com",
        "alice@example.com",
    )
    assert not TicketEvent.objects.filter(ticket=untouched, kind=EventKind.CUSTOMER_MERGE).exists()


def test_mail_from_a_merged_address_still_finds_the_kept_customer(customer, duplicate, supervisor):
    services.customer_merge(primary=customer, duplicate=duplicate, actor=supervisor)

    found, created = services.customer_get_or_create(email="Alice.Old@example.com")

    assert (found, created) == (customer, False)


def test_a_merge_never_hands_the_duplicates_portal_login_to_the_kept_customer(customer_user, supervisor):
    """Otherwise merging a victim's record with one holding an attacker's login is an account takeover."""
    email_only = factories.CustomerFactory(email="alice.mail@example.com")
    with_login = factories.CustomerFactory(email="alice2@example.com", user=customer_user)

    services.customer_merge(primary=email_only, duplicate=with_login, actor=supervisor)

    email_only.refresh_from_db()
    assert email_only.user is None


def test_only_a_role_with_merge_customers_merges(customer, duplicate, agent):
    with pytest.raises(PermissionDenied):
        services.customer_merge(primary=customer, duplicate=duplicate, actor=agent)

    assert Customer.objects.filter(pk=duplicate.pk).exists()


def test_a_supervisor_undoes_a_merge_and_the_duplicate_comes_back_as_it_was(
    customer, duplicate, team, supervisor, customer_user
):
    moved = factories.ticket(customer=duplicate, team=team)
    kept = factories.ticket(customer=customer, team=team)
    duplicate_email = duplicate.email
    Customer.objects.filter(pk=duplicate.pk).update(secret_exposed_at=timezone.now(), secret_exposed_channel="email")
    duplicate.refresh_from_db()
    services.customer_merge(primary=customer, duplicate=duplicate, actor=supervisor)
    merge = CustomerMerge.objects.get()
    assert Customer.objects.get(pk=customer.pk).secret_exposed_channel == "email"

    restored = services.customer_merge_undo(merge=merge, actor=factories.supervisor(teams=[team]))

    moved.refresh_from_db()
    kept.refresh_from_db()
    customer.refresh_from_db()
    assert (restored.email, restored.phone, restored.is_vip, restored.notes) == (
        duplicate_email,
        "+86 138 0000 0000",
        True,
        "Called twice.",
    )
    assert set(restored.other_emails.values_list("email", flat=True)) == {"alice.older@example.com"}
    assert sorted(restored.wallet_addresses.values_list("chain", "address")) == [("eth", "0xabc"), ("tron", "TXYZ1")]
    assert (moved.customer, kept.customer) == (restored, customer)
    assert (customer.phone, customer.is_vip, customer.notes) == ("", False, "")
    assert (customer.secret_exposed_at, customer.secret_exposed_channel) == (None, "")
    restored.refresh_from_db()
    assert restored.secret_exposed_channel == "email" and restored.secret_exposed_at is not None
    assert not customer.other_emails.exists()
    assert customer.user == customer_user
    assert list(moved.events.filter(kind=EventKind.CUSTOMER_MERGE).values_list("note", flat=True)) == [
        "",
        "merge undone",
    ]
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_an_agent_cannot_undo_a_merge_and_a_merge_is_undone_once(customer, duplicate, agent, supervisor):
    services.customer_merge(primary=customer, duplicate=duplicate, actor=supervisor)
    merge = CustomerMerge.objects.get()

    with pytest.raises(PermissionDenied):
        services.customer_merge_undo(merge=merge, actor=agent)
    services.customer_merge_undo(merge=merge, actor=supervisor)
    with pytest.raises(ValidationError) as again:
        services.customer_merge_undo(merge=merge, actor=supervisor)

    assert factories.error_codes(again.value) == {services.ERROR_MERGE_UNDONE}
    assert Customer.objects.filter(email="alice.old@example.com").count() == 1


def test_a_customer_is_never_merged_into_itself(customer, supervisor):
    with pytest.raises(ValidationError) as caught:
        services.customer_merge(primary=customer, duplicate=customer, actor=supervisor)

    assert factories.error_codes(caught.value) == {services.ERROR_MERGE_SAME_CUSTOMER}
    assert Customer.objects.filter(pk=customer.pk).exists()


# Portal login, profile and the customer's own requests ---------------------


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
        services.ticket_customer_solve(ticket=customer_ticket, user=intruder)
    with pytest.raises(PermissionDenied):
        services.ticket_customer_reopen(ticket=customer_ticket, user=intruder)
    with pytest.raises(PermissionDenied):
        services.ticket_customer_reply(ticket=customer_ticket, body="hi", via=Channel.PORTAL, user=intruder)


def test_solving_twice_is_a_clear_error(customer_ticket, customer):
    services.ticket_customer_solve(ticket=customer_ticket, user=customer.user)

    with pytest.raises(ValidationError) as error:
        services.ticket_customer_solve(ticket=customer_ticket, user=customer.user)

    assert error.value.code == services.ERROR_ALREADY_SOLVED


def test_an_open_request_cannot_be_reopened(customer_ticket, customer):
    with pytest.raises(ValidationError) as error:
        services.ticket_customer_reopen(ticket=customer_ticket, user=customer.user)

    assert error.value.code == services.ERROR_REOPEN_WINDOW
    customer_ticket.refresh_from_db()
    assert customer_ticket.status == Status.NEW


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("language", "xx", services.ERROR_UNKNOWN_LANGUAGE),
        ("time_zone", "Nowhere/City", services.ERROR_UNKNOWN_TIME_ZONE),
    ],
)
def test_the_profile_refuses_unknown_values_and_saves_nothing(customer, field, value, code):
    values = {"name": "New", "language": "en", "time_zone": "", "notify_on_reply": False, "notify_on_status": False}

    with pytest.raises(ValidationError) as error:
        services.customer_update_profile(customer=customer, **{**values, field: value})

    assert error.value.error_dict[field][0].code == code
    customer.refresh_from_db()
    assert customer.name == "Alice"


def test_a_contact_request_with_an_empty_subject_is_refused():
    with pytest.raises(ValidationError) as error:
        services.contact_request_create(
            email="x@example.com", name="", subject="  ", body="b", category=None, language="en", site_url="/"
        )

    assert "subject" in error.value.error_dict
