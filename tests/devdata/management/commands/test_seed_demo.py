"""`manage.py seed_demo`: the demo data `make run` loads."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from devdata.demo.tickets import DEMO_PASSWORD
from tickets.models import Customer, Status, Team, Ticket

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def seed() -> str:
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


def test_seed_demo_creates_teams_one_account_per_role_and_two_customers_with_tickets():
    output = seed()

    assert set(Team.objects.values_list("name", flat=True)) == {"L1 General", "L2 Technical", "Security"}
    users = get_user_model().objects
    for username, role in [("admin", "Administrator"), ("supervisor", "Supervisor"), ("agent", "Agent")]:
        user = users.get(username=username)
        assert user.is_staff
        assert user.groups.filter(name=role).exists()
        assert user.check_password(DEMO_PASSWORD)
    assert users.get(username="manager").groups.filter(name="Manager").exists()
    for email in ("alice@example.com", "bob@example.com"):
        customer = Customer.objects.get(email=email)
        assert not customer.user.is_staff
        assert customer.tickets.count() >= 3
        assert customer.tickets.values("category").distinct().count() >= 3
    assert Ticket.objects.values("channel").distinct().count() >= 5
    assert Ticket.objects.filter(status=Status.PENDING_CUSTOMER).exists()
    assert Ticket.objects.filter(messages__is_internal=True).exists()
    assert "alice@example.com" in output
    assert DEMO_PASSWORD in output


def test_running_seed_demo_twice_changes_no_row_counts():
    seed()
    after_first = row_counts()

    seed()

    assert row_counts() == after_first


def test_seed_demo_refuses_when_demo_data_is_not_allowed(settings):
    settings.SEED_DEMO_ALLOWED = False

    with pytest.raises(CommandError, match="never in production"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not Ticket.objects.exists()
    assert not get_user_model().objects.filter(username="admin").exists()
