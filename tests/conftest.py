import pytest
from django.core.cache import cache

from tests import factories
from tickets import services
from tickets.models import Channel


@pytest.fixture
def team(db):
    return factories.TeamFactory(name="L1 General")


@pytest.fixture
def other_team(db):
    return factories.TeamFactory(name="Security")


@pytest.fixture
def agent(team):
    return factories.agent(teams=[team], username="agent")


@pytest.fixture
def other_agent(other_team):
    return factories.agent(teams=[other_team], username="other_agent")


@pytest.fixture
def supervisor(team):
    return factories.supervisor(teams=[team], username="supervisor")


@pytest.fixture
def manager(db):
    return factories.manager(username="manager")


@pytest.fixture
def administrator(db):
    return factories.administrator(username="administrator")


@pytest.fixture
def customer_user(db):
    return factories.UserFactory(username="alice@example.com", email="alice@example.com")


@pytest.fixture
def customer(customer_user):
    return factories.CustomerFactory(email="alice@example.com", name="Alice", user=customer_user)


@pytest.fixture
def other_customer(db):
    bob = factories.UserFactory(username="bob@example.com", email="bob@example.com")
    return factories.CustomerFactory(email="bob@example.com", name="Bob", user=bob)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits (allauth, the contact form) live in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer_ticket(customer, team):
    """A request Alice sent through the portal, in the queue of the `agent` fixture's team."""
    return services.ticket_create(
        customer=customer, subject="USDT stuck", body="Sent 10 USDT, still pending", channel=Channel.PORTAL,
        actor=customer.user, team=team,
    )  # fmt: skip


@pytest.fixture
def other_ticket(other_customer):
    """A request of Bob's, which Alice must never see."""
    return services.ticket_create(
        customer=other_customer, subject="Bob's secret case", body="Private", channel=Channel.PORTAL,
        actor=other_customer.user,
    )  # fmt: skip
