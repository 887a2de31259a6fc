from pathlib import Path

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


MAIL_FIXTURES = Path(__file__).parent / "fixtures" / "mail"


@pytest.fixture
def mail_fixture():
    """Raw bytes of a mail in tests/fixtures/mail/ (optionally with byte replacements)."""

    def load(name: str, replacements: dict[str, str] | None = None) -> bytes:
        raw = (MAIL_FIXTURES / name).read_bytes()
        for old, new in (replacements or {}).items():
            raw = raw.replace(old.encode(), new.encode())
        return raw

    return load
