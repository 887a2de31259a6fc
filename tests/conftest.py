import pytest

from tests import factories


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


@pytest.fixture
def editor(db):
    """Writes and publishes help-centre articles (a supervisor holds knowledge.*)."""
    return factories.supervisor(username="editor")
